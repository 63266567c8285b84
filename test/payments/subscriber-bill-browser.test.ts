/**
 * A subscriber pays its bill in a real browser, on a phone (390 px) and a desktop (1280 px): the account page's
 * "Pay ₱299.70 with GCash / Maya" in Filipino, the fake PayMongo's checkout page, its "Pay with Maya (demo)", and
 * the return page saying the payment was received; then the account page owes nothing and has no button. Every
 * page: nothing wider than the screen, no accessibility problem. Screenshots go to /tmp/i56pay-shots.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { addSubscriber, PROFILES } from '../subscribers/helpers';
import { payRig, type PayRig } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let rig: PayRig;
let browser: Browser;
let page: Page;

async function check(name: string): Promise<void> {
  for (const [label, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(vp);
    expect({ name, label, overflow: await sidewaysOverflow(page) }).toEqual({ name, label, overflow: 0 });
    expect(await axeProblems(page)).toEqual([]);
    await saveScreenshot(page, { path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(PHONE);
}

beforeAll(async () => {
  rig = await payRig({ profiles: PROFILES });
  rig.h.clock.set(Date.UTC(2026, 10, 22, 4, 0, 0));
  // The checkout page's Pay sends its signed event here, as PayMongo would.
  rig.fake.webhookUrl = rig.hook;
  await addSubscriber(rig.h, { password: 'sikreto-123', billing_day: 1 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

test('pays ₱299.70 with Maya from the account page, in Filipino, and is told it was received', async () => {
  const base = rig.h.app!.url;
  await page.goto(`${base}/portal/account?lang=fil`);
  await page.fill('#username', 'juan.dc');
  await page.fill('#password', 'sikreto-123');
  await Promise.all([page.waitForLoadState(), page.click('#account-sign-in')]);
  await expect(page.locator('#account-pay-button').textContent()).resolves.toBe(
    'Magbayad ng ₱299.70 gamit ang GCash / Maya',
  );
  await check('account-fil');

  await Promise.all([page.waitForURL(/\/checkout\/cs_/), page.click('#account-pay-button')]);
  await expect(page.locator('h1').textContent()).resolves.toContain('Internet bill, account');
  await Promise.all([
    page.waitForURL(/\/portal\/account\/pay\/return/),
    page.click('button:has-text("Pay ₱299.70 with Maya (demo)")'),
  ]);
  await expect(page.locator('#account-pay-notice').textContent()).resolves.toBe(
    'Natanggap ang bayad (₱299.70). Salamat! Naitala na ito sa account mo.',
  );
  await check('return-paid-fil');

  await page.click('#account-pay-back');
  await page.waitForLoadState();
  await expect(page.locator('#account-owed').textContent()).resolves.toBe('₱0.00');
  expect(await page.locator('#account-pay-button').count()).toBe(0);
  await page.goto(`${base}/portal/account?lang=en`);
  await check('account-paid-en');
  const { payments } = await rig.h.core!.services.invoices.payments(
    (await rig.h.core!.services.subscribers.get('juan.dc')).id,
  );
  expect(payments.map((p) => [p.method, p.amount, p.actor])).toEqual([['maya', 29970, 'paymongo']]);
});
