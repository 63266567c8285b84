/**
 * Fair use within 2 s (`npm run bench -- fup`): 10,000 devices online (BENCH_FUP_DEVICES) on one simulated router
 * in its own process, each moving traffic at its plan's speed (5M up / 10M down; fair use at 1 GB, then 1M/2M),
 * the poll every 30 s. A share of them (BENCH_FUP_CROSSING, 40 %) start at bytes from their threshold spread
 * evenly over the run, so about 2 % are within one poll of their line at any moment. The run is
 * BENCH_FUP_SECONDS (600) of the router's time, once with the watch (FUP_WATCH on) and once with the poll alone.
 *
 * Time: the controller's clock is a fake moved by the bench, and every poll and watch tick also moves it on by
 * the wall time it took (traffic flowing meanwhile), so a slow step delays what comes after it as in a server.
 * A crossing is the moment a device's bytes on the router (its queue's counter, up + down, plus what it had)
 * pass its threshold, found between two of the bench's looks at the router; it is enforced when the router's
 * queue holds the FUP speed, at the end of the step that wrote it. Rows read are the rows the router sent to the
 * controller (counted in its client), per minute of the router's time. CPU and peak RSS are the controller's.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/env';
import { openCore, type Core } from '../src/core';
import { FakeClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import type { RouterClient } from '../src/router/types';
import { benchRouterClient, openBenchSite, seedFleet, type BenchSite } from './fleet';

const DEVICES = Number(process.env.BENCH_FUP_DEVICES ?? 10_000);
const SECONDS = Number(process.env.BENCH_FUP_SECONDS ?? 600);
const CROSSING = Number(process.env.BENCH_FUP_CROSSING ?? 0.4);
const POLL_S = 30;
const NET = 7;
const THRESHOLD = 1_000_000_000;
/** 5M + 10M: bytes a second both ways at the plan's speed. */
const FULL_BPS = 15_000_000 / 8;
const SLOWED = '1000000/2000000';

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

/** The devices that will cross: device i of them starts `left(i)` bytes from its threshold. */
const crossers = (): number => Math.floor(DEVICES * CROSSING);
const left = (i: number): number => Math.floor(((i + 0.5) / crossers()) * (SECONDS - 5) * FULL_BPS);

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

/** The client, counting the rows the router sends: `rows.n` so far. */
function countingRows(router: RouterClient): { client: RouterClient; rows: { n: number } } {
  const rows = { n: 0 };
  const client = Object.create(router) as RouterClient;
  client.print = async (menu, opts) => {
    const got = await router.print(menu, opts);
    rows.n += got.length;
    return got;
  };
  if (router.printEach)
    client.printEach = (menu, opts, onRow) =>
      router.printEach!(menu, opts, (row) => {
        rows.n++;
        onRow(row);
      });
  return { client, rows };
}

interface Run {
  watch: boolean;
  latencies: number[];
  crossings: number;
  rowsPerMinute: number;
  cpuMs: number;
  peakRssMb: number;
  wallS: number;
}

/** The crossing devices as the bench sees them on the router: when each crossed, and when it was slowed. */
class Crossings {
  readonly crossedAt = new Map<number, number>();
  readonly latencies: number[] = [];
  /** The crossing devices not seen slowed yet: only their queues are looked at (rows the router builds for the bench). */
  private pending = Array.from({ length: crossers() }, (_, i) => i);
  private last = new Map<number, { counted: number; limit: string }>();
  private readonly base = Array.from({ length: crossers() }, (_, i) => THRESHOLD - left(i));

  constructor(
    private readonly site: BenchSite,
    private readonly clock: FakeClock,
  ) {}

  /** Bytes (counted) and max-limit of every pending device, as the router holds them. */
  async look(): Promise<void> {
    const devices = this.pending;
    const state = await this.site.routerProcess.call<Array<[number, string]>>({
      cmd: 'queue-state',
      net: NET,
      devices,
    });
    this.last = new Map(
      state.map(([bytes, limit], k) => [devices[k], { counted: this.base[devices[k]] + bytes, limit }]),
    );
  }

  /** Traffic at full speed for `ms` (the router's time moves on), then the crossings in it, placed within the step. */
  async flow(ms: number): Promise<void> {
    if (ms <= 0) return;
    const sim = this.site.routerProcess;
    const t0 = this.clock.now();
    // Twice the plan's speeds asked for: the queues hold each device to its own (full, or FUP's once slowed).
    const seconds = ms / 1000;
    const up = Math.ceil(1_250_000 * seconds);
    const down = Math.ceil(2_500_000 * seconds);
    await sim.call({ cmd: 'traffic', net: NET, n: DEVICES, up, down, seconds });
    this.clock.advance(ms);
    await sim.call({ cmd: 'clock', now: this.clock.now() });
    const before = this.last;
    await this.look();
    for (const [i, x] of this.last) {
      if (this.crossedAt.has(i) || x.counted < THRESHOLD) continue;
      const b = (before.get(i) as { counted: number }).counted;
      this.crossedAt.set(i, t0 + (ms * Math.max(0, THRESHOLD - b)) / Math.max(1, x.counted - b));
    }
  }

