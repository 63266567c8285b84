/**
 * The counter baselines the ledger stores are the router's counters as this poll read them, whatever happened to
 * the counter (it moved, started again from zero after a reboot, or came to the device with a new voucher), so a
 * controller restarted after any poll measures the next bytes from the right place. A ledger that wrote the stored
 * baselines plus the bytes moved instead (cheaper to stage) would be right for most rows and wrong for these.
 */
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

const MAC1 = '02:00:00:00:00:01';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();

/** The device row's stored baselines and the counters of the queue it holds, as the router has them now. */
async function baselinesAndCounters(code: string): Promise<{ stored: number[]; router: number[] }> {
  const v = await voucher(h, code);
  const d = (await h.core!.db('voucher_devices').where({ voucher_id: v.id, mac: MAC1 }).first()) as Record<
    string,
    unknown
  >;
  const q = queueOf(h, MAC1);
  const router = String(q?.bytes ?? '')
    .split('/')
    .map(Number);
  return { stored: [Number(d.baseline_up), Number(d.baseline_down)], router };
}

test('after a poll that moved bytes, the stored baselines are the counters read', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  for (const t of [
    { up: 3_000, down: 8_000 },
    { up: 10, down: 0 },
    { up: 0, down: 7 },
  ]) {
    h.sim.addTraffic(MAC1, t, 10);
    advance(h, 30);
    await cycle();
    const { stored, router } = await baselinesAndCounters(code);
    expect(stored).toEqual(router);
  }
  expect((await baselinesAndCounters(code)).stored).toEqual([3_010, 8_007]);
});

test('after a reboot the stored baselines are the new, lower counters; a restarted controller books each byte once', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 3_000, down: 8_000 }, 10);
  advance(h, 30);
  await cycle();
  advance(h, 15);
  await h.sim.reboot();
  await routerBack(h);
  advance(h, 25);
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  h.sim.addTraffic(MAC1, { up: 700, down: 900 }, 10);
  advance(h, 20);
  await cycle();
  const { stored, router } = await baselinesAndCounters(code);
  expect(router).toEqual([700, 900]);
  expect(stored).toEqual([700, 900]);
  // A controller started now (its memory gone) measures from the stored baselines.
  h.sim.addTraffic(MAC1, { up: 100, down: 200 }, 10);
  advance(h, 30);
  await freshUsage(h).runCycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([3_800, 9_100]);
});

test('a counter that went down without a reboot (queue reset) is stored as read', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 5_000, down: 6_000 }, 10);
  advance(h, 30);
  await cycle();
  // Someone resets the queue's counters on the router; then the device moves a little.
  await h.router.resetCounters('/queue/simple', String(queueOf(h, MAC1)?.['.id']));
  h.sim.addTraffic(MAC1, { up: 40, down: 50 }, 1);
  advance(h, 30);
  await cycle();
  const { stored, router } = await baselinesAndCounters(code);
  expect(router).toEqual([40, 50]);
  expect(stored).toEqual([40, 50]);
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([5_040, 6_050]);
});
