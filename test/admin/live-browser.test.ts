/**
 * The live dashboard in headless Chromium: opened once, then a customer buys and logs in through the portal
 * API; the feed shows the sale and the login and the tiles change, without a reload. Then the router stops:
 * the banner appears at the top and the figures say "last seen"; back, and the banner goes. Screenshots at
 * 390 px and 1280 px go to test-output/screenshots/live-*.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin, waitMovingClock } from '../helpers/browser';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
/** What the page functions use of the browser's globals (the tests compile without the DOM lib). */
type Doc = { document: { querySelector(sel: string): { textContent: string | null } | null } };

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const tile = (name: string) => page.locator(`[data-tile="${name}"]`).textContent();

/** Waits, moving the page's clock to its next poll meanwhile: the dashboard asks every 4 s, the banner every 5 s. */
const withPolls = (wait: (timeout: number) => Promise<unknown>) => waitMovingClock(page, 5_000, wait);

async function shoot(name: string): Promise<void> {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    const file = path.join(SHOTS, `live-${name}-${label}.png`);
    await saveScreenshot(page, { path: file, fullPage: label === 'desktop' });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  await page.clock.install();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url))
      pageErrors.push(`${m.text()} (${m.location().url})`);
  });
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('a sale and a login appear in the feed and the tiles without a reload', async () => {
  await page.goto(`${h.app!.url}/admin`);
  expect(await tile('online')).toBe('0');
  expect(await tile('today')).toBe('₱0.00');
  expect(await page.locator('#activity-feed li').count()).toBe(0);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  const d = addDevice(h, 1);
  // A mark on the loaded page: a reload or another navigation would lose it.
  await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));

  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  // The poll that follows (every 30 s in the shop) refreshes who is online; the feed does not wait for it.
  void h.core!.services.usage.runCycle();

  const sale = page.locator('#activity-feed li[data-kind="sale"]');
  const login = page.locator('#activity-feed li[data-kind="login"]');
  await withPolls((timeout) => sale.waitFor({ timeout }));
  await withPolls((timeout) => login.waitFor({ timeout }));
  expect(await sale.textContent()).toContain(
    `${code} Sold: STANDARD voucher, ₱10.00, first used by ${d.mac}`,
  );
  expect(await login.textContent()).toContain(`${d.mac} (${d.ip}) online on STANDARD via the portal`);
  expect(await sale.locator('.feed-tag').textContent()).toBe('Sale');
  // The newest on top: the login was written after the sale.
  expect(await page.locator('#activity-feed li').first().getAttribute('data-kind')).toBe('login');
  await withPolls((timeout) =>
    page.waitForFunction(
      () =>
        (globalThis as unknown as Doc).document.querySelector('[data-tile="today"]')?.textContent ===
        '₱10.00',
      null,
      { timeout },
    ),
  );
  await withPolls((timeout) =>
    page.waitForFunction(
      () =>
        (globalThis as unknown as Doc).document.querySelector('[data-tile="online"]')?.textContent === '1',
      null,
      { timeout },
    ),
  );
  expect(await tile('month')).toBe('₱10.00');
  expect(await page.locator('#feed-new').textContent()).toBe('2 new events since you opened the page');
  expect(await page.locator('#feed-new').getAttribute('aria-live')).toBe('polite');
  expect(await page.locator('#activity-feed').getAttribute('aria-live')).toBeNull();
  // Never reloaded: the page loaded before the sale is the page still open.
  expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(
    true,
  );
  await shoot('dashboard');
  expect(pageErrors).toEqual([]);
}, 40_000);

