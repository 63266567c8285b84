/**
 * Fair use within 2 s (`npm run bench -- fup`): 10,000 devices online (BENCH_FUP_DEVICES) on one simulated router
 * in its own process, each moving traffic at its plan's speed (5M up / 10M down; fair use at 1 GB, then 1M/2M),
 * and 2,000 PPPoE subscribers (BENCH_FUP_SUBSCRIBERS) online on a monthly plan at the same speeds (fair use at
 * 100 GB a cycle, then 1M/2M), the poll every 30 s. A share of each (BENCH_FUP_CROSSING, 40 %) start at bytes from
 * their threshold spread evenly over the run, so about 2 % are within one poll of their line at any moment. The
 * run is BENCH_FUP_SECONDS (600) of the router's time, once with the watch (FUP_WATCH on) and once with the poll
 * alone. A subscriber is slowed when its secret names another profile than its plan's (the FUP tier's, as the
 * PPP room writes it) and no session of it runs at the plan's speed (the room ended it; its CPE dials again).
 *
 * Time: the controller's clock is a fake moved by the bench, and every poll and watch tick also moves it on by
 * the wall time it took (traffic flowing meanwhile), so a slow step delays what comes after it as in a server.
 * A crossing is the moment a device's bytes on the router (its queue's counter, up + down, plus what it had)
 * pass its threshold, found between two of the bench's looks at the router (fup-crossings.ts); it is enforced when
 * the router's queue holds the FUP speed, at the end of the step that wrote it. The looks read only the ones not
 * slowed yet, by name, and are not counted in the controller's rows or clock. BENCH_FUP_BY_MENU=1 prints each run's
 * rows by menu (and first query word), to find where they come from. Rows read are the rows the router sent to the
 * controller (counted in its client), per minute of the router's time. CPU and peak RSS are the controller's.
 * With the watch, logins and logouts are followed as they happen (fup-watch-logins.ts) unless BENCH_FUP_FOLLOW=0;
 * its rows (the follows' and the print of the sessions already there at each opening) are in the rows read.
 * A voucher is sold at the counter every BENCH_FUP_SALE_SECONDS (5) of router time: the shop is open meanwhile.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { loadConfig } from '../src/config/env';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { openCore, type Core } from '../src/core';
import { FakeClock } from '../src/lib/clock';
import { SYSTEM } from '../src/services/types';
import { createLogger } from '../src/lib/logger';
import { Crossings, latencyLine, pct, type Seen } from './fup-crossings';
import { splitLines, type Step } from './fup-split';
import { byMenu, countingRows, io, slowCalls } from './fup-rows';
import { benchRouterClient, fleetSubscriber, openBenchSite, seedFleet, type BenchSite } from './fleet';
import { seedSubscribers, type SubscriberPlan } from './poll-subscribers';

const DEVICES = Number(process.env.BENCH_FUP_DEVICES ?? 10_000);
const SECONDS = Number(process.env.BENCH_FUP_SECONDS ?? 600);
const SUBSCRIBERS = Number(process.env.BENCH_FUP_SUBSCRIBERS ?? 2_000);
const CROSSING = Number(process.env.BENCH_FUP_CROSSING ?? 0.4);
/** 'watch' or 'alone': that run only (a shorter look while working on one). */
const ONLY = process.env.BENCH_FUP_ONLY;
// A sale at the counter every this many seconds of router time (0: none): another writer of the vouchers between
// polls, as in a shop that is open, which the watch must carry on through.
const SALE_S = Number(process.env.BENCH_FUP_SALE_SECONDS ?? 5);
const POLL_S = 30;
const NET = 7;
const THRESHOLD = 1_000_000_000;
/** 5M + 10M: bytes a second both ways at the plan's speed. */
const FULL_BPS = 15_000_000 / 8;
const SLOWED = '1000000/2000000';
const SUB_THRESHOLD = 100_000_000_000;
const SUB_PLAN: SubscriberPlan = {
  name: 'HOMEFUP',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  fup: { threshold: '100G', rate_up: '1M', rate_down: '2M' },
};

const PROFILES = [
  {
    name: 'FUP10',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '5M',
    rate_down: '10M',
    fup: { threshold: '1G', rate_up: '1M', rate_down: '2M' },
  },
];

