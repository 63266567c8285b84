/**
 * The day's sales message counts what Reports counts as Income: every site's voucher sales and the subscribers'
 * payments of the day, net of the voids made that day, with the subscribers on their own line, in English and
 * in Filipino; the webhook's `data` carries the same figures.
 */
import { dailySummary, type Voice } from '../../src/services/business/notify/messages';
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { addDevice } from '../portal/helpers';
import { PROFILES } from '../subscribers/helpers';
import { subscriber } from '../sms/helpers';
import { notifyRig, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

/** Manila wall time on a day of November 2026 → ms epoch (Manila has no DST). */
const manila = (day: number, hh: number, mm: number) => Date.UTC(2026, 10, day, hh - 8, mm, 30);

const tile = (html: string, id: string) => new RegExp(`data-testid="${id}">([^<]*)<`).exec(html)?.[1];

test("the day's sales give the subscribers' payments on their own line, and a total that is Reports' Income", async () => {
  rig = await notifyRig({ profiles: PROFILES });
  const { h } = rig;
  const { vouchers, redemption, invoices } = h.core!.services;
  for (const n of [1, 2]) {
    const b = await vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    await redemption.redeem({ code: b.vouchers[0].code, ...addDevice(h, n) });
  }
  const s = await subscriber(h);
  await invoices.pay(s.id, { amount: 200, method: 'cash' }, { actor: SYSTEM });
  const typo = (await invoices.pay(s.id, { amount: 100, method: 'gcash' }, { actor: SYSTEM })).payment;
  await invoices.voidPayment(s.id, typo.id, 'typed for the wrong subscriber', SYSTEM);
  h.clock.set(manila(21, 21, 0));
  await h.app!.notifier.daily!.look();
  await rig.send();
  expect(rig.tg.messages.map((m) => m.text)).toEqual([
    [
      '📊 PisoNet: sales today, Sat, Nov 21 (until 9:00 PM)',
      'Total: ₱210.00 · 2 vouchers sold · 2 subscriber payments',
      '• Vouchers: ₱10.00 · 2 vouchers sold',
      "• Subscribers' payments: ₱200.00 · 2 payments, 1 voided",
    ].join('\n'),
  ]);
  // The same figures as Reports → Today (checked before midnight: the page's day is the clock's).
  const c = new AdminClient(h.app!.url);
  await c.login();
  const page = await c.html('/admin/reports?preset=today');
  expect([tile(page, 'report-total'), tile(page, 'report-subscribers'), tile(page, 'report-income')]).toEqual(
    ['₱10.00', '₱200.00', '₱210.00'],
  );
  const data = rig.hook.deliveries[0].body.data as Record<string, unknown>;
  expect(data).toMatchObject({
    total: { amount: 10, vouchers: 2, charges: 0 },
    sites: [{ site: 'default', amount: 10, vouchers: 2, charges: 0 }],
    subscribers: { amount: 200, payments: 2, voided: 1 },
    income: 210,
  });
  // Filipino, the next day: no voucher sold, the day's only entry a void of yesterday's payment.
  await h.core!.services.notify.update({ language: 'fil' }, SYSTEM);
  h.clock.set(manila(22, 10, 0));
  const cash = (await invoices.payments(s.id)).payments.find((p) => p.amount === 20000)!;
  await invoices.voidPayment(s.id, cash.id, 'paid at the wrong shop', SYSTEM);
  h.clock.set(manila(22, 21, 0));
  await h.app!.notifier.daily!.look();
  await rig.send();
  expect(rig.tg.messages[1].text).toBe(
    [
      '📊 PisoNet: benta ngayong araw, Lin, Nob 22 (hanggang 9:00 PM)',
      'Kabuuan: -₱200.00 · 0 voucher ang nabenta',
      '• Bayad ng mga subscriber: -₱200.00 · 0 bayad, 1 na-void',
    ].join('\n'),
  );
  expect(rig.hook.deliveries[1].body.data).toMatchObject({
    subscribers: { amount: -200, payments: 0, voided: 1 },
    income: -200,
  });
});

test('with several sites: a line per site, then the subscribers; a day without any stays one line', () => {
  const v: Voice = { shop: 'PisoNet', language: 'en', tz: 'Asia/Manila' };
  const at = manila(21, 21, 0);
  const sites = [
    { site: 'default', count: 3, charges: 0, amount: 2000 },
    { site: 'hill', count: 12, charges: 1, amount: 15000 },
  ];
  const msg = dailySummary(v, '2026-11-21', at, sites, { count: 1, reversals: 0, amount: 99900 });
  expect(msg.text.split('\n').slice(1)).toEqual([
    'Total: ₱1,169.00 · 15 vouchers sold · 1 extra charge · 1 subscriber payment',
    '• default: ₱20.00 · 3 vouchers sold',
    '• hill: ₱150.00 · 12 vouchers sold · 1 extra charge',
    "• Subscribers' payments: ₱999.00 · 1 payment",
  ]);
  const none = { count: 0, reversals: 0, amount: 0 };
  const quiet = sites.map((s) => ({ ...s, count: 0, charges: 0, amount: 0 }));
  expect(dailySummary(v, '2026-11-21', at, quiet, none).text.split('\n').slice(1)).toEqual([
    'Total: ₱0.00 · 0 vouchers sold',
    'No sales today.',
  ]);
  expect(dailySummary(v, '2026-11-21', at, quiet.slice(0, 1), none).text.split('\n')).toHaveLength(2);
});
