/**
 * The controller of bench/radius.bench.ts in a child process, driven over IPC: the server's core (as `npm start`
 * opens it, the site polls driven by hand) on the bench's PostgreSQL database, so its CPU and peak RSS are its own
 * and not FreeRADIUS's, PostgreSQL's or the load generator's (those are other processes).
 *
 * - `seed` (a child of its own, then it exits): the RADIUS sites added as the admin adds them, their vouchers made
 *   by the voucher service for each site (which makes them FreeRADIUS users), and FreeRADIUS's configuration
 *   written as `pisonet radius freeradius-config` writes it.
 * - `open` a site, then `poll` (the site's poll, `pollOnce`, with the controller's CPU around it), `mark` and
 *   `stats` (peak RSS, the bytes booked, the FreeRADIUS users rewritten since the mark).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { loadConfig } from '../src/config/env';
import { openCore, type Core } from '../src/core';
import { createLogger } from '../src/lib/logger';
import { freeradiusConfig } from '../src/radius/freeradius-config';
import { radiusClients } from '../src/services/network/radius/clients';
import { openCredentialsBox } from '../src/services/business/sites/credentials';
import { SYSTEM } from '../src/services/types';
import { benchRouterClient } from './fleet';
import { wallNow } from './radius-nas';

export interface SeedSpec {
  env: Record<string, string>;
  secret: string;
  sites: Array<{ name: string; nas: string; coaPort: number }>;
  /** Vouchers to make: `count` of `profile` for `site`, returned under `key`. */
  batches: Array<{ key: string; site: string; profile: string; count: number }>;
  freeradius: { dir: string; authPort: number; acctPort: number };
}

export interface SeedResult {
  codes: Record<string, Array<{ code: string; password: string }>>;
  /** Seconds the voucher service took per batch (the FreeRADIUS users included). */
  seconds: Record<string, number>;
}

export interface PollFigures {
  cpuMs: number;
  wallMs: number;
  /** When the poll started and ended (wallNow). */
  startedAt: number;
  endedAt: number;
  devices: number;
  bytesCounted: number;
  coaSent: number;
}

export interface SiteStats {
  peakRssMiB: number;
  /** Peak RSS at `mark` (after the warm-up polls). */
  peakAfterWarmupMiB: number;
  rssMiB: number;
  /** What the site's vouchers have booked in all. */
  bytesUp: number;
  bytesDown: number;
  active: number;
  devices: number;
  /** Codes whose FreeRADIUS rows were written again since `mark`. */
  rewritten: number;
}

// ---------------------------------------------------------------- the child

async function openServerCore(env: Record<string, string>): Promise<Core> {
  const config = loadConfig(env);
  const log = createLogger('silent');
  // The default site's router (the .env one) is the bench's idle simulator; the RADIUS sites need no API.
  const router = benchRouterClient(config.router.port, log);
  return openCore(config, { router, log, role: 'server', sitePolls: false });
}

async function seed(spec: SeedSpec): Promise<SeedResult> {
  const core = await openServerCore(spec.env);
  try {
    await core.services.profiles.syncFromFile(core.config.profilesFile);
    for (const s of spec.sites)
      await core.services.sites.add(
        { name: s.name, mode: 'radius', nas_address: s.nas, radius_secret: spec.secret, coa_port: s.coaPort },
        SYSTEM,
      );
    const codes: SeedResult['codes'] = {};
    const seconds: SeedResult['seconds'] = {};
    for (const b of spec.batches) {
      const t0 = Date.now();
      const made = await core.services.vouchers.generate(
        { profile: b.profile, count: b.count, site: b.site },
        SYSTEM,
      );
      seconds[b.key] = (Date.now() - t0) / 1000;
      const rows = (await core
        .db('vouchers')
        .where({ batch_id: made.batchId })
        .orderBy('id')
        .select('code', 'password')) as Array<{ code: string; password: string | null }>;
      codes[b.key] = rows.map((r) => ({ code: r.code, password: r.password ?? r.code }));
    }
    // As `pisonet radius freeradius-config --dir DIR --auth-port N --acct-port M --address 127.0.0.1` writes it.
    const db = core.config.database;
    if (db.engine !== 'postgres') throw new Error('RADIUS needs PostgreSQL');
    const clients = await radiusClients(core.db, openCredentialsBox(core.config, createLogger('silent')));
    const f = spec.freeradius;
    fs.mkdirSync(f.dir, { recursive: true, mode: 0o700 });
    for (const file of freeradiusConfig({
      dir: f.dir,
      authPort: f.authPort,
      acctPort: f.acctPort,
      listenAddress: '127.0.0.1',
      db: {
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
        sslmode: db.sslmode,
      },
      clients,
    })) {
      const p = path.join(f.dir, file.path);
      fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
      fs.writeFileSync(p, file.content, { mode: 0o600 });
    }
    for (const sub of ['log', 'run']) fs.mkdirSync(path.join(f.dir, sub), { recursive: true, mode: 0o700 });
    return { codes, seconds };
  } finally {
    await core.close();
  }
}

