/**
 * RADIUS mode on this machine (`npm run bench -- radius`): real FreeRADIUS 3.2 on the product's PostgreSQL
 * database, the router played by this process (bench/radius-nas.ts), the controller in a child process started as
 * `npm start` starts the server (bench/radius-controller.ts). PostgreSQL is a throwaway cluster (bench/pg-cluster.ts);
 * BENCH_DATABASE_URL or PISONET_TEST_DATABASE names a server to use instead (a scratch database is made there and
 * dropped). Without FreeRADIUS or PostgreSQL it prints what is missing and returns.
 *
 * RADIUS sites are added as the admin adds them, each with its own router address (127.0.0.x: the packets are sent
 * from there, as FreeRADIUS and the accounting know a router by its address), their vouchers made by the voucher
 * service for that site, which makes them FreeRADIUS users. FreeRADIUS's configuration is the one
 * `pisonet radius freeradius-config` writes.
 *
 * 1. Access-Requests: PAP with Message-Authenticator (answers required signed, as RouterOS 7.15+), sent by a load
 *    generator on the product's codec (`exchange`, one socket per request), each code from its own device
 *    (Calling-Station-Id). BENCH_RADIUS_CONCURRENCY (16) in flight: a warm-up, every code's first login (the device
 *    counted, the validity started, in the database), then BENCH_RADIUS_PASSES passes of the same codes logging in
 *    again; then the same passes with BENCH_RADIUS_OVERLOAD (32) in flight, as many as FreeRADIUS's threads (and its
 *    SQL pool, which the product sizes to them) (0: not run). Requests per second, p50/p95/p99 latency, Accepts against anything else.
 * 2. The poll at 2,500, 5,000 and 10,000 active sessions (BENCH_RADIUS_SIZES), each size a site of its own: each
 *    session logged in (Access-Request) and started its accounting (Start) through FreeRADIUS; then per round every
 *    session sends one Interim-Update through FreeRADIUS with more bytes (a minute's worth: each session once a
 *    minute), and the site's poll (`pollOnce`) books them, with the controller's CPU (process.cpuUsage) around it.
 *    A controller per site, the sites' rounds in turn (a change in the machine's load falls on every size alike);
 *    WARMUP polls first (the first books the sessions' first accounting), then RUNS measured, medians: at one poll
 *    a minute, CPU per minute = one poll's CPU. Then HALF_RUNS minutes as the server polls by default (every 30 s):
 *    two polls, each after half the sessions' interims. Peak RSS of the controller, and a check that every byte
 *    sent was booked exactly once.
 * 3. Fair use reached: in each measured round one session of a fair-use profile sends the Interim-Update that
 *    crosses its threshold (after the others'), then the poll runs at once: the time from sending that interim to
 *    its Accounting-Response (FreeRADIUS answers once its SQL module wrote the row) and from then to the CoA-Request
 *    arriving at the router's `/radius incoming` (this process, ACKing). At every size, and on a site of its own.
 *
 * BENCH_RADIUS_CPU_PROF=DIR writes a CPU profile of each size's measured polls there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RADIUS_INTERIM_SECONDS } from '../src/domain/radius-account';
import { fleetIp, fleetMac, openBenchSite, type BenchSite } from './fleet';
import { NoPostgres, openBenchPostgres, type BenchPostgres } from './pg-cluster';
import {
  ControllerProcess,
  type PollFigures,
  type SeedResult,
  type SeedSpec,
  type SiteStats,
} from './radius-controller';
import {
  accessRequest,
  accounting,
  coaResponder,
  freeradiusPools,
  freeradiusVersion,
  freeUdpPort,
  load,
  median,
  missingFreeRadius,
  quantile,
  startFreeRadius,
  wallNow,
  type BenchSession,
  type CoaResponder,
  type FreeRadiusProcess,
  type Target,
} from './radius-nas';

const SIZES = (process.env.BENCH_RADIUS_SIZES ?? '2500,5000,10000').split(',').map(Number);
if (!SIZES.every((n) => Number.isInteger(n) && n > 0 && n <= 10_000))
  throw new Error('BENCH_RADIUS_SIZES: whole numbers from 1 to 10000, comma-separated');
const AUTH = Number(process.env.BENCH_RADIUS_AUTH ?? 5000);
const PASSES = Number(process.env.BENCH_RADIUS_PASSES ?? 3);
/** Requests in flight for the main passes. */
const CONCURRENCY = Number(process.env.BENCH_RADIUS_CONCURRENCY ?? 16);
/** The logins again with this many in flight: FreeRADIUS's whole thread pool busy (0: not run). */
const OVERLOAD = Number(process.env.BENCH_RADIUS_OVERLOAD ?? 32);
const RUNS = Number(process.env.BENCH_RADIUS_RUNS ?? 5);
const WARMUP = 2;
/** Minutes measured at the server's default poll interval (two polls, each after half the sessions' interims). */
const HALF_RUNS = Number(process.env.BENCH_RADIUS_HALF_RUNS ?? 3);
const AUTH_WARMUP = 256;
const SECRET = 'Bench-radius-secret';
const MB = 1_000_000;

