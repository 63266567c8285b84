/**
 * A payment voided from the subscriber's page over plain HTTP: the owner's Void on each standing payment (a bad
 * reason named under its field with what was typed kept, nothing written; a second void said at the top), the
 * voided payment marked with who, when and why, its reversal named "void of No. N"; a cashier has no Void and
 * is refused, a form without CSRF writes nothing. And the same pages' small print: one minus sign for negative
 * money, an invoice's "Paid by" marking a voided payment and its reversal, a plan change's invoice saying so, no made-up amount as the payment form's hint, "Voided by" on a void's receipt, the suspension's actor
 * once and the shop's mobile as customers read it.
 */
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
const voids = () => h.core!.db('subscriber_payment_voids').select();
const CASHIER = { name: 'cashier1', via: 'admin' as const };

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  juan = await addSubscriber(h); // INV-000001: ₱466.20
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  [owner, cashier] = [new AdminClient(h.app!.url), new AdminClient(h.app!.url)];
  expect((await owner.login()).status).toBe(303);
  expect((await cashier.login('cashier1', 'counter-pass-123')).status).toBe(303);
  const pay = { amount: '200', method: 'gcash', reference: 'GC-1' };
  await h.core!.services.invoices.pay(juan.id, pay, { actor: CASHIER }); // No. 1
});
afterAll(() => h.close());

test('the owner voids a payment on its row: a bad reason is named under it and kept, nothing written', async () => {
  const path = `/admin/subscribers/${juan.id}`;
  expect(await owner.html(path)).toContain('data-testid="payment-void-open-1"');
  expect(await cashier.html(path)).not.toContain('payment-void-open-1');
  const token = await owner.token(path);
  const bad = await owner.post(`${path}/payments/1/void`, { reason: ' ab ' }, token);
  expect(bad.status).toBe(400);
  const html = await bad.text();
  expect(/id="f-void-reason-1-err"[^>]*>([^<]+)</.exec(html)?.[1]).toMatch(/say why, in 3 to 200 characters/);
  expect(html).toMatch(/id="f-void-reason-1"[^>]*value="ab"/);
  expect(html).toMatch(/<details class="void-payment" open>/);
  expect(await voids()).toHaveLength(0);
  // Without its CSRF token, and as a cashier: refused, nothing written.
  expect((await owner.post(`${path}/payments/1/void`, { reason: 'no token here' })).status).toBe(403);
  const ctoken = await cashier.token(path);
  expect((await cashier.post(`${path}/payments/1/void`, { reason: 'my mistake' }, ctoken)).status).toBe(403);
  expect(await voids()).toHaveLength(0);
});

test('voided: the page says what it did, marks the payment and names its reversal; a second void is refused', async () => {
  const path = `/admin/subscribers/${juan.id}`;
  const token = await owner.token(path);
  const done = await owner.post(`${path}/payments/1/void`, { reason: 'cash not in the drawer' }, token);
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe(`${path}#payments`);
  const html = await owner.html(path);
  const page = text(html);
  expect(page).toContain(
    'Payment No. 1 (₱200.00 gcash) voided by No. 2; owed again INV-000001 ₱200.00; still owed ₱466.20.',
  );
  expect(html).toMatch(/<tr data-payment="1" class="voided">/);
  expect(html).toContain('<s>₱200.00</s> <span class="tag bad" data-testid="payment-voided-1">Voided</span>');
  expect(page).toMatch(/Voided by admin, [^<]+?: cash not in the drawer \(No\. 2\)/);
  expect(page).toMatch(/−₱200\.00 gcash GC-1 admin void of No\. 1 INV-000001 −₱200\.00/);
  expect(html).not.toContain('payment-void-open-1');
  expect(html).not.toContain('payment-void-open-2');
  expect(await voids()).toHaveLength(1);

  expect((await owner.post(`${path}/payments/1/void`, { reason: 'tapped twice' }, token)).status).toBe(303);
  expect(text(await owner.html(path))).toContain('Payment 1 is void already; nothing was voided.');
  expect(await voids()).toHaveLength(1);
});

