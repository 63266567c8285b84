/**
 * Every admin and portal page in a real browser at 390×844 (a phone) and 1280×800: no sideways scrolling on
 * the phone, no serious or critical axe-core violations, every section of the admin one tap away, tap
 * targets of at least 44 px, and a screenshot of each under test-output/screens/. One browser, one page per
 * face, reused.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { seedActiveUsers, addTrafficAndPoll } from '../admin/scenario';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';
import { formatters } from '../../src/web/admin/pages/common';
import { startRouter } from '../sites/helpers';
import {
  axeProblems,
  DESKTOP,
  MAIN_TARGETS,
  PHONE,
  PHONE_TARGETS,
  screenshot,
  sidewaysOverflow,
  smallTargets,
} from './page-checks';

const NAV = ['Dashboard', 'Vouchers', 'Profiles', 'Bandwidth', 'Users', 'Reports', 'Settings', 'Audit'];

// Each test opens several pages at two widths and runs axe-core on each: seconds a page on a busy 2-core machine.
jest.setTimeout(120_000);

let h: Harness;
let browser: Browser;
let admin: BrowserContext;
let adminPage: Page;
let devices: { code: string; mac: string; ip: string }[];
let batchId: number;
let vendoId: string;
const pageErrors: string[] = [];

/** The phone status pages of three customers: one online, one whose voucher expired, one revoked. */
const customers: Record<'active' | 'expired' | 'revoked', { mac: string; ip: string; cookie: string }> =
  {} as never;

async function customer(n: number, profile: string) {
  const d = addDevice(h, n);
  const [code] = await makeVouchers(h, profile, 1);
  const r = await redeemApi(h, { code, mac: d.mac, ip: d.ip });
  expect(r.status).toBe(200);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('pisonet_device='))!;
  return { code, ...d, cookie: cookie.split(';')[0].split('=').slice(1).join('=') };
}

