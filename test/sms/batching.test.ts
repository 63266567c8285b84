/** The sender's calls: one text to many numbers in calls of at most 1,000, and at most 120 calls a minute. */
import { enqueue } from '../../src/services/subscriptions/sms/outbox';
import { smsHarness, subscriber, type SmsHarness } from './helpers';

let x: SmsHarness;
afterEach(async () => {
  await x?.close();
});

/** `n` queued messages for one subscriber to distinct numbers, the text of each from `text(i)`. */
async function queue(n: number, text: (i: number) => string): Promise<void> {
  const s = await subscriber(x.h);
  // SMS turned on after the subscriber's first invoice: only the rows below are sent.
  x.h.clock.advance(1000);
  await x.h.core!.services.sms.run();
  await enqueue(
    x.h.core!.db,
    Array.from({ length: n }, (_, i) => ({
      subject: `payment:${i + 1}`,
      kind: 'payment' as const,
      subscriberId: s.id,
      number: `0918${String(i).padStart(7, '0')}`,
      language: 'en',
      text: text(i),
    })),
    x.h.clock.now(),
  );
}

it('sends 2,500 messages of one text in 3 calls of at most 1,000 numbers', async () => {
  x = await smsHarness();
  await queue(2500, () => 'PisoNet: the shop is closed on Monday.');
  expect(await x.h.core!.services.sms.run()).toMatchObject({ calls: 3, sent: 2500, failed: 0 });
  expect(x.fake.calls).toBe(3);
  expect(new Set(x.fake.sent.map((s) => s.number)).size).toBe(2500);
  const sent = (await x.h.core!.db('sms_outbox').where({ state: 'sent' }).count({ n: '*' }).first()) as {
    n: unknown;
  };
  expect(Number(sent.n)).toBe(2500);
}, 60_000);

it('makes at most 120 calls in a minute, and the rest in the next', async () => {
  x = await smsHarness();
  await queue(150, (i) => `PisoNet: message ${i}.`);
  const first = await x.h.core!.services.sms.run();
  expect(first).toMatchObject({ calls: 120, sent: 120 });
  expect(first.waitMs).toBeGreaterThan(0);
  x.h.clock.advance(30_000);
  expect(await x.h.core!.services.sms.run()).toMatchObject({ calls: 0, sent: 0 });
  x.h.clock.advance(30_000);
  expect(await x.h.core!.services.sms.run()).toMatchObject({ calls: 30, sent: 30 });
  // Semaphore never had to refuse a call for the rate.
  expect(x.fake.calls).toBe(150);
  expect(x.fake.sent).toHaveLength(150);
}, 60_000);
