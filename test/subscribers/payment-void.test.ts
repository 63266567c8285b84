/**
 * A subscriber's payment voided, from outside: a reversal entry (never an edit) reopens the invoices it paid and
 * takes back the credit it left; credit already applied to a later invoice is given back by that invoice, so
 * `owed`, `credit` and each invoice's `paid` agree. A second void (also at once) 409, unknown 404, bad reason
 * 400 with nothing written, the owner's only, audited. Runs on PostgreSQL too (npm run test:pg).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { api, makeAccount } from '../accounts/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

const manilaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

const voidIt = (h: Harness, id: number, paymentId: number, reason: unknown = 'typed on the wrong account') =>
  adminApi(h, 'POST', `/subscribers/${id}/payments/${paymentId}/void`, { reason });
const invoice = async (h: Harness, n: string) => (await adminApi(h, 'GET', `/invoices/${n}`)).json.invoice;
const payments = async (h: Harness, id: number) =>
  (await adminApi(h, 'GET', `/subscribers/${id}/payments`)).json;
const pay = async (h: Harness, id: number, body: Record<string, unknown>) => {
  const res = await adminApi(h, 'POST', `/subscribers/${id}/payments`, body);
  expect(res.status).toBe(201);
  return res.json.payment as { id: number };
};
const rows = async (h: Harness) => ({
  payments: Number((await h.core!.db('subscriber_payments').count('* as n'))[0].n),
  allocations: Number((await h.core!.db('payment_allocations').count('* as n'))[0].n),
  credit: Number((await h.core!.db('subscriber_credit').count('* as n'))[0].n),
  voids: Number((await h.core!.db('subscriber_payment_voids').count('* as n'))[0].n),
});

describe("voiding a subscriber's payment", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('reopens what it paid and takes back its credit, from a later invoice when that took it', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    h.clock.set(manilaMidnight('2026-12-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000002: ₱999.00
    await pay(h, s.id, { amount: 1000, method: 'cash' }); // INV-000001 paid, ₱533.80 of INV-000002
    const second = await pay(h, s.id, { amount: 600, method: 'gcash', reference: 'GC-1', confirm: true });
    // ₱465.20 closes INV-000002, ₱134.80 left as credit, which the next invoice takes.
    h.clock.set(manilaMidnight('2027-01-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000003: ₱999.00, ₱134.80 of it from credit
    expect(await payments(h, s.id)).toMatchObject({ credit_centavos: 0, owed_centavos: 86_420 });

    h.clock.set(manilaMidnight('2027-01-06'));
    const out = await voidIt(h, s.id, second.id, 'GCash transfer bounced');
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({
      payment: {
        id: second.id,
        amount_centavos: 60_000,
        void_reason: 'GCash transfer bounced',
        reverses: null,
      },
      reversal: {
        amount: -600,
        amount_centavos: -60_000,
        method: 'gcash',
        reverses: second.id,
        allocations: [{ invoice: 'INV-000002', amount_centavos: -46_520 }],
      },
      credit_centavos: 0,
      owed: 1464.2,
      owed_centavos: 146_420,
    });
    expect(out.json.payment.voided_at).toBe('2027-01-05T16:00:00.000Z');
    expect(await invoice(h, 'INV-000002')).toMatchObject({
      status: 'open',
      paid_centavos: 53_380,
      due_centavos: 46_520,
    });
    expect(await invoice(h, 'INV-000003')).toMatchObject({
      status: 'open',
      credit_applied_centavos: 0,
      due_centavos: 99_900,
    });
    expect(await invoice(h, 'INV-000001')).toMatchObject({ status: 'paid' });
    const list = await payments(h, s.id);
    expect(list.payments.map((p: { amount_centavos: number }) => p.amount_centavos)).toEqual([
      100_000, 60_000, -60_000,
    ]);
    expect(list).toMatchObject({ credit_centavos: 0, owed_centavos: 146_420 });
    // The subscriber object says the same.
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber).toMatchObject({
      credit_centavos: 0,
      owed_centavos: 146_420,
    });
    const audit = await h.core!.db('audit_log').where({ action: 'subscriber.payment.void' });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('api-token (api)');
    expect(JSON.parse(audit[0].details)).toMatchObject({
      payment: second.id,
      amount: 60_000,
      credit_taken: 13_480,
    });
  });

  it("lets another payment's credit pay what the void reopened", async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    const a = await pay(h, s.id, { amount: '466.20', method: 'cash' });
    await pay(h, s.id, { amount: '100', method: 'gcash', reference: 'GC-1', confirm: true }); // ₱100 credit
    expect((await voidIt(h, s.id, a.id)).status).toBe(200);
    expect(await payments(h, s.id)).toMatchObject({ credit_centavos: 0, owed_centavos: 36_620 });
    expect(await invoice(h, 'INV-000001')).toMatchObject({
      credit_applied_centavos: 10_000,
      due_centavos: 36_620,
    });
  });

  it('takes back credit still held without touching any invoice', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    const p = await pay(h, s.id, { amount: 500, method: 'cash', confirm: true });
    expect(await payments(h, s.id)).toMatchObject({ credit_centavos: 3_380, owed_centavos: 0 });
    expect((await voidIt(h, s.id, p.id)).json).toMatchObject({ credit_centavos: 0, owed_centavos: 46_620 });
    expect(await invoice(h, 'INV-000001')).toMatchObject({ status: 'open', paid_centavos: 0 });
  });

  it('refuses a second void (also two at once), an unknown payment, a reversal and a bad reason; writes nothing', async () => {
    const s = await addSubscriber(h);
    const other = await addSubscriber(h, { username: 'ana', mobile: '09171234568' });
    const p = await pay(h, s.id, { amount: 100, method: 'cash' });
    const before = await rows(h);
    const bad = await voidIt(h, s.id, p.id, ' x ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'INVALID_INPUT', fields: { reason: expect.any(String) } });
    expect((await voidIt(h, s.id, 9999)).json).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
    expect((await voidIt(h, other.id, p.id)).status).toBe(404);
    expect((await voidIt(h, s.id, Number.NaN)).status).toBe(404);
    expect(await rows(h)).toEqual(before);

    const both = await Promise.all([voidIt(h, s.id, p.id), voidIt(h, s.id, p.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.json).toMatchObject({ code: 'PAYMENT_VOIDED' });
    const reversal = both.find((r) => r.status === 200)!.json.reversal.id as number;
    const after = await rows(h);
    expect(after).toEqual({
      ...before,
      payments: before.payments + 1,
      allocations: before.allocations + 1,
      voids: 1,
    });
    expect((await voidIt(h, s.id, p.id)).status).toBe(409);
    expect((await voidIt(h, s.id, reversal)).json).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
    expect(await rows(h)).toEqual(after);
  });

  it("is the owner's alone: a cashier who takes payments cannot void one", async () => {
    const s = await addSubscriber(h);
    const p = await pay(h, s.id, { amount: 100, method: 'cash' });
    const cashier = await makeAccount(h, { username: 'cashier1', role: 'cashier' });
    const res = await api(
      h,
      'POST',
      `/admin/api/subscribers/${s.id}/payments/${p.id}/void`,
      { reason: 'my mistake' },
      cashier,
    );
    expect(res.status).toBe(403);
    expect((await payments(h, s.id)).payments).toHaveLength(1);
  });
});
