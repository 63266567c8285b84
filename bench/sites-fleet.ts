/**
 * The fleet of bench/sites.bench.ts: N routers, each a simulator in its own child process (a real router
 * is another machine: its work is not billed to the controller), the `default` site (the .env router) being router
 * 1 and the others sites added as the admin adds them, each with its own customers; the server's core on them with
 * the site polls driven by hand; and the checks made after the rounds.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { loadConfig } from '../src/config/env';
import { openCore, type Core } from '../src/core';
import type { SiteLeases } from '../src/db/site-leases';
import { FakeClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import type { RouterClient } from '../src/router/types';
import type { HotspotUsers } from '../src/services/network/hotspot-users';
import { SYSTEM, type UsageService } from '../src/services/types';
import { benchRouterClient, openBenchSite, RouterProcess, seedFleet, type BenchSite } from './fleet';

export const ROUTERS = Number(process.env.BENCH_SITES_ROUTERS ?? 20);
export const DEVICES = Number(process.env.BENCH_SITES_DEVICES ?? 500);
/** One engine's whole run (seeding included) may take this long before it is stopped as failed. */
export const ENGINE_TIMEOUT_MS = 10 * 60_000;
/**
 * Bytes device i of router k moves before each traffic round: every router a different amount, so a counter
 * read against another router's baseline shows up in the bytes check.
 */
export const TRAFFIC = { up: 20_000, down: 200_000, perRouter: 1_000, seconds: 30 };
export const trafficOf = (k: number) => ({
  up: TRAFFIC.up + k * TRAFFIC.perRouter,
  down: TRAFFIC.down + 10 * k * TRAFFIC.perRouter,
});
/** Router k's devices: MAC 02:<k>:…, IP 10.<k>.x.y (bench/fleet.ts), codes F<k>X…. */
export const netOf = (k: number): number => 20 + k;
export const siteName = (k: number): string => `branch-${String(k).padStart(2, '0')}`;

export interface RouterInfo {
  k: number;
  port: number;
}

/** What one site's poll job runs (SiteStack.pollOnce, for every site). */
export interface Driver {
  name: string;
  k: number;
  router: RouterClient;
  usage: UsageService;
  /** Its hotspot users (the sync after each poll). */
  users: HotspotUsers;
}

export function driversOf(core: Core, routers: readonly RouterInfo[]): Driver[] {
  return routers.map(({ k }) => {
    if (k === 1)
      return {
        name: 'default',
        k,
        router: core.router,
        usage: core.services.usage,
        users: core.defaultStack.hotspotUsers!,
      };
    const stack = [...core.siteStacks.values()].find((s) => s.site.name === siteName(k));
    if (!stack) throw new Error(`no stack for ${siteName(k)}`);
    return { name: siteName(k), k, router: stack.router, usage: stack.usage, users: stack.hotspotUsers! };
  });
}

export async function pollJob(d: Driver): Promise<void> {
  const skipped = await pollShared(d);
  if (skipped) throw new Error(`site ${d.name}: poll skipped (${skipped})`);
}

/** The same where several servers share the database: 'not-leased' when another server polls the site. */
export async function pollShared(d: Driver): Promise<string | undefined> {
  const report = await d.usage.runCycle();
  if (report.skipped) return report.skipped;
  await d.users.sync();
  return undefined;
}