/** The devices (subscribers) that will cross: number i of them starts `left(i, n)` bytes from its threshold. */
const crossers = (): number => Math.floor(DEVICES * CROSSING);
const subCrossers = (): number => Math.floor(SUBSCRIBERS * CROSSING);
const left = (i: number, n = crossers()): number => Math.floor(((i + 0.5) / n) * (SECONDS - 5) * FULL_BPS);

async function seed(env: Record<string, string>): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger('silent');
  const router = benchRouterClient(config.router.port, log);
  const core = await openCore(config, { router, log, clock: new FakeClock(), role: 'cli' });
  try {
    await router.waitConnected(10_000);
    await core.services.profiles.syncFromFile(config.profilesFile);
    await seedFleet(core, router, NET, DEVICES, 'FUP10');
    for (let i = 0; i < crossers(); i++)
      await core
        .db('vouchers')
        .where('code', `F${NET}X${String(i).padStart(6, '0')}`)
        .update({ counted_bytes: THRESHOLD - left(i) });
    await core.services.usage.runCycle(); // the queues
    await seedSubscribers(core, router, SUBSCRIBERS, SUB_PLAN);
  } finally {
    await core.close();
  }
}

function seedInChild(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--seed', JSON.stringify(env)], {
      execArgv: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed (${code})`))));
  });
}

interface Run {
  watch: boolean;
  devices: Crossings;
  subscribers: Crossings;
  rowsPerMinute: number;
  /** The logins followed (with the watch): rows per minute on the follows, logins, logouts, joins. */
  follow?: { rowsPerMinute: number; logins: number; logouts: number; joined: number };
  cpuMs: number;
  peakRssMb: number;
  /** The controller's heap in use at its highest, sampled after every poll and tick (what it keeps, and its garbage). */
  peakHeapMb: number;
  /** The heap in use after a forced GC at the end of the run (what it keeps), and after each poll (BENCH_FUP_GC=1). */
  liveHeapMb: number;
  liveTrend: number[];
  steps: Step[];
  wallS: number;
}

/** The crossing devices' queues: counted bytes (what each had plus its queue's counter) and max-limit. */
function deviceCrossings(site: BenchSite): Crossings {
  const base = Array.from({ length: crossers() }, (_, i) => THRESHOLD - left(i));
  return new Crossings(crossers(), THRESHOLD, async (devices) => {
    const state = await site.routerProcess.call<Array<[number, string]>>({
      cmd: 'queue-state',
      net: NET,
      devices: [...devices],
    });
    return state.map(([bytes, limit], k): Seen => ({
      counted: base[devices[k]] + bytes,
      slowed: limit === SLOWED,
    }));
  });
}

/**
 * The crossing subscribers: counted bytes (what the cycle had when the run began plus what its session's queue
 * counted since), and slowed once the secret names another profile than the plan's and no session runs at the
 * plan's speed.
 */
function subscriberCrossings(site: BenchSite): Crossings {
  const base = Array.from({ length: subCrossers() }, (_, i) => SUB_THRESHOLD - left(i, subCrossers()));
  const first = new Map<number, { bytes: number; profile: string }>();
  return new Crossings(subCrossers(), SUB_THRESHOLD, async (subs) => {
    const state = await site.routerProcess.call<Array<[number, string, string]>>({
      cmd: 'ppp-state',
      subs: [...subs],
    });
    return state.map(([bytes, limit, profile], k): Seen => {
      const i = subs[k];
      if (!first.has(i)) first.set(i, { bytes, profile });
      const was = first.get(i) as { bytes: number; profile: string };
      const fullSpeed = bytes >= 0 && limit !== SLOWED;
      return {
        counted: base[i] + (bytes >= 0 ? bytes - was.bytes : 0),
        slowed: profile !== was.profile && !fullSpeed,
      };
    });
  });
}

/** The crossing subscribers' cycles start `left` bytes from their threshold (the first poll opened them at zero). */
async function seedSubscriberUse(core: Core): Promise<void> {
  const ids = new Map(
    ((await core.db('subscribers').select('id', 'username')) as Array<{ id: number; username: string }>).map(
      (r) => [r.username, r.id],
    ),
  );
  for (let i = 0; i < subCrossers(); i++)
    await core
      .db('subscriber_usage')
      .where('subscriber_id', ids.get(fleetSubscriber(i)) as number)
      .update({ counted_bytes: SUB_THRESHOLD - left(i, subCrossers()) });
}

/** Traffic at twice the plans' speeds for `ms` (each queue holds its own to its speed), the clock on, a look. */
async function flow(site: BenchSite, clock: FakeClock, all: Crossings[], ms: number): Promise<void> {
  if (ms <= 0) return;
  const sim = site.routerProcess;
  const t0 = clock.now();
  const seconds = ms / 1000;
  const up = Math.ceil(1_250_000 * seconds);
  const down = Math.ceil(2_500_000 * seconds);
  await sim.call({ cmd: 'traffic', net: NET, n: DEVICES, up, down, seconds });
  if (SUBSCRIBERS > 0) await sim.call({ cmd: 'ppp-traffic', n: SUBSCRIBERS, up, down, seconds });
  clock.advance(ms);
  await sim.call({ cmd: 'clock', now: clock.now() });
  for (const x of all) await x.stepped(t0, ms);
}

/** The run: the poll every 30 s and (with the watch) a tick every second, each moving the clock by its wall time. */
async function drive(
  usage: Core['services']['usage'],
  site: BenchSite,
  all: Crossings[],
  clock: FakeClock,
  watch: boolean,
  heap: { peak: number; trend: number[] },
  steps: Step[],
  sell: () => Promise<unknown>,
): Promise<void> {
  const start = clock.now();
  let nextSale = SALE_S > 0 ? start + SALE_S * 1000 : Number.POSITIVE_INFINITY;
  let nextPoll = start + POLL_S * 1000;
  let nextWatch = start + 1000;
  while (clock.now() < start + SECONDS * 1000) {
    // The poll, a tick, or a targeted read at its projected moment (as the site's poll job runs them).
    const due = (watch && usage.watchDue?.()) || Number.POSITIVE_INFINITY;
    const next = watch ? Math.min(nextPoll, nextWatch, due) : nextPoll;
    const kind = next === nextPoll ? 'poll' : next === nextWatch ? 'tick' : 'due';
    await flow(site, clock, all, next - clock.now());
    for (; clock.now() >= nextSale; nextSale += SALE_S * 1000) await sell();
    const t = performance.now();
    const step: Step = {
      kind,
      start: clock.now(),
      end: 0,
      readMs: -io.readMs,
      writeMs: -io.writeMs,
      wallAt: t,
    };
    if (kind === 'poll') {
      await usage.runCycle();
      nextPoll += POLL_S * 1000;
    } else await usage.watch!(kind);
    step.readMs += io.readMs;
    step.writeMs += io.writeMs;
    heap.peak = Math.max(heap.peak, process.memoryUsage().heapUsed);
    if (kind !== 'due' && (next === nextWatch || !watch)) nextWatch += 1000;
    await flow(site, clock, all, Math.round(performance.now() - t));
    step.end = clock.now();
    steps.push(step);
    for (const x of all) x.enforced(clock.now());
    if (step.kind === 'poll' && process.env.BENCH_FUP_GC) heap.trend.push(liveHeap());
  }
}

/**
 * The moments that were long, on the bench's wall clock (seconds from the run's start): steps over 2 s (with their
 * moment in the router's time), the controller's router calls over 1 s, and the router's blocked event loop.
 */
function longMoments(
  steps: readonly Step[],
  wall0: number,
  epoch0: number,
  lags: ReadonlyArray<{ at: number; ms: number }>,
): string[] {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const t0 = steps[0]?.start ?? 0;
  const long = steps
    .filter((st) => st.end - st.start > 2000)
    .map(
      (st) =>
        `${st.kind} at wall ${s((st.wallAt ?? wall0) - wall0)} s (router ${s(st.start - t0)} s): ${s(st.end - st.start)} s`,
    );
  const calls = slowCalls.map((c) => `${c.what} at wall ${s(c.at - wall0)} s: ${s(c.ms)} s`);
  const blocked = lags.map((l) => `at wall ${s(l.at - epoch0)} s: ${s(l.ms)} s`);
  return [
    `  long steps (> 2 s): ${long.join('; ') || 'none'}`,
    `  router calls over 1 s: ${calls.slice(0, 20).join('; ') || 'none'}${calls.length > 20 ? ` (+${calls.length - 20})` : ''}`,
    `  the router's event loop blocked over 0.5 s: ${blocked.slice(0, 20).join('; ') || 'none'}${blocked.length > 20 ? ` (+${blocked.length - 20})` : ''}`,
  ];
}

