/**
 * The usage poll cycle on one router against the simulator, at 2,500, 5,000 and 10,000 active devices
 * (`BENCH_POLL_SIZES=100,1000` measures other sizes), judged against the product's performance budget
 * (scalingReport and budgetVerdicts below), each line printed with its measured figure and "within budget" or
 * "OVER budget":
 * - at the largest size, the traffic cycle's CPU within 4x of the read after traffic (the decoding of the same
 *   replies, below);
 * - the largest size at most 2.2x the traffic cycle's CPU of half as many devices (10,000 against 5,000), when
 *   both were measured; the unchanged cycle's ratio is printed beside it;
 * - the peak RSS of the largest size's controller at most 160 MB (10^6 bytes).
 * The budget is set at 10,000 devices: run with fewer, the lines judge the largest size measured and say so.
 * Two behaviour checks are printed apart from it: the same round trips per cycle at every size, and no router
 * write in a cycle where nothing changed. Before the budget, a ratio table sets each cycle against its read and
 * each size against the previous one, for information.
 *
 * Each size runs in a fresh controller process, as a server restarted with that many customers online:
 * the simulated router runs in a child process (bench/fleet.ts), a real router being another machine, and
 * the customers are put in place beforehand by another child process (`--seed`), as the portal and the
 * admin would have done over the day. So the CPU figures are the controller's alone (process.cpuUsage()
 * around runCycle() counts the main thread, GC helpers and SQLite's threads) and its peak RSS is that of
 * a controller polling N devices, not of one that also just generated them.
 *
 * Per size it measures a cycle where every device moved traffic and a cycle where nothing changed (which
 * must write nothing to the router), after three warm-up rounds that are run but not counted; and the read
 * alone (the four prints, decoded into a snapshot) twice: of a router where nothing changed since the last
 * read, and of one where every device moved bytes since. The two differ: the client keeps each full print's
 * texts by position and reuses a text whose bytes are the same, which every counter is when nothing moved and
 * none is after traffic. Each cycle is set against the read of the same replies: the traffic cycle against the
 * read after traffic, the unchanged cycle against the read of the unchanged router.
 * BENCH_POLL_VERBOSE=1 prints every run and the RSS (peak so far, current, V8 heap, external) after each step.
 *
 * BENCH_POLL_PAUSE_MS=N waits N ms of wall time before every cycle and read, as the server idles between its
 * polls (30 s by default). The cycles then run after V8's memory reducer has shrunk the heap in the pause,
 * as they do in the server; without it they run back to back (docs/performance.md, "Running the benchmarks").
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { loadConfig } from '../src/config/env';
import { openCore } from '../src/core';
import { FakeClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import { readSnapshot, type RouterSnapshot } from '../src/router/hotspot/snapshot';
import { benchRouterClient, openBenchSite, seedFleet } from './fleet';
import { pppReadAlone, seedSubscribers, subscriberVerdicts } from './poll-subscribers';
import { cycleProfiler, threadCpu, threadDelta, watchGc, type GcShare } from './poll-diagnostics';

/** The sizes the budget is judged at; `BENCH_POLL_SIZES=100,1000` runs others while developing. */
const SIZES = (process.env.BENCH_POLL_SIZES ?? '2500,5000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_POLL_RUNS ?? 7);
const PAUSE_MS = Number(process.env.BENCH_POLL_PAUSE_MS ?? 0);
/** The server's idle time between two polls (BENCH_POLL_PAUSE_MS), before a measured step. */
const pause = (): Promise<void> =>
  PAUSE_MS > 0 ? new Promise((resolve) => setTimeout(resolve, PAUSE_MS)) : Promise.resolve();
/** The subscriber case (poll-subscribers.ts): PPPoE subscribers online beside the largest size's devices. */
const SUBSCRIBERS = (process.env.BENCH_POLL_SUBSCRIBERS ?? '')
  .split(',')
  .filter((s) => s.trim() !== '')
  .map(Number);
/**
 * The subscriber case measured this many times, the counts interleaved (0, 2000, 0, 2000, …), each in a fresh
 * process: a subscriber's cost is a difference of two cycles, so a drift in the machine's load between two
 * single runs can hide or double it. The figures are then the medians across the repeats.
 */
const REPEAT = Math.max(1, Number(process.env.BENCH_POLL_REPEAT ?? 1));
const WARMUP = 3;
const NET = 6;

// ---------------------------------------------------------------- parent: the controller

interface Figures {
  n: number;
  /** PPPoE subscribers online beside the devices (absent or 0: the hotspot alone). */
  subscribers?: number;
  roundTrips: number;
  cpuTraffic: number;
  cpuUnchanged: number;
  /** The read alone, of a router where nothing changed since the last read (as the unchanged cycle reads). */
  cpuRead: number;
  /** The read alone, of a router where every device moved bytes since the last read (as the traffic cycle reads). */
  cpuReadTraffic: number;
  wallTraffic: number;
  /** Median wall time of V8's collections (pauses on the main thread) within a measured traffic cycle. */
  gcTrafficMs: number;
  /** Full (mark-compact) collections within all the measured traffic cycles together. */
  fullGcTraffic: number;
  kibRead: number;
  writesUnchanged: number;
  idleRssMiB: number;
  /** The controller process's peak RSS over its whole life (getrusage), first cycle included. */
  lifetimeRssMiB: number;
}

function cpuMs<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const c0 = process.cpuUsage();
  return work().then((value) => {
    const c = process.cpuUsage(c0);
    return { value, ms: (c.user + c.system) / 1000 };
  });
}