/** Waits until the site monitor has opened every other site (at start, or when added) and every router is connected. */
export async function connectAll(core: Core, routers: readonly RouterInfo[]): Promise<Driver[]> {
  await core.router.waitConnected(20_000);
  for (let t = 0; core.siteStacks.size < routers.length - 1; t++) {
    if (t > 200) throw new Error(`only ${core.siteStacks.size} of ${routers.length - 1} sites opened`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const drivers = driversOf(core, routers);
  await Promise.all(drivers.map((d) => d.router.waitConnected(20_000)));
  return drivers;
}

/** The server's core on the bench's database, with the site polls driven by hand. */
export async function openServerCore(
  env: Record<string, string>,
  clock: FakeClock,
  leases?: (config: ReturnType<typeof loadConfig>) => SiteLeases,
): Promise<Core> {
  const config = loadConfig(env);
  const log = createLogger('silent');
  const router = benchRouterClient(config.router.port, log);
  return openCore(config, { router, log, clock, role: 'server', sitePolls: false, leases: leases?.(config) });
}

// ---------------------------------------------------------------- the seeding child

/** Adds the 19 sites, binds every router, seeds 500 customers each and runs one round (their queues); then exits. */
export async function seed(env: Record<string, string>, routers: RouterInfo[]): Promise<void> {
  const core = await openServerCore(env, new FakeClock());
  try {
    for (const r of routers.slice(1))
      await core.services.sites.add(
        { name: siteName(r.k), host: '127.0.0.1', port: r.port, user: 'admin', password: '' },
        SYSTEM,
      );
    const drivers = await connectAll(core, routers);
    for (const d of drivers) {
      const binding =
        d.k === 1 ? core.services.routerBinding : core.siteStacks.get(stackId(core, d.name))!.binding;
      const state = await binding.check();
      if (state.mode !== 'bound') throw new Error(`site ${d.name}: router not bound (${state.mode})`);
    }
    for (const d of drivers)
      await seedFleet(
        core,
        d.router,
        netOf(d.k),
        DEVICES,
        'PREMIUM',
        d.k === 1 ? undefined : { id: stackId(core, d.name), users: d.users },
      );
    await Promise.all(drivers.map((d) => pollJob(d)));
  } finally {
    await core.close();
  }
}

export function stackId(core: Core, name: string): number {
  const s = [...core.siteStacks.values()].find((x) => x.site.name === name);
  if (!s) throw new Error(`no stack for ${name}`);
  return s.site.id;
}

/**
 * Runs `file` (a bench module) in a child process with `args` and resolves with the last message it sent; `server`
 * starts it as `npm start` starts the server (src/config/runtime.ts: its memory depends on these flags).
 */
export function forkChild(file: string, args: string[], opts: { server: boolean }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const flags = opts.server
      ? SERVER_NODE_FLAGS.filter((f) => !process.execArgv.some((a) => a.startsWith(f.split('=')[0])))
      : [];
    const child = fork(file, args, {
      execArgv: [...process.execArgv, ...flags],
      env: { ...SERVER_ENV, ...process.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ENGINE_TIMEOUT_MS);
    let result: unknown;
    child.on('message', (m) => (result = m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(result);
      else reject(new Error(`${args[0]} failed (${signal ?? code})`));
    });
  });
}

/** The routers of a fleet: router 1 with the bench's data folder and configuration, the others beside it. */
export interface Fleet {
  site: BenchSite;
  sims: RouterProcess[];
  routers: RouterInfo[];
  /** Stops every router and removes the data folder. */
  dispose(): Promise<void>;
}

export async function startFleet(name: string, env: Record<string, string>): Promise<Fleet> {
  const site = await openBenchSite(name, env, { identity: 'Branch-01' });
  const sims: RouterProcess[] = [site.routerProcess];
  // Ctrl-C reaches this process too: its data folder goes with it (the routers leave when it is gone).
  const onSignal = () => {
    fs.rmSync(site.dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const dispose = async () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await Promise.all(sims.slice(1).map((p) => p.call({ cmd: 'stop' }).catch(() => undefined)));
    await site.dispose();
  };
  try {
    const routers: RouterInfo[] = [{ k: 1, port: site.config.router.port }];
    for (let k = 2; k <= ROUTERS; k++) {
      const p = new RouterProcess();
      sims.push(p);
      const port = await p.call<number>({ cmd: 'start', identity: `Branch-${String(k).padStart(2, '0')}` });
      routers.push({ k, port });
    }
    await Promise.all(sims.map((s, i) => s.call({ cmd: 'devices', net: netOf(i + 1), n: DEVICES })));
    return { site, sims, routers, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Every device on every router moves its bytes (trafficOf), then the routers' clocks move on `seconds`. */
export async function moveTraffic(sims: RouterProcess[]): Promise<void> {
  await Promise.all(
    sims.map((sim, i) =>
      sim.call({
        cmd: 'traffic',
        net: netOf(i + 1),
        n: DEVICES,
        seconds: TRAFFIC.seconds,
        ...trafficOf(i + 1),
      }),
    ),
  );
}

export interface MeterCheck {
  /** Every site's vouchers hold exactly the bytes its router moved in `rounds` traffic rounds. */
  bytesExact: boolean;
  wrongSites: string[];
  /** Connected device rows that hold no counter baseline (should be none). */
  baselinesMissing: number;
}

export async function checkMetering(core: Core, drivers: Driver[], rounds: number): Promise<MeterCheck> {
  const perDevice = (base: number) => DEVICES * base + (DEVICES * (DEVICES - 1)) / 2;
  const metered = (await core
    .db('vouchers')
    .groupBy('site_id')
    .select('site_id')
    .sum({ up: 'bytes_up', down: 'bytes_down' })) as Array<{
    site_id: number;
    up: string | number;
    down: string | number;
  }>;
  const wrong = drivers.filter((d) => {
    const id = d.k === 1 ? 1 : stackId(core, d.name);
    const row = metered.find((m) => Number(m.site_id) === id);
    return (
      !row ||
      Number(row.up) !== rounds * perDevice(trafficOf(d.k).up) ||
      Number(row.down) !== rounds * perDevice(trafficOf(d.k).down)
    );
  });
  // Every connected device keeps its queue's counter baseline between rounds; one without has had it taken
  // (by a queue of the same id on another router, say) and its next bytes are guessed.
  const [{ n }] = (await core
    .db('voucher_devices')
    .where({ connected: true })
    .whereNull('source_counter_id')
    .count({ n: '*' })) as Array<{ n: number | string }>;
  return {
    bytesExact: wrong.length === 0,
    wrongSites: wrong.map((d) => d.name),
    baselinesMissing: Number(n),
  };
}

/** Moves every router's clock on by `seconds` with the controller's. */
export async function tick(clock: FakeClock, sims: RouterProcess[], seconds: number): Promise<void> {
  clock.advance(seconds * 1000);
  await Promise.all(sims.map((sim) => sim.call({ cmd: 'clock', now: clock.now() })));
}
