/**
 * The fair-use watch's targeted reads: a tick that sees a watched device moving fast enough to pass its threshold
 * before the next tick notes the moment (UsageService.watchDue), and a read of just its counters then enforces the
 * crossing, rather than the next tick a second later. The FUP plan: 2M up / 4M down (0.75 MB/s at most), fair use
 * at 100M, then 256K/512K. The simulator holds traffic to each queue's max-limit, as the router does.
 */
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  seedVoucher,
  usageHarness,
  voucher,
} from '../usage/helpers';

const MAC1 = '02:00:00:00:00:01';
const FULL = '2000000/4000000';
const SLOWED = '256000/512000';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const usage = () => h.core!.services.usage;
const cycle = () => usage().runCycle();
/** The moment of the next targeted read (one must be due). */
function dueAt(): number {
  const at = usage().watchDue!();
  if (at === undefined) throw new Error('no targeted read is due');
  return at;
}

/** A device at 85 MB counted after a poll, then 14.5 MB more in 19.5 s (0.74 MB/s), and a tick: 0.5 MB left. */
async function almostThere(): Promise<string> {
  const code = await seedVoucher(h, 'FUP');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  h.sim.addTraffic(MAC1, { up: 0, down: 85_000_000 }, 300);
  advance(h, 300);
  await cycle();
  expect(Number((await voucher(h, code)).counted_bytes)).toBe(85_000_000);
  h.sim.addTraffic(MAC1, { up: 4_800_000, down: 9_700_000 }, 19.5);
  advance(h, 19.5);
  expect(await usage().watch!()).toMatchObject({ watched: 1, enforced: 0 });
  return code;
}

test('a device projected to cross before the next tick is read alone at that moment and slowed', async () => {
  await almostThere();
  const tickAt = h.clock.now();
  // 0.5 MB at 14.5 MB / 19.5 s: 672 ms, read a little after.
  const due = dueAt();
  expect(due).toBeGreaterThan(tickAt + 672);
  expect(due).toBeLessThan(tickAt + 700);
  // Not yet: nothing to read.
  expect(await usage().watch!('due')).toMatchObject({ watched: 0, rows: 0, enforced: 0 });
  h.sim.addTraffic(MAC1, { up: 170_000, down: 340_000 }, 0.7);
  advance(h, (due - tickAt) / 1000);
  const read = await usage().watch!('due');
  // Its queue's row and the uptime, 0.69 s after the tick: before the next tick, a second after it.
  expect(read).toMatchObject({ watched: 1, rows: 2, enforced: 1 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
  expect(h.clock.now() - tickAt).toBeLessThan(1000);
  // Read once: nothing more is due until a tick projects again.
  expect(usage().watchDue!()).toBeUndefined();
});

test('a projected read finds the device slowed down: it keeps its speed, and the next tick takes it up', async () => {
  await almostThere();
  const tickAt = h.clock.now();
  advance(h, (dueAt() - tickAt) / 1000);
  expect(await usage().watch!('due')).toMatchObject({ watched: 1, enforced: 0 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
  expect(usage().watchDue!()).toBeUndefined();
  h.sim.addTraffic(MAC1, { up: 250_000, down: 500_000 }, 1);
  advance(h, 1);
  expect(await usage().watch!()).toMatchObject({ watched: 1, enforced: 1 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
});

test('a projected moment that comes during a poll is read as soon as the poll ends', async () => {
  await almostThere();
  const tickAt = h.clock.now();
  const due = dueAt();
  h.sim.addTraffic(MAC1, { up: 170_000, down: 340_000 }, 0.7);
  advance(h, (due - tickAt) / 1000);
  // A poll is under way at that moment: the read waits for it, and the moment is kept past the poll's end.
  const during = cycle();
  expect(await usage().watch!('due')).toMatchObject({ skipped: 'poll-running' });
  await during;
  // The poll read the counters just before: past the line, it slowed the device itself.
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
  expect(usage().watchDue!()).toBe(due);
  expect(await usage().watch!('due')).toMatchObject({ watched: 0, enforced: 0 });
  expect(usage().watchDue!()).toBeUndefined();
});

test('a due read takes its moment whatever it finds: a voucher given more fair-use data since is judged on it', async () => {
  const code = await almostThere();
  const due = dueAt();
  await h.core!.db('vouchers').where({ code }).update({ extra_fup_bytes: 500_000_000 });
  h.sim.addTraffic(MAC1, { up: 170_000, down: 340_000 }, 0.7);
  advance(h, (due - h.clock.now()) / 1000);
  // Its line is 600 MB now: read, not slowed, and not asked again at once and again.
  expect(await usage().watch!('due')).toMatchObject({ watched: 1, enforced: 0 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
  expect(usage().watchDue!()).toBeUndefined();
});

test('FUP_WATCH=off: nothing is due', async () => {
  await almostThere();
  h.core!.config.fupWatch.enabled = false;
  expect(usage().watchDue!()).toBeUndefined();
});
