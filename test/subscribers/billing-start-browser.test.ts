/**
 * When billing starts, in the owner's pages in a real browser (390 px and 1280 px): the new-subscriber form's
 * "Paid until", "Opening balance" and "Due on" (a bad amount shown beside its field), a scheduled subscriber's
 * page and its "Activate now", and the list's status filter. Screenshots go to /tmp/h63-start-shots.
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
  h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await loginAdmin(page, h.app!.url);
}, 30000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function fillNew(username: string, extra: Record<string, string>): Promise<void> {
  await page.goto(`${h.app!.url}/admin/subscribers/new`);
  await page.fill('#f-name', `Customer ${username}`);
  await page.fill('#f-mobile', '09171234567');
  await page.selectOption('#f-profile', 'HOME10');
  await page.fill('#f-billing_day', '5');
  await page.fill('#f-username', username);
  for (const [k, v] of Object.entries(extra)) await page.fill(`#f-${k}`, v);
  await page.click('[data-testid=subscriber-save]');
}

test('moving a customer over: paid until and an opening balance; a scheduled one activated now', async () => {
  // Today is 2026-11-21 in Manila.
  await page.goto(`${h.app!.url}/admin/subscribers/new`);
  await expect(page.locator('#f-paid_until-hint').textContent()).resolves.toContain('the day after');
  await check('form');

  await fillNew('mario', {
    paid_until: '2026-12-10',
    opening_balance: 'a lot',
    opening_due_on: '2026-12-01',
  });
  await expect(page.locator('#f-opening_balance-err').textContent()).resolves.toMatch(/amount in pesos/);
  await expect(page.locator('#f-paid_until').inputValue()).resolves.toBe('2026-12-10');
  await check('form-error');
  await page.fill('#f-opening_balance', '1,500.50');
  await page.click('[data-testid=subscriber-save]');
  await expect(page.locator('[data-testid=subscriber-paid-until]').textContent()).resolves.toContain(
    '2026-12-10',
  );
  await expect(page.locator('[data-testid=subscriber-opening]').textContent()).resolves.toContain(
    '₱1,500.50',
  );
  await expect(page.locator('[data-testid=subscriber-owed]').textContent()).resolves.toContain('₱1,500.50');
  await expect(page.locator('td[data-label=Period]').first().textContent()).resolves.toBe('Brought forward');
  await check('paid-until');

  await fillNew('sched', { starts_on: '2026-12-10' });
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('scheduled');
  await expect(page.locator('[data-testid=scheduled]').textContent()).resolves.toContain('2026-12-10');
  await expect(page.locator('[data-testid=subscriber-suspend]').count()).resolves.toBe(0);
  await check('scheduled');

  await page.goto(`${h.app!.url}/admin/subscribers?status=scheduled`);
  const rows = page.locator('[data-testid=subscribers] tbody tr');
  await expect(rows.count()).resolves.toBe(1);
  await expect(rows.first().textContent()).resolves.toContain('sched');
  await check('list-scheduled');

  await rows.first().locator('a').first().click();
  await page.click('[data-testid=subscriber-activate]');
  await expect(page.locator('.flash').first().textContent()).resolves.toContain(
    'activated: billed from today',
  );
  await expect(page.locator('[data-testid=subscriber-status]').textContent()).resolves.toBe('active');
  await expect(page.locator('[data-testid=subscriber-starts-on]').textContent()).resolves.toBe('2026-11-21');
  // 999 × 14 / 30 = ₱466.20 from today to Dec 4.
  await expect(page.locator('[data-testid=subscriber-owed]').textContent()).resolves.toContain('₱466.20');
  await check('activated');
  expect(pageErrors).toEqual([]);
}, 120_000);
