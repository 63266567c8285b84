/** Metering: every byte a voucher used is kept once, across sessions, devices, reboots and restarts. */
import {
  advance,
  freshUsage,
  Harness,
  loginOnRouter,
  queueOf,
  routerBack,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';
import { failWrites } from '../helpers/test-db';

const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();

async function device(code: string, mac: string): Promise<Record<string, unknown>> {
  const v = await voucher(h, code);
  return (await h.core!.db('voucher_devices').where({ voucher_id: v.id, mac }).first()) as Record<
    string,
    unknown
  >;
}

test('a login on the router’s own page is adopted: voucher activated from that moment, device row, queue', async () => {
  const code = await seedVoucher(h, 'BASIC');
  advance(h, 5);
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  const at = h.clock.now();
  const report = await cycle();
  const v = await voucher(h, code);
  expect(v.status).toBe('active');
  expect(Number(v.activated_at)).toBe(at);
  expect(Number(v.expires_at)).toBe(at + 3600_000);
  const row = await device(code, MAC1);
  expect(row).toMatchObject({ ip: '10.5.50.11' });
  expect(Boolean(row.connected)).toBe(true); // 1 on SQLite, true on PostgreSQL
  expect(queueOf(h, MAC1)).toMatchObject({
    target: '10.5.50.11/32',
    'max-limit': '512000/1000000',
    comment: code,
  });
  expect(report.changes.added).toBe(1);
  const events = await h.core!.services.events.list({ voucherCode: code });
  expect(events.map((e) => e.kind)).toContain('activated-on-router');
});

test('usage is upload/download from the device’s side and cumulative over sessions', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 1_000, down: 50_000 }, 10);
  advance(h, 30);
  await cycle();
  h.sim.addTraffic(MAC1, { up: 2_000, down: 10_000 }, 10);
  advance(h, 30);
  await cycle();
  // The device logs out (queue removed) and back in (a new queue whose counters start at zero).
  const [session] = h.sim.rows('/ip/hotspot/active');
  await h.router.hotspotLogout(String(session['.id']));
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)).toBeUndefined();
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 500, down: 700 }, 10);
  advance(h, 30);
  const last = await cycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([3_500, 60_700]);
  expect(Number(v.counted_bytes)).toBe(64_200);
  expect(await device(code, MAC1)).toMatchObject({ bytes_up: 3_500, bytes_down: 60_700 });
  expect(last.bytesCounted).toBe(1_200);
});

test('two devices on one voucher add up on the voucher and are kept per device', async () => {
  await h.router.add('/ip/hotspot/user/profile', { name: 'three', 'shared-users': 3 });
  const code = await seedVoucher(h, 'MULTI');
  await h.router.command('/ip/hotspot/user/set', { numbers: code, profile: 'three' });
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await loginOnRouter(h, code, MAC2, '10.5.50.12');
  await cycle();
  expect(queueOf(h, MAC1)).toBeDefined();
  expect(queueOf(h, MAC2)).toBeDefined();
  h.sim.addTraffic(MAC1, { up: 100, down: 1_000 }, 1);
  h.sim.addTraffic(MAC2, { up: 200, down: 2_000 }, 1);
  advance(h, 30);
  await cycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down), Number(v.counted_bytes)]).toEqual([300, 3_000, 3_300]);
  expect(await device(code, MAC1)).toMatchObject({ bytes_up: 100, bytes_down: 1_000 });
  expect(await device(code, MAC2)).toMatchObject({ bytes_up: 200, bytes_down: 2_000 });
  // Next poll only one of them moves: the voucher takes that device's bytes alone.
  h.sim.addTraffic(MAC2, { up: 5, down: 50 }, 1);
  advance(h, 30);
  await cycle();
  const after = await voucher(h, code);
  expect([Number(after.bytes_up), Number(after.bytes_down), Number(after.counted_bytes)]).toEqual([
    305, 3_050, 3_355,
  ]);
  expect(await device(code, MAC1)).toMatchObject({ bytes_up: 100, bytes_down: 1_000 });
  expect(await device(code, MAC2)).toMatchObject({ bytes_up: 205, bytes_down: 2_050 });
});

describe('router reboot mid-session', () => {
  async function rebootScenario(afterReboot: { up: number; down: number }) {
    const code = await seedVoucher(h, 'BASIC');
    await loginOnRouter(h, code, MAC1, '10.5.50.11');
    await cycle();
    h.sim.addTraffic(MAC1, { up: 3_000, down: 8_000 }, 10);
    advance(h, 30);
    await cycle();
    advance(h, 15); // the router reboots between two polls
    await h.sim.reboot();
    await routerBack(h);
    advance(h, 25);
    // Sessions are gone after the reboot; the device logs in again; the queue (config) was kept at zero.
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
    await loginOnRouter(h, code, MAC1, '10.5.50.11');
    h.sim.addTraffic(MAC1, afterReboot, 10);
    advance(h, 20);
    await cycle();
    advance(h, 30);
    await cycle(); // a quiet cycle after: nothing more is counted
    const v = await voucher(h, code);
    return [Number(v.bytes_up), Number(v.bytes_down)];
  }

  test('counters below their old value: the new counts are added, nothing twice', async () => {
    expect(await rebootScenario({ up: 700, down: 900 })).toEqual([3_700, 8_900]);
  });

  test('counters already above their old value at the first poll are still counted in full', async () => {
    expect(await rebootScenario({ up: 5_000, down: 20_000 })).toEqual([8_000, 28_000]);
  });
});