/** The heap in use after a full GC (the bench's child runs with --expose-gc): what is kept, garbage left out. */
function liveHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return v8.getHeapStatistics().used_heap_size / 1e6;
}

async function runOnce(watch: boolean): Promise<Run> {
  const site = await openBenchSite('fup', { FUP_WATCH: watch ? 'on' : 'off', PROFILES_FILE: profilesFile() });
  await site.routerProcess.call({ cmd: 'devices', net: NET, n: DEVICES });
  await seedInChild(site.env);
  // Each CPE dials again 200 ms (of the wall clock) after the router ends its session, as a CPE does.
  const up = await site.routerProcess.call<number>({ cmd: 'pppoe', n: SUBSCRIBERS, redialMs: 200 });
  if (up !== SUBSCRIBERS) throw new Error(`only ${up} of ${SUBSCRIBERS} subscribers dialled in`);
  const clock = new FakeClock(Date.UTC(2026, 10, 21, 4, 0, 0));
  await site.routerProcess.call({ cmd: 'clock', now: clock.now() });
  const { client, rows } = countingRows(site.router);
  const core = await openCore(site.config, { router: client, log: site.log, clock, role: 'cli' });
  try {
    await site.router.waitConnected(10_000);
    await core.services.usage.runCycle();
    await seedSubscriberUse(core);
    const devices = deviceCrossings(site);
    const subscribers = subscriberCrossings(site);
    for (const x of [devices, subscribers]) await x.look();
    const follower = watch && process.env.BENCH_FUP_FOLLOW !== '0' ? core.services.usage.logins : undefined;
    follower?.start();
    while (follower && !follower.stats.open) await new Promise((r) => setTimeout(r, 20));
    const start = clock.now();
    const rows0 = rows.n;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const epoch0 = Date.now();
    slowCalls.length = 0;
    await site.routerProcess.call({ cmd: 'lags' });
    const heap = { peak: 0, trend: [] as number[] };
    const steps: Step[] = [];
    const sell = () => core.services.vouchers.generate({ profile: 'FUP10', count: 1 }, SYSTEM);
    await drive(core.services.usage, site, [devices, subscribers], clock, watch, heap, steps, sell);
    if (process.env.BENCH_FUP_SPLIT) {
      const lags = await site.routerProcess.call<Array<{ at: number; ms: number }>>({ cmd: 'lags' });
      for (const l of longMoments(steps, wall0, epoch0, lags)) console.log(l);
    }
    const cpu = process.cpuUsage(cpu0);
    const liveHeapMb = liveHeap();
    if (process.env.BENCH_FUP_BY_MENU)
      console.log('rows by print:', [...byMenu].sort((a, b) => b[1] - a[1]).slice(0, 12));
    byMenu.clear();
    const f = follower?.stats;
    await follower?.stop();
    const perMinute = (n: number): number => (n / (clock.now() - start)) * 60_000;
    return {
      ...(f && {
        follow: { rowsPerMinute: perMinute(f.rows), logins: f.logins, logouts: f.logouts, joined: f.joined },
      }),
      watch,
      devices,
      subscribers,
      rowsPerMinute: perMinute(rows.n - rows0 + (f?.rows ?? 0)),
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
      peakHeapMb: heap.peak / 1e6,
      liveHeapMb,
      liveTrend: heap.trend,
      steps,
      wallS: (performance.now() - wall0) / 1000,
    };
  } finally {
    await core.close();
    await site.router.stop();
    await site.dispose();
  }
}

