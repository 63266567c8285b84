/**
 * The invoices and payments pages over plain HTTP: the cashier records a payment at the counter (oldest invoice
 * first, once for a double submit, a question above what is owed and the rest as credit once confirmed), bad
 * fields are named and record nothing; the invoice list filters and searches; the owner voids with a reason
 * (a paid one is refused); a cashier cannot void, a reseller sees none of it, a form without CSRF writes nothing.
 */
import { AdminClient } from '../admin/client';
import { makeAccount } from '../accounts/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let juan: { id: number };
let maria: { id: number };
let owner: AdminClient;
let cashier: AdminClient;

async function as(username: string): Promise<AdminClient> {
  const c = new AdminClient(h.app!.url);
  expect((await c.login(username, 'counter-pass-123')).status).toBe(303);
  return c;
}
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const keyOf = (html: string) => /name="key" value="([^"]+)"/.exec(html)![1];
const payments = () => h.core!.db('subscriber_payments').select();

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  // 2026-11-21: Juan's first invoice (billing day 5) is 14 of 30 days of ₱999 = ₱466.20, INV-000001.
  juan = await addSubscriber(h);
  maria = await addSubscriber(h, {
    username: 'maria',
    mobile: '09181234567',
    name: 'Maria Santos',
    billing_day: 21,
  });
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  await makeAccount(h, { username: 'reseller1', role: 'reseller', profiles: ['BASIC'] });
  owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
  cashier = await as('cashier1');
});
afterAll(async () => {
  await h.close();
});

test('a cashier records a payment: into the invoice, once for a double submit', async () => {
  const page = await cashier.html(`/admin/subscribers/${juan.id}`);
  expect(text(page)).toContain('INV-000001');
  expect(page).toContain('data-testid="pay-form"');
  const key = keyOf(page);
  const token = await cashier.token(`/admin/subscribers/${juan.id}`);
  const form = { amount: '200', method: 'gcash', reference: 'GC-123', key };
  const first = await cashier.post(`/admin/subscribers/${juan.id}/payments`, form, token);
  expect(first.status).toBe(303);
  expect(first.headers.get('location')).toMatch(
    new RegExp(`^/admin/subscribers/${juan.id}\\?receipt=\\d+#pay$`),
  );
  const again = await cashier.post(`/admin/subscribers/${juan.id}/payments`, form, token);
  expect(again.status).toBe(303);
  const after = text(await cashier.html(`/admin/subscribers/${juan.id}`));
  expect(after).toContain('recorded already (the form was sent twice)');
  expect(await payments()).toHaveLength(1);
  const [p] = await payments();
  expect(p).toMatchObject({ amount: 20000, method: 'gcash', reference: 'GC-123', actor: 'cashier1' });
  expect(after).toMatch(/₱200\.00 gcash GC-123 cashier1 INV-000001 ₱200\.00/);
  expect((await h.core!.services.invoices.get('INV-000001')).due).toBe(26620);
  // A new page, a new key: the next payment is another one.
  expect(keyOf(await cashier.html(`/admin/subscribers/${juan.id}`))).not.toBe(key);
  // Back to the sent form, another amount typed: refused, said so, nothing recorded, a fresh key for a new one.
  const back = await cashier.post(`/admin/subscribers/${juan.id}/payments`, { ...form, amount: '20' }, token);
  expect(back.status).toBe(422);
  const refused = await back.text();
  expect(text(refused)).toContain(
    'This form was already sent for ₱200.00 gcash; this payment was not recorded. Check the payments below',
  );
  expect(keyOf(refused)).not.toBe(key);
  expect(await payments()).toHaveLength(1);
});

