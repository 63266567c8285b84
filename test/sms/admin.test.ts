/** The admin's Settings page says whether SMS to subscribers is on, with its sender, and the last failure. */
import { AdminClient } from '../admin/client';
import { SYSTEM } from '../../src/services/types';
import { KEY, smsHarness, subscriber, type SmsHarness } from './helpers';

let x: SmsHarness;
afterEach(async () => {
  await x?.close();
});

const text = (html: string, id: string) =>
  new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</p>`)
    .exec(html)?.[1]
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

test('off without a key', async () => {
  x = await smsHarness({}, false, true);
  await subscriber(x.h);
  const c = new AdminClient(x.h.app!.url);
  await c.login();
  const html = await c.html('/admin/settings');
  expect(text(html, 'sms-status')).toBe('SMS to subscribers: off (no Semaphore key)');
  expect(await x.h.core!.db('sms_outbox')).toEqual([]);
});

test('on, with its sender, what was sent and the last failure; never the key', async () => {
  x = await smsHarness({}, true, true);
  x.fake.refuseNext = 1;
  await subscriber(x.h);
  await subscriber(x.h);
  // Sent one by one: the first refused, the second sent (the server's own rounds may run too: same outcome).
  await x.h.core!.services.sms.run();
  await x.h.core!.services.sms.run();
  const c = new AdminClient(x.h.app!.url);
  await c.login();
  const html = await c.html('/admin/settings');
  expect(text(html, 'sms-status')).toMatch(/^SMS to subscribers: on, sender PisoNet \d sent · \d waiting$/);
  expect(text(html, 'sms-error')).toBe(
    'Last SMS failure: Semaphore refused the message: sendername: The selected sendername is invalid.',
  );
  expect(html).not.toContain(KEY);
});

test("the server sends a payment's SMS at once, not at its next 15 s round", async () => {
  x = await smsHarness({}, true, true);
  const s = await subscriber(x.h);
  await x.h.core!.services.sms.run();
  // The fake clock stands still: the server's rounds never come due, only the payment's nudge runs one.
  await x.h.core!.services.invoices.pay(s.id, { amount: 100, method: 'cash' }, { actor: SYSTEM });
  const until = Date.now() + 3000;
  while (!x.fake.sent.some((m) => m.message.includes('received')) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
  expect(x.fake.sent.filter((m) => m.message.includes('received'))).toHaveLength(1);
});

test('an SMS dropped on purpose (its payment voided before it went) is "not needed", never the last failure', async () => {
  x = await smsHarness({}, true, true);
  const { h, fake } = x;
  const { invoices, sms } = h.core!.services;
  const s = await subscriber(h);
  await sms.run();
  // Semaphore down when the payment is recorded: its SMS waits, and the payment is voided meanwhile.
  fake.mode = 'error';
  const paid = (await invoices.pay(s.id, { amount: 100, method: 'cash' }, { actor: SYSTEM })).payment;
  await sms.run();
  await invoices.voidPayment(s.id, paid.id, 'recorded for the wrong subscriber', SYSTEM);
  fake.mode = 'up';
  h.clock.advance(10 * 60_000);
  await sms.run();
  expect(await h.core!.db('sms_outbox').where({ kind: 'payment' }).select('state', 'last_error')).toEqual([
    { state: 'given_up', last_error: 'not sent: the payment was voided before it went' },
  ]);
  const c = new AdminClient(x.h.app!.url);
  await c.login();
  let html = await c.html('/admin/settings');
  expect(text(html, 'sms-status')).toBe(
    'SMS to subscribers: on, sender PisoNet 1 sent · 0 waiting · 1 not needed (no longer true when their turn came)',
  );
  expect(html).not.toContain('data-testid="sms-error"');
  // A message given up after failing (an older one) is still counted and shown as the last failure.
  await h
    .core!.db('sms_outbox')
    .where({ kind: 'issued' })
    .update({ state: 'given_up', last_error: 'Semaphore answered HTTP 500: Server Error' });
  html = await c.html('/admin/settings');
  expect(text(html, 'sms-status')).toBe(
    'SMS to subscribers: on, sender PisoNet 0 sent · 0 waiting · 1 given up · 1 not needed (no longer true when their turn came)',
  );
  expect(text(html, 'sms-error')).toBe('Last SMS failure: Semaphore answered HTTP 500: Server Error');
});