  /** Crossed devices whose queue now holds the FUP speed: enforced at `at`. */
  enforced(at: number): void {
    for (const [i, x] of this.last) {
      const c = this.crossedAt.get(i);
      if (c !== undefined && c >= 0 && x.limit === SLOWED) {
        this.latencies.push((at - c) / 1000);
        this.crossedAt.set(i, -1);
      }
    }
    this.pending = this.pending.filter((i) => this.crossedAt.get(i) !== -1);
  }
}

/** The run: the poll every 30 s and (with the watch) a tick every second, each moving the clock by its wall time. */
async function drive(
  usage: Core['services']['usage'],
  x: Crossings,
  clock: FakeClock,
  watch: boolean,
): Promise<void> {
  const start = clock.now();
  let nextPoll = start + POLL_S * 1000;
  let nextWatch = start + 1000;
  while (clock.now() < start + SECONDS * 1000) {
    const next = watch ? Math.min(nextPoll, nextWatch) : nextPoll;
    await x.flow(next - clock.now());
    const t = performance.now();
    if (next === nextPoll) {
      await usage.runCycle();
      nextPoll += POLL_S * 1000;
    } else await usage.watch!();
    if (next === nextWatch || !watch) nextWatch += 1000;
    await x.flow(Math.round(performance.now() - t));
    x.enforced(clock.now());
  }
}

async function runOnce(watch: boolean): Promise<Run> {
  const site = await openBenchSite('fup', { FUP_WATCH: watch ? 'on' : 'off', PROFILES_FILE: profilesFile() });
  await site.routerProcess.call({ cmd: 'devices', net: NET, n: DEVICES });
  await seedInChild(site.env);
  const clock = new FakeClock(Date.UTC(2026, 10, 21, 4, 0, 0));
  await site.routerProcess.call({ cmd: 'clock', now: clock.now() });
  const { client, rows } = countingRows(site.router);
  const core = await openCore(site.config, { router: client, log: site.log, clock, role: 'cli' });
  try {
    await site.router.waitConnected(10_000);
    await core.services.usage.runCycle();
    const x = new Crossings(site, clock);
    await x.look();
    const start = clock.now();
    const rows0 = rows.n;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await drive(core.services.usage, x, clock, watch);
    const cpu = process.cpuUsage(cpu0);
    return {
      watch,
      latencies: x.latencies,
      crossings: x.crossedAt.size,
      rowsPerMinute: ((rows.n - rows0) / (clock.now() - start)) * 60_000,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
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

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

function report(r: Run): void {
  const l = r.latencies;
  const name = r.watch ? 'with the watch' : 'poll alone    ';
  console.log(
    `${name}: ${r.crossings} crossings, ${l.length} enforced; crossing→enforced p50 ${pct(l, 50).toFixed(2)} s, ` +
      `p99 ${pct(l, 99).toFixed(2)} s, max ${Math.max(...l).toFixed(2)} s; rows ${Math.round(r.rowsPerMinute)}/min; ` +
      `CPU ${(r.cpuMs / 1000).toFixed(1)} s over ${SECONDS} s of router time (${r.wallS.toFixed(0)} s wall); peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
}

export async function run(): Promise<void> {
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(
    `${DEVICES} devices (${crossers()} crossing over ${SECONDS} s), poll ${POLL_S} s, watch 1 s; ${os.cpus().length} CPUs, load ${load()}`,
  );
  let alone: Run;
  let watched: Run;
  try {
    alone = await runOnce(false);
    report(alone);
    watched = await runOnce(true);
    report(watched);
  } finally {
    if (profilesPath) fs.rmSync(path.dirname(profilesPath), { recursive: true, force: true });
  }
  const l = watched.latencies;
  const ratio = watched.rowsPerMinute / alone.rowsPerMinute;
  console.log(
    `p99 ≤ 2 s: ${pct(l, 99) <= 2 ? 'yes' : 'NO'}; max ≤ 3 s: ${Math.max(...l) <= 3 ? 'yes' : 'NO'}; rows ${ratio.toFixed(2)}× the poll alone (≤ 1.5×: ${ratio <= 1.5 ? 'yes' : 'NO'}); load after ${load()}`,
  );
}

if (require.main === module && process.argv[2] === '--seed')
  seed(JSON.parse(process.argv[3]) as Record<string, string>).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
