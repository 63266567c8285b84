/**
 * The fair-use watch between polls: a device near its plan's FUP threshold is read every second, and slowed as
 * soon as a read shows it past the line, through the same policy and queue writes as the poll; the poll still
 * books every byte once. The FUP plan: 2M up / 4M down (0.75 MB/s at most), fair use at 100M, then 256K/512K.
 * The simulator holds traffic to each queue's max-limit, as the router does.
 */
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  routerBack,
  seedVoucher,
  usageHarness,
  voucher,
} from '../usage/helpers';

const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';
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
const watch = () => usage().watch!();

async function online(mac: string, ip: string): Promise<string> {
  const code = await seedVoucher(h, 'FUP');
  await loginOnRouter(h, code, mac, ip);
  await cycle();
  return code;
}

/** A device at 85 MB counted after a poll: 15 MB from its threshold, which 31 s at full speed (23 MB) can reach. */
async function nearTheLine(mac = MAC1, ip = '10.5.50.11'): Promise<string> {
  const code = await online(mac, ip);
  h.sim.addTraffic(mac, { up: 0, down: 85_000_000 }, 300);
  advance(h, 300);
  await cycle();
  expect(Number((await voucher(h, code)).counted_bytes)).toBe(85_000_000);
  return code;
}

test('a crossing between two polls is enforced at the next watch read, a second later', async () => {
  await nearTheLine();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0 });
  // 21 s at full speed both ways: the line is passed 21 s into a 30 s poll interval.
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
  const tick = await watch();
  expect(tick).toMatchObject({ watched: 1, enforced: 1 });
  // One read: the watched queue's row and the router's uptime, nothing else.
  expect(tick.rows).toBe(2);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
});

test('a device far from its threshold is not read between polls; a slowed one leaves the watch set', async () => {
  await online(MAC2, '10.5.50.12'); // 100 MB away: not near
  await nearTheLine();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1 });
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(await watch()).toMatchObject({ enforced: 1 });
  advance(h, 1);
  // Slowed: its next line is the cap, which the router holds itself. Nobody left to read.
  expect(await watch()).toMatchObject({ watched: 0, rows: 0 });
  await cycle();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 0 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
});

test('a device that stops moving bytes leaves the watch set as the next poll comes near', async () => {
  await nearTheLine();
  const watched: number[] = [];
  for (let i = 0; i < 20; i++) {
    advance(h, 1);
    watched.push((await watch()).watched);
  }
  // 15 MB left at 0.75 MB/s is 20 s: once fewer than that remain to the next poll and one read, it is not read.
  expect(watched.slice(0, 10)).toEqual(Array(10).fill(1));
  expect(watched.slice(12)).toEqual(Array(8).fill(0));
});

test('a device that logs out leaves the watch set at the next poll', async () => {
  const code = await nearTheLine();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1 });
  const sessions = h.sim.rows('/ip/hotspot/active').filter((s) => s.user === code);
  await h.router.hotspotLogout(sessions.map((s) => String(s['.id'])));
  advance(h, 29);
  await cycle();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 0 });
});

test('the poll and the watch reads never book the same bytes twice', async () => {
  const code = await nearTheLine();
  let sent = 85_000_000;
  const send = (up: number, down: number, seconds: number) => {
    // What the queue let through (it holds traffic to its max-limit).
    const moved = h.sim.addTraffic(MAC1, { up, down }, seconds);
    sent += moved.up + moved.down;
    advance(h, seconds);
  };
  for (let i = 0; i < 25; i++) {
    send(200_000, 500_000, 1);
    await watch();
  }
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
  expect(sent).toBeGreaterThan(100_000_000);
  advance(h, 4);
  await cycle();
  send(0, 1_000_000, 10);
  await watch();
  advance(h, 20);
  await cycle();
  const v = await voucher(h, code);
  expect(Number(v.bytes_up) + Number(v.bytes_down)).toBe(sent);
  expect(Number(v.counted_bytes)).toBe(sent);
});

test('a lost connection stops the watch; the poll enforces as before once the router is back', async () => {
  await nearTheLine();
  h.sim.setReachable(false);
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(await watch()).toMatchObject({ enforced: 0, skipped: 'router-unreachable' });
  h.sim.setReachable(true);
  await routerBack(h);
  advance(h, 9);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
});

test('after a reboot the watch reads nothing it could mistake for usage; the poll takes over', async () => {
  await nearTheLine();
  await h.sim.reboot();
  await routerBack(h);
  advance(h, 2);
  // Its counters restarted at zero: read against the old baselines they would look like a new counter's bytes.
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0, skipped: 'rebooted' });
});

test('FUP_WATCH=off: nothing is read between polls', async () => {
  await nearTheLine();
  h.core!.config.fupWatch.enabled = false;
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(await watch()).toMatchObject({ watched: 0, skipped: 'off' });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
});

test('a watch tick never runs during a poll, and a poll waits for a tick under way', async () => {
  await nearTheLine();
  advance(h, 1);
  const order: string[] = [];
  const tick = watch().then((r) => (order.push('tick'), r));
  const poll = cycle().then((r) => (order.push('poll'), r));
  expect((await tick).watched).toBe(1);
  await poll;
  expect(order).toEqual(['tick', 'poll']);
  const during = cycle();
  expect(await watch()).toMatchObject({ watched: 0, skipped: 'poll-running' });
  await during;
});

test('a voucher given more fair-use data between polls is judged on its row as it is now: it keeps its speed', async () => {
  const code = await nearTheLine();
  await h.core!.db('vouchers').where({ code }).update({ extra_fup_bytes: 500_000_000 });
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  // Its line is 600 MB now: read, and not slowed.
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
  advance(h, 9);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(FULL);
});

test('a sale between polls (another voucher written) does not stop the watch: a crossing is slowed at the next read', async () => {
  await nearTheLine();
  await seedVoucher(h, 'FUP');
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(await watch()).toMatchObject({ watched: 1, enforced: 1 });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe(SLOWED);
});

test('a watched voucher revoked between polls leaves the watch set', async () => {
  const code = await nearTheLine();
  await h.core!.db('vouchers').where({ code }).update({ status: 'revoked' });
  h.sim.addTraffic(MAC1, { up: 5_100_000, down: 10_100_000 }, 21);
  advance(h, 21);
  expect(await watch()).toMatchObject({ watched: 0, enforced: 0 });
});
