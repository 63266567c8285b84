/**
 * A poll with more devices than one statement carries (src/db/bulk-sql.ts rowsPerStatement: 500 rows on SQLite)
 * books every device's bytes once: the staged rows, the device and voucher totals and the samples are written in
 * several statements of one transaction.
 */
import { fleetCode, fleetIp, fleetMac, seedFleet } from '../../bench/fleet';
import { advance, type Harness, usageHarness } from './helpers';

const NET = 7;
const N = 1_234;

let h: Harness;
beforeAll(async () => {
  h = await usageHarness();
});
afterAll(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();

async function totals(): Promise<Record<string, number>> {
  const db = h.core!.db;
  const sum = async (table: string, code?: string) => {
    const q = code === undefined ? db(table) : db(table).where('code', 'like', code);
    const [r] = (await q.sum({ up: 'bytes_up', down: 'bytes_down' }).count({ n: '*' })) as Array<
      Record<string, unknown>
    >;
    return { up: Number(r.up), down: Number(r.down), n: Number(r.n) };
  };
  const devices = await sum('voucher_devices');
  const vouchers = await sum('vouchers', `F${NET}X%`);
  const samples = await sum('usage_samples');
  return {
    devicesUp: devices.up,
    devicesDown: devices.down,
    vouchersUp: vouchers.up,
    vouchersDown: vouchers.down,
    samples: samples.n,
    samplesDown: samples.down,
  };
}

test(`${N} devices moving bytes in one poll: every one booked once, on its device, its voucher and the samples`, async () => {
  for (let i = 0; i < N; i++) h.sim.addDevice({ mac: fleetMac(NET, i), ip: fleetIp(NET, i) });
  await seedFleet(h.core!, h.router, NET, N, 'BASIC');
  await cycle(); // the queues are made
  const before = await totals();
  const round = async (k: number) => {
    for (let i = 0; i < N; i++) h.sim.addTraffic(fleetMac(NET, i), { up: k * (i + 1), down: 1_000 + i }, 10);
    advance(h, 30);
    return cycle();
  };
  const first = await round(1);
  // Σ i+1 for i < N up, Σ 1,000 + i down.
  const up = (N * (N + 1)) / 2;
  const down = 1_000 * N + (N * (N - 1)) / 2;
  expect(first.bytesCounted).toBe(up + down);
  await round(2);
  const after = await totals();
  expect(after.devicesUp - before.devicesUp).toBe(3 * up);
  expect(after.devicesDown - before.devicesDown).toBe(2 * down);
  expect(after.vouchersUp - before.vouchersUp).toBe(3 * up);
  expect(after.vouchersDown - before.vouchersDown).toBe(2 * down);
  expect(after.samples - before.samples).toBe(2 * N);
  expect(after.samplesDown - before.samplesDown).toBe(2 * down);
  // The last device of the fleet (in the last statement) as the first.
  const last = (await h
    .core!.db('vouchers')
    .where({ code: fleetCode(NET, N - 1) })
    .first('bytes_up', 'counted_bytes')) as { bytes_up: number; counted_bytes: number };
  expect(Number(last.bytes_up)).toBe(3 * N);
  expect(Number(last.counted_bytes)).toBe(3 * N + 2 * (1_000 + N - 1));
}, 120_000);
