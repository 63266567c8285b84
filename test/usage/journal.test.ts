/**
 * The usage journal (src/services/usage/journal.ts): a poll appends its metered deltas as one row and a fold
 * adds them into the tables later. What must hold: every byte is counted exactly once whatever happens between
 * a poll and its fold (a controller killed, another writer, a device given another queue or deleted), and the
 * admin and the portal of this process see each poll's bytes at once.
 */
import { foldJournal } from '../../src/services/usage/journal';
import { decodeJournal } from '../../src/services/usage/journal-codec';
import { failWrites } from '../helpers/test-db';
import type { UsageService } from '../../src/services/types';
import {
  advance,
  freshUsage,
  Harness,
  loginOnRouter,
  queueOf,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';

let h: Harness;
let usage: UsageService;
beforeEach(async () => {
  // Ten minutes between folds: nothing is folded unless a test asks, or the poll must.
  h = await usageHarness({ env: { USAGE_FOLD_SECONDS: '600' } });
  usage = h.core!.services.usage;
});
afterEach(async () => {
  await h.close();
});

const journalRows = async () =>
  Number(((await h.core!.db('usage_journal').count({ n: '*' })) as Array<{ n: number }>)[0].n);
const counters = (mac: string) => String(queueOf(h, mac)!.bytes).split('/').map(Number);

async function online(mac = MAC1, profile = 'BASIC'): Promise<string> {
  const code = await seedVoucher(h, profile);
  await loginOnRouter(h, code, mac, mac === MAC1 ? '10.5.50.11' : '10.5.50.12');
  await usage.runCycle();
  return code;
}

async function trafficCycle(mac: string, up: number, down: number, u: UsageService = usage) {
  h.sim.addTraffic(mac, { up, down }, 10);
  advance(h, 30);
  return u.runCycle();
}

test('a poll appends one journal row; the tables take it at the fold, and this process shows it at once', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 50_000);
  expect(await journalRows()).toBe(1);
  // Not in the tables yet...
  expect(Number((await voucher(h, code)).bytes_down)).toBe(0);
  // ...but the admin's views, the live users and the API add what is not folded.
  const view = await h.core!.services.vouchers.get(code);
  expect([view.bytesUp, view.bytesDown, view.countedBytes]).toEqual([1_000, 50_000, 51_000]);
  expect([view.devices[0].bytesUp, view.devices[0].bytesDown]).toEqual([1_000, 50_000]);
  expect(view.devices[0].rateDown).toBeGreaterThan(0);
  const [user] = await h.core!.services.bandwidth.users();
  expect([user.bytesIn, user.bytesOut]).toEqual([1_000, 50_000]);
  expect(user.rateIn).toBeGreaterThan(0);
  const listed = await h.core!.services.vouchers.list({ search: code });
  expect(listed.vouchers[0].bytesDown).toBe(50_000);
  // The customer's status page too.
  const status = await h.core!.services.redemption.status(MAC1, { provenMac: MAC1, peerIp: null });
  expect(status.usage.used).toBe(51_000);

  await usage.flush();
  expect(await journalRows()).toBe(0);
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down), Number(row.counted_bytes)]).toEqual([
    1_000, 50_000, 51_000,
  ]);
  // Once folded, nothing is added twice.
  expect((await h.core!.services.vouchers.get(code)).bytesDown).toBe(50_000);
  expect((await h.core!.services.redemption.status(MAC1, { provenMac: MAC1, peerIp: null })).usage.used).toBe(
    51_000,
  );
  const device = await h.core!.db('voucher_devices').where({ mac: MAC1 }).first();
  expect([Number(device.bytes_up), Number(device.bytes_down)]).toEqual([1_000, 50_000]);
  expect([Number(device.baseline_up), Number(device.baseline_down)]).toEqual(counters(MAC1));
});

test('several polls fold into their sums, the last baseline, one sample, and a rollup that adds up', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  await trafficCycle(MAC1, 2_000, 20_000);
  await trafficCycle(MAC1, 3_000, 30_000);
  expect(await journalRows()).toBe(3);
  await usage.flush();
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual([6_000, 60_000]);
  const device = await h.core!.db('voucher_devices').where({ mac: MAC1 }).first();
  expect([Number(device.baseline_up), Number(device.baseline_down)]).toEqual(counters(MAC1));
  const sum = async (table: string) =>
    (await h.core!.db(table).sum({ up: 'bytes_up', down: 'bytes_down' }).first()) as {
      up: number;
      down: number;
    };
  for (const table of ['usage_samples', 'usage_rollup']) {
    const s = await sum(table);
    expect([Number(s.up), Number(s.down)]).toEqual([6_000, 60_000]);
  }
  // One sample per device and fold (two if the fold spans the top of an hour), not one per poll.
  const samples = await h.core!.db('usage_samples').select('ts');
  const hours = new Set(samples.map((x: { ts: number }) => Math.floor(Number(x.ts) / 3_600_000)));
  expect(samples.length).toBe(hours.size);
});

test('the poll folds on its own every USAGE_FOLD_SECONDS', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  expect(await journalRows()).toBe(1);
  for (let i = 0; i < 20; i++) await trafficCycle(MAC1, 100, 1_000); // 10 minutes of polls
  expect(await journalRows()).toBeLessThan(20);
  await usage.flush();
  expect(Number((await voucher(h, code)).bytes_down)).toBe(10_000 + 20 * 1_000);
});

