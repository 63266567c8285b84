/**
 * Receipts and invoices a customer can keep: the owner sets the shop's contact (validated, owner-only); each
 * subscriber payment has a receipt (58 mm and A4) with the shop and its contact, the date in shop time, the
 * cashier, amount and method, the invoices it paid and the balance right after it (as it stood then, not now),
 * offered at once after the payment form; the invoice page and its A4 print list its payments with their dates
 * and the shop's contact. Whoever sees the subscriber's payments sees the receipts; a reseller does not.
 */
import { gatewayActor } from '../../src/services/subscriptions/billing/bill-payment';
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { makeAccount } from '../accounts/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let juan: { id: number };
let owner: AdminClient;
let cashier: AdminClient;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const keyOf = (html: string) => /name="key" value="([^"]+)"/.exec(html)![1];

async function as(username: string): Promise<AdminClient> {
  const c = new AdminClient(h.app!.url);
  expect((await c.login(username, 'counter-pass-123')).status).toBe(303);
  return c;
}

beforeAll(async () => {
  h = await createHarness({
    http: true,
    profiles: PROFILES,
    env: { TZ: 'Asia/Manila' },
    now: Date.parse('2026-11-21T10:15:00+08:00'),
  });
  juan = await addSubscriber(h); // INV-000001: ₱466.20
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  await makeAccount(h, { username: 'reseller1', role: 'reseller', profiles: ['BASIC'] });
  owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
  cashier = await as('cashier1');
});
afterAll(() => h.close());

test('the owner sets the shop contact in Settings: a bad mobile is refused, a good one kept as +639…', async () => {
  await h.core!.services.settings.set('shop.name', 'Aling Nena WiFi', SYSTEM);
  const token = await owner.token('/admin/settings');
  const bad = await owner.post(
    '/admin/settings/shop',
    { contact_name: 'Nena', contact_mobile: '12345' },
    token,
  );
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/id="f-contact_mobile-err">[^<]*09/);
  expect(await h.core!.services.settings.get('shop.contact_mobile', '')).toBe('');
  expect(await h.core!.services.settings.get('shop.contact_name', '')).toBe('');
  const ok = await owner.post(
    '/admin/settings/shop',
    { contact_name: 'Aling Nena', contact_mobile: '0917 555 1234' },
    token,
  );
  expect(ok.status).toBe(303);
  expect(await h.core!.services.settings.get('shop.contact_mobile', '')).toBe('+639175551234');
  expect(await h.core!.services.settings.get('shop.contact_name', '')).toBe('Aling Nena');
  expect(await owner.html('/admin/settings')).toContain('value="0917 555 1234"');
  // A name on more than one line, or too long, is refused by the service, whichever face sends it.
  await expect(
    h.core!.services.shopSettings.update({ contact_name: 'x'.repeat(61) }, SYSTEM),
  ).rejects.toThrow(/contact_name.*at most 60 characters on one line/);
  // A cashier may not change it.
  const denied = await cashier.post('/admin/settings/shop', { contact_name: 'x' }, 'x');
  expect([403, 404]).toContain(denied.status);
});

