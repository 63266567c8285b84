/**
 * The owner's and the customer's pages in Chromium at a phone's and a desktop's width: Settings' section list,
 * the activity feed's tag beside (never over) the code, and the coin window's Done apart from the coins.
 */
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice, makeVouchers } from '../portal/helpers';
import { makeVendo } from '../vendos/helpers';
import { advance } from '../usage/helpers';
import { SYSTEM } from '../../src/services/types';
import { axeProblems, DESKTOP, PHONE, screenshot, sidewaysOverflow } from '../web/page-checks';

const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  {
    name: 'GAMER',
    price: 30,
    validity: '3h',
    users: 1,
    rate_up: '2M',
    rate_down: '4M',
    time_mode: 'uptime',
    data_cap: '1G',
  },
  {
    name: 'ONLINE6',
    price: 30,
    validity: '6h',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
  },
];

let h: Harness;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
  await loginAdmin(page, h.app!.url);
}, 60000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const sizes = [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const;

test('Settings: every section is one tap from the top, at both widths, axe-clean', async () => {
  for (const [label, viewport] of sizes) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/settings`);
    const links = page.locator('.section-nav a');
    expect(await links.count()).toBeGreaterThanOrEqual(9);
    // All of them on the first screen, none off to the side.
    for (const box of await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().toJSON())))
      expect(box.bottom).toBeLessThanOrEqual(viewport.height);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, `settings-sections-${label}`);
    // One tap: the section's heading is on the screen.
    await page.click('.section-nav a[href="#backups"]');
    const top = await page.locator('#backups h2').evaluate((e) => e.getBoundingClientRect().top);
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(viewport.height / 2);
  }
}, 60000);

test("the activity feed: a tag never runs into the code beside it, and a pause's time reads 5h 59m", async () => {
  const [code] = await makeVouchers(h, 'ONLINE6', 1);
  const d = addDevice(h, 1);
  const res = await fetch(`${h.app!.url}/api/portal/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, ...d }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((x) => x.startsWith('pisonet_device='))!
    .split(';')[0];
  await h.core!.services.usage.runCycle();
  advance(h, 28);
  const paused = await fetch(`${h.app!.url}/api/portal/pause`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ mac: d.mac }),
  });
  expect(paused.status).toBe(200);
  for (const [label, viewport] of sizes) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin`);
    const item = page.locator('.feed-item[data-kind="pause"]').first();
    const [tag, body] = await Promise.all([
      item.locator('.feed-tag').evaluate((e) => e.getBoundingClientRect().toJSON()),
      item.locator('.feed-body').evaluate((e) => e.getBoundingClientRect().toJSON()),
    ]);
    // Beside it on a wide screen, under it on a phone: never overlapping.
    const apart = tag.right <= body.left || tag.bottom <= body.top;
    expect({ label, apart }).toEqual({ label, apart: true });
    // The whole label shows (nothing cut off).
    expect(await item.locator('.feed-tag').evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    expect(await item.innerText()).toMatch(/with 5h 59m left/);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, `dashboard-feed-${label}`);
  }
}, 60000);

test("the coin window: Done is the window's primary action, not another coin", async () => {
  const { board } = await makeVendo(h);
  await board.poll();
  const d = addDevice(h, 2);
  const phone = await browser.newPage({ viewport: PHONE });
  await phone.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}`);
  await phone.locator('#vendo').waitFor({ state: 'visible' });
  await phone.click('#vendo-start');
  await phone.locator('#vendo-window').waitFor({ state: 'visible' });
  // The demo's coin buttons, as a demo vendo shows them beside Done.
  await phone.evaluate(() => {
    (
      globalThis as unknown as { document: { getElementById(id: string): { hidden: boolean } } }
    ).document.getElementById('vendo-demo').hidden = false;
  });
  const look = (sel: string) =>
    phone
      .locator(sel)
      .first()
      .evaluate((e) => {
        const s = (
          globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }
        ).getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return { background: s.backgroundColor, width: r.width, top: r.top };
      });
  for (const [label, viewport] of sizes) {
    await phone.setViewportSize(viewport);
    const [coin, done, box] = await Promise.all([
      look('.demo-coin'),
      look('#vendo-done'),
      phone.locator('#vendo-window').evaluate((e) => e.getBoundingClientRect().width),
    ]);
    expect(done.background).not.toBe(coin.background);
    expect(done.width).toBeGreaterThan(coin.width * 2);
    expect(Math.round(done.width)).toBe(Math.round(box));
    expect(done.top).toBeGreaterThan(coin.top);
    expect(await axeProblems(phone)).toEqual([]);
    await screenshot(phone, `vendo-window-${label}`);
  }
  await phone.close();
}, 60000);

test('a printed online-time card shows its whole plan line, in English and Filipino, on A4 and a roll', async () => {
  const out = await h.core!.services.vouchers.generate({ profile: 'GAMER', count: 3 }, SYSTEM);
  for (const language of ['en', 'fil']) {
    await h.core!.services.cards.save({ kind: 'shop' }, { language }, SYSTEM);
    for (const format of ['a4', 'thermal58']) {
      await page.goto(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=${format}`);
      const lines = await page
        .locator('.card .meta.wrap')
        .evaluateAll((els) =>
          els.map((e) => ({ text: e.textContent, cut: e.scrollHeight > e.clientHeight + 1 })),
        );
      expect(lines.length).toBe(3);
      for (const l of lines) {
        expect(l.cut).toBe(false);
        expect(l.text).toMatch(
          language === 'en' ? /3h online time, can pause/ : /3h na online, puwedeng i-pause/,
        );
      }
    }
  }
  await h.core!.services.cards.save({ kind: 'shop' }, { language: 'en' }, SYSTEM);
}, 60000);
