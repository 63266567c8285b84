/**
 * Subscribers' invoices from outside: the first one prorated at creation, one per billing day after it, the
 * catch-up after days off, numbers gap-free under concurrent creations and runs, voids that keep the number.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { api, makeAccount } from '../accounts/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

/** Midnight in Manila of a shop date, as ms. */
const manilaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

describe('invoices', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('issues a prorated first invoice at creation, one per billing day, and catches up missed ones in order', async () => {
    // The harness's day is 2026-11-21; billing day 5: the cycle Nov 5 – Dec 4 has 30 days, 14 of them billed.
    const s = await addSubscriber(h);
    const first = await adminApi(h, 'GET', `/subscribers/${s.id}/invoices`);
    expect(first.json.invoices).toEqual([
      expect.objectContaining({
        number: 'INV-000001',
        subscriber_id: s.id,
        issued_on: '2026-11-21',
        period_start: '2026-11-21',
        period_end: '2026-12-04',
        due_on: '2026-11-28',
        lines: [
          {
            description: 'HOME10, 2026-11-21 to 2026-12-04 (14 of 30 days)',
            amount: 466.2,
            amount_centavos: 46_620,
          },
        ],
        amount: 466.2,
        amount_centavos: 46_620,
        credit_applied: 0,
        paid: 0,
        due: 466.2,
        due_centavos: 46_620,
        status: 'open',
      }),
    ]);
    expect((await adminApi(h, 'POST', '/billing/run')).json).toEqual({ success: true, issued: [] });

    // The billing day, at midnight shop time: the full fee for the next cycle, dated that day (the server's own
    // billing job may issue it first: whoever runs, it is issued once).
    h.clock.set(manilaMidnight('2026-12-05'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await adminApi(h, 'POST', '/billing/run')).json.issued).toEqual([]);
    expect((await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice).toMatchObject({
      issued_on: '2026-12-05',
      period_start: '2026-12-05',
      period_end: '2027-01-04',
      due_on: '2026-12-12',
      amount_centavos: 99_900,
    });

    // Off over two billing days: both issued at once, each dated its own billing day, numbered in order. Two
    // runs at once issue each invoice once; the server's own billing job, which follows the moved clock, may
    // have issued them first, so the runs answer the ones they issued, never one twice.
    h.clock.set(manilaMidnight('2027-02-06'));
    const [a, b] = await Promise.all([
      adminApi(h, 'POST', '/billing/run'),
      adminApi(h, 'POST', '/billing/run'),
    ]);
    const issued = [...a.json.issued, ...b.json.issued].sort();
    expect(new Set(issued).size).toBe(issued.length);
    for (const n of issued) expect(['INV-000003', 'INV-000004']).toContain(n);
    const all = (await adminApi(h, 'GET', '/invoices')).json.invoices as Array<Record<string, unknown>>;
    expect(all.map((i) => [i.number, i.issued_on])).toEqual([
      ['INV-000001', '2026-11-21'],
      ['INV-000002', '2026-12-05'],
      ['INV-000003', '2027-01-05'],
      ['INV-000004', '2027-02-05'],
    ]);
    // An ended subscriber is invoiced no more.
    expect((await adminApi(h, 'DELETE', `/subscribers/${s.id}`)).status).toBe(200);
    h.clock.set(manilaMidnight('2027-03-05'));
    expect((await adminApi(h, 'POST', '/billing/run')).json.issued).toEqual([]);
  });

  it('issues at midnight by itself: the server’s billing job follows the shop’s clock', async () => {
    await addSubscriber(h);
    h.clock.set(manilaMidnight('2026-12-05') + 30_000);
    const until = Date.now() + 10_000;
    let numbers: string[] = [];
    while (Date.now() < until) {
      numbers = ((await adminApi(h, 'GET', '/invoices')).json.invoices as Array<{ number: string }>).map(
        (i) => i.number,
      );
      if (numbers.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(numbers).toEqual(['INV-000001', 'INV-000002']);
  });

  it('bills a plan change mid-cycle: the old plan’s days credited, the new one’s charged; cheaper pays the open invoices', async () => {
    h.clock.set(manilaMidnight('2027-02-01') + 9 * 3600_000);
    const s = await addSubscriber(h, { billing_day: 1 }); // INV-000001: ₱999.00, Feb 1–28
    h.clock.set(manilaMidnight('2027-02-10') + 10 * 3600_000);
    expect((await adminApi(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME25' })).status).toBe(200);
    const change = (await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice;
    expect(change).toMatchObject({
      kind: 'change',
      issued_on: '2027-02-10',
      period_start: '2027-02-10',
      period_end: '2027-02-28',
      due_on: '2027-02-17',
      lines: [
        {
          description: 'HOME10, 2027-02-10 to 2027-02-28 (19 of 28 days), credited',
          amount_centavos: -67_789,
        },
        { description: 'HOME25, 2027-02-10 to 2027-02-28 (19 of 28 days)', amount_centavos: 101_718 },
      ],
      amount: 339.29,
      amount_centavos: 33_929,
    });
    // Back to the cheaper plan the same day: no invoice; the difference is credit, which pays the open invoices at
    // once, oldest first, so what is owed is the cheaper plan's month and no credit is left beside a debt.
    expect((await adminApi(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME10' })).status).toBe(200);
    expect((await adminApi(h, 'GET', '/invoices')).json.invoices).toHaveLength(2);
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json).toMatchObject({
      credit_centavos: 0,
      owed_centavos: 99_900,
    });
    expect((await adminApi(h, 'GET', '/invoices/INV-000001')).json.invoice).toMatchObject({
      credit_applied_centavos: 33_929,
      due_centavos: 99_900 - 33_929,
    });
    expect((await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice).toMatchObject({
      due_centavos: 33_929,
    });
    // The next invoice is the month's fee: nothing is left to take.
    h.clock.set(manilaMidnight('2027-03-01'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await adminApi(h, 'GET', '/invoices/INV-000003')).json.invoice).toMatchObject({
      credit_applied_centavos: 0,
      due_centavos: 99_900,
    });
  });

  it('bills a plan change in the first, part-month cycle over the days of the whole billing cycle', async () => {
    // Joined 2026-12-12 with billing day 1: 20 of December's 31 days, ₱644.52.
    h.clock.set(manilaMidnight('2026-12-12') + 9 * 3600_000);
    const s = await addSubscriber(h, { billing_day: 1 });
    expect((await adminApi(h, 'GET', '/invoices/INV-000001')).json.invoice).toMatchObject({
      amount_centavos: 64_452,
    });
    // ₱999 → ₱1,499 the same day: −₱644.52 + ₱967.10, over the 31 days as the first invoice counts them.
    expect((await adminApi(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME25' })).status).toBe(200);
    expect((await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice).toMatchObject({
      kind: 'change',
      period_start: '2026-12-12',
      period_end: '2026-12-31',
      lines: [
        {
          description: 'HOME10, 2026-12-12 to 2026-12-31 (20 of 31 days), credited',
          amount_centavos: -64_452,
        },
        { description: 'HOME25, 2026-12-12 to 2026-12-31 (20 of 31 days)', amount_centavos: 96_710 },
      ],
      amount_centavos: 32_258,
    });
  });

  it('numbers 20 subscribers created at once without a gap or a repeat', async () => {
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        adminApi(h, 'POST', '/subscribers', {
          name: `Subscriber ${i}`,
          mobile: `0917${String(1000000 + i)}`,
          profile: 'HOME25',
          billing_day: 1 + (i % 28),
          username: `sub${i}`,
        }),
      ),
    );
    expect(made.map((m) => m.status)).toEqual(Array(20).fill(201));
    const numbers = ((await adminApi(h, 'GET', '/invoices')).json.invoices as Array<{ number: string }>).map(
      (i) => i.number,
    );
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`));
  });

  it('voids an open invoice once, with who and why, keeping its number; a cashier reads but cannot void', async () => {
    await addSubscriber(h);
    expect((await adminApi(h, 'POST', '/invoices/INV-000001/void', {})).json).toMatchObject({
      code: 'INVALID_INPUT',
    });
    // The audit log keeps a reason on one line, as a payment's void does.
    const twoLines = await adminApi(h, 'POST', '/invoices/INV-000001/void', {
      reason: 'wrong plan\nat sign-up',
    });
    expect([twoLines.status, twoLines.json.code, twoLines.json.error]).toEqual([
      400,
      'INVALID_INPUT',
      'reason: say why, in 3 to 200 characters on one line',
    ]);
    const voided = await adminApi(h, 'POST', '/invoices/inv-000001/void', {
      reason: 'wrong plan at sign-up',
    });
    expect(voided.status).toBe(200);
    expect(voided.json.invoice).toMatchObject({
      number: 'INV-000001',
      status: 'void',
      due: 0,
      amount_centavos: 46_620,
      void_reason: 'wrong plan at sign-up',
    });
    const again = await adminApi(h, 'POST', '/invoices/INV-000001/void', { reason: 'again' });
    expect([again.status, again.json.code]).toEqual([409, 'INVOICE_VOIDED']);
    expect((await adminApi(h, 'GET', '/invoices?status=void')).json.invoices).toHaveLength(1);
    expect((await adminApi(h, 'GET', '/invoices?status=open')).json.invoices).toHaveLength(0);
    expect((await adminApi(h, 'GET', '/invoices?status=late')).status).toBe(400);
    for (const bad of ['INV-000009', '1', 'INV-1%20', '..'])
      expect((await adminApi(h, 'GET', `/invoices/${bad}`)).status).toBe(404);
    const audit = await h.core!.db('audit_log').where({ action: 'invoice.void' });
    expect(audit).toHaveLength(1);
    // A new subscriber's invoice takes the next number: a void never frees one.
    await addSubscriber(h, { username: 'maria', mobile: '09181234567' });
    expect((await adminApi(h, 'GET', '/invoices?status=open')).json.invoices).toEqual([
      expect.objectContaining({ number: 'INV-000002' }),
    ]);
    const cashier = await makeAccount(h, { username: 'cashier1', role: 'cashier' });
    expect((await api(h, 'GET', '/admin/api/invoices', undefined, cashier)).status).toBe(200);
    expect(
      (await api(h, 'POST', '/admin/api/invoices/INV-000002/void', { reason: 'nope' }, cashier)).status,
    ).toBe(403);
    expect((await api(h, 'POST', '/admin/api/billing/run', {}, cashier)).status).toBe(403);
  });
  it('a void of a partly paid invoice gives the payment back as credit, which pays the next invoice; voiding the payment takes it back', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20, due 2026-11-28
    const paid = await adminApi(h, 'POST', `/subscribers/${s.id}/payments`, {
      amount: '200',
      method: 'cash',
    });
    expect(paid.status).toBe(201);
    h.clock.set(manilaMidnight('2026-12-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000002: ₱999.00
    const voided = await adminApi(h, 'POST', '/invoices/INV-000001/void', {
      reason: 'wrong plan at sign-up',
    });
    expect(voided.json.invoice).toMatchObject({ status: 'void', paid_centavos: 20_000, due_centavos: 0 });
    // The ₱200.00 in the drawer is the customer's still: it pays the open invoice.
    expect((await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice).toMatchObject({
      credit_applied_centavos: 20_000,
      due_centavos: 79_900,
    });
    const after = (await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json;
    expect(after).toMatchObject({ credit_centavos: 0, owed_centavos: 79_900 });
    // The payment still says what it paid on its day.
    expect(after.payments[0].allocations).toEqual([
      { invoice: 'INV-000001', amount: 200, amount_centavos: 20_000 },
    ]);
    const [audit] = await h.core!.db('audit_log').where({ action: 'invoice.void' });
    expect(JSON.parse(String(audit.details))).toMatchObject({ amount: 46_620, credited: 20_000 });
    // The payment bounced after all: voiding it takes the ₱200.00 back from the invoice it went on to pay.
    const pv = await adminApi(h, 'POST', `/subscribers/${s.id}/payments/${paid.json.payment.id}/void`, {
      reason: 'counterfeit bill',
    });
    expect(pv.status).toBe(200);
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json).toMatchObject({
      credit_centavos: 0,
      owed_centavos: 99_900,
    });
    expect((await adminApi(h, 'GET', '/invoices/INV-000002')).json.invoice).toMatchObject({
      credit_applied_centavos: 0,
      due_centavos: 99_900,
    });
  });

  it('a void of an invoice that took credit gives the credit back', async () => {
    const s = await addSubscriber(h); // INV-000001: ₱466.20
    await adminApi(h, 'POST', `/subscribers/${s.id}/payments`, {
      amount: '1500',
      method: 'cash',
      confirm: true,
    });
    h.clock.set(manilaMidnight('2026-12-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000002: ₱999.00, paid by credit
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json).toMatchObject({
      credit_centavos: 150_000 - 46_620 - 99_900,
      owed_centavos: 0,
    });
    const voided = await adminApi(h, 'POST', '/invoices/INV-000002/void', { reason: 'billed twice' });
    expect([voided.status, voided.json.code]).toEqual([409, 'INVOICE_PAID']);
    // An invoice only partly paid by credit: a cheaper one later, its credit given back whole at the void.
    h.clock.set(manilaMidnight('2027-01-05'));
    await adminApi(h, 'POST', '/billing/run'); // INV-000003: ₱999.00, ₱34.80 of it by credit
    expect((await adminApi(h, 'GET', '/invoices/INV-000003')).json.invoice).toMatchObject({
      credit_applied_centavos: 3_480,
      due_centavos: 99_900 - 3_480,
    });
    await adminApi(h, 'POST', '/invoices/INV-000003/void', { reason: 'billed in error' });
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}/payments`)).json).toMatchObject({
      credit_centavos: 3_480,
      owed_centavos: 0,
    });
  });
});