/** Commands that change the router: not prints, logins or the client's keepalive probe (`#`, every 30 s of wall time). */
const writesOf = (byPath: Record<string, number>): number =>
  Object.entries(byPath).reduce(
    (n, [p, c]) => (p.endsWith('/print') || p === '/login' || p === '#' ? n : n + c),
    0,
  );
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The seeding child: N customers online, their queues made by one cycle; then it exits. */
async function seed(env: Record<string, string>, n: number, subs: number): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger('silent');
  const router = benchRouterClient(config.router.port, log);
  const core = await openCore(config, { router, log, clock: new FakeClock(), role: 'cli' });
  try {
    await router.waitConnected(10_000);
    await core.services.profiles.syncFromFile(config.profilesFile);
    await seedFleet(core, router, NET, n, 'PREMIUM');
    await core.services.usage.runCycle(); // creates the n queues
    await seedSubscribers(core, router, subs);
  } finally {
    await core.close();
  }
}

/** Runs `--seed` in a child process and waits for it. */
function seedInChild(env: Record<string, string>, n: number, subs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--seed', JSON.stringify({ env, n, subs })], {
      execArgv: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed (${code})`))));
  });
}

async function measure(n: number, subs = 0): Promise<Figures> {
  const site = await openBenchSite('bench');
  const { routerProcess: sim, log, router } = site;
  const config = site.config;
  await sim.call({ cmd: 'devices', net: NET, n });
  await seedInChild(site.env, n, subs);
  if (subs > 0) {
    const up = await sim.call<number>({ cmd: 'pppoe', n: subs });
    if (up !== subs) throw new Error(`only ${up} of ${subs} subscribers dialled in`);
  }
  /** Every subscriber's session moves bytes too (a no-op without subscribers). */
  const pppTraffic = async () => {
    if (subs > 0) await sim.call({ cmd: 'ppp-traffic', n: subs, up: 50_000, down: 500_000, seconds: 30 });
  };
  const clock = new FakeClock();
  const core = await openCore(config, { router, log, clock, role: 'cli' });
  try {
    await router.waitConnected(10_000);
    const usage = core.services.usage;
    const tick = async (s: number) => {
      clock.advance(s * 1000);
      await sim.call({ cmd: 'clock', now: clock.now() });
    };
    await usage.runCycle(); // the controller's first cycle: loads the vouchers, nothing to change
    const idleRss = process.memoryUsage().rss;
    const traffic: Array<{ cpu: number; wall: number; trips: number; bytes: number }> = [];
    const unchanged: Array<{ cpu: number; writes: number; trips: number }> = [];
    const reads: number[] = [];
    const trafficReads: number[] = [];
    /** The read alone, as the cycle reads: given the queues of the read before (RouterQueues reuses their objects). */
    let lastQueues: RouterSnapshot['queues'] | undefined;
    const pppRead = subs > 0 ? pppReadAlone(core, router) : async () => undefined;
    const readAlone = async (): Promise<void> => {
      const [snapshot] = await Promise.all([readSnapshot(router, lastQueues), pppRead()]);
      lastQueues = snapshot.queues;
    };
    const warmups: number[] = [];
    const gc = watchGc();
    const heap = process.env.BENCH_POLL_HEAP_PROF
      ? await cycleProfiler('heap', process.env.BENCH_POLL_HEAP_PROF)
      : undefined;
    const cpuProf = process.env.BENCH_POLL_CPU_PROF
      ? await cycleProfiler('cpu', process.env.BENCH_POLL_CPU_PROF)
      : undefined;
    const gcTraffic: GcShare[] = [];
    /** CPU ms by kind of thread in each measured traffic cycle (verbose only). */
    const threads: Array<Record<string, number>> = [];
    // A server polls all day: the first rounds (JIT warm-up on this data, the first writes) are run but not
    // counted, so the figures are those of the cycles it runs from then on. BENCH_POLL_VERBOSE shows them.
    const verbose = Boolean(process.env.BENCH_POLL_VERBOSE);
    const mib = (bytes: number) => (bytes / 1048576).toFixed(0);
    /** Peak RSS so far, then current RSS and V8 heap used/total, round by round (verbose only). */
    const memory: string[] = [];
    const noteMemory = (label: string) => {
      if (!verbose) return;
      const mu = process.memoryUsage();
      const peak = mib(process.resourceUsage().maxRSS * 1024);
      memory.push(
        `${label} ${peak} (rss ${mib(mu.rss)}, heap ${mib(mu.heapUsed)}/${mib(mu.heapTotal)}, external ${mib(mu.external)}, array buffers ${mib(mu.arrayBuffers)})`,
      );
    };
    noteMemory('after the first cycle');
    for (let r = -WARMUP; r < RUNS; r++) {
      noteMemory(`round ${r}`);
      await sim.call({ cmd: 'traffic', net: NET, n, up: 20_000, down: 200_000, seconds: 30 });
      await pppTraffic();
      await tick(30);
      const before = await sim.call<{ bytesOut: number }>({ cmd: 'stats' });
      await pause();
      // A profile (BENCH_POLL_HEAP_PROF, BENCH_POLL_CPU_PROF) is started and written outside the figures' window.
      if (r >= 0) await heap?.start();
      if (r >= 0) await cpuProf?.start();
      const t0 = process.hrtime.bigint();
      const g0 = performance.now();
      const th0 = verbose ? threadCpu() : {};
      const run1 = await cpuMs(() => usage.runCycle());
      const th1 = verbose ? threadCpu() : {};
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      const g1 = performance.now();
      if (r >= 0) await cpuProf?.stop(`${n}-traffic-${r}`);
      if (r >= 0) await heap?.stop(`${n}-traffic-${r}`);
      if (r >= 0 && verbose) threads.push(threadDelta(th0, th1));
      noteMemory('  traffic cycle');
      const after = await sim.call<{ bytesOut: number }>({ cmd: 'stats' });
      if (r < 0) warmups.push(run1.ms);
      else {
        gcTraffic.push(await gc.between(g0, g1));
        traffic.push({
          cpu: run1.ms,
          wall,
          trips: run1.value.roundTrips,
          bytes: after.bytesOut - before.bytesOut,
        });
      }
      await tick(30); // rates fall to zero: one more cycle that writes usage rows, not the router
      await pause();
      await usage.runCycle();
      noteMemory('  rates-to-zero cycle');
      await tick(30);
      const s0 = await sim.call<{ commandsByPath: Record<string, number> }>({ cmd: 'stats' });
      await pause();
      const run2 = await cpuMs(() => usage.runCycle());
      const s1 = await sim.call<{ commandsByPath: Record<string, number> }>({ cmd: 'stats' });
      noteMemory('  unchanged cycle');
      if (r < 0) continue;
      unchanged.push({
        cpu: run2.ms,
        writes: writesOf(s1.commandsByPath) - writesOf(s0.commandsByPath),
        trips: run2.value.roundTrips,
      });
      await pause();
      reads.push((await cpuMs(readAlone)).ms);
      noteMemory('  read only');
    }
    // The read alone of the replies a traffic cycle decodes: every device moved bytes since the last read.
    // Measured after the rounds, so that the rounds run exactly as the server's polls do (the reads' garbage
    // would otherwise land in the cycles' collections).
    for (let r = 0; r < RUNS; r++) {
      await sim.call({ cmd: 'traffic', net: NET, n, up: 20_000, down: 200_000, seconds: 30 });
      await pppTraffic();
      await tick(30);
      await pause();
      trafficReads.push((await cpuMs(readAlone)).ms);
    }
    noteMemory('read only, after traffic');
    gc.stop();
    if (verbose) {
      console.log(`  n=${n} peak RSS MiB ${memory.join('; ')}`);
      console.log(
        `  n=${n} garbage collection in each measured traffic cycle (ms, scavenges/full): ${gcTraffic.map((g) => `${g.ms.toFixed(0)} (${g.minor}/${g.major})`).join(' ')}`,
      );
      const kinds = [...new Set(threads.flatMap((t) => Object.keys(t)))];
      console.log(
        `  n=${n} traffic cycle CPU ms by thread, median: ${kinds.map((k) => `${k} ${median(threads.map((t) => t[k] ?? 0)).toFixed(1)}`).join(', ')}`,
      );
      console.log(
        `  n=${n} warm-up traffic CPU ms: ${warmups.map((w) => w.toFixed(0)).join(' ')}; traffic CPU ms per run: ${traffic.map((t) => t.cpu.toFixed(0)).join(' ')}; unchanged: ${unchanged.map((u) => u.cpu.toFixed(0)).join(' ')}`,
      );
    }
    const trips = new Set([...traffic.map((t) => t.trips), ...unchanged.map((u) => u.trips)]);
    return {
      n,
      subscribers: subs,
      roundTrips: trips.size === 1 ? [...trips][0] : -1,
      cpuTraffic: median(traffic.map((t) => t.cpu)),
      cpuUnchanged: median(unchanged.map((u) => u.cpu)),
      cpuRead: median(reads),
      cpuReadTraffic: median(trafficReads),
      wallTraffic: median(traffic.map((t) => t.wall)),
      gcTrafficMs: median(gcTraffic.map((g) => g.ms)),
      fullGcTraffic: gcTraffic.reduce((a, g) => a + g.major, 0),
      kibRead: median(traffic.map((t) => t.bytes)) / 1024,
      writesUnchanged: Math.max(...unchanged.map((u) => u.writes)),
      idleRssMiB: idleRss / 1024 / 1024,
      lifetimeRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await core.close();
    await site.dispose();
  }
}

/** One size in a fresh process (`--size N`), its figures sent back over IPC. */
function measureInChild(n: number, subs = 0): Promise<Figures> {
  return new Promise((resolve, reject) => {
    // The controller runs as the server does (src/config/runtime.ts): its memory depends on these.
    const flags = SERVER_NODE_FLAGS.filter(
      (f) => !process.execArgv.some((a) => a.startsWith(f.split('=')[0])),
    );
    const child = fork(__filename, ['--size', String(n), '--subs', String(subs)], {
      execArgv: [...process.execArgv, ...flags],
      env: { ...SERVER_ENV, ...process.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: Figures | undefined;
    child.on('message', (m: Figures) => (figures = m));
    child.on('exit', (code) =>
      figures && code === 0 ? resolve(figures) : reject(new Error(`size ${n} failed (${code})`)),
    );
  });
}

/** How busy the machine was: its processors and the 1-minute load average (runnable processes) before and after. */
export function machineLine(cpus: number, loadBefore: number, loadAfter: number): string {
  return `  machine: ${cpus} processors, load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end (above ${cpus}: other work competed for the processors, and the figures rise with it)`;
}

export async function run(): Promise<void> {
  const rows: Figures[] = [];
  const loadBefore = os.loadavg()[0];
  const largest = Math.max(...SIZES);
  // The subscriber case measures the largest size only, once per count of subscribers.
  const repeats: Figures[][] = [];
  if (SUBSCRIBERS.length) {
    for (let k = 0; k < REPEAT; k++) {
      const round: Figures[] = [];
      for (const s of SUBSCRIBERS) round.push(await measureInChild(largest, s));
      repeats.push(round);
    }
    rows.push(...mediansOf(repeats));
  } else for (const n of SIZES) rows.push(await measureInChild(n));
  console.log(
    `poll cycle, simulator in a child process, median of ${RUNS} runs (CPU = controller process incl. SQLite threads):`,
  );
  console.log(machineLine(os.cpus().length, loadBefore, os.loadavg()[0]));
  if (PAUSE_MS > 0)
    console.log(
      `  each cycle and read after a ${PAUSE_MS} ms pause, as the server idles between polls (BENCH_POLL_PAUSE_MS)`,
    );
  console.log(
    '  "read only" = the four pipelined prints alone (router client decoding), part of both cycle figures: of an unchanged router, and after traffic',
  );
  console.log(
    '  devices (+ subscribers) | round trips | CPU ms traffic | CPU ms unchanged | CPU ms read only (unchanged / after traffic) | wall ms | GC ms (full GCs in 7) | KiB read | writes unchanged | RSS MiB idle | peak RSS MiB (process lifetime)',
  );
  for (const f of rows) {
    console.log(
      `  ${`${f.n}${f.subscribers ? ` + ${f.subscribers}` : ''}`.padStart(23)} | ${String(f.roundTrips).padStart(11)} | ${f.cpuTraffic.toFixed(1).padStart(14)} | ${f.cpuUnchanged.toFixed(1).padStart(16)} | ${`${f.cpuRead.toFixed(1)} / ${f.cpuReadTraffic.toFixed(1)}`.padStart(43)} | ${f.wallTraffic.toFixed(0).padStart(7)} | ${`${f.gcTrafficMs.toFixed(1)} (${f.fullGcTraffic})`.padStart(21)} | ${f.kibRead.toFixed(0).padStart(8)} | ${String(f.writesUnchanged).padStart(16)} | ${f.idleRssMiB.toFixed(0).padStart(12)} | ${f.lifetimeRssMiB.toFixed(0)}`,
    );
  }
  // With subscribers the poll sends the PPP prints too: the same round trips among the rows that have them.
  const withPpp = rows.filter((r) => (r.subscribers ?? 0) > 0);
  const same = SUBSCRIBERS.length && withPpp.length ? withPpp : rows;
  for (const line of behaviourChecks(same)) console.log(line);
  if (repeats.length > 1) for (const line of repeatLines(largest, repeats)) console.log(line);
  if (SUBSCRIBERS.length)
    for (const line of subscriberVerdicts(
      largest,
      rows.map((r) => ({ ...r, subscribers: r.subscribers ?? 0 })),
    ))
      console.log(line);
  else for (const line of scalingReport(rows)) console.log(line);
}

const x = (v: number): string => `${v.toFixed(2)}x`;

/** Each count's figures, the median across the repeats (the peak RSS: the highest). */
function mediansOf(repeats: readonly Figures[][]): Figures[] {
  return repeats[0].map((first, i) => {
    const all = repeats.map((r) => r[i]);
    const out = { ...first } as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(first))
      if (typeof v === 'number' && k !== 'n' && k !== 'subscribers')
        out[k] = median(all.map((f) => (f as unknown as Record<string, number>)[k]));
    out.lifetimeRssMiB = Math.max(...all.map((f) => f.lifetimeRssMiB));
    return out as unknown as Figures;
  });
}

/** A subscriber's cost against a device's in each repeat on its own (the spread the medians hide). */
function repeatLines(devices: number, repeats: readonly Figures[][]): string[] {
  const ratios = repeats.flatMap((round) => {
    const alone = round.find((f) => !f.subscribers);
    const big = round.reduce((a, b) => ((b.subscribers ?? 0) > (a.subscribers ?? 0) ? b : a));
    if (!alone || !big.subscribers) return [];
    const device = alone.cpuTraffic / devices;
    const subscriber = (big.cpuTraffic - alone.cpuTraffic) / big.subscribers;
    return [subscriber / device];
  });
  return [
    `  ${repeats.length} repeats, the counts interleaved; the table holds each figure's median across them`,
    `  a subscriber's traffic cycle CPU against a device's, repeat by repeat: ${ratios.map(x).join(', ')} (median ${x(median(ratios))})`,
  ];
}