const PROFILES = [
  { name: 'DAY', price: 20, validity: '1d', users: 1, rate_up: '2M', rate_down: '5M' },
  {
    name: 'FAIR',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '2M',
    rate_down: '4M',
    fup: { threshold: '100M', rate_up: '256K', rate_down: '512K' },
  },
];
const FUP_THRESHOLD = 100 * MB;
const FUP_RATE = '256000/512000';

/** Each site's router address (the packets are sent from there) and its devices' MACs and IPs (fleet.ts `net`). */
const SITES = {
  auth: { name: 'radius-auth', nas: '127.0.0.2', net: 31 },
  fair: { name: 'radius-fair', nas: '127.0.0.3', net: 32 },
} as const;
/** The site of size k (SIZES sorted): only its n sessions' codes and its fair-use codes, so a poll's work is theirs. */
const sizeSite = (k: number, n: number) => ({ name: `radius-${n}`, nas: `127.0.0.${10 + k}`, net: 40 + k });

function sessionsOf(
  codes: Array<{ code: string; password: string }>,
  site: { nas: string; net: number },
  offset = 0,
): BenchSession[] {
  return codes.map((c, j) => {
    const i = j + offset;
    return {
      ...c,
      mac: fleetMac(site.net, i),
      ip: fleetIp(site.net, i),
      nas: site.nas,
      acctSessionId: `${site.net.toString(16)}${i.toString(16).padStart(6, '0')}`,
      startedAt: Date.now(),
      up: 0,
      down: 0,
    };
  });
}

// ---------------------------------------------------------------- 1. Access-Requests

interface AuthPass {
  label: string;
  concurrency: number;
  requests: number;
  accepts: number;
  others: string;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  loadCpuPerReq: number;
  radiusCpuPerReq: number;
}

async function authPass(
  label: string,
  concurrency: number,
  sessions: BenchSession[],
  auth: Target,
  fr: FreeRadiusProcess,
): Promise<AuthPass> {
  const fr0 = fr.cpuSeconds();
  const r = await load(sessions.length, concurrency, (i) => accessRequest(sessions[i], auth));
  const frCpu = (fr.cpuSeconds() - fr0) * 1000;
  const accepts = r.codes.get('Access-Accept') ?? 0;
  return {
    label,
    concurrency,
    requests: sessions.length,
    accepts,
    others: [...r.codes]
      .filter(([c]) => c !== 'Access-Accept')
      .map(([c, n]) => `${n} ${c}`)
      .join(', '),
    perSecond: (sessions.length / r.wallMs) * 1000,
    p50: quantile(r.latencies, 0.5),
    p95: quantile(r.latencies, 0.95),
    p99: quantile(r.latencies, 0.99),
    loadCpuPerReq: r.cpuMs / sessions.length,
    radiusCpuPerReq: frCpu / sessions.length,
  };
}

// ---------------------------------------------------------------- 2 and 3: a site's poll under accounting

interface Crossing {
  /** Sending the crossing Interim-Update to its Accounting-Response (the row written). */
  recordedMs: number;
  /** The Accounting-Response to the CoA-Request arriving at the router, the poll asked at once. */
  toCoaMs: number;
  /** The poll's start (in the controller) to the CoA's arrival. */
  pollToCoaMs: number;
  pollWallMs: number;
}

