/**
 * The owner's Subscribers pages in a real browser, on a phone (390 px) and a desktop (1280 px): a bad field shows
 * its error beside it and keeps the values; add → list → detail → suspend → resume → end; each page without
 * sideways scrolling and without serious or critical axe-core problems. Screenshots go to /tmp/i55shots.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The page as it is now, at both widths: no sideways scroll, no serious axe problem, a screenshot each. */
async function check(name: string): Promise<void> {
  for (const [label, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(vp);
    expect({ name, label, overflow: await sidewaysOverflow(page) }).toEqual({ name, label, overflow: 0 });
    expect(await axeProblems(page)).toEqual([]);
    await saveScreenshot(page, {
      path: path.join(SHOTS, `subscribers-${name}-${label}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize(PHONE);
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('add with a bad field, then add, list, open, suspend, resume and end', async () => {
  const base = h.app!.url;
  await page.goto(`${base}/admin/subscribers`);
  await expect(page.locator('[data-testid=subscribers-none]').textContent()).resolves.toContain(
    'No subscribers yet',
  );
  await page.click('[data-testid=subscriber-new]');
  await page.fill('#f-name', 'Juan dela Cruz');
  await page.fill('#f-mobile', '12345');
  await page.selectOption('#f-profile', 'HOME10');
  await page.fill('#f-billing_day', '31');
  await page.fill('#f-username', 'juan.dc');
  await page.click('[data-testid=subscriber-save]');
  // The service's own messages, each under its field; what was typed stays.
  await expect(page.locator('#f-mobile-err').textContent()).resolves.toMatch(/Philippine mobile number/);
  await expect(page.locator('#f-billing_day-err').textContent()).resolves.toMatch(/from 1 to 28/);
  await expect(page.inputValue('#f-name')).resolves.toBe('Juan dela Cruz');
  await expect(page.inputValue('#f-username')).resolves.toBe('juan.dc');
  await expect(page.inputValue('#f-profile')).resolves.toBe('HOME10');
  await check('form-errors');
  expect(await h.core!.services.subscribers.list()).toEqual([]);

  await page.fill('#f-mobile', '0917 123 4567');
  await page.fill('#f-billing_day', '5');
  await page.click('[data-testid=subscriber-save]');
  await page.waitForURL(/\/admin\/subscribers\/\d+$/);
  await expect(page.locator('.flash, [role=status]').first().textContent()).resolves.toContain('S-000001');
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('active');
  await expect(page.locator('[data-testid=subscriber-owed]').textContent()).resolves.toContain('₱466.20'); // its first invoice: 14 of 30 days of ₱999;
  // The password is behind "Show".
  await expect(page.locator('[data-testid=subscriber-password]').isVisible()).resolves.toBe(false);
  await page.click('[data-testid=password-show]');
  const password = (await h.core!.services.subscribers.get('juan.dc')).password;
  await expect(page.locator('[data-testid=subscriber-password]').textContent()).resolves.toBe(password);
  await check('detail');

  await page.goto(`${base}/admin/subscribers`);
  const row = page.locator('[data-subscriber=S-000001]');
  await expect(row.textContent()).resolves.toMatch(
    /Juan dela Cruz[\s\S]*active[\s\S]*HOME10[\s\S]*0 B of 100\.0 GB \(0%\)[\s\S]*₱466\.20/,
  );
  await check('list');
  await page.goto(`${base}/admin/subscribers?status=suspended`);
  await expect(page.locator('[data-testid=subscribers-none]').isVisible()).resolves.toBe(true);
  await page.goto(`${base}/admin/subscribers?q=dela`);
  await expect(page.locator('[data-subscriber=S-000001]').isVisible()).resolves.toBe(true);

  await page.goto(`${base}/admin/subscribers?q=juan`);
  await page.click('[data-subscriber=S-000001] a');
  await page.fill('#suspend-reason', 'unpaid for November');
  await page.click('[data-testid=subscriber-suspend]');
  await page.waitForLoadState();
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('suspended');
  await expect(page.locator('[data-testid=suspension]').textContent()).resolves.toMatch(
    /Suspended: unpaid for November \(by admin, /,
  );
  await check('suspended');

  await page.click('[data-testid=subscriber-resume]');
  await page.waitForLoadState();
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('active');
  await page.click('[data-testid=subscriber-end]');
  await page.waitForLoadState();
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('ended');
  await expect(page.locator('[data-testid=subscriber-edit]').count()).resolves.toBe(0);
  expect((await h.core!.services.subscribers.get('juan.dc')).status).toBe('ended');
  expect(pageErrors).toEqual([]);
}, 60000);
