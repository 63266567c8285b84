/**
 * The fair-use watch for PPPoE subscribers (API mode), from outside: a subscriber near its plan's FUP threshold is
 * read every second between polls (its `<pppoe-NAME>` interface, by name), and takes its FUP tier as soon as a read
 * shows it past the line, through the poll's own step (its secret on the tier's profile, its session ended once);
 * the poll still books every byte once. The plan: 5M up / 10M down (1.875 MB/s at most), fair use at 100M, then
 * 1M/2M. The simulator holds a session's traffic to its queue's max-limit, as the router does.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { addSubscriber, ownersSetUp, PROFILES } from '../subscribers/helpers';
import { advance, routerBack } from '../usage/helpers';
import { metricsOf, valueOf } from '../metrics/exposition';

const MB = 1_000_000;
const FUP_PLAN = {
  name: 'HOMEF',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  fup: { threshold: '100M', rate_up: '1M', rate_down: '2M' },
};
const USER = 'maria.fup';
const MAC = 'aa:bb:cc:00:64:01';

let h: Harness;

const usage = () => h.core!.services.usage;
const poll = () => usage().runCycle();
const watch = async () => (await usage().watch!()).subscribers;
const secret = (name = USER) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const ends = () => h.sim.stats.commandsByPath['/ppp/active/remove'] ?? 0;
const sessionQueue = (name = USER) => h.sim.rows('/queue/simple').find((q) => q.name === `<pppoe-${name}>`);
const printed = (path: string) => h.sim.stats.commandsByPath[path] ?? 0;

/** Bytes the subscriber moved (what its session's queue let through), over all its sessions. */
let moved = 0;
function send(up: number, down: number, seconds = 1): void {
  const got = h.sim.pppoe.addTraffic(USER, { up, down }, seconds);
  moved += got.up + got.down;
}

/** At the plan's full speed both ways for `seconds`. */
const fullSpeed = (seconds: number) => send(625_000 * seconds, 1_250_000 * seconds, seconds);

async function ledger(): Promise<{ counted: number; bytes: number }> {
  const sub = await h.core!.db('subscribers').where({ username: USER }).first();
  const rows = await h.core!.db('subscriber_usage').where({ subscriber_id: sub.id });
  return {
    counted: rows.reduce((n, r) => n + Number(r.counted_bytes), 0),
    bytes: rows.reduce((n, r) => n + Number(r.bytes_up) + Number(r.bytes_down), 0),
  };
}

/** The subscriber online with 70 MB counted after a poll: 30 MB from its threshold, which 31 s at full speed (58 MB) can reach. */
async function nearTheLine(): Promise<void> {
  const password = `${USER}-pass-1`;
  await addSubscriber(h, { username: USER, password, mobile: '09171230064', profile: 'HOMEF' });
  await waitFor(() => secret() !== undefined);
  expect(await h.sim.pppoe.autoRedial({ mac: MAC, user: USER, password }, 50)).toMatchObject({ ok: true });
  await poll();
  send(0, 70 * MB, 60);
  advance(h, 30);
  await poll();
  expect(await ledger()).toEqual({ counted: 70 * MB, bytes: 70 * MB });
}

beforeEach(async () => {
  moved = 0;
  h = await createHarness({ http: true, profiles: [...PROFILES, FUP_PLAN], env: { FUP_WATCH: 'on' } });
  await ownersSetUp(h);
});
afterEach(async () => {
  await h.close();
});