interface StageFigures {
  site: string;
  /** The size: sessions of the plain profile (the fair-use ones come on top). */
  size: number;
  sessions: number;
  polls: PollFigures[];
  warmupCpu: number[];
  /** CPU of a minute polled every 30 s: two polls, each after half the sessions' interims. */
  halfMinutes: number[];
  /** Interim-Updates per second through FreeRADIUS, per round. */
  interimRates: number[];
  crossings: Crossing[];
  /** Sessions whose CoA never came (or something else than an ACKed CoA with the fair-use rates). */
  missedCoa: number;
  stats: SiteStats;
  expectedUp: number;
  expectedDown: number;
  accountingFailures: number;
}

function expectAll(what: string, codes: Map<string, number>, wanted: string, n: number): void {
  if ((codes.get(wanted) ?? 0) !== n)
    throw new Error(
      `${what}: ${[...codes].map(([c, k]) => `${k} ${c}`).join(', ')} (all ${n} should be ${wanted})`,
    );
}

/** Logs `fresh` in (Access-Request) and starts their accounting (Start), through FreeRADIUS. */
async function loginAndStart(fresh: BenchSession[], auth: Target, acct: Target): Promise<void> {
  const a = await load(fresh.length, CONCURRENCY, (i) => accessRequest(fresh[i], auth));
  expectAll('logins', a.codes, 'Access-Accept', fresh.length);
  for (const s of fresh) s.startedAt = Date.now();
  const st = await load(fresh.length, CONCURRENCY, (i) => accounting(fresh[i], acct, 'Start'));
  expectAll('accounting Starts', st.codes, 'Accounting-Response', fresh.length);
}

/**
 * One site under accounting, with a controller of its own (a child process): `open` are the site's sessions with
 * accounting open, `crossing[r]` the fair-use session that crosses its threshold in measured round r. The sites'
 * rounds are run in turn (round r of every site, then round r + 1), so a change in this shared machine's load
 * falls on every size alike and not on one size's figures.
 */
class SiteRun {
  private readonly controller = new ControllerProcess({ server: true });
  private readonly fair: Set<BenchSession>;
  private readonly polls: PollFigures[] = [];
  private readonly warmupCpu: number[] = [];
  private readonly halfMinutes: number[] = [];
  private readonly interimRates: number[] = [];
  private readonly crossings: Crossing[] = [];
  private missedCoa = 0;
  private accountingFailures = 0;

  constructor(
    private readonly o: {
      site: string;
      size: number;
      open: BenchSession[];
      crossing: BenchSession[];
      acct: Target;
      coa: CoaResponder;
    },
  ) {
    this.fair = new Set(o.crossing);
  }

  open(env: Record<string, string>): Promise<unknown> {
    return this.controller.call({ cmd: 'open', env, site: this.o.site });
  }

  /** Sessions [from, to) send one Interim-Update each, with the bytes they moved since their last one. */
  private async interims(from: number, to: number): Promise<void> {
    const { open, acct } = this.o;
    for (let i = from; i < to; i++) {
      const s = open[i];
      if (this.fair.has(s) || s.down >= FUP_THRESHOLD) {
        s.up += 20_000;
        s.down += MB; // the fair-use sessions stay under their threshold until their turn
      } else {
        s.up += 200_000 + (i % 997);
        s.down += 5 * MB + (i % 997) * 1000;
      }
    }
    const sent = await load(to - from, CONCURRENCY, (i) =>
      accounting(open[from + i], acct, 'Interim-Update'),
    );
    this.accountingFailures += to - from - (sent.codes.get('Accounting-Response') ?? 0);
    this.interimRates.push(((to - from) / sent.wallMs) * 1000);
  }

  /** A minute: every session's Interim-Update, in a measured round (r >= 0) one crossing, then one poll. */
  async round(r: number): Promise<void> {
    const { open, crossing, acct, coa } = this.o;
    await this.interims(0, open.length);
    const s = r >= 0 ? crossing[r] : undefined;
    let t0 = 0;
    let t1 = 0;
    if (s) {
      s.down = 150 * MB; // over the 100 MB threshold
      t0 = wallNow();
      const reply = await accounting(s, acct, 'Interim-Update').catch(() => undefined);
      t1 = wallNow();
      if (reply?.code !== 'Accounting-Response') this.accountingFailures++;
    }
    if (r === 0) await this.controller.call({ cmd: 'mark' });
    const seen = coa.got.length;
    const poll = await this.controller.call<PollFigures>({ cmd: 'poll' });
    if (r < 0) this.warmupCpu.push(poll.cpuMs);
    else this.polls.push(poll);
    if (!s) return;
    const got = coa.got.slice(seen).find((p) => p.user === s.code);
    if (!got || got.code !== 'CoA-Request' || got.rate !== FUP_RATE) this.missedCoa++;
    else
      this.crossings.push({
        recordedMs: t1 - t0,
        toCoaMs: got.at - t1,
        pollToCoaMs: got.at - poll.startedAt,
        pollWallMs: poll.wallMs,
      });
  }