test('a controller killed between poll and fold: the next one folds first, and counts every byte once', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  await trafficCycle(MAC1, 2_000, 20_000);
  expect(await journalRows()).toBe(2);
  // The server dies (its memory and its unfolded figures with it); a new one starts on the same database.
  const next = freshUsage(h);
  await trafficCycle(MAC1, 4_000, 40_000, next);
  await next.flush();
  expect(await journalRows()).toBe(0);
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual([7_000, 70_000]);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual(counters(MAC1));
});

test('rows left as JSON by an older version (before the packed form) fold as the packed ones do', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  await trafficCycle(MAC1, 2_000, 20_000);
  // The two rows as the version before wrote them: JSON in body, no data.
  const db = h.core!.db;
  const rows = (await db('usage_journal').orderBy('id').select('id', 'data')) as Array<{
    id: number;
    data: Buffer;
  }>;
  expect(rows.map((r) => Buffer.isBuffer(r.data))).toEqual([true, true]);
  for (const r of rows)
    await db('usage_journal')
      .where({ id: r.id })
      .update({ body: JSON.stringify(decodeJournal({ data: r.data })), data: null });
  await trafficCycle(MAC1, 4_000, 40_000); // a packed row after them, folded together
  await usage.flush();
  expect(await journalRows()).toBe(0);
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual([7_000, 70_000]);
  const device = await db('voucher_devices').where({ mac: MAC1 }).first();
  expect([Number(device.baseline_up), Number(device.baseline_down)]).toEqual(counters(MAC1));
});

test('another writer changes the vouchers: the poll folds before it reads them again, so nothing is counted twice', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  expect(await journalRows()).toBe(1);
  // The admin (or the terminal menu) writes a voucher row: the kept vouchers are read again next poll.
  await h.core!.db('vouchers').where({ code }).update({ updated_at: h.clock.now() });
  await trafficCycle(MAC1, 2_000, 20_000);
  await usage.flush();
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual([3_000, 30_000]);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual(counters(MAC1));
});

test('a device given another queue since its journal row keeps its new baseline', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  // A redemption confirms a login on a new queue: counter_queue_id and a zero baseline, written at once.
  await h
    .core!.db('voucher_devices')
    .where({ mac: MAC1 })
    .update({ counter_queue_id: '*FFFF', baseline_up: 0, baseline_down: 0 });
  expect(await foldJournal(h.core!.db, 1)).toBe(1);
  const device = await h.core!.db('voucher_devices').where({ mac: MAC1 }).first();
  expect([device.counter_queue_id, Number(device.baseline_up), Number(device.baseline_down)]).toEqual([
    '*FFFF',
    0,
    0,
  ]);
  // The bytes measured before are the voucher's and the device's all the same.
  expect(Number(device.bytes_down)).toBe(10_000);
  expect(Number((await voucher(h, code)).bytes_down)).toBe(10_000);
});

test('a device deleted before the fold: its voucher keeps the bytes, and the fold does not fail', async () => {
  await online(MAC1);
  const code = await online(MAC2);
  h.sim.addTraffic(MAC2, { up: 500, down: 5_000 }, 10);
  await trafficCycle(MAC1, 1_000, 10_000);
  const gone = await h.core!.db('voucher_devices').where({ mac: MAC2 }).first();
  await h.core!.db('voucher_devices').where({ id: gone.id }).delete();
  expect(await foldJournal(h.core!.db, 1)).toBe(1);
  const row = await voucher(h, code);
  expect([Number(row.bytes_up), Number(row.bytes_down)]).toEqual([500, 5_000]);
  expect(await h.core!.db('usage_rollup').where({ device_id: gone.id })).toHaveLength(0);
  expect(await journalRows()).toBe(0);
});

test('a fold that fails leaves the journal whole, and the next fold adds it once', async () => {
  const code = await online();
  await trafficCycle(MAC1, 1_000, 10_000);
  const db = h.core!.db;
  // The rollup refuses (a full disk, a lost connection): the fold's transaction rolls back.
  const restore = await failWrites(db, 'refuse_rollup', 'INSERT', 'usage_rollup', 'disk full');
  await expect(usage.flush()).rejects.toThrow(/disk full/);
  await restore();
  expect(await journalRows()).toBe(1);
  expect(Number((await voucher(h, code)).bytes_down)).toBe(0);
  // This process still shows the bytes, once.
  expect((await h.core!.services.vouchers.get(code)).bytesDown).toBe(10_000);
  await usage.flush();
  expect(Number((await voucher(h, code)).bytes_down)).toBe(10_000);
  expect((await h.core!.services.vouchers.get(code)).bytesDown).toBe(10_000);
});

test('a fold that spans the top of an hour puts each poll in its own hour of the rollup', async () => {
  const code = await online(MAC1, 'FUP'); // a day's validity: the hour's wait does not end it
  await usage.flush();
  // To 20 s before the next UTC hour, then one poll before it and one after.
  advance(h, (3_600_000 - (h.clock.now() % 3_600_000)) / 1000 - 50);
  await trafficCycle(MAC1, 1_000, 10_000);
  await trafficCycle(MAC1, 2_000, 20_000);
  expect(await journalRows()).toBe(2);
  await usage.flush();
  const rollup = (await h
    .core!.db('usage_rollup')
    .orderBy('ts')
    .select('ts', 'bytes_up', 'bytes_down')) as Array<{
    ts: number;
    bytes_up: number;
    bytes_down: number;
  }>;
  expect(rollup.map((r) => [Number(r.bytes_up), Number(r.bytes_down)])).toEqual([
    [1_000, 10_000],
    [2_000, 20_000],
  ]);
  expect(Number(rollup[1].ts) - Number(rollup[0].ts)).toBe(3_600_000);
  expect(Number((await voucher(h, code)).bytes_down)).toBe(30_000);
});
