/**
 * Extra data in a real browser: the status page of a phone whose data is used up (390 and 1280 px, English and
 * Filipino; the coin box below the offer), the admin's voucher page with its Sell button, axe-clean, no sideways
 * scrolling on a phone, screenshots in test-output/screens; then the phone buys with a code from the page's own
 * link and is online again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice, makeVouchers } from '../portal/helpers';
import { makeVendo } from '../vendos/helpers';
import { advance } from '../usage/helpers';
import { axeProblems, DESKTOP, PHONE, SHOTS, sidewaysOverflow } from '../web/page-checks';
import { cycle, MB, overageHarness, sessionOf } from './helpers';
import { saveScreenshot } from '../helpers/screenshots';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await overageHarness();
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function typeCode(page: Page, code: string): Promise<void> {
  await page.fill('#code', code);
  await Promise.all([page.waitForURL(/\/portal\/status\?/), page.click('form.redeem button[type=submit]')]);
}

const shot = (page: Page, name: string) =>
  saveScreenshot(page, { path: path.join(SHOTS, name), fullPage: true });

test('the status page of a used-up phone sells extra data; the phone buys with a code and is online again', async () => {
  const { board } = await makeVendo(h, { profile: 'CAP' });
  const d = addDevice(h, 1);
  const [code] = await makeVouchers(h, 'CAP', 1);
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}&lang=en`);
  await typeCode(page, code);
  await cycle(h);
  h.sim.addTraffic(d.mac, { up: 0, down: 700 * MB }, 60);
  advance(h, 60);
  await cycle(h);
  await board.poll(); // the coin box is online

  for (const lang of ['en', 'fil'] as const) {
    for (const [label, size] of [
      ['390', PHONE],
      ['1280', DESKTOP],
    ] as const) {
      await page.setViewportSize(size);
      await page.goto(`${h.app!.url}/portal/status?mac=${d.mac}&ip=${d.ip}&lang=${lang}`);
      await page.locator('#vendo').waitFor({ state: 'visible' });
      const heading = await page.locator('h1').textContent();
      expect(heading).toBe(lang === 'en' ? 'Your data is used up' : 'Ubos na ang iyong data');
      const offer = await page.locator('#extra-offer').textContent();
      expect(offer).toBe(
        lang === 'en' ? 'Buy 200 MB more for ₱10.00' : 'Bumili ng 200 MB pa sa halagang ₱10.00',
      );
      expect(await sidewaysOverflow(page)).toBe(0);
      expect(await axeProblems(page)).toEqual([]);
      await shot(page, `overage-status-${lang}-${label}.png`);
    }
  }

  // The admin's voucher page: the wait, the offer and the Sell button.
  const admin = await browser.newContext({ viewport: DESKTOP });
  const ap = await admin.newPage();
  await loginAdmin(ap, h.app!.url);
  for (const [label, size] of [
    ['1280', DESKTOP],
    ['390', PHONE],
  ] as const) {
    await ap.setViewportSize(size);
    await ap.goto(`${h.app!.url}/admin/vouchers/${code}`);
    await expect(ap.locator('[data-testid=policy-state]').textContent()).resolves.toBe('capped-waiting');
    await expect(ap.locator('[data-testid=sell-overage]').isVisible()).resolves.toBe(true);
    expect(await axeProblems(ap)).toEqual([]);
    await shot(ap, `overage-admin-voucher-${label}.png`);
  }
  await admin.close();

  // The phone buys with a code, from the page's own link, and is online again.
  await page.setViewportSize(PHONE);
  await page.goto(`${h.app!.url}/portal/status?mac=${d.mac}&ip=${d.ip}&lang=en`);
  const [data] = await makeVouchers(h, 'DATA', 1);
  await Promise.all([page.waitForURL(/\/portal\?/), page.click('#extra-enter-code')]);
  await typeCode(page, data);
  await expect(page.locator('.alert.ok').textContent()).resolves.toContain(
    "300.0 MB of extra data was added to your code. The new code's time was not added.",
  );
  await expect(page.locator('h1').textContent()).resolves.toBe('You are connected');
  expect(sessionOf(h, d.mac)).toMatchObject({ user: code });
  expect(await axeProblems(page)).toEqual([]);
  await shot(page, 'overage-status-after-code-en-390.png');
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);
