/** The status page's Pause / Resume in headless Chromium at phone width, used as a customer would. */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, onlinePlan } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const PROFILES = [onlinePlan({ pauses_per_day: 3 })];

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

it('at 390 px the status page shows the time and Pause; Pause then Resume keep the time', async () => {
  const [code] = await makeVouchers(h, 'ONLINE', 1);
  const d = addDevice(h, 1);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${h.app!.url}/portal?mac=${encodeURIComponent(d.mac)}&ip=${d.ip}`);
  await page.fill('#code', code);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/portal\/status/);
  await h.core!.services.usage.runCycle();
  advance(h, 3000);
  await h.core!.services.usage.runCycle(); // 50 minutes online counted: 10 left
  await page.reload();
  await expect(page.locator('#time-left').textContent()).resolves.toMatch(/10/);
  await expect(page.locator('#pause').isVisible()).resolves.toBe(true);
  await saveScreenshot(page, { path: path.join(SHOTS, 'self-service-status-390.png'), fullPage: true });

  await page.click('#pause');
  await page.waitForURL(/notice=paused/);
  await expect(page.locator('#resume').isVisible()).resolves.toBe(true);
  await expect(page.locator('.self .alert.ok').textContent()).resolves.toMatch(/Paused/);
  // The heading and the title say Paused, with the time kept; nothing says "connected".
  await expect(page.locator('h1').textContent()).resolves.toBe('Paused');
  await expect(page.title()).resolves.toMatch(/^Paused/);
  await expect(page.locator('.facts dt').first().textContent()).resolves.toBe('Time kept');
  await expect(page.locator('body').textContent()).resolves.not.toContain('You are connected');
  expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
  await saveScreenshot(page, { path: path.join(SHOTS, 'self-service-paused-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await saveScreenshot(page, { path: path.join(SHOTS, 'self-service-paused-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });

  advance(h, 3600);
  await page.click('#resume');
  await page.waitForURL(/notice=resumed/);
  await expect(page.locator('#time-left').textContent()).resolves.toMatch(/10:00|10m/);
  await expect(page.locator('h1').textContent()).resolves.toBe('You are connected');
  expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(1);
  await page.setViewportSize({ width: 1280, height: 800 });
  await saveScreenshot(page, { path: path.join(SHOTS, 'self-service-resumed-1280.png'), fullPage: true });
  await page.close();
  // Eight page loads and four full-page screenshots around two polls: seconds each on a busy 2-core machine.
}, 90_000);
