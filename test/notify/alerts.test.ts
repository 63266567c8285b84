/**
 * What the owner is told besides the routers: a vendo silent for 5 minutes and back (never one that was never
 * seen), one message per storm of wrong codes, low stock once until restocked, and the day's sales at the
 * owner's time with the reports' own figures, in English and in Filipino.
 */
import { SYSTEM } from '../../src/services/types';
import { addDevice } from '../portal/helpers';
import { makeVendo } from '../vendos/helpers';
import { notifyRig, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

const sent = (r: NotifyRig) => r.tg.messages.map((m) => m.text);
const firstLines = (r: NotifyRig) => sent(r).map((t) => t.split('\n')[0]);

test('a vendo silent for 5 minutes is told once, and its return; one never seen is not silent', async () => {
  rig = await notifyRig();
  const { h } = rig;
  const { board } = await makeVendo(h, { name: 'Counter' });
  await makeVendo(h, { name: 'Never plugged in' });
  await rig.watch();
  await board.poll();
  h.clock.advance(4 * 60_000);
  await rig.watch();
  await rig.send();
  expect(sent(rig)).toEqual([]);
  h.clock.advance(60_000);
  await rig.watch();
  h.clock.advance(10 * 60_000);
  await rig.watch();
  await rig.send();
  expect(sent(rig)).toEqual([
    expect.stringMatching(
      /^🔴 PisoNet: coin vendo silent — Counter\nNo word from it since 12:00 PM \(5 min\)\./,
    ),
  ]);
  await board.poll();
  await rig.watch();
  await rig.send();
  expect(firstLines(rig)).toEqual([
    '🔴 PisoNet: coin vendo silent — Counter',
    '🟢 PisoNet: coin vendo back — Counter',
  ]);
  expect(sent(rig)[1]).toContain('after 15 min silent');
  expect(rig.hook.deliveries.map((d) => d.body.kind)).toEqual(['vendo_silent', 'vendo_back']);
});

/** `n` wrong codes typed on the portal, from askers at many addresses (as a guessing crowd would). */
async function wrongCodes(r: NotifyRig, n: number, round: number): Promise<void> {
  const d = addDevice(r.h, 1);
  for (let i = 0; i < n; i++) {
    await r.h
      .core!.services.redemption.redeem(
        { code: `WRONG${round}${i}`, ...d },
        { peerIp: `10.9.${round}.${Math.floor(i / 3)}` },
      )
      .catch((err: { code?: string }) => expect(err.code).toBe('INVALID_CODE'));
  }
}

test('a storm of wrong codes is told once, not per code nor per minute; a new storm later is told again', async () => {
  rig = await notifyRig();
  const { h } = rig;
  await rig.watch();
  await wrongCodes(rig, 120, 1);
  await rig.watch();
  h.clock.advance(61_000);
  await wrongCodes(rig, 120, 2);
  await rig.watch();
  await rig.send();
  expect(await h.core!.db('events').where({ kind: 'guessing' })).toHaveLength(2);
  expect(firstLines(rig)).toEqual(['⚠️ PisoNet: someone is guessing voucher codes']);
  // Quiet for 20 minutes, then again: a new storm.
  h.clock.advance(20 * 60_000);
  await wrongCodes(rig, 120, 3);
  await rig.watch();
  await rig.send();
  expect(firstLines(rig)).toHaveLength(2);
  expect(sent(rig).join('\n')).not.toMatch(/WRONG/);
});

test('low stock: told once when a profile drops below the alert, again only after it was restocked', async () => {
  rig = await notifyRig({ env: { NOTIFY_LOW_STOCK: '5' } });
  const { h } = rig;
  const { vouchers } = h.core!.services;
  const batch = await vouchers.generate({ profile: 'BASIC', count: 6 }, SYSTEM);
  await rig.watch();
  const revoke = async (n: number, from: number) => {
    for (const v of batch.vouchers.slice(from, from + n)) await vouchers.revoke(v.code, SYSTEM);
  };
  await revoke(2, 0); // 4 left
  h.clock.advance(61_000);
  await rig.watch();
  await revoke(1, 2); // 3 left: already told
  h.clock.advance(61_000);
  await rig.watch();
  await rig.send();
  expect(sent(rig)).toEqual([
    '📦 PisoNet: low stock — BASIC\nOnly 4 unused vouchers left (your alert: below 5). Print more in Vouchers → Generate.',
  ]);
  await vouchers.generate({ profile: 'BASIC', count: 5 }, SYSTEM); // 8: restocked
  h.clock.advance(61_000);
  await rig.watch();
  await revoke(3, 3); // 5 left: not below
  h.clock.advance(61_000);
  await rig.watch();
  expect(sent(rig)).toHaveLength(1);
  const more = (await vouchers.list({ profile: 'BASIC', status: 'unused' })).vouchers;
  await vouchers.revoke(more[0].code, SYSTEM); // 4 left
  h.clock.advance(61_000);
  await rig.watch();
  await rig.send();
  expect(sent(rig)).toHaveLength(2);
  expect(sent(rig).join('\n')).not.toContain(batch.vouchers[0].code);
});

/** Manila wall time on a day of November 2026 → ms epoch (Manila has no DST). */
const manila = (day: number, hh: number, mm: number) => Date.UTC(2026, 10, day, hh - 8, mm, 30);

test("the day's sales at 21:00 shop time, with the reports' totals, once a day; then in Filipino", async () => {
  rig = await notifyRig();
  const { h } = rig;
  const { vouchers, redemption, reports } = h.core!.services;
  const sell = async (profile: string, n: number) => {
    const b = await vouchers.generate({ profile, count: 1 }, SYSTEM);
    await redemption.redeem({ code: b.vouchers[0].code, ...addDevice(h, n) });
  };
  await sell('BASIC', 1);
  await sell('BASIC', 2);
  await sell('STANDARD', 3);
  await rig.watch();
  h.clock.set(manila(21, 20, 59));
  await h.app!.notifier.daily!.look();
  expect(rig.tg.messages).toHaveLength(0);
  h.clock.set(manila(21, 21, 0));
  await h.app!.notifier.daily!.look();
  await rig.send();
  expect(sent(rig)).toEqual([
    '📊 PisoNet: sales today, Sat, Nov 21 (until 9:00 PM)\nTotal: ₱20.00 · 3 vouchers sold',
  ]);
  const day = await reports.sales({ from: manila(21, 0, 0) - 30_000, to: manila(21, 21, 0), by: 'day' });
  expect(day.map((r) => [r.count, r.amount])).toEqual([[3, 2000]]);
  const hook = rig.hook.deliveries[0].body;
  expect(hook).toMatchObject({ kind: 'daily_summary', data: { date: '2026-11-21', currency: 'PHP' } });
  expect(hook.data.total).toEqual({ amount: 20, vouchers: 3, charges: 0 });
  // The same day again (a restart at 21:00): not sent twice.
  await h.app!.notifier.sendDaily(manila(21, 21, 0));
  await rig.send();
  expect(rig.tg.messages).toHaveLength(1);
  // The owner switches the messages to Filipino; the next day had no sale.
  await h.core!.services.notify.update({ language: 'fil' }, SYSTEM);
  h.clock.set(manila(22, 21, 1));
  await h.app!.notifier.daily!.look();
  await rig.send();
  expect(sent(rig)[1]).toBe(
    '📊 PisoNet: benta ngayong araw, Lin, Nob 22 (hanggang 9:00 PM)\nKabuuan: ₱0.00 · 0 voucher ang nabenta',
  );
});
