/**
 * `npm run bench -- metrics`: what Prometheus scraping /metrics every 5 s costs a controller polling 5,000 devices
 * (BENCH_METRICS_DEVICES), judged as the CPU of the 6 scrapes of one 30 s poll interval against the CPU of that
 * interval's poll cycle (the traffic cycle: every device moved bytes); the budget is 2 %.
 *
 * Two controllers in fresh processes, as poll.bench.ts runs them (the simulated router in a child process, the
 * customers seeded by poll.bench's own seeding child): one without metrics, one with them built as the server builds
 * them (src/app.ts: the registry, the port the polls count through, GET /metrics on an HTTP port). Each runs
 * warm-up rounds, then RUNS rounds of: traffic on every device, 30 s on the clock, the poll cycle (CPU measured);
 * in the metrics process each round then has 6 scrapes by a scraper in a process of its own, as Prometheus is,
 * over one keep-alive connection, each after a short idle moment as between real scrapes (the controller's CPU
 * measured around each). Those scrapes read 5,000 sales still inside the sales counters' settling window (the
 * seeding sold every voucher at once); then the clock moves past the window, a poll runs, and the scrapes of an
 * ordinary minute are measured, each followed by an empty answer to the same scraper: HTTP's own cost, which any
 * endpoint scraped every 5 s pays. Last, each process idles 10 s of wall time, to show what runs between scrapes
 * (the event-loop delay sampler), per 30 s.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { openCore } from '../src/core';
import { metricsSources } from '../src/core/metrics';
import { FakeClock } from '../src/lib/clock';
import { createMetrics } from '../src/metrics';
import { SETTLE_MS } from '../src/metrics/sales';
import { metricsRouter } from '../src/web/metrics';
import { forkBenchChild } from './child';
import { openBenchSite } from './fleet';

const N = Number(process.env.BENCH_METRICS_DEVICES ?? 5000);
const RUNS = Number(process.env.BENCH_METRICS_RUNS ?? 7);
const WARMUP = 3;
const NET = 6; // poll.bench.ts seeds this fleet
const SCRAPES = 6; // one every 5 s in a 30 s poll interval
const IDLE_MS = 10_000;
const SPACING_MS = 100;
const TOKEN = 'bench-metrics-token-0123456789';
const BUDGET_SHARE = 0.02;

interface Figures {
  metrics: boolean;
  cycle: number;
  /** One scrape's CPU (median), with 5,000 fresh sales, then after the settling window. */
  scrapeBusy?: number;
  scrapeSettled?: number;
  /** An empty answer to the same scraper on the same connection: HTTP's own share of a scrape. */
  empty?: number;
  bytes?: number;
  samples?: number;
  idlePer30s: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  await work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** The scraper's side: GET /metrics on the port it is sent, the text sent back (one keep-alive connection). */
function serveScraper(): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: { port: number; full: boolean; path?: string }) => {
    http
      .get(
        { port: m.port, path: m.path ?? '/metrics', agent, headers: { authorization: `Bearer ${TOKEN}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            process.send?.({ status: res.statusCode, text: m.full ? Buffer.concat(chunks).toString() : '' }),
          );
        },
      )
      .on('error', (err) => process.send?.({ status: 0, text: err.message }));
  });
}

/** Prometheus in a process of its own (it is another program): only the controller's side is measured. */
function scraper(port: number): { get(full?: boolean, path?: string): Promise<string>; stop(): void } {
  const child = forkBenchChild(__filename, '--scraper');
  return {
    // The text itself only when asked: a message that large would bill its decoding to the controller.
    get: (full = false, path?: string) =>
      new Promise((resolve, reject) => {
        child.once('message', (m: { status: number; text: string }) =>
          m.status === 200 || m.status === 204
            ? resolve(m.text)
            : reject(new Error(`GET /metrics: ${m.status} ${m.text}`)),
        );
        child.send({ port, full, path });
      }),
    stop: () => void child.kill(),
  };
}

/** The customers, put in place by poll.bench's seeding child (its `--seed` role). */
function seedInChild(env: Record<string, string>, n: number): Promise<void> {
  const file = __filename.replace(/metrics\.bench\.(ts|js)$/, 'poll.bench.$1');
  return new Promise((resolve, reject) => {
    const child = fork(file, ['--seed', JSON.stringify({ env, n })], {
      execArgv: file.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed (${code})`))));
  });
}