  /** A minute as the server polls by default (every 30 s): two polls, each after half the sessions' interims. */
  async halfMinute(): Promise<void> {
    const { open } = this.o;
    const half = Math.ceil(open.length / 2);
    await this.interims(0, half);
    const a = await this.controller.call<PollFigures>({ cmd: 'poll' });
    await this.interims(half, open.length);
    const b = await this.controller.call<PollFigures>({ cmd: 'poll' });
    this.halfMinutes.push(a.cpuMs + b.cpuMs);
  }

  async finish(): Promise<StageFigures> {
    const { open } = this.o;
    return {
      site: this.o.site,
      size: this.o.size,
      sessions: open.length,
      polls: this.polls,
      warmupCpu: this.warmupCpu,
      halfMinutes: this.halfMinutes,
      interimRates: this.interimRates,
      crossings: this.crossings,
      missedCoa: this.missedCoa,
      stats: await this.controller.call<SiteStats>({ cmd: 'stats' }),
      expectedUp: open.reduce((n, x) => n + x.up, 0),
      expectedDown: open.reduce((n, x) => n + x.down, 0),
      accountingFailures: this.accountingFailures,
    };
  }

  get size(): number {
    return this.o.size;
  }

  sessions(): BenchSession[] {
    return this.o.open;
  }

  close(): Promise<void> {
    return this.controller.close();
  }
}

// ---------------------------------------------------------------- the report

const ms = (v: number, d = 1) => v.toFixed(d);
const fmt = (n: number) => n.toLocaleString('en-US');
const spread = (xs: number[], d = 1) =>
  `${ms(median(xs), d)} (${ms(Math.min(...xs), d)}–${ms(Math.max(...xs), d)})`;

function printAuth(passes: AuthPass[], pools: { threads: number; sql: number }): void {
  console.log(
    "\n1. Access-Requests through FreeRADIUS: PAP + Message-Authenticator (answers must be signed), load generator on the codec's exchange() (one socket per request), each code from its own device (Calling-Station-Id)",
  );
  console.log(
    '  pass                     | in flight | requests | Accepts | other            | req/s | p50 ms | p95 ms | p99 ms | generator CPU ms/req | FreeRADIUS CPU ms/req',
  );
  for (const p of passes)
    console.log(
      `  ${p.label.padEnd(24)} | ${String(p.concurrency).padStart(9)} | ${String(p.requests).padStart(8)} | ${String(p.accepts).padStart(7)} | ${(p.others || '0').padEnd(16)} | ${p.perSecond.toFixed(0).padStart(5)} | ${ms(p.p50, 2).padStart(6)} | ${ms(p.p95, 2).padStart(6)} | ${ms(p.p99, 2).padStart(6)} | ${ms(p.loadCpuPerReq, 3).padStart(20)} | ${ms(p.radiusCpuPerReq, 3)}`,
    );
  for (const c of [...new Set(passes.map((p) => p.concurrency))]) {
    const again = passes.filter((p) => p.concurrency === c && p.label.startsWith('again'));
    if (again.length)
      console.log(
        `  logging in again, ${c} in flight, median of ${again.length} passes: ${median(again.map((p) => p.perSecond)).toFixed(0)} req/s, p50 ${ms(median(again.map((p) => p.p50)), 2)} ms, p95 ${ms(median(again.map((p) => p.p95)), 2)} ms`,
      );
  }
  for (const c of [...new Set(passes.map((p) => p.concurrency))]) {
    const these = passes.filter((p) => p.concurrency === c);
    const total = these.reduce((n, p) => n + p.requests, 0);
    const accepted = these.reduce((n, p) => n + p.accepts, 0);
    console.log(
      `  all Accepts at ${c} in flight: ${accepted === total ? `yes (${fmt(accepted)} of ${fmt(total)})` : `NO, ${fmt(total - accepted)} of ${fmt(total)} refused`}` +
        (accepted < total && pools.sql < pools.threads && c > pools.sql
          ? ` (FreeRADIUS runs up to ${pools.threads} requests at once but its SQL pool holds ${pools.sql} connections; a request that finds none free fails its sql step and a valid code is refused as "Invalid user")`
          : ''),
    );
  }
}

