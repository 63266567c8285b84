/**
 * SMS after the controller was off for days: an invoice's "issued" text goes however long the box was off while
 * it is still true, and is dropped (with why) once its invoice is paid or past its due date; "give up after
 * 2 days" counts only the time a running controller spent trying.
 */
import { GIVE_UP_MS, LATE_SLACK_MS, triedFor } from '../../src/services/subscriptions/sms/sender';
import { SYSTEM } from '../../src/services/types';
import { manila, smsHarness, subscriber, type SmsHarness } from './helpers';

let x: SmsHarness;
afterEach(async () => {
  await x?.close();
});

const DAY = 86_400_000;
const issuedRows = () => x.h.core!.db('sms_outbox').where({ kind: 'issued' }).orderBy('id');

describe('SMS after the controller was off', () => {
  it('sends an issued text that failed once before a 4-day power cut, and keeps retrying after a second failure', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    await subscriber(h); // INV-000001, due Nov 28
    fake.mode = 'error';
    expect(await h.core!.services.sms.run()).toMatchObject({ queued: 1, failed: 1 });
    // Off for 4 days; back on, Semaphore still failing once more: not given up, tried again.
    h.clock.advance(4 * DAY);
    expect(await h.core!.services.sms.run()).toMatchObject({ failed: 1 });
    const [row] = await issuedRows();
    expect(row).toMatchObject({ state: 'retry', attempts: 2 });
    expect(Number(row.tried_ms)).toBeLessThanOrEqual(LATE_SLACK_MS + 60_000);
    fake.mode = 'up';
    h.clock.advance(15 * 60_000);
    await h.core!.services.sms.run();
    expect(fake.sent.map((s) => s.message).filter((m) => m.includes(' for P'))).toEqual([
      'PisoNet: bill INV-000001 for P466.20 is due Nov 28. Pay at http://10.5.50.1/portal/account or at the shop.',
    ]);
  });

  it('drops an issued text never tried once its due date has passed, and sends one still before it', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    await subscriber(h); // due Nov 28
    // Queued, then the power went before its first try: one box comes back on the due date (still true), the
    // other the day after.
    const db = h.core!.db;
    fake.mode = 'down';
    await h.core!.services.sms.run();
    await db('sms_outbox').update({ state: 'pending', attempts: 0, tried_ms: 0, sending_at: null });
    fake.mode = 'up';
    h.clock.set(manila('2026-11-28', '18:00'));
    expect(await h.core!.services.sms.run()).toMatchObject({ sent: 1 });
    expect(fake.sent[0].message).toContain('is due Nov 28');

    await x.close();
    x = await smsHarness();
    await subscriber(x.h);
    x.fake.mode = 'down';
    await x.h.core!.services.sms.run();
    x.fake.mode = 'up';
    x.h.clock.set(manila('2026-11-29', '00:00'));
    await x.h.core!.services.sms.run();
    expect(x.fake.sent.filter((s) => s.message.includes('bill INV-000001 for'))).toHaveLength(0);
    expect(await issuedRows()).toEqual([
      expect.objectContaining({
        state: 'given_up',
        last_error: 'not sent: its due date passed before it went',
      }),
    ]);
  });

  it('drops an issued text whose invoice was paid before it could go; the payment text says the news', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    fake.mode = 'error';
    await h.core!.services.sms.run();
    fake.mode = 'up';
    await h.core!.services.invoices.pay(s.id, { amount: 466.2, method: 'cash' }, { actor: SYSTEM });
    h.clock.advance(2 * DAY);
    await h.core!.services.sms.run();
    expect(fake.sent.map((m) => m.message)).toEqual([
      'PisoNet: we received P466.20, thank you. Nothing owed now.',
    ]);
    expect(await issuedRows()).toEqual([
      expect.objectContaining({
        state: 'given_up',
        last_error: 'not sent: the invoice was paid before it went',
      }),
    ]);
  });

  it('counts only the time a running controller spent trying', () => {
    const t0 = manila('2026-11-20', '10:00');
    const first = { tried_ms: 0, sending_at: null, created_at: t0, next_try_at: t0 };
    // Tried in the round after it was written: a few seconds of trying.
    expect(triedFor(first, t0 + 15_000)).toBe(15_000);
    // Its first try came 4 days late (the box was off): only the slack counts.
    expect(triedFor(first, t0 + 4 * DAY)).toBe(LATE_SLACK_MS);
    // A retry planned 10 minutes out, tried on time, after 3 hours of trying so far.
    const retry = { tried_ms: 3 * 3_600_000, sending_at: t0, created_at: t0, next_try_at: t0 + 600_000 };
    expect(triedFor(retry, t0 + 600_000)).toBe(3 * 3_600_000 + 600_000);
    // The same retry after a 4-day power cut: the wait and the slack, never the days off.
    expect(triedFor(retry, t0 + 4 * DAY)).toBe(3 * 3_600_000 + 600_000 + LATE_SLACK_MS);
    // A Retry-After of a day, waited out twice while running: given up at two days of trying.
    const long = { tried_ms: DAY, sending_at: t0, created_at: t0 - DAY, next_try_at: t0 + DAY };
    expect(triedFor(long, t0 + DAY)).toBeGreaterThanOrEqual(GIVE_UP_MS);
  });
});
