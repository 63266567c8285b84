import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium } from '../helpers/browser';
import { addDevice } from '../portal/helpers';
import { makeVendo } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function phonePage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

test('no vendo: the portal shows no coin section', async () => {
  const d = addDevice(h, 9);
  const { page, errors } = await phonePage();
  await page.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}`);
  await page.waitForLoadState('networkidle');
  await expect(page.locator('#vendo').isHidden()).resolves.toBe(true);
  expect(errors).toEqual([]);
  await page.close();
});

test('a phone taps Insert coin, watches ₱1 and ₱5 land, taps Done and is online', async () => {
  const { id, board } = await makeVendo(h);
  await board.poll();
  const d = addDevice(h, 1);
  const { page, errors } = await phonePage();
  await page.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}`);
  await page.locator('#vendo').waitFor({ state: 'visible' });
  // One box in the shop: preselected, nothing to pick.
  await expect(page.locator('#vendo-select').isHidden()).resolves.toBe(true);
  await page.click('#vendo-start');
  await page.locator('#vendo-window').waitFor({ state: 'visible' });
  // The slot is open: no second Insert coin button.
  await expect(page.locator('#vendo-start').isVisible()).resolves.toBe(false);
  await board.poll();
  expect(board.session).toBeTruthy();
  await board.insertCoin(1);
  await board.insertCoin(5);
  await page.locator('#vendo-credit', { hasText: '₱6' }).waitFor();
  await expect(page.locator('#vendo-time').textContent()).resolves.toBe('1h10m');
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendo-portal-coins-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendo-portal-coins-desktop.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/portal\/status/), page.click('#vendo-done')]);
  await expect(page.locator('h1').textContent()).resolves.toMatch(/connected/i);
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendo-portal-done-desktop.png'), fullPage: true });
  expect(h.sim.rows('/ip/hotspot/active').some((a) => a['mac-address'] === d.mac)).toBe(true);
  expect(errors).toEqual([]);
  expect(await h.core!.db('vendo_coins').where({ vendo_id: id }).whereNotNull('voucher_id')).toHaveLength(2);
  await page.close();
}, 60000);
