/**
 * Many routers: one controller, 20 routers × 500 devices. `npm run bench -- sites`.
 *
 * Per engine (SQLite, then PostgreSQL: bench/pg-cluster.ts) a fresh controller process, started as `npm start`
 * starts the server (V8 flags and environment of src/config/runtime.ts), opens the server's core with the site
 * polls driven by hand. Each router is a simulator in its own child process (a real router is another machine:
 * its work is not billed to the controller). The `default` site (the .env router) is router 1 of the 20; the other
 * 19 are sites added as the admin adds them. The customers are put in place beforehand by another child process
 * (`--seed`): 500 active vouchers per site, each with one device logged in on its site's router, and one cycle per
 * site to make their queues; so the controller's peak RSS is that of a server polling them, not of their seeding.
 *
 * A full round is every site's poll job (its usage cycle, then its users' sync, as the server's jobs run them)
 * once, all 20 concurrently. Before a traffic round every device on every router moved bytes; then one round
 * where the rates fall to zero (run, not counted), then an "unchanged" round (nothing moved: it must write
 * nothing to any router). WARMUP such triples are run first and not counted. Per round: the controller's CPU
 * (process.cpuUsage, user + system, all its threads), wall time, and each router's commands in it (from the
 * simulator's own count, the keepalive probe excluded); at the end the process's peak RSS (getrusage) and a
 * check that every site's vouchers were metered exactly the bytes its router moved, no more and no less, printed
 * per engine as "every byte counted once: yes" (or NO, with the sites that were wrong) and judged against the
 * product's performance budget: 20 routers × 500 devices with every byte counted once, "within budget" or
 * "OVER budget" (bench/sites-report.ts, meteringVerdict).
 *
 * On PostgreSQL also the takeover (bench/sites-takeover.ts): two controllers sharing the database, one killed.
 * The fleet, the seeding and the checks: bench/sites-fleet.ts.
 */
import { FakeClock } from '../src/lib/clock';
import type { RouterProcess } from './fleet';
import { NoPostgres, openBenchPostgres } from './pg-cluster';
import {
  checkMetering,
  connectAll,
  forkChild,
  moveTraffic,
  openServerCore,
  pollJob,
  ROUTERS,
  DEVICES,
  seed,
  startFleet,
  tick,
  TRAFFIC,
  type Driver,
  type RouterInfo,
} from './sites-fleet';
import { printSitesReport, takeoverReport, type EngineFigures, type RoundFigures } from './sites-report';
import { takeover, victim, type TakeoverFigures } from './sites-takeover';

const RUNS = Number(process.env.BENCH_SITES_RUNS ?? 5);
const WARMUP = 2;

// ---------------------------------------------------------------- the controller child

/** Commands that change the router: not prints, logins or the client's keepalive probe. */
const isWrite = (p: string): boolean => !(p.endsWith('/print') || p === '/login' || p === '#');

type CommandCounts = Record<string, number>;

/** Every site's poll job at once: the controller's CPU and wall time, each router's commands and writes. */
export async function fullRound(sims: RouterProcess[], drivers: Driver[]): Promise<RoundFigures> {
  const commands = () =>
    Promise.all(sims.map((sim) => sim.call<{ commandsByPath: CommandCounts }>({ cmd: 'stats' })));
  const s0 = await commands();
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await Promise.all(drivers.map((d) => pollJob(d)));
  const c = process.cpuUsage(c0);
  const wallMs = Number(process.hrtime.bigint() - w0) / 1e6;
  const s1 = await commands();
  const per = s1.map((after, i) => {
    let trips = 0;
    let writes = 0;
    for (const [p, n] of Object.entries(after.commandsByPath)) {
      const d = n - (s0[i].commandsByPath[p] ?? 0);
      if (p !== '#') trips += d;
      if (isWrite(p)) writes += d;
    }
    return { trips, writes };
  });
  return {
    cpuMs: (c.user + c.system) / 1000,
    wallMs,
    tripsMin: Math.min(...per.map((x) => x.trips)),
    tripsMax: Math.max(...per.map((x) => x.trips)),
    writes: per.reduce((n, x) => n + x.writes, 0),
  };
}