test('a crossing between two polls takes the FUP tier at the next watch read, a second later', async () => {
  await nearTheLine();
  const before = ends();
  const onTheRouter = (): number => {
    const row = h.sim.rows('/interface').find((r) => r.name === `<pppoe-${USER}>`);
    return Number(row?.['rx-byte'] ?? 0) + Number(row?.['tx-byte'] ?? 0);
  };
  let crossedAtTick: number | undefined;
  let enforcedAtTick: number | undefined;
  for (let i = 0; i < 25 && enforcedAtTick === undefined; i++) {
    fullSpeed(1);
    advance(h, 1);
    // The counted bytes on the router: every byte of this one session (70 MB booked, the rest since the poll).
    if (crossedAtTick === undefined && onTheRouter() >= 100 * MB) crossedAtTick = i;
    const tick = await watch();
    expect(tick).toMatchObject({ watched: 1 });
    if (tick!.enforced > 0) enforcedAtTick = i;
  }
  expect(crossedAtTick).toBeDefined();
  // Read within the second it crossed in: enforced by the read that follows, not by the next poll.
  expect(enforcedAtTick).toBe(crossedAtTick);
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup', disabled: 'false' });
  expect(ends() - before).toBe(1);
  // The CPE dials again at once onto the FUP tier's rate.
  await waitFor(() => sessionQueue()?.['max-limit'] === '1000000/2000000');
  // The crossing-to-enforced histogram counts it as a subscriber's.
  const m = await metricsOf(h);
  expect(valueOf(m, 'pisonet_fup_enforced_seconds_count', { site: 'default', kind: 'subscriber' })).toBe(1);
  expect(
    valueOf(m, 'pisonet_fup_enforced_seconds_bucket', { site: 'default', kind: 'subscriber', le: '2' }),
  ).toBe(1);
});

test("the PPP room's check before the next poll keeps the tier the watch gave (the booked bytes catch up at the poll)", async () => {
  await nearTheLine();
  for (let i = 0; i < 20; i++) {
    fullSpeed(1);
    advance(h, 1);
    if ((await watch())!.enforced > 0) break;
  }
  await waitFor(() => sessionQueue()?.['max-limit'] === '1000000/2000000');
  const before = ends();
  const room = h.core!.defaultStack.pppSubscribers!;
  expect(await room.check('periodic')).toMatchObject({ changed: 0, restarted: 0, failed: 0 });
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  advance(h, 10);
  await poll();
  expect(await room.check('periodic')).toMatchObject({ changed: 0, restarted: 0, failed: 0 });
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  expect(ends()).toBe(before);
});

test('the watch reads only the subscribers near a threshold, by name, and one that slowed down leaves the set', async () => {
  await nearTheLine();
  const interfacePrints = printed('/interface/print');
  advance(h, 1);
  // One read: the session's interface, its /ppp/active row and the router's uptime.
  expect(await watch()).toMatchObject({ watched: 1, rows: 3, enforced: 0 });
  expect(printed('/interface/print') - interfacePrints).toBe(1);
  for (let i = 0; i < 20; i++) {
    fullSpeed(1);
    advance(h, 1);
    if ((await watch())!.enforced > 0) break;
  }
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  await waitFor(() => sessionQueue()?.['max-limit'] === '1000000/2000000');
  // On the FUP tier no threshold is ahead: nothing left to read.
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 0, rows: 0 });
});

test('a crossing costs the router rows of the crossing subscriber only: a far one is read neither by the watch nor by its enforcing', async () => {
  // Three more subscribers online, far from their threshold (nothing booked yet).
  for (const i of [1, 2, 3]) {
    const user = `far.${i}`;
    const password = `${user}-pass-1`;
    await addSubscriber(h, { username: user, password, mobile: `0917123010${i}`, profile: 'HOMEF' });
    await waitFor(() => secret(user) !== undefined);
    const cpe = { mac: `aa:bb:cc:00:65:0${i}`, user, password };
    expect(await h.sim.pppoe.autoRedial(cpe, 50)).toMatchObject({ ok: true });
  }
  await nearTheLine();
  // What is counted is the watch's reads and its enforcing. The PPP room's periodic check reads every secret by
  // design, every 30 s of the shop's clock, which this test has just moved on: it stops here, or it could fall due
  // in the middle of the count on a slow machine.
  await h.core!.defaultStack.pppSubscribers.stop();
  // Every row the router sends the controller from here on, by the name it carries.
  const names = new Set<string>();
  const print = h.router.print.bind(h.router);
  jest.spyOn(h.router, 'print').mockImplementation(async (menu, opts) => {
    const got = await print(menu, opts);
    for (const r of got) if (r.name !== undefined) names.add(r.name);
    return got;
  });
  let enforced = 0;
  for (let i = 0; i < 25 && enforced === 0; i++) {
    fullSpeed(1);
    advance(h, 1);
    enforced = (await watch())!.enforced;
  }
  expect(enforced).toBe(1);
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  expect([...names].sort()).toEqual([`<pppoe-${USER}>`, USER]);
});

