import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, waitMovingClock } from '../helpers/browser';
import { queueNameForMac } from '../../src/domain/queues';
import { seedActiveUsers, addTrafficAndPoll } from './scenario';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

/** The bit of the browser's globals the page functions use (the test compiles without the DOM lib). */
type BrowserGlobals = { document: { querySelector(sel: string): { textContent: string | null } | null } };

const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;
let devices: { code: string; mac: string; ip: string }[];
const pageErrors: string[] = [];

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const maxLimit = (mac: string) =>
  h.sim.rows('/queue/simple').find((q) => q.name === queueNameForMac(mac))?.['max-limit'];

async function shoot(name: string, url: string): Promise<void> {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(h.app!.url + url);
    const file = path.join(SHOTS, `${name}-${label}.png`);
    await saveScreenshot(page, { path: file, fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

beforeAll(async () => {
  h = await createHarness({ http: true });
  devices = await seedActiveUsers(h, 4);
  await addTrafficAndPoll(h, devices);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // The limit dialog lets the server judge a typed speed: its 400 for "fast" is the expected answer.
    if (m.type() === 'error' && !/favicon|\/admin\/api\/set-bandwidth/.test(m.location().url))
      pageErrors.push(`${m.text()} (${m.location().url})`);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('log in through the form', async () => {
  await page.goto(`${h.app!.url}/admin/bandwidth`);
  expect(page.url()).toContain('/admin/login?next=');
  await page.fill('#username', 'admin');
  await page.fill('#password', 'correct horse battery');
  await Promise.all([page.waitForURL(/\/admin\/bandwidth$/), page.click('button[type=submit]')]);
  await expect(page.locator('h1').textContent()).resolves.toBe('Bandwidth control');
});

test('generate a batch and open its print sheet', async () => {
  await page.goto(`${h.app!.url}/admin/vouchers`);
  await page.selectOption('#f-profile', 'BASIC');
  await page.fill('#f-count', '12');
  await page.fill('#f-note', 'browser test');
  await Promise.all([
    page.waitForURL(/\/admin\/vouchers\/batches\/\d+$/),
    page.click('#generate button[type=submit]'),
  ]);
  await expect(page.locator('.flash-ok').textContent()).resolves.toContain('12 BASIC voucher(s) created');
  const batchUrl = page.url();
  await Promise.all([page.waitForURL(/\/print\?format=a4$/), page.click('[data-testid=print-a4]')]);
  const sheet = await page.content();
  const { vouchers } = await h.core!.services.vouchers.batch(Number(batchUrl.split('/').pop()));
  expect(vouchers).toHaveLength(12);
  const compact = sheet.replace(/[\s-]/g, '');
  for (const v of vouchers) expect(compact).toContain(v.code);
  await shoot('print-sheet', new URL(page.url()).pathname + '?format=a4');
  await shoot('vouchers', '/admin/vouchers');
  await shoot('batch', new URL(batchUrl).pathname);
});

test('bandwidth: set a limit in the dialog, remove it (unlimited), back to plan; the router queue follows', async () => {
  const mac = devices[0].mac;
  await page.goto(`${h.app!.url}/admin/bandwidth`);
  await page.waitForSelector('#bw-live:not([hidden])');
  const row = page.locator(`tr[data-mac="${mac}"]`);
  await row.locator('[data-action=set-limit]').click();
  await expect(
    page.locator('#limit-dialog').evaluate((d) => (d as unknown as { open: boolean }).open),
  ).resolves.toBe(true);
  // A bad speed is refused by the server's own rate grammar, under its field; nothing changes.
  await page.fill('#dlg-down', 'fast');
  await page.fill('#dlg-up', '256K');
  await page.click('#limit-form button[type=submit]');
  // The message arrives with the server's answer: wait for it rather than read the field before it lands.
  await page.locator('[data-error=down]', { hasText: '512K' }).waitFor();
  // The refused field is marked and has the focus, its message tied to it for a screen reader.
  await expect(page.locator('#dlg-down').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(
    page
      .locator('#dlg-down')
      .evaluate(
        (el) =>
          el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
      ),
  ).resolves.toBe(true);
  await expect(page.locator('#dlg-down').getAttribute('aria-describedby')).resolves.toBe('dlg-down-err');
  expect(maxLimit(mac)).toBe('1000000/2000000');
  await page.fill('#dlg-down', '768K');
  await page.click('#limit-form button[type=submit]');
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '256000/768000',
    ),
  ).toBe('256000/768000');
  // The table re-renders at once with the override and its Remove button; no navigation happened.
  await row.locator('.src-override').waitFor();
  await expect(row.locator('[data-col=maxLimit]').textContent()).resolves.toContain(
    '768 kbps ↓ / 256 kbps ↑',
  );
  await shoot('bandwidth-override', '/admin/bandwidth');

  // Preset from a profile.
  await row.locator('[data-action=set-limit]').click();
  await page.selectOption('#dlg-preset', 'PREMIUM');
  await expect(page.locator('[data-role=custom]').isHidden()).resolves.toBe(true);
  const dialogShot = path.join(SHOTS, 'bandwidth-set-limit-desktop.png');
  await saveScreenshot(page, { path: dialogShot });
  await page.click('#limit-form button[type=submit]');
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '5000000/10000000',
    ),
  ).toBe('5000000/10000000');

  // "No limit" asks first, saying the device gets no speed limit: dismissing keeps the limit, accepting lifts it.
  const questions: string[] = [];
  page.once('dialog', (d) => {
    questions.push(d.message());
    void d.dismiss();
  });
  await row.locator('[data-action=remove-limit]').click();
  await new Promise((r) => setTimeout(r, 300));
  expect(maxLimit(mac)).toBe('5000000/10000000');
  expect(questions[0]).toContain(`Lift the speed limit for ${mac}? The device gets no speed limit`);
  await expect(row.locator('[data-action=remove-limit]').textContent()).resolves.toBe('No limit');
  page.once('dialog', (d) => void d.accept());
  await row.locator('[data-action=remove-limit]').click();
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '0/0',
    ),
  ).toBe('0/0');
  // The row is redrawn from the next refresh: wait for it (the Back-to-plan button was there already).
  await row.locator('[data-col=maxLimit]', { hasText: 'unlimited' }).waitFor();
  await row.locator('[data-action=reset-limit]').waitFor();

  // Back to plan names the profile's speeds.
  page.once('dialog', (d) => {
    questions.push(d.message());
    void d.accept();
  });
  await row.locator('[data-action=reset-limit]').click();
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '1000000/2000000',
    ),
  ).toBe('1000000/2000000');
  expect(questions[1]).toBe(`Put ${mac} back to its plan speed? STANDARD: 2 Mbps ↓ / 1 Mbps ↑.`);
  await row.locator('.src-profile').waitFor();

  // The dialog takes "2 Mbps" and "unlimited" as typed.
  await row.locator('[data-action=set-limit]').click();
  await page.fill('#dlg-down', 'unlimited');
  await page.fill('#dlg-up', '2 Mbps');
  await page.click('#limit-form button[type=submit]');
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '2000000/0',
    ),
  ).toBe('2000000/0');
  page.once('dialog', (d) => void d.accept());
  await row.locator('[data-action=reset-limit]').click();
  expect(
    await waitFor(
      () => maxLimit(mac),
      (v) => v === '1000000/2000000',
    ),
  ).toBe('1000000/2000000');
  const audit = (await h.core!.services.audit.list({ limit: 10 })).entries.map((e) => e.action);
  expect(audit.some((a) => /limit|bandwidth/.test(a))).toBe(true);
});

