/**
 * Billing in a real browser, on a phone (390 px) and a desktop (1280 px): a cashier records a payment above what
 * is owed and confirms the question; the owner voids it on its row; the invoices list and page; the owner voids an invoice with its form; the
 * A4 invoice saved as PDF is one A4 page; the billing settings refuse a bad field beside it, then apply to the
 * next invoice's number and due date. Each page without sideways scrolling and without serious or critical
 * axe-core problems. Screenshots and the PDFs' pages as PNG go to /tmp/i56shots.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeAccount } from '../accounts/helpers';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, type Harness } from '../helpers/harness';
import { pdfInfo } from '../helpers/pdf-cards';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { addSubscriber, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let owner: Page;
let cashier: Page;
let juan: { id: number };
const pageErrors: string[] = [];

async function check(page: Page, name: string): Promise<void> {
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

/** The invoice's A4 page as the printer gets it: one A4 page, rendered to a PNG to look at. */
async function printed(page: Page, number: string): Promise<void> {
  await page.goto(`${h.app!.url}/admin/invoices/${number}/print`);
  const file = path.join(SHOTS, `invoice-${number}.pdf`);
  await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true, printBackground: true });
  const info = pdfInfo(file);
  expect(info.pages).toBe(1);
  expect([Math.round(info.widthMm), Math.round(info.heightMm)]).toEqual([210, 297]);
  execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(SHOTS, `invoice-${number}`)]);
}

