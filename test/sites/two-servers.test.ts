/**
 * Two servers on one PostgreSQL database (CONTROLLER_MODE=shared), one router: A holds the site's lease and
 * polls it, customers' logins go through B. A poll's reading is older than B's login (the router rebooted, A read
 * it, then B logged a device in again on its old queue): A must not remove that queue. B killed in the middle of a
 * redemption (the device online, its queue not made yet): A's next poll settles the claim and gives the device its
 * queue, instead of leaving it online without one. A code of a RADIUS site revoked through B, which does not poll
 * that site, is disconnected at once: B asks A, the holder, to poll it now.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import type { PostgresConfig } from '../../src/config/database-url';
import { openCore, type Core } from '../../src/core';
import { postgresLeases, type SiteLeases } from '../../src/db/site-leases';
import { createRouterClient } from '../../src/router';
import type { RouterClient } from '../../src/router/types';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import type { RouterSimulator } from '../../src/simulator';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { startRouter } from './helpers';
import { listen } from '../../src/radius/udp';
import type { RadiusPacket } from '../../src/radius/packet';

const PASS = 'Two-servers-pa55';
const ACTIVE = '/ip/hotspot/active';
const QUEUES = '/queue/simple';

/** A router connection whose next read of the sessions, or next queue add, waits on the test. */
function steerable(client: RouterClient): {
  client: RouterClient;
  afterSessionsRead(fn: () => Promise<void>): void;
  holdQueueAdd(): { reached: Promise<void>; fail(): void };
} {
  let afterRead: (() => Promise<void>) | undefined;
  let hold: { reached: () => void; gate: Promise<void> } | undefined;
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      if (prop === 'print' || prop === 'printEach')
        return async (menu: string, ...rest: unknown[]) => {
          const out = await fn.apply(target, [menu, ...rest]);
          const then = menu === ACTIVE ? afterRead : undefined;
          if (then) {
            afterRead = undefined;
            await then();
          }
          return out;
        };
      if (prop === 'add')
        return async (menu: string, ...rest: unknown[]) => {
          const h = menu === QUEUES ? hold : undefined;
          if (h) {
            hold = undefined;
            h.reached();
            await h.gate;
          }
          return fn.apply(target, [menu, ...rest]);
        };
      return fn.bind(target);
    },
  });
  return {
    client: proxy,
    afterSessionsRead: (fn) => (afterRead = fn),
    holdQueueAdd() {
      let reached!: () => void;
      let fail!: (e: Error) => void;
      const r = new Promise<void>((res) => (reached = res));
      const gate = new Promise<void>((_res, rej) => (fail = rej));
      gate.catch(() => undefined);
      hold = { reached, gate };
      return { reached: r, fail: () => fail(new Error('server killed')) };
    },
  };
}