beforeAll(async () => {
  h = await createHarness({ http: true });
  // Two customers whose vouchers ended (one revoked, one past its hour), then the shop's live customers.
  const expired = await customer(21, 'BASIC');
  const revoked = await customer(22, 'BASIC');
  await h.core!.services.vouchers.revoke(revoked.code, SYSTEM);
  h.clock.advance(2 * 3600 * 1000);
  h.sim.tick(2 * 3600);
  await h.core!.services.usage.runCycle();
  devices = await seedActiveUsers(h, 3);
  await addTrafficAndPoll(h, devices);
  const batch = await h.core!.services.vouchers.generate(
    { profile: 'BASIC', count: 6, note: 'counter' },
    SYSTEM,
  );
  batchId = batch.batchId;
  // A coin box, so the vendo pages and the portal's "Insert coins" section are checked too.
  const { vendo } = await h.core!.services.vendos.create(
    {
      name: 'Front box',
      location: 'By the counter',
      profile: 'BASIC',
      rates: [
        { amount: 1, validity: '10m' },
        { amount: 5, validity: '1h' },
      ],
    },
    SYSTEM,
  );
  vendoId = vendo.id;
  const active = await customer(23, 'STANDARD');
  Object.assign(customers, { active, expired, revoked });

  browser = await launchChromium();
  admin = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Asia/Manila' });
  adminPage = await admin.newPage();
  adminPage.on('pageerror', (e) => pageErrors.push(e.message));
  await loginAdmin(adminPage, h.app!.url);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Loads `url` at both widths and runs every check; `extra` runs in between at each width. */
async function checkPage(page: Page, name: string, url: string, extra?: (wide: boolean) => Promise<void>) {
  const problems: string[] = [];
  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.goto(h.app!.url + url);
    const wide = label === 'desktop';
    if (!wide) {
      const over = await sidewaysOverflow(page);
      if (over > 0) problems.push(`${label}: the page scrolls sideways by ${over}px`);
    }
    for (const p of await smallTargets(page, wide ? MAIN_TARGETS : PHONE_TARGETS))
      problems.push(`${label}: tap target under 44px: ${p}`);
    for (const p of await axeProblems(page)) problems.push(`${label}: ${p}`);
    if (extra) await extra(wide);
    await screenshot(page, `${name}-${label}`);
  }
  expect(problems).toEqual([]);
}

/** Every section is visible at once (wide) or after one tap on Menu (phone). */
async function navReachable(page: Page, wide: boolean) {
  const links = page.locator('.mainnav a');
  if (!wide) {
    await expect(links.first().isVisible()).resolves.toBe(false);
    await page.click('.menu-button');
  }
  const labels = await links.allTextContents();
  expect(labels).toEqual(expect.arrayContaining(NAV)); // and any section added since
  for (let i = 0; i < labels.length; i++) {
    const box = (await links.nth(i).boundingBox())!;
    expect(await links.nth(i).isVisible()).toBe(true);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  }
  if (!wide) {
    expect(await axeProblems(page)).toEqual([]); // the opened menu too
    await screenshot(page, 'menu-open-phone');
    await page.keyboard.press('Escape');
    await expect(links.first().isVisible()).resolves.toBe(false);
  }
}

describe('admin pages at 390 and 1280 px', () => {
  const code = () => devices[0].code;
  test('dashboard, with every section one tap away', async () => {
    await checkPage(adminPage, 'dashboard', '/admin', (wide) => navReachable(adminPage, wide));
  });
  test('vouchers: list, batch, detail', async () => {
    await checkPage(adminPage, 'vouchers', '/admin/vouchers');
    await checkPage(adminPage, 'voucher-batch', `/admin/vouchers/batches/${batchId}`);
    await checkPage(adminPage, 'voucher-detail', `/admin/vouchers/${code()}`);
    await checkPage(adminPage, 'voucher-revoked', `/admin/vouchers?status=revoked`);
  });
  test('users and a device', async () => {
    await checkPage(adminPage, 'users', '/admin/users');
    await checkPage(adminPage, 'device', `/admin/users/device/${encodeURIComponent(devices[0].mac)}`);
  });
  test('bandwidth, its limit dialog and page, the router queues', async () => {
    adminPage.setDefaultTimeout(8000);
    await checkPage(adminPage, 'bandwidth', '/admin/bandwidth', async (wide) => {
      await adminPage.waitForSelector('#bw-live:not([hidden])');
      await adminPage.locator(`tr[data-mac="${devices[0].mac}"] [data-action=set-limit]`).click();
      await adminPage.locator('#limit-dialog[open]').waitFor();
      expect(await axeProblems(adminPage)).toEqual([]);
      expect(await smallTargets(adminPage, wide ? MAIN_TARGETS : PHONE_TARGETS)).toEqual([]);
      const box = (await adminPage.locator('#limit-dialog').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(adminPage.viewportSize()!.width);
      await screenshot(adminPage, `bandwidth-dialog-${wide ? 'desktop' : 'phone'}`);
      await adminPage.click('#limit-dialog [data-role=cancel]');
    });
    await checkPage(
      adminPage,
      'bandwidth-limit',
      `/admin/bandwidth/limit?mac=${encodeURIComponent(devices[1].mac)}`,
    );
    await checkPage(adminPage, 'bandwidth-queues', '/admin/bandwidth?tab=queues');
  });
  test('profiles: list and form', async () => {
    await checkPage(adminPage, 'profiles', '/admin/profiles');
    await checkPage(adminPage, 'profile-new', '/admin/profiles/new');
    await checkPage(adminPage, 'profile-edit', '/admin/profiles/STANDARD/edit');
  });
  test('reports, audit, settings', async () => {
    await checkPage(adminPage, 'reports', '/admin/reports');
    await checkPage(adminPage, 'audit', '/admin/audit');
    await checkPage(adminPage, 'settings', '/admin/settings');
  });
  test('a sum in a dashboard tile stays on one line on a phone, inside its tile', async () => {
    await adminPage.setViewportSize(PHONE);
    await adminPage.goto(`${h.app!.url}/admin`);
    // The money tiles with a sum longer than the one reported broken (₱1,090.00), measured line by line.
    type Box = { top: number; left: number; right: number };
    type Node = { textContent: string; closest(s: string): { getBoundingClientRect(): Box } };
    type Doc = {
      querySelector(s: string): Node;
      createRange(): {
        selectNodeContents(n: Node): void;
        getBoundingClientRect(): Box;
        getClientRects(): Box[];
      };
    };
    const tiles = await adminPage.evaluate(() => {
      const doc = (globalThis as unknown as { document: Doc }).document;
      return ['today', 'month', 'stock'].map((name) => {
        const value = doc.querySelector(`[data-tile="${name}"]`);
        value.textContent = '₱10,090.00';
        const range = doc.createRange();
        range.selectNodeContents(value);
        const tile = value.closest('.tile').getBoundingClientRect();
        const text = range.getBoundingClientRect();
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        return { name, lines, inside: text.left >= tile.left && text.right <= tile.right };
      });
    });
    expect(tiles).toEqual(['today', 'month', 'stock'].map((name) => ({ name, lines: 1, inside: true })));
    expect(await sidewaysOverflow(adminPage)).toBe(0);
  });
  test('settings on a phone: a list of its sections at the top, and "Back to top" at the end of each', async () => {
    await adminPage.setViewportSize(PHONE);
    await adminPage.goto(`${h.app!.url}/admin/settings`);
    const targets = await adminPage
      .locator('[data-testid=settings-sections] a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const sections = await adminPage.locator('section.card').evaluateAll((all) => all.map((x) => `#${x.id}`));
    expect(targets).toEqual(sections);
    // Every section ends with a way back up, a tap target like the others.
    const ends = await adminPage
      .locator('section.card')
      .evaluateAll((all) =>
        all.map((x) => x.querySelector(':scope > .to-top:last-child a')?.getAttribute('href')),
      );
    expect(ends).toEqual(sections.map(() => '#top'));
    expect(await smallTargets(adminPage, '.to-top a, .section-nav a')).toEqual([]);
    const scrollY = () => adminPage.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
    await adminPage.locator('#password .to-top a').click();
    await adminPage.waitForFunction(() => (globalThis as unknown as { scrollY: number }).scrollY < 200);
    await expect(adminPage.locator('[data-testid=settings-sections]').isVisible()).resolves.toBe(true);
    await adminPage.locator('[data-testid=settings-sections] a[href="#backups"]').click();
    expect(await scrollY()).toBeGreaterThan(2000);
  });
  test('coin vendos', async () => {
    await checkPage(adminPage, 'vendos', '/admin/vendos');
    await checkPage(adminPage, 'vendo-detail', `/admin/vendos/${encodeURIComponent(vendoId)}`);
  });
  test('sites: one router online, one refusing the connection, and the edit page', async () => {
    const other = await startRouter({ identity: 'Branch-2', devices: 1 });
    const sites = h.core!.services.sites;
    try {
      await sites.add({ name: 'branch-2', host: '127.0.0.1', port: other.port, user: 'pisonet' }, SYSTEM);
      await sites.add({ name: 'warehouse', host: '127.0.0.1', port: 1, user: 'api', password: 'x' }, SYSTEM);
      while (!(await sites.get('branch-2')).status.connected) await new Promise((r) => setTimeout(r, 50));
      await h.core!.siteMonitor!.refreshAll();
      for (
        let i = 0;
        i < 100 && !(await sites.get('warehouse')).status.error?.code.startsWith('ROUTER_');
        i++
      )
        await new Promise((r) => setTimeout(r, 50));
      await checkPage(adminPage, 'sites', '/admin/sites');
      await checkPage(adminPage, 'site-edit', '/admin/sites/warehouse');
    } finally {
      for (const name of ['branch-2', 'warehouse']) await sites.remove(name, SYSTEM).catch(() => undefined);
      await other.sim.stop();
    }
  });
  test('the print sheets (A4 and thermal) and one card', async () => {
    await checkPage(adminPage, 'sheet-a4', `/admin/vouchers/batches/${batchId}/print`);
    await checkPage(adminPage, 'sheet-58mm', `/admin/vouchers/batches/${batchId}/print?format=thermal58`);
    await checkPage(adminPage, 'card-one', `/admin/vouchers/${devices[0].code}/print?format=thermal80`);
  });
  test('a page that does not exist keeps the admin around it', async () => {
    await checkPage(adminPage, 'admin-404', '/admin/no-such-page', async (wide) => {
      await expect(adminPage.locator('[data-testid=admin-error] h1').textContent()).resolves.toBe(
        'Not found',
      );
      await navReachable(adminPage, wide);
      await adminPage.click('text=Back to the dashboard');
      await adminPage.waitForURL(/\/admin$/);
    });
  });
  test('bandwidth rows keep their places between refreshes; "Sort by speed now" puts the busiest first', async () => {
    await adminPage.setViewportSize(PHONE);
    await adminPage.goto(`${h.app!.url}/admin/bandwidth`);
    await adminPage.waitForSelector('#bw-live:not([hidden])');
    const order = () =>
      adminPage.locator('#bw-body tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mac')));
    const before = await order();
    expect(before.length).toBeGreaterThan(2);
    const last = before[before.length - 1]!;
    const rateCell = adminPage.locator(`tr[data-mac="${last}"] [data-col=rateOut]`);
    const rateBefore = await rateCell.textContent();
    // The last row's device starts a big download: it is the busiest now.
    h.sim.addTraffic(last, { up: 5_000_000, down: 300_000_000 }, 30);
    h.clock.advance(30_000);
    h.sim.tick(30);
    await h.core!.services.usage.runCycle();
    await adminPage.evaluate(() =>
      (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document.dispatchEvent(
        new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('visibilitychange'),
      ),
    ); // the page refreshes when it becomes visible, as after the 10-second timer
    await adminPage.waitForFunction(
      ({ sel, prev }) =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }
        ).document.querySelector(sel).textContent !== prev,
      { sel: `tr[data-mac="${last}"] [data-col=rateOut]`, prev: rateBefore },
    );
    expect(await order()).toEqual(before); // refreshed, and nothing moved under the finger
    await expect(adminPage.locator('#bw-updated').textContent()).resolves.toMatch(
      /^\d{1,2}:\d\d:\d\d [AP]M$/,
    );
    await adminPage.click('#bw-resort');
    expect((await order())[0]).toBe(last);
  });

  test('scripts format times exactly as the server does; a browser in another zone is told', async () => {
    await adminPage.goto(`${h.app!.url}/admin/settings`);
    const samples = [
      Date.UTC(2026, 10, 21, 23, 44, 35),
      Date.UTC(2026, 10, 22, 4, 0, 0),
      Date.UTC(2027, 0, 1, 15, 59, 59),
    ];
    const inPage = await adminPage.evaluate(
      (ms) =>
        ms.map((m) => {
          const t = (globalThis as unknown as { PisoTime: { format(ms: number, n: string): string } })
            .PisoTime;
          return [t.format(m, 'short'), t.format(m, 'full'), t.format(m, 'clock')];
        }),
      samples,
    );
    const fmt = formatters('Asia/Manila');
    expect(inPage).toEqual(samples.map((m) => [fmt.time(m), fmt.fullTime(m), fmt.clock(m)]));
    // Same zone as the shop: no warning. A browser in London: the warning names both zones.
    await expect(adminPage.locator('[data-tz-check]').isVisible()).resolves.toBe(false);
    const london = await browser.newContext({ timezoneId: 'Europe/London' });
    try {
      await london.addCookies(await admin.cookies());
      const page = await london.newPage();
      await page.goto(`${h.app!.url}/admin/settings`);
      await expect(page.locator('[data-tz-check]').textContent()).resolves.toMatch(
        /This browser's time zone is Europe\/London, the shop's is Asia\/Manila/,
      );
      await page.goto(`${h.app!.url}/admin`);
      await expect(page.locator('[data-tz-check]').isVisible()).resolves.toBe(true);
    } finally {
      await london.close();
    }
  });

  test('without JavaScript the menu still opens on a phone and stands open when wide', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    try {
      await noJs.addCookies(await admin.cookies());
      const page = await noJs.newPage();
      page.setDefaultTimeout(5000);
      await page.goto(`${h.app!.url}/admin/vouchers`);
      const links = page.locator('.mainnav a');
      await expect(links.first().isVisible()).resolves.toBe(false);
      await page.click('.menu-button'); // a <details>: the browser opens it, no script needed
      for (const label of NAV)
        await expect(links.getByText(label, { exact: true }).isVisible()).resolves.toBe(true);
      await page.setViewportSize(DESKTOP);
      await page.goto(`${h.app!.url}/admin/vouchers`);
      await expect(page.locator('.menu-button').isVisible()).resolves.toBe(false);
      for (const label of NAV)
        await expect(links.getByText(label, { exact: true }).isVisible()).resolves.toBe(true);
    } finally {
      await noJs.close();
    }
  });

  test('the login page', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    try {
      await checkPage(page, 'login', '/admin/login');
    } finally {
      await ctx.close();
    }
  });
  test('no script errors on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('portal pages at 390 and 1280 px', () => {
  let ctx: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ctx = await browser.newContext({ isMobile: false });
    page = await ctx.newPage();
  });
  afterAll(async () => {
    await ctx.close();
  });
  const statusUrl = (c: { mac: string }) => `/portal/status?mac=${encodeURIComponent(c.mac)}`;
  async function asCustomer(c: { cookie: string }) {
    await ctx.clearCookies();
    await ctx.addCookies([{ name: 'pisonet_device', value: c.cookie, url: h.app!.url }]);
  }

  test('landing: the code form and what can be bought', async () => {
    const d = addDevice(h, 30);
    await checkPage(page, 'portal-landing', `/portal?mac=${d.mac}&ip=${d.ip}`, async () => {
      const plans = await page.locator('.plan .plan-name').allTextContents();
      expect(plans.length).toBeGreaterThan(1);
      await expect(page.locator('.plan').first().textContent()).resolves.toMatch(
        /₱[\d.]+[\s\S]*↓ [\d.]+ [kMG]bps \/ ↑/,
      );
    });
  });
  test('status of an active voucher', async () => {
    await asCustomer(customers.active);
    await checkPage(page, 'portal-status-active', statusUrl(customers.active), async () => {
      await expect(page.locator('h1').textContent()).resolves.toBe('You are connected');
    });
  });
  test('the time left counts down each second and fresh figures arrive without a reload', async () => {
    await asCustomer(customers.active);
    await page.setViewportSize(PHONE);
    await page.clock.install(); // the page's timers run on a clock the test moves
    await page.goto(h.app!.url + statusUrl(customers.active));
    // The installed clock still flows with real time until paused; a loaded box may take seconds between two
    // steps, so the page's clock is stopped 10 s ahead (before its first 30 s fetch) and moved by hand from there.
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(pageNow + 10_000);
    try {
      const left = Number(await page.locator('#time-left').getAttribute('data-countdown'));
      expect(left).toBeGreaterThan(60);
      const clockText = (s: number) => {
        const [hh, mm, ss] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
        return hh
          ? `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`
          : `${mm}:${String(ss).padStart(2, '0')}`;
      };
      const shown = await page.locator('#time-left').textContent();
      const shownSeconds = [9, 10, 11, 12, 13].map((gone) => left - gone).find((s) => clockText(s) === shown);
      expect(shownSeconds).toBeDefined(); // the server's figure, counted down by the 10 s the clock moved
      await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
      await page.clock.runFor(5000);
      await expect(page.locator('#time-left').textContent()).resolves.toBe(clockText(shownSeconds! - 5));
      // The customer downloads; the next fetch (every 30 s) brings the new figure into the same document.
      const before = await page.locator('#data-used').textContent();
      h.sim.addTraffic(customers.active.mac, { up: 1_000_000, down: 40_000_000 }, 30);
      h.sim.tick(30);
      await h.core!.services.usage.runCycle();
      await page.clock.runFor(30000);
      await page.waitForFunction(
        (prev) =>
          (
            globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }
          ).document.querySelector('#data-used').textContent !== prev,
        before,
      );
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(7);
      await expect(page.locator('#status-note').isVisible()).resolves.toBe(true);
      // No meta refresh; a plain Refresh link for browsers without JavaScript.
      expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(0);
      await expect(page.locator('#status-refresh').getAttribute('href')).resolves.toContain(
        '/portal/status?mac=',
      );
    } finally {
      await page.clock.resume(); // the next tests share this page
    }
  });
  test('status of an expired voucher says so', async () => {
    await asCustomer(customers.expired);
    await checkPage(page, 'portal-status-expired', statusUrl(customers.expired), async () => {
      await expect(page.locator('h1').textContent()).resolves.toBe('Your voucher has expired');
    });
  });
  test('status of a revoked voucher says so', async () => {
    await asCustomer(customers.revoked);
    await checkPage(page, 'portal-status-revoked', statusUrl(customers.revoked), async () => {
      await expect(page.locator('h1').textContent()).resolves.toBe('Your voucher was cancelled by the shop');
    });
  });
});
