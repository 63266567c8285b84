/**
 * Two controllers on one PostgreSQL database (CONTROLLER_MODE=shared) polling five sites, as separate processes
 * started the way `npm start` starts one. One is killed with SIGKILL while traffic moves; the other takes its
 * sites over within two poll intervals, and every voucher's usage ends equal to its queue's counters on the
 * simulated routers (the ground truth): no byte lost, none counted twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config/env';
import { pgClientConfig, type PostgresConfig } from '../../src/config/database-url';
import { openCore, type Core } from '../../src/core';
import { LOCK_CLASS } from '../../src/db/controller-lock-pg';
import { leaseSlot } from '../../src/db/site-leases';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import type { RouterSimulator } from '../../src/simulator';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { startRouter } from './helpers';
import { productMainArgs } from '../helpers/product-process';
import { freePort } from '../helpers/ports';

const POLL_SECONDS = 3;
const PASS = 'Shared-pa55word';
const TOKEN = 'test-token-0123456789abcdef';
const KEY = 'a'.repeat(64);

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describePostgresOnly('several controllers on one database', () => {
  let dir: string;
  let database: TestDatabase;
  let pgc: pg.Client;
  const routers: Array<{ sim: RouterSimulator; port: number; name: string }> = [];
  const controllers: Array<{ child: ChildProcess; port: number; log: string[] }> = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-takeover-'));
    database = await createTestDatabase(dir);
    for (let i = 0; i < 5; i++) {
      const name = i === 0 ? 'default' : `branch-${i}`;
      routers.push({ ...(await startRouter({ identity: `Site-${i}`, password: PASS })), name });
    }
    fs.writeFileSync(path.join(dir, 'profiles.json'), fs.readFileSync(projectPath('profiles.json')));
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'TMPDIR', 'LANG'].includes(k)),
    ) as Record<string, string>;
    env = {
      ...inherited,
      DATABASE_URL: database.url,
      CONTROLLER_MODE: 'shared',
      BIND: '127.0.0.1',
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(routers[0].port),
      ROUTER_USER: 'pisonet',
      ROUTER_PASSWORD: PASS,
      ROUTER_TIMEOUT_SECONDS: '3',
      USAGE_POLL_SECONDS: String(POLL_SECONDS),
      CREDENTIALS_KEY: KEY,
      ADMIN_PASSWORD: 'correct horse battery',
      ADMIN_API_TOKEN: TOKEN,
      SESSION_SECRET: 'test-session-secret-0123456789',
      PROFILES_FILE: path.join(dir, 'profiles.json'),
      DATA_DIR: dir,
      TZ: 'Asia/Manila',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
    // The shop as the owner set it up: four more sites, and a batch of vouchers for each.
    const config = loadConfig({ ...env, PORT: '0' });
    const core: Core = await openCore(config, { role: 'cli', log: createLogger('silent') });
    try {
      for (const r of routers.slice(1))
        await core.services.sites.add(
          { name: r.name, host: '127.0.0.1', port: r.port, user: 'pisonet', password: PASS },
          SYSTEM,
        );
    } finally {
      await core.close();
    }
    pgc = new pg.Client(pgClientConfig(config.database as PostgresConfig));
    await pgc.connect();
  }, 60_000);

  afterAll(async () => {
    for (const c of controllers)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await pgc?.end();
    for (const r of routers) await r.sim.stop();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startController(): Promise<{ child: ChildProcess; port: number; log: string[] }> {
    const port = await freePort();
    const child = spawn(process.execPath, productMainArgs(), {
      cwd: projectPath(),
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: string[] = [];
    child.stdout!.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean)));
    const c = { child, port, log };
    controllers.push(c);
    await until('the controller to answer', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return res?.status === 200;
    });
    return c;
  }

  /** Backend pid of each site's lease holder (site id → pid). */
  async function holders(): Promise<Map<number, number>> {
    const rows = await pgc.query<{ objid: number; pid: number }>(
      `SELECT objid::int AS objid, pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid BETWEEN $2 AND $3`,
      [LOCK_CLASS, leaseSlot(1), leaseSlot(5)],
    );
    return new Map(rows.rows.map((r) => [r.objid - 1000, r.pid]));
  }

  async function redeem(port: number, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${port}/api/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  test('one killed with SIGKILL mid-poll: the other takes its sites over and every byte is counted once', async () => {
    const a = await startController();
    await until('A to hold all five sites', async () => (await holders()).size === 5);
    const aPids = new Set((await holders()).values());
    expect(aPids.size).toBe(1); // one lease connection
    const b = await startController();
    // B serves the portal and the admin, but polls nothing while A holds every site.
    await new Promise((r) => setTimeout(r, POLL_SECONDS * 1000));
    expect([...(await holders()).values()].every((pid) => aPids.has(pid))).toBe(true);

    // Vouchers made through B (any controller serves the admin), redeemed through B's portal on each site.
    const devices: Array<{ mac: string; ip: string; code: string; site: number }> = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${b.port}/admin/api/vouchers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ profile: 'PREMIUM', count: 2, site: routers[i].name }),
      });
      expect(res.status).toBe(201);
      const codes = ((await res.json()) as { vouchers: Array<{ code: string }> }).vouchers.map((v) => v.code);
      for (const [j, code] of codes.entries()) {
        const d = { mac: `02:7${i}:00:00:00:0${j + 1}`, ip: `10.7${i}.0.${11 + j}`, code, site: i };
        routers[i].sim.addDevice(d);
        devices.push(d);
      }
    }
    // Users of sites other than B's own polls arrive with the holder's next sync; retry until each is there.
    for (const d of devices)
      await until(`the redemption of ${d.code}`, async () => {
        const status = await redeem(b.port, {
          code: d.code,
          mac: d.mac,
          ip: d.ip,
          site: routers[d.site].name,
        });
        return status === 200;
      });

    // Traffic on every device while A polls; A is killed in the middle of it.
    let moving = true;
    const traffic = (async () => {
      while (moving) {
        for (const d of devices) routers[d.site].sim.addTraffic(d.mac, { up: 20_000, down: 60_000 }, 0.1);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await new Promise((r) => setTimeout(r, POLL_SECONDS * 1500));
    // A has been metering: part of the traffic is A's to count (in the tables, as each poll commits), the rest B's.
    const before = await pgc.query<{ n: string | null }>('SELECT SUM(bytes_down) AS n FROM vouchers');
    expect(Number(before.rows[0].n ?? 0)).toBeGreaterThan(0);
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until('B to hold all five sites', async () => {
      const h = await holders();
      return h.size === 5 && [...h.values()].every((pid) => !aPids.has(pid));
    });
    const takeoverMs = Date.now() - killedAt;
    // The bound: within two poll intervals (a lease is free the moment its connection dies).
    expect(takeoverMs).toBeLessThanOrEqual(2 * POLL_SECONDS * 1000);
    process.stdout.write(
      `takeover of 5 sites after SIGKILL: ${takeoverMs} ms (poll interval ${POLL_SECONDS} s)\n`,
    );
    expect(b.log.some((l) => /lease of site \d+ taken/.test(l))).toBe(true);
    const health = (await (await fetch(`http://127.0.0.1:${b.port}/healthz`)).json()) as Record<
      string,
      unknown
    >;
    expect(health.controller).toMatchObject({ mode: 'shared', polls: [1, 2, 3, 4, 5] });
    await new Promise((r) => setTimeout(r, POLL_SECONDS * 1000));
    moving = false;
    await traffic;

    // Two more polls of every site by B after the last byte moved, then the ledger against the routers.
    const stoppedAt = Date.now();
    await until('B to poll every site after the traffic stopped', async () => {
      const rows = await pgc.query<{ key: string; value: string }>(
        "SELECT key, value FROM router_state WHERE key LIKE '%usage.last_poll_at'",
      );
      return (
        rows.rows.length === 5 && rows.rows.every((r) => Number(r.value) > stoppedAt + POLL_SECONDS * 1000)
      );
    });
    // Each poll wrote its usage into the tables as it committed: A's up to its last committed poll, B's since.
    const exited = new Promise((r) => b.child.once('exit', r));
    b.child.kill('SIGTERM');
    await exited;
    for (const d of devices) {
      const queue = routers[d.site].sim.rows('/queue/simple').find((q) => q.name === `pisonet-${d.mac}`);
      expect(queue).toBeDefined();
      const [up, down] = String(queue!.bytes).split('/').map(Number);
      expect(up).toBeGreaterThan(0);
      const v = await pgc.query<{ bytes_up: string; bytes_down: string }>(
        'SELECT bytes_up, bytes_down FROM vouchers WHERE code = $1',
        [d.code],
      );
      expect({ code: d.code, up: Number(v.rows[0].bytes_up), down: Number(v.rows[0].bytes_down) }).toEqual({
        code: d.code,
        up,
        down,
      });
    }
  }, 120_000);
});