function printPolls(stages: StageFigures[], pollSeconds: number): void {
  console.log(
    `\n2. The poll of a RADIUS site (pollOnce: accounting read, ledger, policy, CoA, FreeRADIUS users brought in line) after every session sent one Interim-Update through FreeRADIUS with more bytes (each session once a minute); controller CPU (process.cpuUsage, controller process only: FreeRADIUS and PostgreSQL are other processes), median of ${RUNS} after ${WARMUP} warm-up polls; each size a site of its own with a controller of its own, the sites' rounds in turn`,
  );
  console.log(
    '  sessions | poll CPU ms, median (min–max) | poll wall ms | CPU per minute, 1 poll/min | CPU per minute, 2 polls/min (30 s) | warm-up polls CPU ms | interims/s via FreeRADIUS | RSS MiB: peak (at the end of warm-up), now | every byte booked once',
  );
  for (const f of stages) {
    const cpu = f.polls.map((p) => p.cpuMs);
    const exact = f.stats.bytesUp === f.expectedUp && f.stats.bytesDown === f.expectedDown;
    console.log(
      `  ${fmt(f.sessions).padStart(8)} | ${spread(cpu).padStart(29)} | ${ms(median(f.polls.map((p) => p.wallMs)), 0).padStart(12)} | ${`${ms(median(cpu), 0)} ms`.padStart(26)} | ${(f.halfMinutes.length ? `${ms(median(f.halfMinutes), 0)} ms` : '-').padStart(34)} | ${f.warmupCpu
        .map((c) => c.toFixed(0))
        .join(', ')
        .padStart(
          20,
        )} | ${median(f.interimRates).toFixed(0).padStart(25)} | ${`${ms(f.stats.peakRssMiB, 0)} (${ms(f.stats.peakAfterWarmupMiB, 0)}), ${ms(f.stats.rssMiB, 0)}`.padStart(37)} | ${exact ? 'yes' : `NO (${fmt(f.stats.bytesDown)} of ${fmt(f.expectedDown)} down)`}${f.accountingFailures ? `; ${f.accountingFailures} interims unanswered` : ''}`,
    );
  }
  console.log(
    `  sessions: each size's codes plus ${RUNS} of the fair-use profile (part 3); warm-up polls: the first books every session's first accounting (vouchers in use, devices, FreeRADIUS users rewritten); peak RSS: the controller's whole life, its start included (it opens every RADIUS site of the bench and brings their FreeRADIUS users in line); "2 polls/min": the server's default USAGE_POLL_SECONDS=${pollSeconds}, each poll after half the sessions' interims, median of ${HALF_RUNS} minutes`,
  );
  console.log(
    `  FreeRADIUS users rewritten by the measured polls: ${stages.map((f) => `${fmt(f.sessions)}: ${f.stats.rewritten}`).join(', ')} (the fair-use codes' new rates; every other code unchanged)`,
  );
  const by = new Map(stages.map((f) => [f.size, median(f.polls.map((p) => p.cpuMs))]));
  const ratio = (a: number, b: number) => {
    const x = by.get(a);
    const y = by.get(b);
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  const r1 = ratio(5000, 2500);
  const r2 = ratio(10000, 5000);
  console.log(
    `  scaling (poll CPU, linear ≈ 2.00x): 5,000 / 2,500 ${r1 === undefined ? 'not measured' : `${r1.toFixed(2)}x`}; 10,000 / 5,000 ${r2 === undefined ? 'not measured' : `${r2.toFixed(2)}x`}`,
  );
  if (r1 !== undefined && r2 !== undefined) {
    const worst = Math.max(r1, r2);
    console.log(
      `  linear from 2,500 to 10,000: ${worst <= 2.2 ? 'within' : 'OVER'} (ratio ${worst.toFixed(2)}x, the larger doubling; ≤ 2.2x per doubling, the poll budget's)`,
    );
  } else
    console.log('  linear from 2,500 to 10,000: not judged (BENCH_RADIUS_SIZES lacks 2500, 5000 or 10000)');
}

function printCrossings(stages: StageFigures[], pollSeconds: number): void {
  console.log(
    `\n3. Fair use reached: the Interim-Update that crosses the threshold (100 MB) sent through FreeRADIUS after the round's others, then the site's poll at once; CoA-Request (${FUP_RATE}) received by the router's /radius incoming (this process, ACKs); medians of ${RUNS}`,
  );
  console.log(
    '  site (sessions)            | interim → recorded ms | recorded → CoA at the router ms | of which poll start → CoA | poll wall ms | interim → CoA ms | worst case in production',
  );
  for (const f of stages) {
    const c = f.crossings;
    if (!c.length) {
      console.log(`  ${f.site}: no CoA arrived (${f.missedCoa} missed)`);
      continue;
    }
    const total = median(c.map((x) => x.recordedMs + x.toCoaMs));
    console.log(
      `  ${`${f.site} (${fmt(f.sessions)})`.padEnd(26)} | ${ms(median(c.map((x) => x.recordedMs)), 2).padStart(21)} | ${ms(median(c.map((x) => x.toCoaMs))).padStart(31)} | ${ms(median(c.map((x) => x.pollToCoaMs))).padStart(25)} | ${ms(median(c.map((x) => x.pollWallMs)), 0).padStart(12)} | ${ms(total).padStart(16)} | ${(pollSeconds + total / 1000).toFixed(2)} s (${pollSeconds} s + ${(total / 1000).toFixed(2)})${f.missedCoa ? `; ${f.missedCoa} CoA MISSED` : ''}`,
    );
  }
  console.log(
    `  in production the poll runs every USAGE_POLL_SECONDS (default ${pollSeconds} s): the CoA leaves between the time above (a poll right after the interim) and ${pollSeconds} s more; the crossing itself reaches FreeRADIUS with the router's next interim, up to ${RADIUS_INTERIM_SECONDS} s (Acct-Interim-Interval) after the bytes moved`,
  );
}

// ---------------------------------------------------------------- the bench

/** Clean-ups run in reverse order, each whatever the others did. */
class Cleanups {
  private readonly steps: Array<() => unknown> = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`  clean-up: ${(err as Error).message}`);
      }
    }
  }
}