async function measure(engine: string, databaseUrl?: string): Promise<EngineFigures> {
  const t0 = Date.now();
  const fleet = await startFleet('sites', databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const { site, sims, routers } = fleet;
  try {
    await forkChild(__filename, ['--seed', JSON.stringify({ env: site.env, routers })], { server: false });
    const seedSeconds = (Date.now() - t0) / 1000;
    const clock = new FakeClock();
    const core = await openServerCore(site.env, clock);
    try {
      const drivers = await connectAll(core, routers);
      await fullRound(sims, drivers); // the controller's first round: loads the vouchers, nothing to change
      const idleRssMiB = process.memoryUsage().rss / 1048576;
      const traffic: RoundFigures[] = [];
      const unchanged: RoundFigures[] = [];
      const warmupCpu: number[] = [];
      for (let r = -WARMUP; r < RUNS; r++) {
        await moveTraffic(sims);
        await tick(clock, sims, TRAFFIC.seconds);
        const t = await fullRound(sims, drivers);
        if (r < 0) warmupCpu.push(t.cpuMs);
        else traffic.push(t);
        await tick(clock, sims, 30); // rates fall to zero: a round that writes usage rows, not counted
        await fullRound(sims, drivers);
        await tick(clock, sims, 30);
        const u = await fullRound(sims, drivers);
        if (r >= 0) unchanged.push(u);
      }
      const peakRssMiB = process.resourceUsage().maxRSS / 1024;
      return {
        engine,
        routers: ROUTERS,
        devices: DEVICES,
        runs: RUNS,
        seedSeconds,
        warmupCpu,
        traffic,
        unchanged,
        idleRssMiB,
        peakRssMiB,
        ...(await checkMetering(core, drivers, WARMUP + RUNS)),
      };
    } finally {
      await core.close();
    }
  } finally {
    await fleet.dispose();
  }
}

// ---------------------------------------------------------------- the bench runner

/** `BENCH_SITES_ENGINES=sqlite` (or `postgres`) runs one half while developing. */
const ENGINES = (process.env.BENCH_SITES_ENGINES ?? 'sqlite,postgres').toLowerCase().split(',');

/** The PostgreSQL half: a scratch database per part (the poll rounds, then the takeover), dropped after. */
async function onPostgres(): Promise<{
  figures?: EngineFigures;
  takeover?: TakeoverFigures;
  notes: string[];
}> {
  const notes: string[] = [];
  const part = async <T>(args: (url: string) => string[]): Promise<T | undefined> => {
    let pgDb;
    try {
      pgDb = await openBenchPostgres();
    } catch (err) {
      if (!(err instanceof NoPostgres)) throw err;
      notes.push(
        `PostgreSQL skipped: ${err.message}. To run it: install PostgreSQL (Debian's postgresql package) or ` +
          'set DATABASE_URL=postgres://user:password@host:port/postgres (a user allowed to CREATE DATABASE).',
      );
      return undefined;
    }
    try {
      const result = (await forkChild(__filename, args(pgDb.url), { server: true })) as T;
      if (!notes.length) notes.push(`PostgreSQL: ${pgDb.shown}`);
      return result;
    } finally {
      await pgDb.close();
    }
  };
  const figures = await part<EngineFigures>((url) => [
    '--controller',
    JSON.stringify({ engine: 'PostgreSQL', databaseUrl: url }),
  ]);
  if (!figures) return { notes };
  let takeoverFigures: TakeoverFigures | undefined;
  try {
    takeoverFigures = await part<TakeoverFigures>((url) => [
      '--takeover',
      JSON.stringify({ databaseUrl: url }),
    ]);
  } catch (err) {
    notes.push(`takeover FAILED: ${(err as Error).message} (its error is printed above)`);
  }
  return { figures, takeover: takeoverFigures, notes };
}

export async function run(): Promise<void> {
  console.log(
    `${ROUTERS} routers × ${DEVICES} devices, each router a simulator in its own process; the default site is router 1; ` +
      `${RUNS} counted rounds after ${WARMUP} warm-up rounds`,
  );
  const results: EngineFigures[] = [];
  const notes: string[] = [];
  let takeoverFigures: TakeoverFigures | undefined;
  let failed = 0;
  // Each half is printed when it is done, so one engine's failure does not lose the other's figures.
  if (ENGINES.includes('sqlite')) {
    try {
      const f = (await forkChild(__filename, ['--controller', JSON.stringify({ engine: 'SQLite' })], {
        server: true,
      })) as EngineFigures;
      results.push(f);
      printSitesReport([f]);
    } catch (err) {
      failed++;
      notes.push(`SQLite FAILED: ${(err as Error).message} (its error is printed above)`);
    }
  }
  if (ENGINES.includes('postgres')) {
    try {
      const pg = await onPostgres();
      notes.push(...pg.notes);
      if (pg.figures) {
        results.push(pg.figures);
        printSitesReport([pg.figures]);
      }
      takeoverFigures = pg.takeover;
      if (pg.notes.some((n) => n.includes('FAILED'))) failed++;
    } catch (err) {
      failed++;
      notes.push(`PostgreSQL FAILED: ${(err as Error).message} (its error is printed above)`);
    }
  }
  console.log('\nall engines:');
  if (results.length) printSitesReport(results);
  if (takeoverFigures) for (const line of takeoverReport(takeoverFigures)) console.log(line);
  else
    notes.push(
      `takeover time: not measured (${ENGINES.includes('postgres') ? 'the PostgreSQL part did not get that far' : 'it needs PostgreSQL'})`,
    );
  for (const n of notes) console.log(`  ${n}`);
  if (failed) throw new Error(`${failed} part(s) failed`);
}

if (require.main === module) {
  const arg = (flag: string): string | undefined => {
    const i = process.argv.indexOf(flag);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const fail = (err: unknown) => {
    console.error(err);
    process.exit(1);
  };
  const done = (f: unknown) => process.send?.(f, () => process.exit(0));
  const seeding = arg('--seed');
  const controller = arg('--controller');
  const takingOver = arg('--takeover');
  const victimOf = arg('--victim');
  if (seeding) {
    const { env, routers } = JSON.parse(seeding) as { env: Record<string, string>; routers: RouterInfo[] };
    seed(env, routers).then(() => process.exit(0), fail);
  } else if (controller) {
    const { engine, databaseUrl } = JSON.parse(controller) as { engine: string; databaseUrl?: string };
    measure(engine, databaseUrl).then(done, fail);
  } else if (takingOver) {
    const { databaseUrl } = JSON.parse(takingOver) as { databaseUrl: string };
    takeover(__filename, databaseUrl).then(done, fail);
  } else if (victimOf) {
    const { env, routers } = JSON.parse(victimOf) as { env: Record<string, string>; routers: RouterInfo[] };
    victim(env, routers).catch(fail);
  }
}