test('above what is owed asks first; confirmed, the rest is kept as credit', async () => {
  const key = keyOf(await cashier.html(`/admin/subscribers/${juan.id}`));
  const token = await cashier.token(`/admin/subscribers/${juan.id}`);
  const asked = await cashier.post(
    `/admin/subscribers/${juan.id}/payments`,
    { amount: '500', method: 'cash', reference: '', key },
    token,
  );
  expect(asked.status).toBe(409);
  const html = await asked.text();
  expect(text(html)).toContain('₱500.00 is more than the ₱266.20 owed; record ₱233.80 as credit?');
  expect(html).toContain('name="confirm" value="true"');
  expect(keyOf(html)).toBe(key);
  expect(await payments()).toHaveLength(1);
  const yes = { amount: '500', method: 'cash', reference: '', key, confirm: 'true' };
  expect((await cashier.post(`/admin/subscribers/${juan.id}/payments`, yes, token)).status).toBe(303);
  expect((await cashier.post(`/admin/subscribers/${juan.id}/payments`, yes, token)).status).toBe(303);
  expect(await payments()).toHaveLength(2);
  const page = text(await cashier.html(`/admin/subscribers/${juan.id}`));
  expect(page).toMatch(/Owed ₱0\.00 Credit ₱233\.80/);
  expect(page).toContain('₱233.80 to credit');
  expect((await h.core!.services.invoices.get('INV-000001')).status).toBe('paid');
});