let profilesPath: string | undefined;
function profilesFile(): string {
  if (!profilesPath) {
    profilesPath = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-fup-profiles-')),
      'profiles.json',
    );
    fs.writeFileSync(profilesPath, JSON.stringify(PROFILES));
  }
  return profilesPath;
}

function report(r: Run): void {
  const name = r.watch ? 'with the watch' : 'poll alone    ';
  console.log(
    `${name}: devices ${latencyLine(r.devices)}; rows ${Math.round(r.rowsPerMinute)}/min; ` +
      `CPU ${(r.cpuMs / 1000).toFixed(1)} s over ${SECONDS} s of router time (${r.wallS.toFixed(0)} s wall); peak RSS ${r.peakRssMb.toFixed(0)} MB (heap ${r.peakHeapMb.toFixed(0)} MB peak, ${r.liveHeapMb.toFixed(0)} MB live after a GC at the end)`,
  );
  if (SUBSCRIBERS > 0) console.log(`${' '.repeat(name.length)}  subscribers ${latencyLine(r.subscribers)}`);
  if (r.liveTrend.length > 0)
    console.log(`  live heap after each poll (MB): ${r.liveTrend.map((x) => x.toFixed(0)).join(' ')}`);
  if (process.env.BENCH_FUP_SPLIT) {
    for (const l of splitLines('devices', r.devices, r.steps)) console.log(l);
    if (SUBSCRIBERS > 0)
      for (const l of splitLines('subscribers', r.subscribers, r.steps))
        if (!l.startsWith('  steps')) console.log(l);
  }
  if (r.follow)
    console.log(
      `${' '.repeat(name.length)}  logins followed: ${Math.round(r.follow.rowsPerMinute)} rows/min on the follows; ` +
        `${r.follow.logins} logins, ${r.follow.logouts} logouts, ${r.follow.joined} joined the watch set`,
    );
}

