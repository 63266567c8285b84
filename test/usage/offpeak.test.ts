/**
 * Off-peak windows in the shop's time zone (TZ=Asia/Manila, UTC+8, in the harness): the NIGHT profile has
 * 22:00–06:00 with speed ×2 and unlimited data. A poll interval counts as free only when the window is on
 * at both of its ends, so the intervals that open and close the window count in full.
 */
import { Harness, loginOnRouter, queueOf, seedVoucher, usageHarness, voucher } from './helpers';

const MAC1 = '02:00:00:00:00:01';
/** Manila wall time → ms epoch (Manila has no DST). */
const manila = (day: number, hh: number, mm: number, ss = 0) => Date.UTC(2026, 10, day, hh - 8, mm, ss);

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

async function at(ms: number) {
  const elapsed = (ms - h.clock.now()) / 1000;
  h.clock.set(ms);
  h.sim.tick(elapsed);
  return h.core!.services.usage.runCycle();
}

const limit = () => queueOf(h, MAC1)?.['max-limit'];

test('speed multiplier applies from 22:00 to 06:00 local, across midnight', async () => {
  const code = await seedVoucher(h, 'NIGHT');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await at(manila(21, 12, 0));
  expect(limit()).toBe('1000000/2000000');
  await at(manila(21, 21, 59, 59));
  expect(limit()).toBe('1000000/2000000');
  await at(manila(21, 22, 0));
  expect(limit()).toBe('2000000/4000000');
  await at(manila(22, 0, 0, 30));
  expect(limit()).toBe('2000000/4000000');
  await at(manila(22, 5, 59, 59));
  expect(limit()).toBe('2000000/4000000');
  await at(manila(22, 6, 0));
  expect(limit()).toBe('1000000/2000000');
  expect((await voucher(h, code)).status).toBe('active');
});

test('unlimited night: bytes inside the window are kept but do not count toward the FUP; edge intervals count', async () => {
  const code = await seedVoucher(h, 'NIGHT');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await at(manila(21, 21, 59, 30));
  const send = (down: number) => h.sim.addTraffic(MAC1, { up: 0, down }, 1_000);

  send(1_000_000); // 21:59:30 → 22:00:00, the window opens inside this interval: counted
  await at(manila(21, 22, 0, 0));
  send(150_000_000); // 22:00:00 → 22:00:30, inside: free (more than the 100M FUP threshold)
  await at(manila(21, 22, 0, 30));
  expect(limit()).toBe('2000000/4000000');
  await at(manila(21, 23, 59, 45));
  send(2_000_000); // 23:59:45 → 00:00:15, across midnight, inside: free
  await at(manila(22, 0, 0, 15));
  await at(manila(22, 5, 59, 30));
  send(3_000_000); // 05:59:30 → 06:00:00, the window closes: counted
  await at(manila(22, 6, 0, 0));

  const v = await voucher(h, code);
  expect(Number(v.bytes_down)).toBe(156_000_000);
  expect(Number(v.counted_bytes)).toBe(4_000_000);
  // 4 MB counted, far below the FUP threshold: full speed in the day, no FUP alerts.
  expect(limit()).toBe('1000000/2000000');
  const kinds = (await h.core!.services.events.list({ voucherCode: code })).map((e) => e.kind);
  expect(kinds.filter((k) => k.startsWith('fup'))).toEqual([]);
});
