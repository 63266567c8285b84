/**
 * The admin's profile form in headless Chromium at 390 px and 1280 px: choosing "monthly plan" hides the voucher
 * time fields and shows the address pool, and the saved profile is a monthly plan even though the hidden
 * Validity field still held its default. Screenshots go to the system's temporary folder.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { formToProfileJson } from '../../src/web/admin/pages/profile-form';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

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

test('a form sent without scripts drops the voucher-time fields of a monthly plan', () => {
  expect(
    formToProfileJson({
      name: 'HOME',
      billing: 'monthly',
      price: '999',
      validity: '1h',
      time_mode: 'uptime',
      rate_up: '5M',
      rate_down: '10M',
      ppp_pool: 'pppoe-pool',
    }),
  ).toEqual({
    name: 'HOME',
    billing: 'monthly',
    price: 999,
    rate_up: '5M',
    rate_down: '10M',
    ppp_pool: 'pppoe-pool',
  });
  expect(formToProfileJson({ name: 'A', billing: 'prepaid', validity: '1h' })).toEqual({
    name: 'A',
    validity: '1h',
  });
});

test('choosing a monthly plan hides the voucher fields, and it is saved as one', async () => {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/profiles/new`);
    await expect(page.locator('#f-validity').isVisible()).resolves.toBe(true);
    await expect(page.locator('#f-ppp_pool').isVisible()).resolves.toBe(false);
    await page.selectOption('#f-billing', 'monthly');
    await expect(page.locator('#f-validity').isVisible()).resolves.toBe(false);
    await expect(page.locator('#self-service').isVisible()).resolves.toBe(false);
    await expect(page.locator('#f-overage_bytes').isVisible()).resolves.toBe(false);
    await expect(page.locator('#f-ppp_pool').isVisible()).resolves.toBe(true);
    await page.fill('#f-ppp_pool', 'bad pool');
    await expect(page.locator('#f-ppp_pool-err').textContent()).resolves.toBe(
      'use 1–63 letters, digits, _, - or .',
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, {
      path: path.join(SHOTS_DIR, `monthly-profile-form-${label}.png`),
      fullPage: true,
    });
  }
  await page.fill('#f-name', 'HOME10');
  await page.fill('#f-price', '999');
  await page.fill('#f-rate_down', '10M');
  await page.fill('#f-rate_up', '5M');
  await page.fill('#f-ppp_pool', 'pppoe-pool');
  await Promise.all([page.waitForURL(/\/admin\/profiles$/), page.click('#profile-form button[type=submit]')]);
  const saved = await h.core!.services.profiles.get('HOME10');
  expect(saved.json).toEqual({
    name: 'HOME10',
    billing: 'monthly',
    price: 999,
    rate_up: '5M',
    rate_down: '10M',
    ppp_pool: 'pppoe-pool',
  });
  await expect(page.locator('[data-testid="profile-monthly"]').count()).resolves.toBe(1);
  await saveScreenshot(page, {
    path: path.join(SHOTS_DIR, 'monthly-profile-list-phone.png'),
    fullPage: true,
  });
  // Its edit page opens as a monthly plan.
  await page.goto(`${h.app!.url}/admin/profiles/HOME10/edit`);
  await expect(page.locator('#f-billing').inputValue()).resolves.toBe('monthly');
  await expect(page.locator('#f-validity').isVisible()).resolves.toBe(false);
  expect(pageErrors).toEqual([]);
}, 60000);