test("a void's receipt says who voided it; the invoice and its print write one minus sign", async () => {
  const receipt = text(await owner.html(`/admin/subscribers/${juan.id}/payments/2/receipt`));
  expect(receipt).toContain('Voided by admin');
  expect(receipt).not.toContain('Received by');
  const voided = text(await owner.html(`/admin/subscribers/${juan.id}/payments/1/receipt`));
  expect(voided).toContain('Received by cashier1');
  // The voided payment's own receipt, reprinted, does not thank the customer for money that no longer counts.
  expect(voided).toContain('This payment no longer counts.');
  expect(voided).not.toContain('Keep this receipt');
  // Nothing paid any more: ₱0.00, not −₱0.00.
  const detail = await owner.html('/admin/invoices/INV-000001');
  expect(text(detail)).toMatch(/Paid ₱0\.00 Due ₱466\.20/);
  // Its "Paid by" marks the voided payment and names the reversal, on the page and on paper.
  expect(detail).toContain(
    '<s>₱200.00</s> <span class="tag bad" data-testid="invoice-payment-voided-1">Voided</span>',
  );
  expect(text(detail)).toMatch(/−₱200\.00 void of No\. 1/);
  const paper = text(await owner.html('/admin/invoices/INV-000001/print'));
  expect(paper).toMatch(/No\. 1 ₱200\.00 \(voided\)/);
  expect(paper).toMatch(/No\. 2 −₱200\.00 \(void of No\. 1\)/);
  expect(text(await owner.html('/admin/invoices/INV-000001/print'))).toMatch(
    /Paid ₱0\.00 Balance due ₱466\.20/,
  );
  // A plan change mid-cycle: the old plan's days credited on a line of their own, with the same minus sign.
  expect((await adminApi(h, 'PUT', `/subscribers/${juan.id}`, { profile: 'HOME25' })).status).toBe(200);
  const [changed] = (await h.core!.services.invoices.list({ subscriberId: juan.id })).slice(-1);
  expect(changed.lines.some((l) => l.amount < 0)).toBe(true);
  for (const url of [`/admin/invoices/${changed.number}`, `/admin/invoices/${changed.number}/print`]) {
    const t = text(await owner.html(url));
    expect(t).toMatch(/Plan change|PLAN CHANGE/);
    expect({ url, hyphen: /-₱/.test(t) }).toEqual({ url, hyphen: false });
    expect(t).toMatch(/−₱\d/);
  }
});

test('the payment form suggests no amount when nothing is owed', async () => {
  const ana = await addSubscriber(h, { username: 'ana', mobile: '09171234568', paid_until: '2026-12-04' });
  const html = await owner.html(`/admin/subscribers/${ana.id}`);
  expect(text(html)).toMatch(/Owed ₱0\.00/);
  const input = /<input type="text" id="f-amount"[^>]*>/.exec(html)![0];
  expect(input).not.toContain('placeholder');
  expect(await owner.html(`/admin/subscribers/${juan.id}`)).toMatch(
    /id="f-amount"[^>]*placeholder="\d+\.\d\d"/,
  );
});

test("a suspension names its actor once; the suspend form shows the shop's mobile as customers read it", async () => {
  await h.core!.services.settings.set('shop.contact_mobile', '+639179998888', SYSTEM);
  const page = text(await owner.html(`/admin/subscribers/${juan.id}`));
  expect(page).toContain('the customer is told to contact the shop (0917 999 8888)');
  expect(page).not.toContain('+639179998888');
  const early = await adminApi(h, 'POST', `/subscribers/${juan.id}/suspend`, {
    reason: 'unpaid',
    until_paid: true,
  });
  expect(early.json.code).toBe('NOTHING_PAST_DUE');
  expect(early.json.error).toMatch(/Suspend without it, with a reason\.$/);
  await h.core!.services.subscribers.suspend(juan.id, 'unpaid for November', SYSTEM);
  expect(text(await owner.html(`/admin/subscribers/${juan.id}`))).toMatch(
    /Suspended: unpaid for November \(by system, /,
  );
});