test('the bandwidth table refreshes itself every 10 seconds', async () => {
  const mac = devices[1].mac;
  // The page's timers on Playwright's clock, so its 10-second wait is moved on rather than sat out.
  await page.clock.install();
  await page.goto(`${h.app!.url}/admin/bandwidth`);
  await page.waitForSelector('#bw-live:not([hidden])');
  await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
  const cell = `tr[data-mac="${mac}"] [data-col=bytesOut]`;
  const before = await page.locator(cell).textContent();
  await addTrafficAndPoll(h, [devices[1]], { up: 1_000_000, down: 6_000_000 }, 30);
  const users = await h.core!.services.bandwidth.users();
  const expected = users.find((u) => u.mac === mac)!.bytesOut;
  expect(expected).toBeGreaterThan(0);
  // No navigation, no click: the page's own 10-second refresh has to bring the new figure.
  // The page asks again 10 s after its last answer came: a refresh already in flight when the poll wrote (it
  // read before) puts the next one two of those away.
  await waitMovingClock(page, 10_000, (timeout) =>
    page.waitForFunction(
      ({ sel, prev }) =>
        (globalThis as unknown as BrowserGlobals).document.querySelector(sel)?.textContent !== prev,
      { sel: cell, prev: before },
      { timeout, polling: 50 },
    ),
  );
  const after = await page.locator(cell).textContent();
  expect(after).toBe(`${(expected / 1e6).toFixed(1)} MB`);
  expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42); // same document: no reload
  await shoot('bandwidth', '/admin/bandwidth');
}, 60000);

test('profile form checks as you type; the logo is read in the browser and saved', async () => {
  await page.goto(`${h.app!.url}/admin/profiles/new`);
  await page.fill('#f-rate_down', '2Q');
  await expect(page.locator('#f-rate_down-err').textContent()).resolves.toContain('512K');
  await page.fill('#f-rate_down', '2M');
  await expect(page.locator('#f-rate_down-err').isHidden()).resolves.toBe(true);

  await page.goto(`${h.app!.url}/admin/settings`);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(32),
  ]);
  await page.setInputFiles('#logo-file', { name: 'logo.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as { document: { querySelector(s: string): { value: string } } }
      ).document.querySelector('#logo-data').value !== '',
  );
  await Promise.all([page.waitForURL(/\/admin\/settings$/), page.click('#logo-form button[type=submit]')]);
  await expect(page.locator('.flash-ok').textContent()).resolves.toContain('Logo saved');
  expect(await h.core!.services.settings.get('shop.logo', '')).toBe(
    `data:image/png;base64,${png.toString('base64')}`,
  );
  await page.locator('img.logo-preview').waitFor();
});

test('dashboard screenshots; no script errors on any page', async () => {
  await shoot('dashboard', '/admin');
  for (const p of [
    '/admin/profiles/new',
    '/admin/users',
    '/admin/reports',
    '/admin/settings',
    '/admin/audit',
  ])
    await page.goto(h.app!.url + p);
  expect(pageErrors).toEqual([]);
});