describePostgresOnly('two servers on one database, one router', () => {
  let dir: string;
  let database: TestDatabase;
  let sim: RouterSimulator;
  let port: number;
  const servers: Array<{ core: Core; leases: SiteLeases; steer: ReturnType<typeof steerable> }> = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-two-servers-'));
    database = await createTestDatabase(dir);
    ({ sim, port } = await startRouter({ identity: 'Shop', password: PASS }));
    fs.writeFileSync(path.join(dir, 'profiles.json'), fs.readFileSync(projectPath('profiles.json')));
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) {
      await s.core.close();
      await s.leases.close();
    }
    await sim.stop();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function server(): Promise<(typeof servers)[number]> {
    const config = loadConfig({
      DATABASE_URL: database.url,
      CONTROLLER_MODE: 'shared',
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(port),
      ROUTER_USER: 'pisonet',
      ROUTER_PASSWORD: PASS,
      ROUTER_TIMEOUT_SECONDS: '3',
      ADMIN_PASSWORD: 'correct horse battery',
      SESSION_SECRET: 'test-session-secret-0123456789',
      PROFILES_FILE: path.join(dir, 'profiles.json'),
      DATA_DIR: dir,
      TZ: 'Asia/Manila',
      PORT: '0',
    });
    const log = createLogger('silent');
    const steer = steerable(
      createRouterClient({
        host: '127.0.0.1',
        port,
        user: 'pisonet',
        password: PASS,
        tls: false,
        timeoutSeconds: 3,
        logger: log,
      }),
    );
    const leases = postgresLeases(config.database as PostgresConfig, log, () => 0);
    const core = await openCore(config, {
      role: 'server',
      log,
      leases,
      router: steer.client,
      sitePolls: false,
    });
    await core.router.waitConnected(10_000);
    const s = { core, leases, steer };
    servers.push(s);
    return s;
  }

  const queueOf = (mac: string) => sim.rows(QUEUES).find((q) => q.name === `pisonet-${mac}`);
  const online = (mac: string) => sim.rows(ACTIVE).some((s) => s['mac-address'] === mac);

  test('a login through the other server is never undone by the holder, nor left without its queue', async () => {
    const a = await server();
    const b = await server();
    // A polls first and holds the lease; B serves logins and polls nothing.
    expect((await a.core.services.usage.runCycle()).skipped).toBeUndefined();
    expect((await b.core.services.usage.runCycle()).skipped).toBe('not-leased');
    await a.core.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM);
    const [code, second] = (await a.core.db('vouchers').orderBy('id').pluck('code')) as string[];

    const x = { mac: '02:54:00:00:00:01', ip: '10.5.50.11' };
    sim.addDevice(x);
    await b.core.services.redemption.redeem({ code, ...x });
    await a.core.services.usage.runCycle();
    const moved = [sim.addTraffic(x.mac, { up: 100_000, down: 900_000 }, 60)];
    await a.core.services.usage.runCycle();

    // The router reboots: sessions gone, queues kept. A reads it; before A acts on that reading, the customer
    // logs in again through B, on the same queue, and moves 1.8 MB.
    await sim.reboot({ downMs: 300 });
    expect(queueOf(x.mac)).toBeDefined();
    expect(await a.core.router.waitConnected(10_000)).toBe(true);
    a.steer.afterSessionsRead(async () => {
      expect(await b.core.router.waitConnected(10_000)).toBe(true);
      await b.core.services.redemption.redeem({ code, ...x });
      moved.push(sim.addTraffic(x.mac, { up: 300_000, down: 1_500_000 }, 60));
    });
    await a.core.services.usage.runCycle();
    expect(online(x.mac)).toBe(true);
    expect(queueOf(x.mac)).toBeDefined();
    await a.core.services.usage.runCycle();
    const v = await a.core.db('vouchers').where({ code }).first('bytes_up', 'bytes_down');
    // Every byte the router let through is the voucher's: 1.8 MB after the reboot included.
    expect(moved.map((m) => m.up + m.down)).toEqual([1_000_000, 1_800_000]);
    expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([400_000, 2_400_000]);

    // B killed in the middle of a redemption: the device is online, its queue not made yet.
    const y = { mac: '02:54:00:00:00:02', ip: '10.5.50.12' };
    sim.addDevice(y);
    const held = b.steer.holdQueueAdd();
    const redeeming = b.core.services.redemption.redeem({ code: second, ...y }).catch(() => undefined);
    await held.reached;
    expect(online(y.mac)).toBe(true);
    await b.leases.close(); // its lease connection gone, as when the process dies
    // PostgreSQL ends the backend a moment after the client leaves; the test waits for what a dead server leaves.
    const bName = b.leases.presence!.name;
    for (let i = 0; i < 100; i++) {
      const r = await a.core.db.raw('SELECT 1 FROM pg_stat_activity WHERE application_name = ?', [bName]);
      if (r.rows.length === 0) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(bName).not.toBe(a.leases.presence!.name);
    await a.core.services.usage.runCycle();
    // One poll later the device has its queue, and the voucher is the customer's.
    expect(queueOf(y.mac)).toBeDefined();
    const w = await a.core.db('vouchers').where({ code: second }).first('status');
    expect(w.status).toBe('active');
    held.fail();
    await redeeming;
  }, 60_000);

  test('a RADIUS code revoked through the server that does not poll its site is disconnected at once', async () => {
    const a = await server();
    const b = await server();
    // The RADIUS router's `/radius incoming`: takes every Disconnect.
    const got: RadiusPacket[] = [];
    const coa = await listen({
      port: 0,
      address: '127.0.0.1',
      secretOf: () => 'Two-servers-radius',
      handle: async (req) => (got.push(req), { code: 'Disconnect-ACK', attributes: [] }),
    });
    try {
      const input = { name: 'branch-r', mode: 'radius', nas_address: '127.0.0.1', coa_port: coa.port };
      const site = await a.core.services.sites.add({ ...input, radius_secret: 'Two-servers-radius' }, SYSTEM);
      for (const s of [a, b]) await s.core.siteMonitor!.siteChanged(site.id);
      const stackOf = (s: typeof a) => s.core.siteStacks.get(site.id)!;
      // A polls the site first and holds its lease.
      expect((await stackOf(a).pollOnce()).skipped).toBeUndefined();
      expect((await stackOf(b).pollOnce()).skipped).toBe('not-leased');
      await a.core.services.vouchers.generate({ profile: 'BASIC', count: 1, site: 'branch-r' }, SYSTEM);
      const code = (await a.core.db('vouchers').where({ site_id: site.id }).first('code')).code as string;
      // A phone online with it: the router's accounting, booked by A.
      await a.core.db.raw(
        `INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime,
           callingstationid, framedipaddress) VALUES ('81b00001', 'u-81b00001', ?, '127.0.0.1', now(), now(),
           '02:54:00:00:00:0A', '10.5.50.20')`,
        [code],
      );
      await stackOf(a).pollOnce();
      expect((await a.core.db('vouchers').where({ code }).first('status')).status).toBe('active');

      await b.core.services.vouchers.revoke(code, SYSTEM);
      // Nobody polls by the clock here: only A's poll, asked for by B, sends the Disconnect.
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 30));
      expect(got.map((p) => [p.code, p.attributes.find(([n]) => n === 'User-Name')?.[1]])).toEqual([
        ['Disconnect-Request', code],
      ]);
    } finally {
      await coa.close();
    }
  }, 60_000);
});
