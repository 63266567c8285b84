/**
 * A shop full of customers for the benchmarks: a simulated router in its own process (a real router is
 * another machine, so its work is not billed to the controller) and N active vouchers, each with one device
 * logged in, seeded straight into the database and the router.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../src/config/env';
import { createLogger, type Logger } from '../src/lib/logger';
import { projectPath } from '../src/lib/paths';
import { createRouterClient } from '../src/router';
import type { Core } from '../src/core';
import type { RouterClient } from '../src/router/types';
import type { HotspotUsers } from '../src/services/network/hotspot-users';
import { RouterSimulator } from '../src/simulator';
import { forkBenchChild } from './child';

/** Device i of a fleet: `net` keeps fleets apart (MAC 02:<net>:.., IP 10.<net>.x.y). */
export const fleetMac = (net: number, i: number): string =>
  ['02', net, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255]
    .map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0')))
    .join(':')
    .toUpperCase();
export const fleetIp = (net: number, i: number): string =>
  `10.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
export const fleetCode = (net: number, i: number): string => `F${net}X${String(i).padStart(6, '0')}`;

export type RouterCommand =
  | { cmd: 'start'; latencyMs?: number; identity?: string }
  | { cmd: 'devices'; net: number; n: number }
  | { cmd: 'traffic'; net: number; n: number; up: number; down: number; seconds: number }
  | { cmd: 'clock'; now: number }
  /** A PPPoE server handing out addresses from a pool, and `n` subscribers' CPEs dialled in (`redialMs`: each
   * dials again that long after the router ends its session, as a CPE does). */
  | { cmd: 'pppoe'; n: number; redialMs?: number }
  /** These subscribers' session queue `<pppoe-…>` (bytes up + down, -1 without a session; max-limit) and their
   * secret's profile, as the router holds them. */
  | { cmd: 'ppp-state'; subs: number[] }
  | { cmd: 'ppp-traffic'; n: number; up: number; down: number; seconds: number }
  | { cmd: 'stats' }
  | { cmd: 'lags' }
  /** These devices' queues' bytes (up + down) and max-limit, as the router holds them (only those rows built). */
  | { cmd: 'queue-state'; net: number; devices: number[] }
  | { cmd: 'stop' };

/** Subscriber i of a fleet: its PPPoE username (its password is `<username>-pass`) and its CPE's MAC. */
export const fleetSubscriber = (i: number): string => `sub${String(i).padStart(6, '0')}`;
const subscriberMac = (i: number): string => fleetMac(200, i);

/** `n` subscribers' CPEs dial in (the owner's PPPoE server set up: pppoeSetUp); returns how many are up. */
async function dialSubscribers(sim: RouterSimulator, n: number, redialMs?: number): Promise<number> {
  let up = 0;
  for (let i = 0; i < n; i++) {
    const user = fleetSubscriber(i);
    const req = { mac: subscriberMac(i), user, password: `${user}-pass` };
    const r = await (redialMs === undefined ? sim.pppoe.dial(req) : sim.pppoe.autoRedial(req, redialMs));
    if (r?.ok) up++;
  }
  return up;
}

function pppState(sim: RouterSimulator, subs: readonly number[]): Array<[number, string, string]> {
  const users = subs.map(fleetSubscriber);
  const queues = new Map(
    sim.rowsNamed('/queue/simple', new Set(users.map((u) => `<pppoe-${u}>`))).map((q) => [q.name, q]),
  );
  const secrets = new Map(sim.rowsNamed('/ppp/secret', new Set(users)).map((s) => [s.name, s]));
  return users.map((u) => {
    const q = queues.get(`<pppoe-${u}>`);
    const [up, down] = String(q?.bytes ?? '-1/0')
      .split('/')
      .map(Number);
    return [up + down, String(q?.['max-limit'] ?? ''), String(secrets.get(u)?.profile ?? '')];
  });
}

/** Bytes through subscriber `i`'s session; none while its CPE is between sessions (ended, not dialled again yet). */
function pppTraffic(
  sim: RouterSimulator,
  i: number,
  want: { up: number; down: number },
  seconds: number,
): void {
  try {
    sim.pppoe.addTraffic(fleetSubscriber(i), want, seconds);
  } catch (err) {
    if (!String((err as Error).message).startsWith('simulator: no PPP session')) throw err;
  }
}

/** The owner's PPPoE set-up over the API: a pool for the server's default profile, and a server. */
export async function pppoeSetUp(router: RouterClient): Promise<void> {
  await router.add('/ip/pool', { name: 'pppoe-pool', ranges: '100.64.0.2-100.64.255.254' });
  const def = (await router.print('/ppp/profile', { query: ['name=default'] }))[0];
  await router.set('/ppp/profile', def['.id'], {
    'local-address': '100.64.0.1',
    'remote-address': 'pppoe-pool',
  });
  await router.add('/interface/pppoe-server/server', { interface: 'ether2', disabled: 'no' });
}

function queueState(sim: RouterSimulator, net: number, devices: readonly number[]): Array<[number, string]> {
  const names = devices.map((i) => `pisonet-${fleetMac(net, i)}`);
  const byName = new Map(sim.rowsNamed('/queue/simple', new Set(names)).map((q) => [q.name, q]));
  return names.map((name) => {
    const q = byName.get(name);
    const [up, down] = String(q?.bytes ?? '0/0')
      .split('/')
      .map(Number);
    return [up + down, String(q?.['max-limit'] ?? '')];
  });
}

/** The child side: a simulator driven over IPC. */
function serveRouter(): void {
  let now = Date.UTC(2026, 10, 21, 4, 0, 0);
  let sim = new RouterSimulator({ port: 0, clock: () => now });
  // The bench that started this router is gone (it failed or was killed): a router nobody drives goes too.
  process.on('disconnect', () => process.exit(0));
  // The moments this router's event loop was blocked for long (its answers waited): when (Date.now()) and how long.
  const lags: Array<{ at: number; ms: number }> = [];
  let last = Date.now();
  setInterval(() => {
    const t = Date.now();
    if (t - last > 600) lags.push({ at: last, ms: t - last - 100 });
    last = t;
  }, 100).unref();
  process.on('message', (m: RouterCommand & { id: number }) => {
    void (async () => {
      let result: unknown = null;
      if (m.cmd === 'start') {
        if (m.latencyMs || m.identity)
          sim = new RouterSimulator({
            port: 0,
            clock: () => now,
            latencyMs: m.latencyMs,
            identity: m.identity,
          });
        result = (await sim.start()).port;
      }
      if (m.cmd === 'devices')
        for (let i = 0; i < m.n; i++) sim.addDevice({ mac: fleetMac(m.net, i), ip: fleetIp(m.net, i) });
      if (m.cmd === 'traffic')
        sim.addTrafficMany(
          Array.from({ length: m.n }, (_, i) => ({
            mac: fleetMac(m.net, i),
            up: m.up + i,
            down: m.down + i,
          })),
          m.seconds,
        );
      if (m.cmd === 'pppoe') result = await dialSubscribers(sim, m.n, m.redialMs);
      if (m.cmd === 'ppp-traffic')
        for (let i = 0; i < m.n; i++) pppTraffic(sim, i, { up: m.up + i, down: m.down + i }, m.seconds);
      if (m.cmd === 'ppp-state') result = pppState(sim, m.subs);
      if (m.cmd === 'clock') {
        const seconds = (m.now - now) / 1000;
        now = m.now;
        sim.tick(seconds);
      }
      if (m.cmd === 'stats')
        result = {
          bytesOut: sim.stats.bytesOut,
          commandsByPath: { ...sim.stats.commandsByPath },
          cpuMicros: process.cpuUsage().user + process.cpuUsage().system,
        };
      if (m.cmd === 'queue-state') result = queueState(sim, m.net, m.devices);
      if (m.cmd === 'lags') result = lags.splice(0);
      if (m.cmd === 'stop') await sim.stop();
      process.send?.({ id: m.id, result });
      if (m.cmd === 'stop') process.exit(0);
    })();
  });
}

/** The parent side: start/stop the child router and send it commands. */
export class RouterProcess {
  private seq = 0;
  private readonly pending = new Map<number, (v: unknown) => void>();
  private readonly child: ChildProcess = forkBenchChild(__filename, '--fleet-router');

  constructor() {
    // Each reply settles its call once and is forgotten: a kept entry would keep its reply (the rows read) for the
    // whole run, in the controller's own heap.
    this.child.on('message', (m: { id: number; result: unknown }) => {
      const settle = this.pending.get(m.id);
      this.pending.delete(m.id);
      settle?.(m.result);
    });
  }

  call<T>(msg: RouterCommand): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve) => {
      this.pending.set(id, (v) => resolve(v as T));
      this.child.send({ ...msg, id });
    });
  }
}

/**
 * N active vouchers of `profile` with one connected device each: rows in the database, hotspot users on the
 * router (from the vouchers themselves, as the server's sync does) and a logged-in session per device.
 * `site` seeds another site's vouchers (bench/sites.bench.ts): its id on the rows, and its own stack's
 * hotspot users (`core.siteStacks.get(id).hotspotUsers`) put them on its router; none means the `default` site.
 */
export async function seedFleet(
  core: Core,
  router: RouterClient,
  net: number,
  n: number,
  profile: string,
  site?: { id: number; users: HotspotUsers },
): Promise<void> {
  const p = await core.services.profiles.get(profile);
  const now = core.clock.now();
  const validity = (p.profile.validitySeconds ?? 86400) * 1000;
  for (let i = 0; i < n; i += 400) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 400); j++)
      rows.push({
        code: fleetCode(net, j),
        profile_id: p.id,
        price: p.price,
        rate_limit_up: p.profile.rateUp,
        rate_limit_down: p.profile.rateDown,
        status: 'active',
        ...(site ? { site_id: site.id } : {}),
        activated_at: now,
        expires_at: now + validity,
        created_at: now,
        updated_at: now,
      });
    await core.db('vouchers').insert(rows);
  }
  const ids = (
    (await core.db('vouchers').where('code', 'like', `F${net}X%`).orderBy('id').select('id')) as Array<{
      id: number;
    }>
  ).map((r) => r.id);
  for (let i = 0; i < n; i += 400) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 400); j++)
      rows.push({
        voucher_id: ids[j],
        mac: fleetMac(net, j),
        ip: fleetIp(net, j),
        connected: true,
        first_seen_at: now,
        last_seen_at: now,
      });
    await core.db('voucher_devices').insert(rows);
  }
  await (site?.users ?? core.defaultStack.hotspotUsers!).sync();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      router.hotspotLogin({
        user: fleetCode(net, i),
        password: fleetCode(net, i),
        mac: fleetMac(net, i),
        ip: fleetIp(net, i),
      }),
    ),
  );
}

export interface BenchSite {
  dir: string;
  /** The environment `config` was loaded from (for a child process to load the same). */
  env: Record<string, string>;
  routerProcess: RouterProcess;
  config: AppConfig;
  log: Logger;
  router: RouterClient;
  /** Stops the child router and removes the temp folder (the caller closes its core or app first). */
  dispose(): Promise<void>;
}

/** A client for the bench's simulated router on loopback (generous timeout: prints of 10,000 rows). */
export function benchRouterClient(port: number, log: Logger): RouterClient {
  return createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 60,
    logger: log,
  });
}

/** A temp data folder, the child router, a configuration pointing at both, and a client for it. */
export async function openBenchSite(
  name: string,
  env: Record<string, string> = {},
  opts: { latencyMs?: number; identity?: string } = {},
): Promise<BenchSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pisonet-${name}-`));
  const routerProcess = new RouterProcess();
  const port = await routerProcess.call<number>({ cmd: 'start', ...opts });
  const siteEnv: Record<string, string> = {
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(port),
    ROUTER_TIMEOUT_SECONDS: '60',
    PROFILES_FILE: projectPath('profiles.json'),
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ...env,
  };
  const config = loadConfig(siteEnv);
  const log = createLogger('silent');
  const router = benchRouterClient(port, log);
  return {
    dir,
    env: siteEnv,
    routerProcess,
    config,
    log,
    router,
    async dispose() {
      await routerProcess.call({ cmd: 'stop' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (require.main === module && process.argv.includes('--fleet-router')) serveRouter();