async function measure(withMetrics: boolean): Promise<Figures> {
  const site = await openBenchSite('metrics', { METRICS_TOKEN: TOKEN });
  const { routerProcess: sim, log, router, config } = site;
  await sim.call({ cmd: 'devices', net: NET, n: N });
  await seedInChild(site.env, N);
  const clock = new FakeClock();
  const since = clock.now();
  const metrics = withMetrics ? await createMetrics() : undefined;
  const core = await openCore(config, { router, log, clock, role: 'cli', metrics: metrics?.port });
  metrics?.readFrom(metricsSources(core, since));
  // `/empty`: the same request answered with nothing, to tell HTTP's own cost from the metrics'.
  const app = express()
    .use(metricsRouter(config, metrics))
    .get('/empty', (_req, res) => void res.status(204).end());
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const prometheus = scraper((server.address() as AddressInfo).port);
  const get = () => prometheus.get();
  /** Scrapes are 5 s apart: the loop idles a moment between two, as it does between the real ones. */
  const spaced = async (work: () => Promise<unknown>) => {
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    return cpuMs(work);
  };
  try {
    await router.waitConnected(10_000);
    const cycles: number[] = [];
    const busy: number[] = [];
    let text = '';
    await core.services.usage.runCycle();
    for (let r = -WARMUP; r < RUNS; r++) {
      await sim.call({ cmd: 'traffic', net: NET, n: N, up: 20_000, down: 200_000, seconds: 30 });
      clock.advance(30_000);
      await sim.call({ cmd: 'clock', now: clock.now() });
      const cycle = await cpuMs(() => core.services.usage.runCycle());
      if (r >= 0) cycles.push(cycle);
      if (!metrics) continue;
      for (let s = 0; s < SCRAPES; s++) {
        const ms = await spaced(get);
        if (r >= 0) busy.push(ms);
      }
    }
    const settled: number[] = [];
    const empty: number[] = [];
    if (metrics) {
      // The shop goes on: the polls go on, and the sales settle behind them.
      clock.advance(SETTLE_MS);
      await sim.call({ cmd: 'clock', now: clock.now() });
      await core.services.usage.runCycle();
      await get(); // the 5,000 sales are settled: added up once, read no more
      for (let s = 0; s < RUNS * SCRAPES; s++) {
        settled.push(await spaced(get));
        empty.push(await spaced(() => prometheus.get(false, '/empty')));
      }
      text = await prometheus.get(true);
    }
    // After a pause, so that the collection of the rounds' garbage is not billed to the idle window.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idle = await cpuMs(() => new Promise((resolve) => setTimeout(resolve, IDLE_MS)));
    return {
      metrics: withMetrics,
      cycle: median(cycles),
      ...(metrics
        ? {
            scrapeBusy: median(busy),
            scrapeSettled: median(settled),
            empty: median(empty),
            bytes: text.length,
            samples: text.split('\n').filter((l) => l && !l.startsWith('#')).length,
          }
        : {}),
      idlePer30s: (idle * 30_000) / IDLE_MS,
    };
  } finally {
    prometheus.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await core.close();
    await site.dispose();
  }
}

function measureInChild(withMetrics: boolean): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const flags = SERVER_NODE_FLAGS.filter(
      (f) => !process.execArgv.some((a) => a.startsWith(f.split('=')[0])),
    );
    const child = fork(__filename, ['--variant', withMetrics ? 'metrics' : 'plain'], {
      execArgv: [...process.execArgv, ...flags],
      env: { ...SERVER_ENV, ...process.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: Figures | undefined;
    child.on('message', (m: Figures) => (figures = m));
    child.on('exit', (code) =>
      figures && code === 0
        ? resolve(figures)
        : reject(new Error(`the ${withMetrics ? 'metrics' : 'plain'} run failed (${code})`)),
    );
  });
}

export async function run(): Promise<void> {
  const plain = await measureInChild(false);
  const m = await measureInChild(true);
  const f = (v: number) => v.toFixed(2);
  const share = (scrape: number) => (SCRAPES * scrape) / m.cycle;
  console.log(`metrics: ${N} devices on one router, median of ${RUNS} rounds (CPU ms, controller process)`);
  console.log(`  traffic poll cycle: ${f(plain.cycle)} without metrics, ${f(m.cycle)} with`);
  console.log(
    `  one scrape (HTTP on loopback, scraper in its own process, the controller's CPU): ${m.samples} samples, ${m.bytes} bytes`,
  );
  console.log(
    `    with ${N} sales in the settling window: ${f(m.scrapeBusy!)}; once settled: ${f(m.scrapeSettled!)}; ` +
      `an empty answer on the same connection: ${f(m.empty!)}`,
  );
  console.log(
    `  idle per 30 s (what runs between scrapes; noisy: a collection of the rounds' garbage may fall in it): ${f(plain.idlePer30s)} without metrics, ${f(m.idlePer30s)} with`,
  );
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const settled = share(m.scrapeSettled!);
  console.log(
    `  budget: ${SCRAPES} scrapes per 30 s poll interval <= ${pct(BUDGET_SHARE)} of the poll cycle's CPU: ` +
      `${pct(settled)}, ${settled <= BUDGET_SHARE ? 'within budget' : 'OVER budget'} ` +
      `(with ${N} fresh sales ${pct(share(m.scrapeBusy!))}; an empty answer alone ${pct(share(m.empty!))}, ` +
      `the metrics' own work ${pct(share(m.scrapeSettled! - m.empty!))})`,
  );
  const every = (30 * m.scrapeSettled!) / (BUDGET_SHARE * m.cycle);
  console.log(`  within ${pct(BUDGET_SHARE)} at one scrape every ${every.toFixed(0)} s or more`);
}

if (require.main === module && process.argv.includes('--scraper')) serveScraper();
else if (require.main === module) {
  const i = process.argv.indexOf('--variant');
  if (i !== -1)
    measure(process.argv[i + 1] === 'metrics').then(
      (fig) => process.send?.(fig, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
}