/**
 * The controller runs as the server does (src/config/runtime.ts: V8's heap limits, glibc's allocator settings), so
 * its CPU and peak RSS are a server's: the bench goes on in a child started with them unless this is one.
 */
function asServer(): Promise<void> | undefined {
  const flags = SERVER_NODE_FLAGS.filter((f) => !process.execArgv.some((a) => a.startsWith(f.split('=')[0])));
  if (flags.length === 0) return undefined;
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--as-server'], {
      execArgv: [...process.execArgv, ...flags, '--expose-gc'],
      env: { ...SERVER_ENV, ...process.env },
      stdio: 'inherit',
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the fup bench failed (${code})`)),
    );
  });
}

export async function run(): Promise<void> {
  const child = asServer();
  if (child) return child;
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(
    `${DEVICES} devices (${crossers()} crossing over ${SECONDS} s) and ${SUBSCRIBERS} PPPoE subscribers (${subCrossers()} crossing), poll ${POLL_S} s, watch 1 s; ${os.cpus().length} CPUs, load ${load()}`,
  );
  let alone: Run | undefined;
  let watched: Run | undefined;
  try {
    if (ONLY !== 'watch') report((alone = await runOnce(false)));
    if (ONLY !== 'alone') report((watched = await runOnce(true)));
  } finally {
    if (profilesPath) fs.rmSync(path.dirname(profilesPath), { recursive: true, force: true });
  }
  if (!alone || !watched) return;
  const verdict = (who: string, l: readonly number[]): string =>
    `${who} p99 ≤ 2 s: ${pct(l, 99) <= 2 ? 'yes' : 'NO'}, max ≤ 3 s: ${Math.max(...l) <= 3 ? 'yes' : 'NO'}`;
  const ratio = watched.rowsPerMinute / alone.rowsPerMinute;
  const subs = SUBSCRIBERS > 0 ? `${verdict('subscribers', watched.subscribers.latencies)}; ` : '';
  console.log(
    `${verdict('devices', watched.devices.latencies)}; ${subs}rows ${ratio.toFixed(2)}× the poll alone (≤ 1.5×: ${ratio <= 1.5 ? 'yes' : 'NO'}); load after ${load()}`,
  );
}

if (require.main === module && process.argv[2] === '--as-server')
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
if (require.main === module && process.argv[2] === '--seed')
  seed(JSON.parse(process.argv[3]) as Record<string, string>).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
