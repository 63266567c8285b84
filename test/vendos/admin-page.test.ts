import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice } from '../portal/helpers';
import { SimulatedVendo } from '../../src/vendo-sim/board';
import { Phone } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shots(name: string) {
  for (const [label, width] of [
    ['phone', 390],
    ['desktop', 1280],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await saveScreenshot(page, { path: path.join(SHOTS, `vendos-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await loginAdmin(page, h.app!.url);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('add a vendo from the form: a wrong rate line is shown under the field; the secret is shown once', async () => {
  await page.goto(`${h.app!.url}/admin/vendos`);
  await expect(page.locator('[data-testid=no-vendos]').count()).resolves.toBe(1);
  await page.fill('#f-name', 'Counter box');
  await page.fill('#f-location', 'by the door');
  await page.selectOption('#f-profile', 'BASIC');
  await page.fill('#f-rates', '1 = 10m\n5 = 1h\n10 = 3 hours');
  await page.click('#add button[type=submit]');
  await expect(page.locator('#f-rates-err').textContent()).resolves.toMatch(
    /"10 = 3 hours" is not a rate line/,
  );
  // A line that reads as one but that the service refuses: its message, under the same field; the text is kept.
  await page.fill('#f-rates', '1 = 10m\n5 = 5s');
  await page.click('#add button[type=submit]');
  await expect(page.locator('#f-rates-err').textContent()).resolves.toMatch(/"5s" is not a validity/);
  await expect(page.locator('#f-name').inputValue()).resolves.toBe('Counter box');
  expect(await h.core!.db('vendos')).toHaveLength(0);
  await page.fill('#f-rates', '1 = 10m\n5 = 1h\n10 = 3h\n20 = 8h');
  await page.click('#add button[type=submit]');
  const secret = (await page.locator('[data-testid=vendo-secret-value]').textContent())!.trim();
  const id = (await page.locator('[data-testid=vendo-id]').textContent())!.trim();
  expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
  await shots('added');
  // Shown once: the page itself never shows it again.
  await page.goto(`${h.app!.url}/admin/vendos/${id}`);
  expect(await page.content()).not.toContain(secret);

  // The board works with it; a customer buys ₱6 of time; the ledger and "in the box" show it.
  const board = new SimulatedVendo({ url: h.app!.url, id, secret, now: () => h.clock.now() });
  await board.poll();
  const phone = new Phone(h, addDevice(h, 1));
  const s = await phone.start(id);
  await board.poll();
  await board.insertCoin(1);
  await board.insertCoin(5);
  expect((await phone.finish(s.json.session)).status).toBe(200);
  await page.goto(`${h.app!.url}/admin/vendos/${id}`);
  await expect(page.locator('[data-testid=cash-expected]').textContent()).resolves.toBe('₱6.00');
  await expect(page.locator('#ledger-table tbody tr').count()).resolves.toBe(2);

  // A collection: counted ₱5 of the expected ₱6.
  await page.fill('#f-counted', '5');
  await page.fill('#f-note', 'one peso missing');
  await page.click('#collections button[type=submit]');
  await expect(page.locator('#collections-table tbody tr td').nth(3).textContent()).resolves.toBe('−₱1.00');
  await expect(page.locator('[data-testid=cash-expected]').textContent()).resolves.toBe('₱0.00');
  await shots('detail');

  // The list: online, with what is in the box.
  await page.goto(`${h.app!.url}/admin/vendos`);
  await expect(page.locator(`tr[data-vendo="${id}"]`).textContent()).resolves.toMatch(/online/);
  await shots('list');
  // Rotating shows a new secret and the old one stops working.
  await page.goto(`${h.app!.url}/admin/vendos/${id}`);
  page.once('dialog', (d) => void d.accept());
  await page.click('#secret button[type=submit]');
  const fresh = (await page.locator('[data-testid=vendo-secret-value]').textContent())!.trim();
  expect(fresh).not.toBe(secret);
  expect((await board.poll()).status).toBe(401);
  expect(pageErrors).toEqual([]);
}, 60000);

test('a vendo that has not polled for two minutes shows as offline', async () => {
  h.clock.advance(3 * 60_000);
  await page.goto(`${h.app!.url}/admin/vendos`);
  await expect(page.locator('[data-testid=vendo-offline]').count()).resolves.toBe(1);
});

test('the dashboard notes the vendos: how many online, which is offline, the cash in the boxes', async () => {
  await page.goto(`${h.app!.url}/admin`);
  const note = page.locator('[data-testid=vendos-note]');
  await note.waitFor({ state: 'visible' });
  // The vendo has not polled for three minutes (the test before moved the clock).
  await expect(note.textContent()).resolves.toMatch(/0 online · Counter box offline · ₱0 in the boxes/);
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendos-dashboard-desktop.png') });
});

test('reports split the money by source: printed vouchers, each vendo, coin top-ups', async () => {
  await page.goto(`${h.app!.url}/admin/reports`);
  const table = page.locator('#by-source-table');
  await expect(table.locator('thead').textContent()).resolves.toMatch(
    /Printed vouchers.*Vendo Counter box.*Coin top-ups.*Total/s,
  );
  await expect(table.locator('tfoot').textContent()).resolves.toMatch(/₱0.00\s*₱6.00\s*₱0.00\s*₱6.00/);
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendos-reports-desktop.png'), fullPage: true });
});