/**
 * The ratio table, for information: each size's CPU against the previous size's beside the device ratio, and
 * each cycle against the read-only decoding of the same size and the same replies (the traffic cycle against
 * the read after traffic, the unchanged cycle against the read of the unchanged router), then the traffic
 * cycle against the unchanged router's read (not what that cycle decodes). Then the budget's verdicts.
 */
export function scalingReport(rows: readonly Figures[]): string[] {
  const out = ['  scaling: CPU ratio to the previous size | cycle / read-only of the same replies'];
  for (let i = 0; i < rows.length; i++) {
    const f = rows[i];
    const p = rows[i - 1];
    out.push(
      `  ${String(f.n).padStart(7)} | ` +
        (p
          ? `x${(f.n / p.n).toFixed(1)} devices: traffic ${x(f.cpuTraffic / p.cpuTraffic)}, unchanged ${x(f.cpuUnchanged / p.cpuUnchanged)}, read after traffic ${x(f.cpuReadTraffic / p.cpuReadTraffic)}`
          : 'first size'
        ).padEnd(68) +
        ` | traffic ${x(f.cpuTraffic / f.cpuReadTraffic)}, unchanged ${x(f.cpuUnchanged / f.cpuRead)}; traffic / unchanged router's read ${x(f.cpuTraffic / f.cpuRead)}`,
    );
  }
  return [...out, ...budgetVerdicts(rows)];
}

