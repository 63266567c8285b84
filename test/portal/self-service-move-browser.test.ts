/**
 * A code in use, in headless Chromium at phone width as customers use it: another phone typing it is told
 * in Filipino what to do and never offered the move; the phone that redeemed it, back with a new WiFi
 * address in the same browser, is asked and moves it with one tap.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const PHONE = { width: 390, height: 844 };

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(async () => {
  await h.close();
});

const sessionMacs = () => h.sim.rows('/ip/hotspot/active').map((s) => s['mac-address']);

async function typeCode(page: Page, d: { mac: string; ip: string }, code: string, lang = 'en') {
  await page.goto(`${h.app!.url}/portal?mac=${encodeURIComponent(d.mac)}&ip=${d.ip}&lang=${lang}`);
  await page.fill('#code', code);
  await page.click('button[type="submit"]');
  await page.waitForLoadState();
}

it('refuses another phone in Filipino; the owner’s browser with a new address confirms and moves', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const old = addDevice(h, 1);
  const owner = await browser.newContext({ viewport: PHONE });
  const ownerPage = await owner.newPage();
  await typeCode(ownerPage, old, code);
  await ownerPage.waitForURL(/\/portal\/status/);

  const stranger = await browser.newContext({ viewport: PHONE });
  const strangerPage = await stranger.newPage();
  await typeCode(strangerPage, addDevice(h, 2), code, 'fil');
  await expect(strangerPage.locator('[role="alert"]').first().textContent()).resolves.toContain(
    'Ginagamit ang code na ito sa ibang phone. Humingi ng tulong sa tindahan, o maghintay hanggang naka-offline ang kabilang phone nang 10 minuto.',
  );
  await expect(strangerPage.locator('input[name="confirm_move"]').count()).resolves.toBe(0);
  await saveScreenshot(strangerPage, {
    path: path.join(SHOTS, 'portal-code-in-use-fil-390.png'),
    fullPage: true,
  });
  expect(sessionMacs()).toEqual([old.mac]);

  // The same phone with a randomised address: its browser kept the device cookie from the redemption.
  const fresh = addDevice(h, 3);
  await typeCode(ownerPage, fresh, code);
  await expect(ownerPage.locator('#confirm-move-title').textContent()).resolves.toContain(
    'Move it to this device? The other device will be logged out.',
  );
  await saveScreenshot(ownerPage, { path: path.join(SHOTS, 'portal-confirm-move-390.png'), fullPage: true });
  await Promise.all([ownerPage.waitForURL(/\/portal\/status/), ownerPage.click('.self.confirm button')]);
  await expect(ownerPage.locator('body').textContent()).resolves.toContain(
    'Your code now works on this device.',
  );
  expect(sessionMacs()).toEqual([fresh.mac]);
  await owner.close();
  await stranger.close();
});