test('a cashier records a payment and prints its receipt at once: shop, contact, time, cashier, invoices, balance', async () => {
  const page = await cashier.html(`/admin/subscribers/${juan.id}`);
  const token = await cashier.token(`/admin/subscribers/${juan.id}`);
  const res = await cashier.post(
    `/admin/subscribers/${juan.id}/payments`,
    { amount: '300', method: 'cash', reference: '', key: keyOf(page) },
    token,
  );
  expect(res.status).toBe(303);
  const back = res.headers.get('location')!;
  const after = await cashier.html(back.replace(/#.*/, ''));
  const href = /data-testid="pay-receipt-58" href="([^"]+)"|href="([^"]+)" data-testid="pay-receipt-58"/.exec(
    after,
  );
  expect(href).not.toBeNull();
  const receiptUrl = (href![1] ?? href![2]).replace(/&amp;/g, '&');
  expect(receiptUrl).toMatch(/^\/admin\/subscribers\/\d+\/payments\/\d+\/receipt\?format=thermal58$/);
  const r = text(await cashier.html(receiptUrl));
  expect(r).toContain('Aling Nena WiFi');
  expect(r).toContain('Aling Nena · 0917 555 1234');
  expect(r).toContain('Nov 21, 2026'); // shop time
  expect(r).toMatch(/10:15/);
  expect(r).toContain('Cashier cashier1');
  expect(r).toContain('Method Cash');
  expect(r).toContain('INV-000001 ₱300.00');
  expect(r).toContain('Amount paid ₱300.00');
  expect(r).toContain('Balance after ₱166.20');
  // A4, the same receipt.
  expect(text(await cashier.html(receiptUrl.replace('thermal58', 'a4')))).toContain('Balance after ₱166.20');
});

test('a reprint later still shows the balance as it was right after the payment', async () => {
  const { payments } = await h.core!.services.invoices.payments(juan.id);
  const first = payments[0];
  // Paid in full and a little more later: credit ₱33.80, nothing owed now.
  h.clock.advance(3600_000);
  const more = await adminApi(h, 'POST', `/subscribers/${juan.id}/payments`, {
    amount: 200,
    method: 'gcash',
    reference: 'GC-77',
    confirm: true,
  });
  expect(more.status).toBe(201);
  const old = text(await owner.html(`/admin/subscribers/${juan.id}/payments/${first.id}/receipt`));
  expect(old).toContain('Balance after ₱166.20');
  expect(old).not.toContain('Credit after');
  const id = (more.json.payment as { id: number }).id;
  const next = text(await owner.html(`/admin/subscribers/${juan.id}/payments/${id}/receipt?format=a4`));
  expect(next).toContain('Method GCash Ref. GC-77');
  expect(next).toContain('INV-000001 ₱166.20');
  expect(next).toContain('Kept as credit ₱33.80');
  expect(next).toContain('Balance after ₱0.00');
  expect(next).toContain('Credit after ₱33.80');
});

test('the invoice page and its A4 print list the payments with dates and the shop contact', async () => {
  const detail = await cashier.html('/admin/invoices/INV-000001');
  expect(text(detail)).toContain('Shop contact Aling Nena · 0917 555 1234');
  expect(detail).toMatch(/data-testid="invoice-receipt-\d+"/);
  const print = text(await cashier.html('/admin/invoices/INV-000001/print'));
  expect(print).toContain('Aling Nena · 0917 555 1234');
  expect(print).toMatch(/Nov 21, 2026[^|]*Cash No\. \d+ ₱300\.00/);
  expect(print).toMatch(/Nov 21, 2026[^|]*GCash \(ref\. GC-77\) No\. \d+ ₱166\.20/);
});

test('who sees a receipt: owner and cashier; a reseller, another subscriber’s id or an unknown one: no', async () => {
  const { payments } = await h.core!.services.invoices.payments(juan.id);
  const url = `/admin/subscribers/${juan.id}/payments/${payments[0].id}/receipt`;
  expect((await cashier.get(url)).status).toBe(200);
  expect((await owner.get(url)).status).toBe(200);
  const reseller = await as('reseller1');
  expect([403, 404]).toContain((await reseller.get(url)).status);
  const maria = await addSubscriber(h, { username: 'maria', mobile: '09181234567', name: 'Maria' });
  expect((await owner.get(`/admin/subscribers/${maria.id}/payments/${payments[0].id}/receipt`)).status).toBe(
    404,
  );
  expect((await owner.get(`/admin/subscribers/${juan.id}/payments/99999/receipt`)).status).toBe(404);
  expect((await owner.get(`/admin/subscribers/${juan.id}/payments/x1/receipt`)).status).toBe(404);
});

test('a bill paid online reads as paid online, not as a cashier named after the gateway; its method by its known name', async () => {
  const maya = await addSubscriber(h, { username: 'maya.user', mobile: '09191234567', name: 'Maya User' });
  const paid = await h.core!.services.invoices.pay(
    maya.id,
    { amount: 100, method: 'maya', reference: 'pay_abc123' },
    { actor: gatewayActor('paymongo'), idempotencyKey: 'paymongo:cs_test_1' },
  );
  const receipt = text(await owner.html(`/admin/subscribers/${maya.id}/payments/${paid.payment.id}/receipt`));
  expect(receipt).toContain('Paid Online (PayMongo)');
  expect(receipt).toContain('Received by Online (PayMongo)');
  expect(receipt).not.toMatch(/Cashier paymongo|by paymongo/);
  expect(text(await owner.html(`/admin/subscribers/${maya.id}`))).toContain('Online (PayMongo)');
});
