/**
 * SMS to subscribers, from outside: each fact told once across rounds and restarts, reminders at their moment and
 * never after, refused sends retried and sent once, a crash mid-send never sent twice, batching and the rate.
 */
import { claim } from '../../src/services/subscriptions/sms/outbox';
import { gsm7Length, smsShopName } from '../../src/services/subscriptions/sms/messages';
import { sendSemaphore } from '../../src/sms/semaphore';
import { subscriberJson } from '../../src/services/subscriptions/subscribers/json';
import { SYSTEM } from '../../src/services/types';
import { KEY, manila, PPPOE_PASSWORD, restarted, smsHarness, subscriber, type SmsHarness } from './helpers';

let x: SmsHarness;
afterEach(async () => {
  await x?.close();
});

const rows = () => x.h.core!.db('sms_outbox').orderBy('id');

describe('SMS to subscribers', () => {
  it('tells an issued invoice once across rounds and a restart, in the subscriber language, without secrets', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const juan = await subscriber(h);
    const maria = await subscriber(h, { language: 'fil' });
    const sms = h.core!.services.sms;
    const first = await sms.run();
    expect(first).toMatchObject({ queued: 2, sent: 2, calls: 2 });
    expect(await sms.run()).toMatchObject({ queued: 0, sent: 0, calls: 0 });
    expect(await restarted(h).run()).toMatchObject({ queued: 0, sent: 0, calls: 0 });
    expect(fake.sent.map((s) => [s.number, s.message, s.senderName])).toEqual([
      [
        `63${juan.mobile.slice(3)}`,
        'PisoNet: bill INV-000001 for P466.20 is due Nov 28. Pay at http://10.5.50.1/portal/account or at the shop.',
        'PisoNet',
      ],
      [
        `63${maria.mobile.slice(3)}`,
        'PisoNet: ang bill INV-000002 na P466.20 ay due sa Nob 28. Magbayad sa http://10.5.50.1/portal/account o sa shop.',
        'PisoNet',
      ],
    ]);
    expect((await rows()).map((r) => [r.subject, r.kind, r.state, Number(r.attempts), r.message_id])).toEqual(
      [
        ['invoice:1', 'issued', 'sent', 1, '1'],
        ['invoice:2', 'issued', 'sent', 1, '2'],
      ],
    );
    // The next billing day's invoices, after a restart: one SMS each, once.
    h.clock.set(manila('2026-12-05', '00:10'));
    await h.core!.services.invoices.run();
    expect(await restarted(h).run()).toMatchObject({ queued: 2, sent: 2 });
    expect(await sms.run()).toMatchObject({ queued: 0, sent: 0 });
    expect(fake.sent).toHaveLength(4);
    for (const s of fake.sent) {
      expect(s.message).not.toContain(PPPOE_PASSWORD);
      expect(s.message).not.toContain(KEY);
      expect(gsm7Length(s.message)).toBeLessThanOrEqual(160);
    }
  });

  it('texts nobody without a mobile on file: the bill is issued, no SMS queued for it', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const none = await subscriber(h, { mobile: '' });
    expect(none.mobile).toBe('');
    expect(subscriberJson(none, { withPassword: false }).mobile).toBeNull();
    const withOne = await subscriber(h);
    expect(await h.core!.services.sms.run()).toMatchObject({ queued: 1, sent: 1 });
    expect(fake.sent.map((s) => s.number)).toEqual([`63${withOne.mobile.slice(3)}`]);
    expect(Number(((await h.core!.db('invoices').count({ n: '*' })) as Array<{ n: number }>)[0].n)).toBe(2);
  });

  it('tells a plan change invoice, and not a void one', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    await h.core!.services.sms.run();
    h.clock.set(manila('2026-11-25', '10:00'));
    await h.core!.services.subscribers.update(s.id, { profile: 'HOME25' }, SYSTEM);
    const voided = await subscriber(h);
    const [inv] = await h.core!.services.invoices.list({ subscriberId: voided.id });
    await h.core!.services.invoices.void(inv.number, 'typed twice', SYSTEM);
    await h.core!.services.sms.run();
    const issued = fake.sent.filter((m) => m.message.startsWith('PisoNet: bill '));
    expect(issued.map((m) => m.message)).toEqual([
      expect.stringContaining('bill INV-000001 for P466.20'),
      expect.stringMatching(/^PisoNet: bill INV-000002 for P\d+\.\d\d is due Dec 2\./),
    ]);
  });

  it('reminds from 09:00 on the day BILLING_REMIND_DAYS before due, later if missed, never when paid or due', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const open = await subscriber(h);
    const paid = await subscriber(h);
    await h.core!.services.sms.run(); // SMS on now; both invoices' "issued" go
    await h.core!.services.invoices.pay(paid.id, { amount: 466.2, method: 'cash' }, { actor: SYSTEM });
    await h.core!.services.sms.run(); // the payment's SMS
    const reminders = () => fake.sent.filter((s) => s.message.includes('reminder'));
    // Due 2026-11-28, three days before: 2026-11-25 from 09:00 Manila.
    h.clock.set(manila('2026-11-25', '08:59'));
    await h.core!.services.sms.run();
    expect(reminders()).toHaveLength(0);
    h.clock.set(manila('2026-11-25', '09:00'));
    await h.core!.services.sms.run();
    expect(reminders().map((s) => s.number)).toEqual([`63${open.mobile.slice(3)}`]);
    expect(reminders()[0].message).toBe(
      'PisoNet: reminder, bill INV-000001 (P466.20) is due Nov 28. Pay at http://10.5.50.1/portal/account to stay online.',
    );
    h.clock.set(manila('2026-11-26', '10:00'));
    await restarted(h).run();
    expect(reminders()).toHaveLength(1);
  });

  it('sends a missed reminder later the same days, and none from the due date on', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    await subscriber(h);
    await subscriber(h);
    await h.core!.services.sms.run();
    // The box was off at 09:00 on the 25th: back on the 27th, the reminder goes then.
    h.clock.set(manila('2026-11-27', '15:00'));
    await h.core!.services.sms.run();
    expect(fake.sent.filter((s) => s.message.includes('reminder'))).toHaveLength(2);

    // A second shop: off from before the reminder day until the due date itself.
    await x.close();
    x = await smsHarness();
    await subscriber(x.h);
    await x.h.core!.services.sms.run();
    x.h.clock.set(manila('2026-11-28', '00:00'));
    await x.h.core!.services.sms.run();
    x.h.clock.set(manila('2026-11-29', '09:00'));
    await x.h.core!.services.sms.run();
    expect(x.fake.sent.filter((s) => s.message.includes('reminder'))).toHaveLength(0);
  });

  it('drops a queued reminder whose invoice is paid before it could go', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    await h.core!.services.sms.run();
    h.clock.set(manila('2026-11-25', '09:00'));
    fake.mode = 'error';
    await h.core!.services.sms.run(); // queued, not sent
    fake.mode = 'up';
    await h.core!.services.invoices.pay(s.id, { amount: 466.2, method: 'cash' }, { actor: SYSTEM });
    h.clock.set(manila('2026-11-25', '10:00'));
    await h.core!.services.sms.run();
    expect(fake.sent.filter((m) => m.message.includes('reminder'))).toHaveLength(0);
    expect(await h.core!.db('sms_outbox').where({ kind: 'reminder' }).first('state', 'last_error')).toEqual({
      state: 'given_up',
      last_error: 'not sent: the invoice was paid before it went',
    });
  });

  it('tells a suspension once per suspension row, and a payment with what is left', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    await h.core!.services.sms.run();
    const db = h.core!.db;
    const suspend = (cause: string) =>
      db('subscriber_suspensions').insert({
        subscriber_id: s.id,
        cause,
        started_at: h.clock.now(),
        started_by: 'billing',
      });
    await suspend('unpaid');
    await suspend('manual');
    await h.core!.services.sms.run();
    await restarted(h).run();
    const suspended = fake.sent.filter((m) => m.message.includes('paused'));
    expect(suspended.map((m) => m.message)).toEqual([
      'PisoNet: your internet is paused, P466.20 unpaid. Pay at http://10.5.50.1/portal/account and it is back within seconds.',
    ]);
    await db('subscriber_suspensions')
      .whereNull('ended_at')
      .update({ ended_at: h.clock.now(), ended_by: 'x' });
    await suspend('unpaid');
    await h.core!.services.sms.run();
    expect(fake.sent.filter((m) => m.message.includes('paused'))).toHaveLength(2);

    await h.core!.services.invoices.pay(s.id, { amount: 200, method: 'cash' }, { actor: SYSTEM });
    await h.core!.services.invoices.pay(
      s.id,
      { amount: 300, method: 'gcash', confirm: true },
      { actor: SYSTEM },
    );
    await h.core!.services.sms.run();
    await restarted(h).run();
    expect(fake.sent.filter((m) => m.message.includes('received')).map((m) => m.message)).toEqual([
      'PisoNet: we received P200.00, thank you. Still owed: P266.20.',
      'PisoNet: we received P300.00, thank you. Your credit: P33.80.',
    ]);
  });

  it('never tells a void reversal, nor a payment voided before its SMS went', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    const inv = h.core!.services.invoices;
    await h.core!.services.sms.run();
    const told = (await inv.pay(s.id, { amount: 100, method: 'cash' }, { actor: SYSTEM })).payment;
    await h.core!.services.sms.run();
    await inv.voidPayment(s.id, told.id, 'typed the wrong subscriber', SYSTEM);
    const typo = (await inv.pay(s.id, { amount: 50, method: 'cash' }, { actor: SYSTEM })).payment;
    await inv.voidPayment(s.id, typo.id, 'typed 50 for 5', SYSTEM);
    await h.core!.services.sms.run();
    expect(fake.sent.filter((m) => m.message.includes('received')).map((m) => m.message)).toEqual([
      'PisoNet: we received P100.00, thank you. Still owed: P366.20.',
    ]);
  });

  it("tells a payment's balance as its receipt does, even when the invoice was voided before the SMS went", async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    const inv = h.core!.services.invoices;
    await h.core!.services.sms.run();
    const paid = (await inv.pay(s.id, { amount: 200, method: 'cash' }, { actor: SYSTEM })).payment;
    h.clock.advance(60_000);
    const [open] = await inv.list({ subscriberId: s.id });
    await inv.void(open.number, 'billed the wrong plan', SYSTEM);
    const receipt = await inv.receipt(s.id, paid.id);
    expect(receipt.after).toEqual({ owed: 26620, credit: 0 });
    await h.core!.services.sms.run();
    expect(fake.sent.filter((m) => m.message.includes('received')).map((m) => m.message)).toEqual([
      'PisoNet: we received P200.00, thank you. Still owed: P266.20.',
    ]);
  });

  it('retries a refused send (200 with an error object, then a 500) and sends it once later', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    await subscriber(h);
    fake.refuseNext = 1;
    expect(await h.core!.services.sms.run()).toMatchObject({ queued: 1, sent: 0, failed: 1 });
    expect(await rows()).toEqual([
      expect.objectContaining({
        state: 'retry',
        attempts: 1,
        last_error: 'Semaphore refused the message: sendername: The selected sendername is invalid.',
      }),
    ]);
    expect(await h.core!.services.sms.status()).toMatchObject({
      on: true,
      sender: 'PisoNet',
      counts: { retry: 1, sent: 0 },
      lastError: 'Semaphore refused the message: sendername: The selected sendername is invalid.',
    });
    fake.mode = 'error';
    h.clock.advance(10 * 60_000);
    expect(await h.core!.services.sms.run()).toMatchObject({ sent: 0, failed: 1 });
    fake.mode = 'up';
    expect(await h.core!.services.sms.run()).toMatchObject({ sent: 0, calls: 0 }); // its time has not come
    h.clock.advance(10 * 60_000);
    expect(await restarted(h).run()).toMatchObject({ sent: 1, calls: 1 });
    h.clock.advance(60 * 60_000);
    await h.core!.services.sms.run();
    expect(fake.sent).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ state: 'sent', attempts: 3 });
    expect(JSON.stringify(await rows())).not.toContain(KEY);
  });

  it('a number Semaphore does not take costs no one else their SMS: the shared call is split, that one given up', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const good = await subscriber(h, { mobile: '09171230001' });
    const bad = await subscriber(h, { mobile: '09001230002' });
    await h.core!.services.sms.run(); // their first invoices' texts
    fake.refusedNumbers.add('639001230002');
    // The same payment and the same balance after it: one text, one call for both numbers.
    for (const s of [good, bad])
      await h.core!.services.invoices.pay(s.id, { amount: 466.2, method: 'cash' }, { actor: SYSTEM });
    const received = () => fake.sent.filter((m) => m.message.includes('received'));
    expect(await h.core!.services.sms.run()).toMatchObject({ sent: 0 });
    // Nobody's try is counted for the other's number; next round each goes alone.
    expect((await rows()).filter((r) => r.text.includes('received'))).toEqual([
      expect.objectContaining({ state: 'pending', attempts: 0 }),
      expect.objectContaining({ state: 'pending', attempts: 0 }),
    ]);
    await h.core!.services.sms.run();
    expect(received().map((m) => m.number)).toEqual(['639171230001']);
    const refused = (await rows()).find((r) => r.number === '+639001230002' && r.text.includes('received'));
    expect(refused).toMatchObject({
      state: 'given_up',
      last_error: 'Semaphore refused the message: number: The number format is invalid.',
    });
    h.clock.advance(60 * 60_000);
    await h.core!.services.sms.run();
    expect(received()).toHaveLength(1);
  });

  it('never sends twice what Semaphore took before the controller stopped, and says it is unsure', async () => {
    x = await smsHarness();
    const { h, fake } = x;
    const s = await subscriber(h);
    const db = h.core!.db;
    // SMS off until now: the facts are queued by a first round whose sends all fail.
    fake.mode = 'error';
    await h.core!.services.sms.run();
    fake.mode = 'up';
    h.clock.advance(10 * 60_000);
    // What the sender does, stopped between Semaphore's answer and marking the row sent.
    const [row] = await db('sms_outbox');
    await claim(db, [Number(row.id)], h.clock.now());
    const out = await sendSemaphore({ apiUrl: fake.url, apiKey: KEY }, [`63${s.mobile.slice(3)}`], row.text);
    expect(out.ok).toBe(true);
    // Restarted at once, and again minutes later: never sent again.
    expect(await restarted(h).run()).toMatchObject({ sent: 0, calls: 0 });
    h.clock.advance(5 * 60_000);
    expect(await restarted(h).run()).toMatchObject({ sent: 0, calls: 0 });
    expect(fake.sent).toHaveLength(1);
    expect(await h.core!.services.sms.status()).toMatchObject({ counts: { unsure: 1, sent: 0 } });
  });

  it('sends no history when SMS is turned on, and nothing at all without a key', async () => {
    x = await smsHarness();
    await subscriber(x.h);
    x.h.clock.advance(3_600_000); // the key is set an hour after the invoice was issued
    expect(await x.h.core!.services.sms.run()).toMatchObject({ queued: 0, sent: 0 });
    await x.close();

    x = await smsHarness({}, false);
    await subscriber(x.h);
    await subscriber(x.h, { language: 'fil' });
    expect(await x.h.core!.services.sms.run()).toMatchObject({ queued: 0, calls: 0 });
    expect(await rows()).toEqual([]);
    expect(x.fake.calls).toBe(0);
    expect(await x.h.core!.services.sms.status()).toMatchObject({ on: false });
  });
});

test("the shop's name in a message: folded to the GSM alphabet, one space between words, cut between words at 20", () => {
  expect(smsShopName('Nena’s PisoWiFi – Sitio Ilaya')).toBe("Nena's PisoWiFi");
  expect(smsShopName('Aling Nena  WiFi — Purok 3')).toBe('Aling Nena WiFi');
  expect(smsShopName('Tindahan – Wifi')).toBe('Tindahan - Wifi');
  expect(smsShopName('Niño’s Net')).toBe("Nino's Net");
  expect(smsShopName('Supercalifragilisticexpialidocious')).toBe('Supercalifragilistic');
  expect(smsShopName('₱₱₱')).toBe('PisoNet');
});