test('a subscriber that logs out leaves the watch set', async () => {
  await nearTheLine();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1 });
  h.sim.pppoe.hangUp(MAC);
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0 });
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 0 });
});

test('a suspended subscriber leaves the watch set', async () => {
  await nearTheLine();
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 1 });
  await h.core!.db('subscribers').where({ username: USER }).update({ status: 'suspended' });
  fullSpeed(20);
  advance(h, 20);
  expect(await watch()).toMatchObject({ watched: 0, enforced: 0 });
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF' });
});

test('the poll and the watch never book the same bytes twice, the session the watch ended included', async () => {
  await nearTheLine();
  let i = 0;
  for (; i < 25; i++) {
    send(300_000, 1_000_000);
    advance(h, 1);
    if ((await watch())!.enforced > 0) break;
  }
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  await waitFor(() => sessionQueue()?.['max-limit'] === '1000000/2000000');
  send(100_000, 200_000, 1);
  advance(h, 28 - i);
  // The first poll after: the ended session's bytes (from the watch's last read) and the new session's.
  await poll();
  send(1_000_000, 2_000_000, 10);
  advance(h, 10);
  await watch();
  advance(h, 20);
  await poll();
  advance(h, 30);
  await poll();
  expect(moved).toBeGreaterThan(100 * MB);
  expect(await ledger()).toEqual({ counted: moved, bytes: moved });
});

test('after a reboot the watch reads nothing it could mistake for usage; the poll takes over', async () => {
  await nearTheLine();
  await h.sim.reboot();
  await routerBack(h);
  advance(h, 2);
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0, skipped: 'rebooted' });
  advance(h, 1);
  expect(await watch()).toMatchObject({ watched: 0 });
});

test('a lost connection reads nothing; the poll enforces as before once the router is back', async () => {
  await nearTheLine();
  h.sim.setReachable(false);
  fullSpeed(20);
  advance(h, 20);
  expect(await watch()).toMatchObject({ enforced: 0, skipped: 'router-unreachable' });
  h.sim.setReachable(true);
  await routerBack(h);
  advance(h, 10);
  await poll();
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
});

test('FUP_WATCH=off leaves subscribers to the poll', async () => {
  await nearTheLine();
  h.core!.config.fupWatch.enabled = false;
  fullSpeed(20);
  advance(h, 20);
  expect(await watch()).toMatchObject({ watched: 0, skipped: 'off' });
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF' });
  advance(h, 10);
  await poll();
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
});

test('a subscriber projected to cross before the next tick is read alone at that moment and takes its tier', async () => {
  await nearTheLine();
  // 29 MB of its 30 MB left in 15.5 s at full speed: 0.94 MB to go, half a second more.
  fullSpeed(15.5);
  advance(h, 15.5);
  expect(await watch()).toMatchObject({ watched: 1, enforced: 0 });
  const tickAt = h.clock.now();
  const due = usage().watchDue!() as number;
  expect(due).toBeGreaterThan(tickAt + 500);
  expect(due).toBeLessThan(tickAt + 550);
  fullSpeed(0.6);
  advance(h, (due - tickAt) / 1000);
  const read = (await usage().watch!('due')).subscribers;
  // Its interface and its session, and the uptime: before the next tick, a second after the last.
  expect(read).toMatchObject({ watched: 1, enforced: 1 });
  expect(secret()).toMatchObject({ profile: 'pisonet-HOMEF.fup' });
  expect(usage().watchDue!()).toBeUndefined();
});