/** What the poll must do whatever its cost: the same round trips at every size, no router write when nothing changed. */
export function behaviourChecks(rows: readonly Figures[]): string[] {
  const trips = rows[0].roundTrips;
  const constant = trips > 0 && rows.every((r) => r.roundTrips === trips);
  const writes = Math.max(...rows.map((r) => r.writesUnchanged));
  return [
    `  behaviour: constant round trips ${constant ? `OK (${trips} per cycle at every size)` : `FAILED (${rows.map((r) => r.roundTrips).join(', ')}; -1 = varied between cycles)`}; ` +
      `0 router writes when nothing changed ${writes === 0 ? 'OK' : `FAILED (${writes})`}`,
  ];
}

/** The size the budget is set at. */
export const BUDGET_DEVICES = 10_000;
export const BUDGET = { trafficOverRead: 4, doubling: 2.2, peakRssMB: 160 } as const;

const verdict = (ok: boolean): string => (ok ? 'within budget' : 'OVER budget');

/**
 * The budget's lines for the poll, each with its measured figure and its verdict: at the largest size measured,
 * the traffic cycle against the read after traffic (<= 4x) and the peak RSS (<= 160 MB, MB = 10^6 bytes); the
 * largest size against half of it (traffic cycle <= 2.2x; the unchanged cycle printed beside it), or why it
 * could not be judged.
 */
