/**
 * Subscribers' payments from outside: into the oldest open invoices, the rest as credit for the next invoice,
 * a typo'd amount asked about first, a retried request recorded once, twenty at once never paying a centavo twice.
 */
import crypto from 'node:crypto';
import { createHarness, type Harness } from '../helpers/harness';
import { api, makeAccount } from '../accounts/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

const manilaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

async function pay(h: Harness, id: number, body: Record<string, unknown>, key?: string) {
  const res = await fetch(`${h.app!.url}/admin/api/subscribers/${id}/payments`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer test-token-0123456789abcdef',
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer's shape is what the test checks
    json: (await res.json()) as Record<string, any>,
  };
}

describe('subscriber payments', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('pays the oldest invoices first, keeps the rest as credit, and the next invoice takes it', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    h.clock.set(manilaMidnight('2026-12-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000002: ₱999.00
    const out = await pay(h, s.id, { amount: 1000, method: 'cash' });
    expect(out.status).toBe(201);
    expect(out.json).toMatchObject({
      payment: { amount: 1000, amount_centavos: 100_000, method: 'cash', reference: null },
      allocations: [
        { invoice: 'INV-000001', amount_centavos: 46_620 },
        { invoice: 'INV-000002', amount_centavos: 53_380 },
      ],
      credit_centavos: 0,
      owed: 465.2,
      owed_centavos: 46_520,
    });
    expect((await adminApi(h, 'GET', '/invoices/INV-000001')).json.invoice).toMatchObject({
      status: 'paid',
      paid_centavos: 46_620,
      due: 0,
    });
    // Above what is owed: asked first, nothing recorded; confirmed: the rest is credit.
    const typo = await pay(h, s.id, { amount: '4,652', method: 'gcash', reference: '1234 567 890' });
    expect(typo.status).toBe(409);
    expect(typo.json).toMatchObject({
      code: 'CONFIRM_REQUIRED',
      owed_centavos: 46_520,
      amount_centavos: 465_200,
    });
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json.payments).toHaveLength(1);
    const meant = await pay(h, s.id, {
      amount: 600,
      method: 'gcash',
      reference: '1234 567 890',
      confirm: true,
    });
    expect(meant.json).toMatchObject({ credit_centavos: 13_480, owed_centavos: 0 });
    // The next invoice takes the credit: ₱134.80 of ₱999.00 is already paid.
    h.clock.set(manilaMidnight('2027-01-05'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await adminApi(h, 'GET', '/invoices/INV-000003')).json.invoice).toMatchObject({
      credit_applied_centavos: 13_480,
      due_centavos: 86_420,
      status: 'open',
    });
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json).toMatchObject({
      credit_centavos: 0,
      owed_centavos: 86_420,
    });
    expect(await h.core!.db('audit_log').where({ action: 'subscriber.payment' })).toHaveLength(2);
  });

  it('refuses bad payments by field and writes nothing', async () => {
    const s = await addSubscriber(h);
    for (const [body, field] of [
      [{ amount: 0, method: 'cash' }, 'amount'],
      [{ amount: -5, method: 'cash' }, 'amount'],
      [{ amount: 'ten', method: 'cash' }, 'amount'],
      [{ amount: 100, method: 'bitcoin' }, 'method'],
      [{ amount: 100 }, 'method'],
      [{ amount: 100, method: 'cash', reference: 'x'.repeat(101) }, 'reference'],
    ] as const) {
      const out = await pay(h, s.id, body);
      expect([out.status, out.json.code]).toEqual([400, 'INVALID_INPUT']);
      expect(JSON.stringify(out.json)).toContain(field);
    }
    expect((await pay(h, 999, { amount: 100, method: 'cash' })).status).toBe(404);
    expect(await h.core!.db('subscriber_payments')).toHaveLength(0);
  });

  it('records a retried request once, and twenty payments at once never pay the same centavo twice', async () => {
    const s = await addSubscriber(h); // owes ₱466.20
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      pay(h, s.id, { amount: 100, method: 'cash' }, key),
      pay(h, s.id, { amount: 100, method: 'cash' }, key),
    ]);
    expect(a.json.payment.id).toBe(b.json.payment.id);
    expect((await pay(h, s.id, { amount: 100, method: 'cash' }, key)).json.payment.id).toBe(
      a.json.payment.id,
    );
    expect(await h.core!.db('subscriber_payments')).toHaveLength(1);
    // ₱366.20 owed; 20 × ₱20 at once: 18 go in (₱360), the 19th pays the last ₱6.20 and asks for the rest.
    const many = await Promise.all(
      Array.from({ length: 20 }, () => pay(h, s.id, { amount: 20, method: 'cash' })),
    );
    const taken = many.filter((m) => m.status === 201);
    expect(taken).toHaveLength(18);
    expect(many.filter((m) => m.status === 409)).toHaveLength(2);
    const inv = (await adminApi(h, 'GET', '/invoices/INV-000001')).json.invoice;
    expect(inv).toMatchObject({ paid_centavos: 46_000, due_centavos: 620 });
  });

  it('refuses a key sent again with another payment (422 IDEMPOTENCY_KEY_REUSED), nothing recorded', async () => {
    const s = await addSubscriber(h); // owes ₱466.20
    const other = await addSubscriber(h, { username: 'maria.cruz' });
    const key = crypto.randomUUID();
    const first = await pay(h, s.id, { amount: 3, method: 'cash' }, key);
    expect(first.status).toBe(201);
    for (const [id, body] of [
      [s.id, { amount: 500, method: 'gcash' }],
      [s.id, { amount: 3, method: 'gcash' }],
      [s.id, { amount: 3, method: 'cash', reference: 'OR-1' }],
      [s.id, { amount: '3.01', method: 'cash' }],
      [other.id, { amount: 3, method: 'cash' }],
    ] as const) {
      const again = await pay(h, id, body, key);
      expect([again.status, again.json.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      expect(again.json.payment).toBeUndefined();
    }
    const told = await pay(h, s.id, { amount: 500, method: 'gcash' }, key);
    expect(told.json.error).toBe(
      'This Idempotency-Key was used for another payment (₱3.00 cash); this payment was not recorded. Send a new key for a new payment.',
    );
    // The same payment again (its amount written another way, the method in capitals): the first answer.
    const same = await pay(h, s.id, { amount: '3.00', method: 'CASH' }, key);
    expect(same.status).toBe(201);
    expect(same.json.payment.id).toBe(first.json.payment.id);
    expect(await h.core!.db('subscriber_payments')).toHaveLength(1);
    expect(await h.core!.db('audit_log').where({ action: 'subscriber.payment' })).toHaveLength(1);
  });

  it('two payments at once with one key and different amounts: one recorded, the other 422', async () => {
    const s = await addSubscriber(h);
    const other = await addSubscriber(h, { username: 'maria.cruz' });
    for (const [a, b] of [
      [s.id, s.id],
      [s.id, other.id],
    ]) {
      const key = crypto.randomUUID();
      const both = await Promise.all([
        pay(h, a, { amount: 3, method: 'cash' }, key),
        pay(h, b, { amount: 50, method: 'gcash' }, key),
      ]);
      const statuses = both.map((o) => o.status).sort();
      expect(statuses).toEqual([201, 422]);
      const won = both.find((o) => o.status === 201)!;
      const rows = await h.core!.db('subscriber_payments').where({ idempotency_key: key });
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].amount)).toBe(won.json.payment.amount_centavos);
      expect(both.find((o) => o.status === 422)!.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
  });

  it('lets a cashier take a payment; a reseller cannot', async () => {
    const s = await addSubscriber(h);
    const cashier = await makeAccount(h, { username: 'cashier1', role: 'cashier' });
    const reseller = await makeAccount(h, {
      username: 'reseller1',
      role: 'reseller',
      credit_limit: 50,
      profiles: ['BASIC'],
    });
    const by = await api(
      h,
      'POST',
      `/admin/api/subscribers/${s.id}/payments`,
      { amount: 100, method: 'cash' },
      cashier,
    );
    expect(by.status).toBe(201);
    expect((by.json.payment as Record<string, unknown>).actor).toBe('cashier1');
    expect(
      (
        await api(
          h,
          'POST',
          `/admin/api/subscribers/${s.id}/payments`,
          { amount: 1, method: 'cash' },
          reseller,
        )
      ).status,
    ).toBe(403);
  });
  it('asks before a reference already on one of its payments: the same transfer typed twice', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    const juana = await addSubscriber(h, { username: 'juana', mobile: '09181234567' });
    expect((await pay(h, s.id, { amount: '100', method: 'gcash', reference: 'GC-7788' })).status).toBe(201);
    const again = await pay(h, s.id, { amount: '100', method: 'gcash', reference: ' gc-7788 ' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      code: 'CONFIRM_REQUIRED',
      fields: {
        reference:
          'GC-7788 is on payment No. 1 already (₱100.00 gcash): the same money recorded twice? Check it, or confirm it.',
      },
    });
    expect(await h.core!.db('subscriber_payments').count({ n: '*' })).toEqual([{ n: 1 }]);
    // Another subscriber's reference is theirs; a confirmed one is recorded.
    expect((await pay(h, juana.id, { amount: '100', method: 'gcash', reference: 'GC-7788' })).status).toBe(
      201,
    );
    const meant = await pay(h, s.id, { amount: '100', method: 'gcash', reference: 'GC-7788', confirm: true });
    expect([meant.status, meant.json.owed_centavos]).toEqual([201, 46_620 - 20_000]);
    // Above what is owed as well: one question says both.
    const both = await pay(h, s.id, { amount: '500', method: 'gcash', reference: 'GC-7788' });
    expect(both.json.error).toMatch(
      /on payment No\. 3 already .* ₱500\.00 is also more than the ₱266\.20 owed/,
    );
    // A voided payment's reference is free again.
    for (const id of [1, 3])
      await adminApi(h, 'POST', `/subscribers/${s.id}/payments/${id}/void`, { reason: 'typed twice' });
    expect((await pay(h, s.id, { amount: '100', method: 'gcash', reference: 'GC-7788' })).status).toBe(201);
  });
});