test('bad fields are named under each and record nothing', async () => {
  const token = await cashier.token(`/admin/subscribers/${maria.id}`);
  for (const [amount, method, field, msg] of [
    ['0', 'cash', 'amount', /more than ₱0\.00/],
    ['-5', 'cash', 'amount', /amount in pesos|more than/],
    ['abc', 'cash', 'amount', /amount in pesos/],
    ['100', 'barter', 'method', /cash, gcash, maya, bank, other/],
  ] as const) {
    const res = await cashier.post(
      `/admin/subscribers/${maria.id}/payments`,
      { amount, method, reference: '', key: 'k-' + amount + method },
      token,
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('The payment was not recorded.');
    expect(new RegExp(`id="f-${field}-err"[^>]*>([^<]+)<`).exec(html)?.[1]).toMatch(msg);
    expect(html).toMatch(new RegExp(`id="f-amount"[^>]*value="${amount.replace('-', '\\-')}"`));
  }
  expect(await payments()).toHaveLength(2);
});

test('the invoice list filters by status and searches by number, account or name', async () => {
  const all = text(await cashier.html('/admin/invoices'));
  expect(all).toContain('INV-000001');
  expect(all).toContain('INV-000002');
  const open = await cashier.html('/admin/invoices?status=open');
  expect(open).toContain('data-invoice="INV-000002"');
  expect(open).not.toContain('data-invoice="INV-000001"');
  const paid = await cashier.html('/admin/invoices?status=paid');
  expect(paid).toContain('data-invoice="INV-000001"');
  expect(paid).not.toContain('data-invoice="INV-000002"');
  expect(await cashier.html('/admin/invoices?q=maria')).not.toContain('data-invoice="INV-000001"');
  expect(await cashier.html('/admin/invoices?q=s-000001')).toContain('data-invoice="INV-000001"');
  expect(await cashier.html('/admin/invoices?q=inv-000002')).toContain('data-invoice="INV-000002"');
  const bad = await cashier.html('/admin/invoices?status=late');
  expect(bad).toMatch(/id="f-status-err"[^>]*>use open, paid, void</);
  // The invoice's own page: lines, figures and the payments that paid it.
  const inv = text(await cashier.html('/admin/invoices/INV-000001'));
  expect(inv).toMatch(/HOME10, 2026-11-21 to 2026-12-04 \(14 of 30 days\) ₱466\.20/);
  expect(inv).toMatch(/Paid −₱466\.20 Due ₱0\.00/);
  expect(inv).toMatch(/gcash GC-123 cashier1 ₱200\.00/);
  expect(inv).toMatch(/cash — cashier1 ₱266\.20 of ₱500\.00/);
  expect(inv).not.toContain('Void this invoice');
});

test('only the owner voids, with a reason and its CSRF token; a paid invoice is refused', async () => {
  const ctoken = await cashier.token('/admin/invoices');
  expect((await cashier.post('/admin/invoices/INV-000002/void', { reason: 'mistake' }, ctoken)).status).toBe(
    403,
  );
  expect((await owner.post('/admin/invoices/INV-000002/void', { reason: 'mistake' })).status).toBe(403);
  expect((await h.core!.services.invoices.get('INV-000002')).status).toBe('open');

  const page = await owner.html('/admin/invoices/INV-000002');
  expect(page).toContain('Void this invoice');
  const token = await owner.token('/admin/invoices/INV-000002');
  const short = await owner.post('/admin/invoices/INV-000002/void', { reason: 'x' }, token);
  expect(short.status).toBe(303);
  expect(text(await owner.html('/admin/invoices/INV-000002'))).toContain(
    'Reason: say why, in 3 to 200 characters',
  );
  expect((await h.core!.services.invoices.get('INV-000002')).status).toBe('open');

  expect(
    (await owner.post('/admin/invoices/INV-000002/void', { reason: 'added twice by mistake' }, token)).status,
  ).toBe(303);
  const voided = text(await owner.html('/admin/invoices/INV-000002'));
  expect(voided).toContain('INV-000002 voided; its number stays');
  expect(voided).toMatch(/Void: added twice by mistake \(by admin/);
  const printed = text(await owner.html('/admin/invoices/INV-000002/print'));
  expect(printed).toContain('VOID');
  expect(printed).toContain('This invoice is void: added twice by mistake.');

  // A paid invoice: the service refuses; the owner is told why.
  expect((await owner.post('/admin/invoices/INV-000001/void', { reason: 'try it' }, token)).status).toBe(303);
  expect(text(await owner.html('/admin/invoices/INV-000001'))).toContain(
    'INV-000001 is paid; refund or credit the payment instead',
  );
  expect((await h.core!.services.invoices.get('INV-000001')).status).toBe('paid');
});

test('the A4 page prints the shop, the customer, the period, the lines, paid and balance', async () => {
  await h.core!.services.settings.set('shop.name', 'Aling Nena <WiFi>', { name: 'test', via: 'api' });
  const html = await cashier.html('/admin/invoices/INV-000001/print');
  expect(html).toContain('@page { size: A4');
  expect(html).toContain('Aling Nena &lt;WiFi&gt;');
  const t = text(html);
  expect(t).toMatch(/Billed to Juan dela Cruz Account no\. S-000001/);
  expect(t).toMatch(/Issued 2026-11-21 Period 2026-11-21 – 2026-12-04 Due on 2026-11-28/);
  expect(t).toMatch(/Total ₱466\.20 Paid −₱466\.20 Balance due ₱0\.00/);
  expect(t).toContain('PAID');
});

test('a reseller sees none of it', async () => {
  const reseller = await as('reseller1');
  expect((await reseller.get('/admin/invoices')).status).toBe(403);
  expect((await reseller.get('/admin/invoices/INV-000001')).status).toBe(403);
  expect((await reseller.get('/admin/invoices/INV-000001/print')).status).toBe(403);
  const token = await reseller.token('/admin/vouchers');
  const res = await reseller.post(
    `/admin/subscribers/${maria.id}/payments`,
    { amount: '100', method: 'cash', key: 'reseller-key-1' },
    token,
  );
  expect(res.status).toBe(403);
  expect(await payments()).toHaveLength(2);
});

test('a reference already on a payment asks first; confirmed, it is recorded', async () => {
  const key = keyOf(await cashier.html(`/admin/subscribers/${maria.id}`));
  const token = await cashier.token(`/admin/subscribers/${maria.id}`);
  const form = { amount: '50', method: 'gcash', reference: 'GC-900', key, confirm: 'true' };
  expect((await cashier.post(`/admin/subscribers/${maria.id}/payments`, form, token)).status).toBe(303);
  // A reload of the page, the same screenshot typed again: a new form, the same reference.
  const again = { ...form, confirm: '', key: keyOf(await cashier.html(`/admin/subscribers/${maria.id}`)) };
  const asked = await cashier.post(`/admin/subscribers/${maria.id}/payments`, again, token);
  expect(asked.status).toBe(409);
  const html = await asked.text();
  expect(text(html)).toMatch(
    /GC-900 is on payment No\. \d+ already \(₱50\.00 gcash\)\..* Record ₱50\.00 with it again\?/,
  );
  const before = (await payments()).length;
  expect(
    (await cashier.post(`/admin/subscribers/${maria.id}/payments`, { ...again, confirm: 'true' }, token))
      .status,
  ).toBe(303);
  expect(await payments()).toHaveLength(before + 1);
});
