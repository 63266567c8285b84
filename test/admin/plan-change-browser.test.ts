/**
 * A plan change as the owner does it in a browser: the Move form says what it costs as a profile is chosen
 * (admin-plan-change.js), the confirm step charges it, the voucher page links the receipt, and the receipt
 * prints on one 58 mm slip or one A4 page. Screenshots (390 and 1280 px) and the PDFs go to test-output/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { pdfInfo } from '../helpers/pdf-cards';
import { startOfLocalDay } from '../../src/domain/calendar';
import { SYSTEM } from '../../src/services/types';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const OUT = path.join(__dirname, '..', '..', 'test-output');
const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const PROFILES = [
  { name: 'DAY10', price: 10, validity: '1d', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'DAY20', price: 20, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
  { name: 'WEEK', price: 150, validity: '7d', users: 1, rate_up: '2M', rate_down: '4M' },
];

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shoot(name: string, url: string): Promise<void> {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(h.app!.url + url);
    await saveScreenshot(page, { path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

beforeAll(async () => {
  h = await createHarness({
    http: true,
    profiles: PROFILES,
    now: startOfLocalDay('2026-11-21', 'Asia/Manila') + 8 * 3600_000,
  });
  await h.core!.services.settings.set('shop.name', 'Aling Nena PisoWiFi', SYSTEM);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url)) pageErrors.push(m.text());
  });
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('choose a plan, see the charge, confirm, open and print the receipt', async () => {
  const [code] = await makeVouchers(h, 'DAY10', 1);
  expect((await redeemApi(h, { code, ...addDevice(h, 1) })).status).toBe(200);
  h.clock.advance(12 * 3600_000);

  await page.goto(`${h.app!.url}/admin/vouchers/${code}`);
  const preview = page.locator('[data-plan-preview-out]');
  // The first other plan is chosen already: its cost shows without a click.
  await preview.filter({ hasText: '₱5.00 to charge' }).waitFor();
  // A week for half a day left: 6d 12h of WEEK's 7d (₱139.29) less 12h of DAY10's 1d (₱5.00).
  await page.selectOption('#f-profile', 'WEEK');
  await preview.filter({ hasText: '₱134.29 to charge' }).waitFor();
  await page.selectOption('#f-profile', 'DAY20');
  await preview.filter({ hasText: '₱5.00 to charge' }).waitFor();
  await Promise.all([page.waitForURL(/\/move\?profile=DAY20$/), page.click('#move button[type=submit]')]);
  await expect(page.locator('[data-testid=plan-amount]').textContent()).resolves.toMatch(
    /To charge\s+₱5\.00/,
  );
  await expect(page.locator('[data-testid=plan-after]').textContent()).resolves.toBe('12h of 1d');
  const confirmUrl = new URL(page.url()).pathname + new URL(page.url()).search;
  await shoot('plan-change-confirm', confirmUrl);

  await page.goto(h.app!.url + confirmUrl);
  await Promise.all([page.waitForURL(/\?receipt=\d+#charges$/), page.click('[data-testid=confirm-move]')]);
  await expect(page.locator('[data-testid=charge-notice]').textContent()).resolves.toMatch(
    /DAY10 → DAY20:\s+₱5\.00 charged/,
  );
  await shoot('plan-change-voucher', new URL(page.url()).pathname + new URL(page.url()).search);
  await Promise.all([page.waitForURL(/\/receipt$/), page.click('[data-testid=receipt-link]')]);
  await expect(page.locator('[data-testid=receipt-total]').textContent()).resolves.toMatch(
    /Charged\s+₱5\.00/,
  );
  const receipt = new URL(page.url()).pathname;
  await shoot('plan-change-receipt', receipt);
  await shoot('plan-change-receipt-a4', `${receipt}?format=a4`);

  // As the printer gets it: one 58 mm slip, and one A4 page.
  for (const [format, width] of [
    ['thermal58', 58],
    ['a4', 210],
  ] as const) {
    await page.goto(`${h.app!.url}${receipt}?format=${format}`);
    const file = path.join(OUT, `plan-change-receipt-${format}.pdf`);
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    const info = pdfInfo(file);
    expect(info.pages).toBe(1);
    expect(Math.round(info.widthMm)).toBe(width);
  }
  expect(pageErrors).toEqual([]);
}, 60000);

test('the reports: the upgrade in the sales and by source, a downgrade’s credit apart', async () => {
  const [code] = await makeVouchers(h, 'DAY20', 1);
  expect((await redeemApi(h, { code, ...addDevice(h, 2) })).status).toBe(200);
  h.clock.advance(6 * 3600_000);
  await h.core!.services.vouchers.changeProfile(code, 'DAY10', SYSTEM);
  await page.goto(`${h.app!.url}/admin/reports?from=2026-11-21&to=2026-11-22`);
  await expect(page.locator('[data-testid=report-credits]').textContent()).resolves.toMatch(
    /Credits \(plan downgrades\)\s+₱7\.50/,
  );
  await shoot('plan-change-reports', '/admin/reports?from=2026-11-21&to=2026-11-22');
  expect(pageErrors).toEqual([]);
}, 60000);