test.each([
  ["with the browser's scroll anchoring", false],
  ['without it (as Safari)', true],
])(
  'new rows do not move what the owner is reading below the feed, %s',
  async (_label, noAnchoring) => {
    await h.core!.db('events').delete(); // a short feed, so that new rows make it taller
    await page.setViewportSize({ width: 1280, height: 500 });
    await page.goto(`${h.app!.url}/admin`);
    if (noAnchoring) await page.addStyleTag({ content: '* { overflow-anchor: none !important; }' });
    type Box = { getBoundingClientRect(): { top: number } };
    type Win = {
      scrollY: number;
      scrollTo(x: number, y: number): void;
      document: { querySelector(s: string): Box | null };
    };
    const chartsTop = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as Win).document
            .querySelector('.grid-feed + .grid-2')!
            .getBoundingClientRect().top,
      );
    // Reading the charts, below the feed: the feed's top is above the screen.
    await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.scrollTo(
        0,
        w.document.querySelector('.grid-feed + .grid-2')!.getBoundingClientRect().top + w.scrollY - 40,
      );
    });
    const before = await chartsTop();
    expect(Math.round(before)).toBe(40);
    const rows = await page.locator('#activity-feed li').count();
    // Enough new rows to make the feed taller than the router card beside it.
    const d = addDevice(h, noAnchoring ? 3 : 2);
    const [code] = await makeVouchers(h, 'STANDARD', 1);
    expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
    await h.core!.services.usage.runCycle();
    const actor = { name: 'maria', via: 'admin' as const };
    for (let i = 0; i < 4; i++) {
      await h.core!.services.bandwidth.setLimit(d.mac, 512_000, 1_000_000, actor);
      await h.core!.services.bandwidth.resetLimit(d.mac, actor);
    }
    await withPolls((timeout) =>
      page
        .locator('#activity-feed li')
        .nth(rows + 9)
        .waitFor({ timeout }),
    );
    expect(Math.abs((await chartsTop()) - before)).toBeLessThanOrEqual(1);
    await page.setViewportSize(VIEWPORTS.desktop);
  },
  40_000,
);

test('the router stops: the banner and "last seen" appear without a reload, and go when it is back', async () => {
  await page.goto(`${h.app!.url}/admin`);
  expect(await page.locator('#router-banners .router-banner').count()).toBe(0);
  await h.core!.services.usage.runCycle();

  h.sim.setReachable(false);
  await h.core!.services.usage.runCycle();
  const banner = page.locator('#router-banners .router-banner[data-code^="ROUTER_"]');
  await withPolls((timeout) => banner.waitFor({ timeout }));
  expect(await banner.getAttribute('role')).toBe('alert');
  expect(await banner.textContent()).toContain('Check that the router is on');
  await withPolls((timeout) => page.locator('#dash-state[data-connected="false"]').waitFor({ timeout }));
  expect(await page.locator('#dash-state').textContent()).toBe('Router away · last seen 12:00 PM');
  expect(await tile('online-note')).toBe('last seen 12:00 PM');
  expect(await tile('router')).toBe(' Away');
  // At 390 px the banner is the first thing under the header.
  await page.setViewportSize(VIEWPORTS.phone);
  const box = await banner.boundingBox();
  expect(box!.y).toBeLessThan(200);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await shoot('router-away');

  // The bandwidth page loaded now (five minutes later) says so as well, and keeps its rows.
  h.clock.advance(5 * 60_000);
  await page.goto(`${h.app!.url}/admin/bandwidth`);
  expect(await page.locator('[data-stale-note]').isVisible()).toBe(true);
  expect(await page.locator('[data-stale-note]').textContent()).toContain('figures as last seen 12:00 PM');
  expect(await page.locator('#bw-live').isVisible()).toBe(false);
  // "updated" is when the figures were read, not the time the page was drawn.
  expect(await page.locator('#bw-updated').textContent()).toBe('12:00 PM');
  expect(await page.locator('#bw-body tr').count()).toBe(3);
  await shoot('bandwidth-away');

  h.sim.setReachable(true);
  expect(await h.router.waitConnected(5000)).toBe(true);
  await withPolls((timeout) =>
    page.locator('#router-banners .router-banner').waitFor({ state: 'detached', timeout }),
  );
  expect(await page.locator('[data-stale-note]').isVisible()).toBe(false);
  expect(await page.locator('#bw-live').isVisible()).toBe(true);
  await page.goto(`${h.app!.url}/admin`);
  expect(await page.locator('#dash-state').textContent()).toBe('Live');
  expect(pageErrors).toEqual([]);
}, 60_000);
