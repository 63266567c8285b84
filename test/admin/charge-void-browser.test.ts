/**
 * Undoing a counter sale in a browser: the owner opens Void… on a sale of the voucher page, gives a reason,
 * confirms, and the sale stays on the page struck through with who voided it and why, out of the voucher's time.
 * Screenshots at 390 and 1280 px go to the system's temp folder (looked at, never committed).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

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

test('Void… with a reason strikes the sale through, names who and why, and takes its time back', async () => {
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code, ...addDevice(h, 1) })).status).toBe(200);
  const actor = { name: 'admin', via: 'admin' as const };
  await h.core!.services.vouchers.sellTime(code, 1800, actor, { price: '25', priceConfirmed: true });
  await h.core!.services.vouchers.sellTime(code, 600, actor, { price: '1', priceConfirmed: true });
  const url = `${h.app!.url}/admin/vouchers/${code}`;
  await page.goto(url);
  const rows = page.locator('#charges tbody tr');
  await expect(rows.count()).resolves.toBe(2);
  // The older sale (₱25.00, second row): open its Void…, give the reason, confirm the dialog.
  const wrong = rows.nth(1);
  await wrong.locator('summary', { hasText: 'Void' }).click();
  await wrong.locator('input[name=reason]').fill('typed 25 for 2.50');
  page.once('dialog', (d) => void d.accept());
  await Promise.all([
    page.waitForURL(/#charges$/),
    wrong.locator('button', { hasText: 'Void sale' }).click(),
  ]);
  const flash = await page.locator('.flash-ok').innerText();
  expect(flash).toMatch(/₱25\.00 to give back to the customer; 30m taken back/);
  const struck = page.locator('[data-testid=charge-voided]');
  await expect(struck.count()).resolves.toBe(1);
  expect(await struck.locator('s').innerText()).toBe('₱25.00 charged');
  expect(await struck.innerText()).toContain('Voided by admin: typed 25 for 2.50');
  // The other sale still stands and may still be voided.
  await expect(page.locator('#charges details.void-sale').count()).resolves.toBe(1);
  expect((await h.core!.services.vouchers.get(code)).addedSeconds).toBe(600);
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(url);
    await page
      .locator('#charges details.void-sale')
      .evaluate((d) => ((d as unknown as { open: boolean }).open = true));
    await saveScreenshot(page.locator('#charges'), {
      path: path.join(SHOTS_DIR, `charge-void-${label}.png`),
    });
    await saveScreenshot(page.locator('#change'), {
      path: path.join(SHOTS_DIR, `extend-form-${label}.png`),
    });
  }
  expect(pageErrors).toEqual([]);
}, 60_000);