export function budgetVerdicts(rows: readonly Figures[]): string[] {
  const big = rows.reduce((a, b) => (b.n > a.n ? b : a));
  const half = rows.find((r) => r.n * 2 === big.n);
  const out = [
    `  budget at ${big.n} devices on one router` +
      (big.n === BUDGET_DEVICES
        ? ':'
        : ` (the budget is set at ${BUDGET_DEVICES}; BENCH_POLL_SIZES=2500,5000,${BUDGET_DEVICES} judges it there):`),
  ];
  const overRead = big.cpuTraffic / big.cpuReadTraffic;
  out.push(
    `    traffic cycle CPU <= ${BUDGET.trafficOverRead}x the read after traffic: ${x(overRead)}, ${verdict(overRead <= BUDGET.trafficOverRead)}`,
  );
  const doubling = `    ${big.n} devices <= ${BUDGET.doubling}x the traffic cycle CPU of ${big.n / 2}`;
  if (half) {
    const traffic = big.cpuTraffic / half.cpuTraffic;
    out.push(
      `${doubling}: ${x(traffic)}, ${verdict(traffic <= BUDGET.doubling)} ` +
        `(unchanged cycle ${x(big.cpuUnchanged / half.cpuUnchanged)}, reported, not judged)`,
    );
  } else {
    out.push(`${doubling}: not judged (${big.n / 2} devices not measured)`);
  }
  const mb = (big.lifetimeRssMiB * 1048576) / 1e6;
  out.push(`    peak RSS <= ${BUDGET.peakRssMB} MB: ${mb.toFixed(1)} MB, ${verdict(mb <= BUDGET.peakRssMB)}`);
  return out;
}

if (require.main === module) {
  const size = process.argv.indexOf('--size');
  const seeding = process.argv.indexOf('--seed');
  if (seeding !== -1) {
    const { env, n, subs } = JSON.parse(process.argv[seeding + 1]) as {
      env: Record<string, string>;
      n: number;
      subs: number;
    };
    seed(env, n, subs).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  } else if (size !== -1) {
    const subs = process.argv.indexOf('--subs');
    measure(Number(process.argv[size + 1]), subs === -1 ? 0 : Number(process.argv[subs + 1])).then(
      (f) => process.send?.(f, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  }
}