test('a reboot seen only after five failed reads, with 1 s polls and counters past their old values, books every byte', async () => {
  advance(h, 120); // a router that has been up for two minutes
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 150_000, down: 250_000 }, 10);
  advance(h, 10);
  await cycle();
  await h.sim.reboot();
  await routerBack(h);
  // Five polls fail to read the router (one second apart); the device logs in again in the meantime and
  // moves more than its old counters in both directions before the first good poll.
  for (let i = 0; i < 5; i++) {
    h.sim.faults.trapOn('/queue/simple/print', 'timeout while reading');
    advance(h, 1);
    expect((await cycle()).skipped).toBe('router-unreachable');
  }
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  // 20 s at the plan's speed; the poll right after is too soon for an uptime-versus-gap check to notice.
  h.sim.addTraffic(MAC1, { up: 1_000_000, down: 1_000_000 }, 20);
  advance(h, 20);
  await cycle();
  advance(h, 1);
  await cycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([1_150_000, 1_250_000]);
});

test('a cycle whose commit fails (controller killed mid-cycle) leaves no trace; after a restart every byte counts once', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 1_000, down: 2_000 }, 10);
  advance(h, 30);
  await cycle();
  const before = await device(code, MAC1);

  h.sim.addTraffic(MAC1, { up: 400, down: 600 }, 10);
  advance(h, 30);
  const db = h.core!.db;
  // The router was read, then the write transaction dies: nothing of it may land.
  const revive = await failWrites(db, 'die', 'UPDATE', 'voucher_devices', 'controller killed');
  await expect(cycle()).rejects.toThrow(/controller killed/);
  await revive();
  expect(await device(code, MAC1)).toEqual(before);

  // A restarted controller (no memory of the failed cycle) converges.
  h.sim.addTraffic(MAC1, { up: 100, down: 100 }, 10);
  advance(h, 30);
  await freshUsage(h).runCycle();
  advance(h, 30);
  await freshUsage(h).runCycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([1_500, 2_700]);
});

test('a queue handed over to the device’s next voucher keeps its counter baseline (no bytes move between vouchers)', async () => {
  const first = await seedVoucher(h, 'BASIC');
  const second = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, first, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 1_000, down: 1_000 }, 10);
  advance(h, 30);
  await cycle();
  // The shop revokes the first voucher (session logged out) and the customer logs in with a second one
  // before the next poll; the old queue is still there with its counters.
  const [session] = h.sim.rows('/ip/hotspot/active');
  await h.router.hotspotLogout(String(session['.id']));
  await h.core!.db('vouchers').where({ code: first }).update({ status: 'revoked' });
  h.sim.addTraffic(MAC1, { up: 10, down: 20 }, 1); // still counted on the first voucher's queue
  await loginOnRouter(h, second, MAC1, '10.5.50.11');
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)?.comment).toBe(second);
  h.sim.addTraffic(MAC1, { up: 300, down: 400 }, 10);
  advance(h, 30);
  await cycle();
  const a = await voucher(h, first);
  const b = await voucher(h, second);
  expect([Number(a.bytes_up), Number(a.bytes_down)]).toEqual([1_010, 1_020]);
  expect([Number(b.bytes_up), Number(b.bytes_down)]).toEqual([300, 400]);
});

test('rates are stored per device and samples are kept per poll', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  const start = h.clock.now();
  h.sim.addTraffic(MAC1, { up: 10_000, down: 50_000 }, 10);
  advance(h, 5);
  await cycle();
  expect(await device(code, MAC1)).toMatchObject({ rate_up: 8_000, rate_down: 40_000 });
  advance(h, 60);
  await cycle(); // the device went idle: its rates fall to zero, it was seen now, and its counters stay
  expect(await device(code, MAC1)).toMatchObject({
    rate_up: 0,
    rate_down: 0,
    bytes_up: 10_000,
    bytes_down: 50_000,
    last_seen_at: h.clock.now(),
  });
  const series = await h.core!.services.usage.trafficSeries({
    since: start,
    bucketSeconds: 3600,
    voucherCode: code,
  });
  expect(series).toEqual([
    { ts: Math.floor((start + 5000) / 3600_000) * 3600_000, up: 10_000, down: 50_000 },
  ]);
  // Per-minute buckets come from the raw per-poll samples.
  expect(await h.core!.services.usage.trafficSeries({ since: start, bucketSeconds: 60, mac: MAC1 })).toEqual([
    { ts: Math.floor((start + 5000) / 60_000) * 60_000, up: 10_000, down: 50_000 },
  ]);
  expect(await h.core!.services.usage.trafficSeries({ since: start, bucketSeconds: 60, mac: MAC2 })).toEqual(
    [],
  );
});
