/**
 * The admin's self-service settings in headless Chromium at 390 px and 1280 px: the profile form's
 * "Customer self-service" group (the live check uses the bounds the page got from the server) and the
 * Settings page's moves per day. Screenshots in test-output/screenshots/self-service-admin-*.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** Page width beyond the viewport (sideways scrolling on a phone). */
const overflow = (p: Page) =>
  p.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('profile form: self-service fields, live bounds check, saved through the form', async () => {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/profiles/new`);
    await page.fill('#f-pause_max', '3d');
    await page.fill('#f-pauses_per_day', '0');
    await expect(page.locator('#f-pause_max-err').textContent()).resolves.toBe(
      'use a pause length from 1m to 1d, like 15m or 2h',
    );
    await expect(page.locator('#f-pauses_per_day-err').textContent()).resolves.toBe(
      'use a whole number from 1 to 100',
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const section = page.locator('#self-service');
    await section.scrollIntoViewIfNeeded();
    const file = path.join(SHOTS, `self-service-admin-profile-${label}.png`);
    await saveScreenshot(section, { path: file });
  }
  await page.setViewportSize(VIEWPORTS.phone);
  await page.fill('#f-name', 'PAUSE1H');
  await page.fill('#f-price', '10');
  await page.fill('#f-validity', '1h');
  await page.fill('#f-rate_down', '2M');
  await page.fill('#f-rate_up', '1M');
  await page.selectOption('#f-time_mode', 'uptime');
  await page.selectOption('#f-topup', 'queue');
  await page.fill('#f-pause_max', '30m');
  await page.fill('#f-pauses_per_day', '2');
  await Promise.all([page.waitForURL(/\/admin\/profiles$/), page.click('#profile-form button[type=submit]')]);
  const p = await h.core!.services.profiles.get('PAUSE1H');
  expect(p.profile).toMatchObject({ topup: 'queue', pauseMaxSeconds: 1800, pausesPerDay: 2 });
});

test('settings: moves per day at 390 and 1280 px, saved through the form', async () => {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/settings`);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const section = page.locator('section#self-service');
    await section.scrollIntoViewIfNeeded();
    const file = path.join(SHOTS, `self-service-admin-settings-${label}.png`);
    await saveScreenshot(section, { path: file });
  }
  await page.fill('#f-moves_per_day', '5');
  await Promise.all([
    page.waitForURL(/\/admin\/settings$/),
    page.click('section#self-service button[type=submit]'),
  ]);
  await expect(page.locator('.flash').first().textContent()).resolves.toContain('5 times a day');
  expect(await h.core!.services.selfService.movesPerDay()).toBe(5);
  expect(pageErrors).toEqual([]);
});
