/**
 * Subscribers' billing figures from outside, with a fake clock in the shop's zone: what is owed by the age of
 * each subscriber's oldest unpaid due date (not yet due, 0–30, 31–60, 61+ days past it), money in by method and
 * shop day with a void's reversal negative on its own day, and the subscribers active / suspended with what they
 * owe. Exact centavos; on PostgreSQL too (npm run test:pg).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

const manila = (at: string) => Date.parse(`${at}+08:00`);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
});
afterAll(async () => {
  await h.close();
});

async function pay(id: number, body: Record<string, unknown>) {
  const res = await adminApi(h, 'POST', `/subscribers/${id}/payments`, body);
  expect(res.status).toBe(201);
  return res.json.payment as { id: number };
}

describe("the subscribers' billing report", () => {
  it('ages what is owed, sums money in by method and day, and counts subscribers', async () => {
    // 2026-11-21: A and B bill on the 5th (₱466.20 each for 14 of 30 days), C on the 21st (₱999.00).
    const a = await addSubscriber(h, { username: 'a.sub' });
    const b = await addSubscriber(h, { username: 'b.sub', mobile: '09171234568' });
    const c = await addSubscriber(h, { username: 'c.sub', mobile: '09171234569', billing_day: 21 });
    h.clock.set(manila('2026-12-05T10:00:00'));
    await adminApi(h, 'POST', '/billing/run'); // A and B: ₱999.00 each, due 2026-12-12
    await pay(a.id, { amount: 1465.2, method: 'cash' });
    const cPaid = await pay(c.id, { amount: 999, method: 'gcash', reference: 'GC-9' });
    h.clock.set(manila('2027-01-30T10:00:00'));
    await adminApi(h, 'POST', '/billing/run'); // C Dec 21, A and B Jan 5, C Jan 21
    const d = await addSubscriber(h, { username: 'd.sub', mobile: '09171234560' }); // 6 of 31 days: ₱193.35
    const voided = await adminApi(h, 'POST', `/subscribers/${c.id}/payments/${cPaid.id}/void`, {
      reason: 'transfer bounced',
    });
    expect(voided.status).toBe(200);
    // B's December invoice (due 2026-12-12) is unpaid: January's billing run suspended it.
    expect((await h.core!.services.subscribers.get(b.id)).status).toBe('suspended');

    h.clock.set(manila('2027-02-01T10:00:00'));
    const res = await adminApi(h, 'GET', '/reports/billing?from=2026-12-01&to=2027-01-31');
    expect(res.status).toBe(200);
    const age = res.json.owed_by_age;
    expect(age.today).toBe('2027-02-01');
    expect(age.buckets).toEqual([
      { bucket: 'not_yet_due', subscribers: 1, amount: 193.35, amount_centavos: 19_335 },
      { bucket: '0-30', subscribers: 1, amount: 999, amount_centavos: 99_900 },
      { bucket: '31-60', subscribers: 0, amount: 0, amount_centavos: 0 },
      { bucket: '61+', subscribers: 2, amount: 5461.2, amount_centavos: 546_120 },
    ]);
    expect(age.total).toEqual({ subscribers: 4, amount: 6653.55, amount_centavos: 665_355 });
    expect(
      age.owing.map((o: Record<string, unknown>) => [
        o.subscriber_id,
        o.oldest_due_on,
        o.days_past_due,
        o.owed_centavos,
      ]),
    ).toEqual([
      [b.id, '2026-11-28', 65, 246_420],
      [c.id, '2026-11-28', 65, 299_700],
      [a.id, '2027-01-12', 20, 99_900],
      [d.id, '2027-02-06', 0, 19_335],
    ]);

    const money = res.json.money_in;
    expect(money.total).toEqual({ payments: 2, reversals: 1, amount: 1465.2, amount_centavos: 146_520 });
    expect(money.by_method.filter((m: { payments: number }) => m.payments > 0)).toEqual([
      { method: 'cash', payments: 1, reversals: 0, amount: 1465.2, amount_centavos: 146_520 },
      { method: 'gcash', payments: 1, reversals: 1, amount: 0, amount_centavos: 0 },
    ]);
    expect(money.by_day).toHaveLength(62);
    expect(
      money.by_day.filter((r: { payments: number; reversals: number }) => r.payments + r.reversals),
    ).toEqual([
      { date: '2026-12-05', payments: 2, reversals: 0, amount: 2464.2, amount_centavos: 246_420 },
      { date: '2027-01-30', payments: 0, reversals: 1, amount: -999, amount_centavos: -99_900 },
    ]);

    // A (January unpaid), B (December unpaid) and C (its payment voided) are past due: suspended by billing.
    expect(res.json.subscribers).toEqual({
      scheduled: 0,
      active: 1,
      suspended: 3,
      ended: 0,
      owed: 6653.55,
      owed_centavos: 665_355,
    });
  });

  it('counts a payment on the shop day it was made, in the shop zone', async () => {
    // 23:30 in Manila is 15:30 UTC the same date; 00:30 on 2027-02-02 in Manila is still 2027-02-01 in UTC.
    const [e] = (await adminApi(h, 'GET', '/subscribers')).json.subscribers;
    h.clock.set(manila('2027-02-02T00:30:00'));
    await pay(e.id, { amount: 1, method: 'bank' });
    const res = await adminApi(h, 'GET', '/reports/billing?from=2027-02-02&to=2027-02-02');
    expect(res.json.money_in.by_day).toEqual([
      { date: '2027-02-02', payments: 1, reversals: 0, amount: 1, amount_centavos: 100 },
    ]);
  });

  it('refuses a bad range by field', async () => {
    for (const [qs, field] of [
      ['from=2027-13-01&to=2027-01-31', 'from'],
      ['from=2027-02-01&to=2027-01-31', 'to'],
      ['from=2025-01-01&to=2027-01-31', 'to'],
    ]) {
      const res = await adminApi(h, 'GET', `/reports/billing?${qs}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'INVALID_INPUT', fields: { [field]: expect.any(String) } });
    }
  });
});