export async function run(): Promise<void> {
  const missing = missingFreeRadius();
  if (missing) {
    console.log(`radius: skipped, ${missing}`);
    return;
  }
  const given = process.env.BENCH_DATABASE_URL?.trim() || process.env.PISONET_TEST_DATABASE?.trim();
  if (given) process.env.DATABASE_URL = given;
  let pgDb: BenchPostgres;
  try {
    pgDb = await openBenchPostgres();
  } catch (err) {
    if (!(err instanceof NoPostgres)) throw err;
    console.log(`radius: skipped, ${err.message}`);
    return;
  }
  const cleanups = new Cleanups();
  cleanups.add(() => pgDb.close());
  const started = Date.now();
  try {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-radius-bench-'));
    const removeWork = () => fs.rmSync(work, { recursive: true, force: true });
    process.once('exit', removeWork);
    cleanups.add(() => {
      process.removeListener('exit', removeWork);
      removeWork();
    });
    const profilesFile = path.join(work, 'profiles.json');
    fs.writeFileSync(profilesFile, JSON.stringify(PROFILES));
    const site: BenchSite = await openBenchSite('radius', {
      DATABASE_URL: pgDb.url,
      PROFILES_FILE: profilesFile,
    });
    // Interrupted (Ctrl-C), its data folder goes too; its router and controllers leave with this process.
    const removeSite = () => fs.rmSync(site.dir, { recursive: true, force: true });
    process.once('exit', removeSite);
    cleanups.add(async () => {
      process.removeListener('exit', removeSite);
      await site.dispose();
    });
    const sizes = [...SIZES].sort((a, b) => a - b).map((n, k) => ({ n, ...sizeSite(k, n) }));
    const coaOf = new Map<string, CoaResponder>();
    for (const x of [SITES.fair, ...sizes]) {
      const coa = await coaResponder(x.nas, SECRET);
      cleanups.add(() => coa.close());
      coaOf.set(x.name, coa);
    }
    const authPort = await freeUdpPort();
    let acctPort = await freeUdpPort();
    while (acctPort === authPort) acctPort = await freeUdpPort();
    const spec: SeedSpec = {
      env: site.env,
      secret: SECRET,
      sites: [
        { name: SITES.auth.name, nas: SITES.auth.nas, coaPort: 3799 },
        ...[SITES.fair, ...sizes].map((x) => ({
          name: x.name,
          nas: x.nas,
          coaPort: coaOf.get(x.name)!.port,
        })),
      ],
      batches: [
        { key: 'auth', site: SITES.auth.name, profile: 'DAY', count: AUTH + AUTH_WARMUP },
        ...sizes.flatMap((x) => [
          { key: x.name, site: x.name, profile: 'DAY', count: x.n },
          { key: `${x.name} fair use`, site: x.name, profile: 'FAIR', count: RUNS },
        ]),
        { key: SITES.fair.name, site: SITES.fair.name, profile: 'FAIR', count: RUNS },
      ],
      freeradius: { dir: path.join(work, 'freeradius'), authPort, acctPort },
    };
    const seeder = new ControllerProcess({ server: false });
    let seeded: SeedResult;
    try {
      seeded = await seeder.call<SeedResult>({ cmd: 'seed', spec });
    } finally {
      await seeder.close();
    }
    const fr = await startFreeRadius(spec.freeradius.dir);
    cleanups.add(() => fr.stop());
    const auth: Target = { port: authPort, secret: SECRET };
    const acct: Target = { port: acctPort, secret: SECRET };
    console.log(
      `${freeradiusVersion()} on ${pgDb.shown}; controller in a child process as npm start starts it; the router is this process; ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `  seeded by the voucher service (vouchers + FreeRADIUS users): ${Object.entries(seeded.seconds)
        .map(([k, s]) => `${k} ${fmt(seeded.codes[k].length)} in ${s.toFixed(1)} s`)
        .join(', ')}`,
    );

    // 1. Access-Requests.
    const authSessions = sessionsOf(seeded.codes.auth, SITES.auth);
    const warm = authSessions.slice(AUTH);
    const measured = authSessions.slice(0, AUTH);
    await authPass('warm-up', CONCURRENCY, warm, auth, fr);
    const passes: AuthPass[] = [await authPass('first login of each code', CONCURRENCY, measured, auth, fr)];
    for (let p = 1; p <= PASSES; p++)
      passes.push(await authPass(`again, pass ${p}`, CONCURRENCY, measured, auth, fr));
    if (OVERLOAD > 0)
      for (let p = 1; p <= PASSES; p++)
        passes.push(await authPass(`again, pass ${p}`, OVERLOAD, measured, auth, fr));
    printAuth(passes, freeradiusPools(spec.freeradius.dir));
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);

    // 2 and 3. Each size on a site of its own, and the fair-use site alone, each with its own controller; every
    // session logged in and started first, then the sites' rounds in turn.
    const runs = [
      ...sizes.map((x) => {
        const plain = sessionsOf(seeded.codes[x.name], x);
        const crossing = sessionsOf(seeded.codes[`${x.name} fair use`], x, x.n);
        return { site: x.name, size: x.n, open: [...plain, ...crossing], crossing };
      }),
      (() => {
        const fair = sessionsOf(seeded.codes[SITES.fair.name], SITES.fair);
        return { site: SITES.fair.name, size: 0, open: fair, crossing: fair };
      })(),
    ].map((x) => new SiteRun({ ...x, acct, coa: coaOf.get(x.site)! }));
    for (const r of runs) cleanups.add(() => r.close());
    for (const r of runs) await loginAndStart(r.sessions(), auth, acct);
    for (const r of runs) await r.open(site.env);
    console.log(`  (sessions logged in and started, ${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
    for (let round = -WARMUP; round < RUNS; round++) for (const r of runs) await r.round(round);
    for (let m = 0; m < HALF_RUNS; m++) for (const r of runs) if (r.size > 0) await r.halfMinute();
    const figures: StageFigures[] = [];
    for (const r of runs) figures.push(await r.finish());
    const stages = figures.filter((f) => f.size > 0);
    const alone = figures.find((f) => f.size === 0)!;
    printPolls(stages, site.config.usagePollSeconds);
    printCrossings([alone, ...stages], site.config.usagePollSeconds);
    console.log(`\n  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const broken = [...stages, alone].filter(
      (f) => f.missedCoa || f.accountingFailures || f.stats.bytesDown !== f.expectedDown,
    );
    if (passes.some((p) => p.concurrency <= CONCURRENCY && p.accepts !== p.requests) || broken.length)
      throw new Error('RADIUS bench: some request was not answered as it should be (see above)');
  } finally {
    await cleanups.run();
  }
}