async function newPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: PHONE });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('dialog', (d) => void d.accept());
  return p;
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  h = await createHarness({ http: true, profiles: PROFILES });
  juan = await addSubscriber(h, { address: 'Blk 4 Lot 12, Mabini St., Brgy. San Roque, Antipolo City' });
  await addSubscriber(h, { username: 'maria', mobile: '09181234567', name: 'Maria Santos', billing_day: 21 });
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  browser = await launchChromium();
  owner = await newPage();
  await loginAdmin(owner, h.app!.url);
  cashier = await newPage();
  await loginAdmin(cashier, h.app!.url, { username: 'cashier1', password: 'counter-pass-123' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('a cashier records ₱500 for ₱466.20 owed: asked first, confirmed, the rest kept as credit', async () => {
  await cashier.goto(`${h.app!.url}/admin/subscribers/${juan.id}`);
  await expect(cashier.locator('[data-testid=balance-owed]').textContent()).resolves.toContain('₱466.20');
  await check(cashier, 'subscriber-billing');
  await cashier.fill('#f-amount', '500');
  await cashier.selectOption('#f-method', 'cash');
  await cashier.click('[data-testid=pay-submit]');
  await expect(cashier.locator('[data-testid=pay-confirm]').textContent()).resolves.toContain(
    '₱500.00 is more than the ₱466.20 owed; record ₱33.80 as credit?',
  );
  expect(await h.core!.db('subscriber_payments').select()).toHaveLength(0);
  await check(cashier, 'subscriber-pay-confirm');
  await cashier.click('[data-testid=pay-confirm-button]');
  // Back on the page with the payment's receipt offered at once.
  await cashier.waitForURL(/\?receipt=\d+#pay$/);
  await expect(cashier.locator('[data-testid=pay-receipt]').textContent()).resolves.toMatch(/Print receipt/);
  await expect(cashier.locator('.flash').first().textContent()).resolves.toContain(
    '₱500.00 recorded; paid into INV-000001 ₱466.20; credit ₱33.80; still owed ₱0.00.',
  );
  await expect(cashier.locator('[data-testid=balance-credit]').textContent()).resolves.toContain('₱33.80');
  await expect(cashier.locator('[data-testid=subscriber-payments]').textContent()).resolves.toMatch(
    /₱500\.00[\s\S]*cash[\s\S]*cashier1[\s\S]*INV-000001[\s\S]*₱466\.20[\s\S]*₱33\.80 to credit/,
  );
  await check(cashier, 'subscriber-paid');
  // A cashier sees no void form.
  await cashier.goto(`${h.app!.url}/admin/invoices/INV-000002`);
  await expect(cashier.locator('[data-testid=invoice-void]').count()).resolves.toBe(0);
  expect(pageErrors).toEqual([]);
}, 60000);

test('the owner voids the payment on its row: a short reason named under it, then marked Voided', async () => {
  await owner.goto(`${h.app!.url}/admin/subscribers/${juan.id}#payments`);
  await owner.click('[data-testid=payment-void-open-1]');
  await owner.fill('#f-void-reason-1', 'no');
  await owner.click('[data-testid=payment-void-1]');
  await expect(owner.locator('#f-void-reason-1-err').textContent()).resolves.toMatch(/3 to 200 characters/);
  await expect(owner.locator('#f-void-reason-1').inputValue()).resolves.toBe('no');
  await owner.locator('[data-payment="1"]').scrollIntoViewIfNeeded();
  await check(owner, 'subscriber-void-error');
  await owner.fill('#f-void-reason-1', 'cash not in the drawer');
  await owner.click('[data-testid=payment-void-1]');
  await owner.waitForURL(/#payments$/);
  await expect(owner.locator('.flash').first().textContent()).resolves.toContain(
    'Payment No. 1 (₱500.00 cash) voided by No. 2; owed again INV-000001 ₱466.20; credit taken back ₱33.80',
  );
  await expect(owner.locator('[data-testid=payment-voided-1]').textContent()).resolves.toBe('Voided');
  await expect(owner.locator('[data-testid=payment-reverses-2]').textContent()).resolves.toBe(
    'void of No. 1',
  );
  await owner.locator('#payments').scrollIntoViewIfNeeded();
  await check(owner, 'subscriber-voided');
  // Paid again, so the pages after this one find INV-000001 paid as before.
  await h.core!.services.invoices.pay(
    juan.id,
    { amount: '500', method: 'cash', confirm: true },
    { actor: { name: 'cashier1', via: 'admin' } },
  );
  expect(pageErrors).toEqual([]);
}, 60000);

test('the invoices list and page, and the A4 invoice on one page', async () => {
  await owner.goto(`${h.app!.url}/admin/subscribers`);
  await owner.click('[data-testid=invoices-link]');
  await expect(
    owner.locator('[data-invoice=INV-000001] [data-testid=invoice-status]').textContent(),
  ).resolves.toBe('paid');
  await check(owner, 'invoices-list');
  await owner.click('[data-invoice=INV-000001] a >> nth=0');
  await expect(owner.locator('[data-testid=invoice-due]').textContent()).resolves.toBe('₱0.00');
  await check(owner, 'invoice-paid');
  await owner.click('[data-testid=invoice-print]');
  await expect(owner.locator('[data-testid=print-address]').textContent()).resolves.toContain(
    'Antipolo City',
  );
  await check(owner, 'invoice-print');
  await printed(owner, 'INV-000001');
  expect(pageErrors).toEqual([]);
}, 60000);

test('the owner voids an open invoice with its form; its A4 page says VOID', async () => {
  await owner.goto(`${h.app!.url}/admin/invoices/INV-000002`);
  await check(owner, 'invoice-open');
  await owner.fill('#void-reason', 'added twice by mistake');
  await owner.click('[data-testid=invoice-void]');
  await owner.waitForLoadState();
  await expect(owner.locator('[data-testid=invoice-status]').textContent()).resolves.toBe('void');
  await expect(owner.locator('[data-testid=invoice-void-reason]').textContent()).resolves.toContain(
    'added twice by mistake',
  );
  await check(owner, 'invoice-void');
  await printed(owner, 'INV-000002');
  await owner.goto(`${h.app!.url}/admin/invoices/INV-000002/print`);
  await expect(owner.locator('[data-testid=void-mark]').isVisible()).resolves.toBe(true);
  expect(pageErrors).toEqual([]);
}, 60000);

test('billing settings: a bad field is named beside it; saved ones number and date the next invoice', async () => {
  await owner.goto(`${h.app!.url}/admin/settings#billing`);
  await owner.fill('#f-due_days', '91');
  await owner.fill('#f-invoice_prefix', 'INV/');
  await owner.click('[data-testid=billing-save]');
  await expect(owner.locator('#f-due_days-err').textContent()).resolves.toMatch(/from 0 to 90/);
  await expect(owner.locator('#f-invoice_prefix-err').textContent()).resolves.toMatch(
    /letters, digits or dashes/,
  );
  await owner.locator('#billing').scrollIntoViewIfNeeded();
  await check(owner, 'settings-billing-error');
  await saveScreenshot(owner.locator('#billing'), {
    path: path.join(SHOTS, 'settings-billing-section-phone.png'),
  });
  await owner.fill('#f-due_days', '10');
  await owner.fill('#f-invoice_prefix', 'OR-');
  await owner.click('[data-testid=billing-save]');
  await expect(owner.locator('.flash').first().textContent()).resolves.toContain(
    'the next invoice uses them',
  );
  const pedro = await addSubscriber(h, { username: 'pedro', mobile: '09191234567', name: 'Pedro Reyes' });
  await owner.goto(`${h.app!.url}/admin/subscribers/${pedro.id}`);
  await expect(owner.locator('[data-invoice=OR-000003]').textContent()).resolves.toMatch(/2026-12-01/);
  expect(pageErrors).toEqual([]);
}, 60000);