/** One RADIUS site of the server's core, polled on command. */
function siteDriver(core: Core, name: string) {
  let mark = 0;
  let peakAtMark = 0;
  // BENCH_RADIUS_CPU_PROF=DIR: a CPU profile of the measured polls (from `mark` to `stats`) written there.
  const profileDir = process.env.BENCH_RADIUS_CPU_PROF;
  let profiler: Session | undefined;
  const site = () => {
    const s = [...core.siteStacks.values()].find((x) => x.site.name === name);
    if (!s) throw new Error(`RADIUS site ${name} is not running`);
    return s;
  };
  return {
    async ready(): Promise<void> {
      for (let t = 0; ![...core.siteStacks.values()].some((x) => x.site.name === name); t++) {
        if (t > 300) throw new Error(`RADIUS site ${name} did not open within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async poll(): Promise<PollFigures> {
      const s = site();
      const startedAt = wallNow();
      const c0 = process.cpuUsage();
      const report = await s.pollOnce();
      const c = process.cpuUsage(c0);
      const endedAt = wallNow();
      if (report.skipped) throw new Error(`poll of ${name} skipped: ${report.skipped}`);
      return {
        cpuMs: (c.user + c.system) / 1000,
        wallMs: endedAt - startedAt,
        startedAt,
        endedAt,
        devices: report.devices,
        bytesCounted: report.bytesCounted,
        coaSent: report.changes.updated,
      };
    },
    async mark(): Promise<void> {
      const [{ m }] = (await core.db('radreply').max({ m: 'id' })) as Array<{ m: number | null }>;
      mark = Number(m ?? 0);
      peakAtMark = process.resourceUsage().maxRSS / 1024;
      if (profileDir) {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
    },
    async stats(): Promise<SiteStats> {
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.mkdirSync(profileDir!, { recursive: true });
        fs.writeFileSync(path.join(profileDir!, `${name}.cpuprofile`), JSON.stringify(profile));
        profiler.disconnect();
        profiler = undefined;
      }
      const id = site().site.id;
      const [v] = (await core
        .db('vouchers')
        .where({ site_id: id })
        .sum({ up: 'bytes_up', down: 'bytes_down' })
        .count({ n: '*' })) as Array<{ up: string | null; down: string | null }>;
      const [{ active }] = (await core
        .db('vouchers')
        .where({ site_id: id, status: 'active' })
        .count({ active: '*' })) as Array<{ active: string | number }>;
      const [{ devices }] = (await core
        .db('voucher_devices as d')
        .join('vouchers as v', 'v.id', 'd.voucher_id')
        .where('v.site_id', id)
        .count({ devices: '*' })) as Array<{ devices: string | number }>;
      const [{ rewritten }] = (await core
        .db('radreply as r')
        .join('vouchers as v', 'v.code', 'r.username')
        .where('v.site_id', id)
        .andWhere('r.id', '>', mark)
        .countDistinct({ rewritten: 'r.username' })) as Array<{ rewritten: string | number }>;
      return {
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        peakAfterWarmupMiB: peakAtMark,
        rssMiB: process.memoryUsage().rss / 1048576,
        bytesUp: Number(v.up ?? 0),
        bytesDown: Number(v.down ?? 0),
        active: Number(active),
        devices: Number(devices),
        rewritten: Number(rewritten),
      };
    },
  };
}

type Command =
  | { cmd: 'seed'; spec: SeedSpec }
  | { cmd: 'open'; env: Record<string, string>; site: string }
  | { cmd: 'poll' }
  | { cmd: 'mark' }
  | { cmd: 'stats' }
  | { cmd: 'close' };

function serve(): void {
  let core: Core | undefined;
  let driver: ReturnType<typeof siteDriver> | undefined;
  // The bench that drives this controller is gone (failed or killed): so is its controller.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: Command & { id: number }) => {
    void (async () => {
      try {
        let result: unknown = null;
        if (m.cmd === 'seed') result = await seed(m.spec);
        if (m.cmd === 'open') {
          core = await openServerCore(m.env);
          driver = siteDriver(core, m.site);
          await driver.ready();
        }
        if (m.cmd === 'poll') result = await driver!.poll();
        if (m.cmd === 'mark') await driver!.mark();
        if (m.cmd === 'stats') result = await driver!.stats();
        if (m.cmd === 'close') await core?.close();
        process.send?.({ id: m.id, result }, () => {
          if (m.cmd === 'close') process.exit(0);
        });
      } catch (err) {
        process.send?.({ id: m.id, error: (err as Error).stack ?? String(err) });
      }
    })();
  });
}

// ---------------------------------------------------------------- the parent side

/** A controller child process; `server` starts it as `npm start` starts the server (src/config/runtime.ts). */
export class ControllerProcess {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly child: ChildProcess;
  private exited = false;

  constructor(opts: { server: boolean }) {
    const flags = opts.server
      ? SERVER_NODE_FLAGS.filter((f) => !process.execArgv.some((a) => a.startsWith(f.split('=')[0])))
      : [];
    this.child = fork(__filename, ['--radius-controller'], {
      execArgv: [...process.execArgv, ...flags],
      env: opts.server ? { ...SERVER_ENV, ...process.env } : process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(`controller: ${m.error}`));
      else p?.resolve(m.result);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`controller exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  call<T>(msg: Command): Promise<T> {
    if (this.exited) return Promise.reject(new Error('controller exited'));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ ...msg, id });
    });
  }

  /** Closes its core and waits for it to exit; killed if it does not within 20 s. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.call({ cmd: 'close' }).catch(() => this.child.kill('SIGKILL'));
    await gone;
    clearTimeout(timer);
  }
}

if (require.main === module && process.argv.includes('--radius-controller')) serve();
