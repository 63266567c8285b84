/**
 * The RADIUS pair passes the same contracts as the router's (test/usage/contracts.ts): FreeRADIUS's accounting as
 * the usage source and CoA/Disconnect (with FreeRADIUS's users written from the order) as the enforcer, with the
 * simulator as the router's RADIUS client and real FreeRADIUS on PostgreSQL. One controller, FreeRADIUS and router
 * serve every test of the file; each test's world logs its devices out when it closes. A few RADIUS-only
 * expectations follow: the logins written from the poll's decision, a code with no data left disconnected.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { TEST_PROFILES } from '../usage/helpers';
import { RawClient } from '../simulator/raw-client';
import {
  decision,
  enforcerContract,
  heldOrder,
  order,
  usageSourceContract,
  type EnforcerWorld,
} from '../usage/contracts';
import { RouterSimulator } from '../../src/simulator';
import { createLogger } from '../../src/lib/logger';
import { accountingSource } from '../../src/services/network/radius/accounting-source';
import { syncRadiusAccounts } from '../../src/services/network/radius/accounts';
import { coaEnforcer } from '../../src/services/network/radius/coa-enforcer';

const SECRET = 'Contract-radius-secret';
const PASSWORD = 'Api-pa55word';
const MB = 1_000_000;

interface Shared {
  h: Harness;
  sim: RouterSimulator;
  ros: RawClient;
  fr: FreeRadius;
  siteId: number;
}

let shared: Promise<Shared> | undefined;

async function setUp(): Promise<Shared> {
  const h = await createHarness({ http: true, profiles: TEST_PROFILES, sites: { sitePolls: false } });
  // FreeRADIUS and PostgreSQL keep real time: so do the controller and the router here.
  h.clock.set(Date.now());
  const sim = new RouterSimulator({
    port: 0,
    identity: 'Contract-R',
    users: [{ name: 'pisonet', password: PASSWORD }],
    radiusIncomingPort: 0,
    clock: () => h.clock.now(),
  });
  const { port } = await sim.start();
  const ros = await RawClient.login(port, 'pisonet', PASSWORD);
  await ros.ok(['/radius/incoming/set', '=accept=yes']);
  const site = await api(h, 'POST', '/sites', {
    name: 'contract-r',
    mode: 'radius',
    nas_address: '127.0.0.1',
    radius_secret: SECRET,
    coa_port: sim.radiusIncomingPort,
  });
  expect(site.status).toBe(201);
  const fr = await startFreeRadius(h);
  await ros.ok([
    '/radius/add',
    '=service=hotspot',
    '=address=127.0.0.1',
    `=secret=${SECRET}`,
    `=authentication-port=${fr.authPort}`,
    `=accounting-port=${fr.acctPort}`,
  ]);
  await ros.ok([
    '/ip/hotspot/profile/set',
    '=numbers=hsprof1',
    '=use-radius=yes',
    '=login-by=http-pap,cookie',
  ]);
  return { h, sim, ros, fr, siteId: site.json.site.id as number };
}

/** One test's world on the shared controller, FreeRADIUS and router. */
async function radiusWorld() {
  shared ??= setUp();
  const s = await shared;
  const { h, sim, ros, siteId } = s;
  const db = h.core!.db;
  const profiles = h.core!.services.profiles;
  const devices = new Map<string, { code: string; ip: string }>();
  const sync = (decided?: Parameters<typeof syncRadiusAccounts>[2]) =>
    syncRadiusAccounts({ db, profiles, now: h.clock.now(), tz: h.core!.config.tz }, { siteId }, decided);

  /** A code of the RADIUS site, in use (FUP: 2M/4M, a 200 MB cap that blocks), as FreeRADIUS's user. */
  async function ensureCode(code: string): Promise<void> {
    if (!(await db('vouchers').where({ code }).first())) {
      const p = await profiles.get('FUP');
      const now = h.clock.now();
      await db('vouchers').insert({
        code,
        profile_id: p.id,
        price: p.price,
        rate_limit_up: p.profile.rateUp,
        rate_limit_down: p.profile.rateDown,
        status: 'active',
        activated_at: now,
        site_id: siteId,
        created_at: now,
        updated_at: now,
      });
    }
    await sync();
  }
  const sessionOf = (mac: string) => sim.rows('/ip/hotspot/active').find((a) => a['mac-address'] === mac);
  const settle = () => sim.radiusSettled();
  const login = async (code: string, mac: string, ip: string) => {
    await ros.ok([
      '/ip/hotspot/active/login',
      `=user=${code}`,
      `=password=${code}`,
      `=ip=${ip}`,
      `=mac-address=${mac}`,
    ]);
    await settle();
  };
  const logout = async (mac: string) => {
    const a = sessionOf(mac);
    if (a) await ros.ok(['/ip/hotspot/active/remove', `=.id=${a['.id']}`]);
    await settle();
  };
  const later = async (seconds: number) => {
    h.clock.advance(seconds * 1000);
    sim.tick(seconds);
    await settle();
  };
  const online = async (code: string, mac: string, ip: string) => {
    await ensureCode(code);
    if (!sim.rows('/ip/hotspot/host').some((x) => x['mac-address'] === mac)) sim.addDevice({ mac, ip });
    devices.set(mac, { code, ip });
    await login(code, mac, ip);
  };
  const source = accountingSource({ db, nasAddress: '127.0.0.1', lastBooked: async () => undefined });
  return {
    s,
    sync,
    source,
    online,
    sessionOf,
    later,
    async traffic(mac: string, up: number, down: number) {
      sim.addTraffic(mac, { up, down }, 60);
      await later(60);
    },
    offline: logout,
    async loginAgain(mac: string) {
      const d = devices.get(mac)!;
      await logout(mac);
      await login(d.code, mac, d.ip);
    },
    async download(mac: string, bytes: number) {
      sim.addTraffic(mac, { up: 0, down: bytes }, 60);
      await later(60);
    },
    async close() {
      for (const mac of devices.keys()) await logout(mac);
    },
  };
}

/**
 * `withApi`: the enforcer may log a code's devices out and in again through the router's API (a site with API
 * access), as the product does with the hotspot's own login by MAC and IP.
 */
async function radiusEnforcerWorld(
  withApi = false,
): Promise<EnforcerWorld & { w: Awaited<ReturnType<typeof radiusWorld>> }> {
  const w = await radiusWorld();
  const { h, sim, ros, siteId } = w.s;
  const relogin = async (code: string, password: string) => {
    const online = sim.rows('/ip/hotspot/active').filter((a) => a.user === code);
    for (const a of online) {
      await ros.ok(['/ip/hotspot/active/remove', `=.id=${a['.id']}`]);
      await ros.ok([
        '/ip/hotspot/active/login',
        `=user=${code}`,
        `=password=${password}`,
        `=ip=${a.address}`,
        `=mac-address=${a['mac-address']}`,
      ]);
    }
    await sim.radiusSettled();
    return online.length;
  };
  const enforcer = coaEnforcer({
    db: h.core!.db,
    target: async () => ({ host: '127.0.0.1', port: sim.radiusIncomingPort!, secret: SECRET }),
    log: createLogger('silent'),
    now: () => h.clock.now(),
    timeoutMs: 1000,
    retries: 1,
    writeLogins: async (decided) => (await w.sync(decided)).written,
    ...(withApi ? { relogin } : {}),
  });
  void siteId;
  return {
    w,
    enforcer,
    online: w.online,
    reading: () => w.source.read(),
    rateOf: async (mac) => {
      const a = w.sessionOf(mac);
      if (!a) return undefined;
      return sim.rows('/queue/simple').find((q) => q.name === `<hotspot-${a.user}>`)?.['max-limit'];
    },
    isOnline: async (mac) => w.sessionOf(mac) !== undefined,
    loginAgain: w.loginAgain,
    download: w.download,
    close: w.close,
  };
}

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('the RADIUS pair', () => {
  afterAll(async () => {
    if (!shared) return;
    const { h, sim, ros, fr } = await shared;
    await ros.close();
    await fr.stop();
    await h.close();
    await sim.stop();
  });

  usageSourceContract("FreeRADIUS's accounting", async () => {
    const w = await radiusWorld();
    return { source: w.source, online: w.online, traffic: w.traffic, offline: w.offline, close: w.close };
  });

  enforcerContract('CoA and Disconnect, logins written from the order', radiusEnforcerWorld);

  describe('in its own terms', () => {
    let e: Awaited<ReturnType<typeof radiusEnforcerWorld>>;
    beforeEach(async () => {
      e = await radiusEnforcerWorld();
    });
    afterEach(() => e.close());
    const MAC = '02:00:00:00:0F:01';
    const IP = '10.5.50.91';
    const reply = async (code: string) =>
      Object.fromEntries(
        (
          (await e.w.s.h.core!.db('radreply').where({ username: code })) as Array<{
            attribute: string;
            value: string;
          }>
        ).map((r) => [r.attribute, r.value]),
      );

    test("the next login is answered the poll's decision, not the policy asked again", async () => {
      const code = 'RADC0001';
      await e.online(code, MAC, IP);
      // The decision says 512k/1M (not the plan's 2M/4M) and 250 MB left (not the cap's 200 MB).
      const d = decision(code, MAC, IP);
      const out = await e.enforcer.apply(heldOrder(d, 250 * MB), await e.reading());
      expect(out.errors).toEqual([]);
      expect(out.loginsRemoved).toEqual([]);
      const r = await reply(code);
      expect(r['Mikrotik-Rate-Limit']).toBe('512000/1000000');
      expect(r['Mikrotik-Total-Limit']).toBe(String(250 * MB));
      // The session online took the cap's 200 MB at its login (it would be cut early): told, not cut.
      expect(out.allowancesNotReached).toBe(1);
      expect(await e.isOnline(MAC)).toBe(true);
    });

    test('with the API, a top-up reaches the running session: logged in again, it moves past the old allowance', async () => {
      await e.close();
      e = await radiusEnforcerWorld(true);
      const code = 'RADC0004';
      await e.online(code, MAC, IP);
      const d = decision(code, MAC, IP);
      const held = (left: number) => heldOrder(d, left);
      await e.enforcer.apply(held(5 * MB), await e.reading());
      await e.loginAgain(MAC); // the session takes 5 MB
      const out = await e.enforcer.apply(held(20 * MB), await e.reading());
      expect(out.errors).toEqual([]);
      expect(out.relogged).toBe(1);
      expect(out.allowancesNotReached).toBeUndefined();
      // Nobody logs the phone in again by hand: it moves 8 MB, past the 5 MB it took at first.
      await e.download(MAC, 8 * MB);
      expect(await e.isOnline(MAC)).toBe(true);
    });

    test('a code with no data left is disconnected at once', async () => {
      const code = 'RADC0002';
      await e.online(code, MAC, IP);
      const out = await e.enforcer.apply(
        order({ byteCaps: async () => [{ code, password: code, left: 0 }] }),
        await e.reading(),
      );
      expect(out.errors).toEqual([]);
      expect(out.loggedOut.map((s) => s.mac)).toEqual([MAC]);
      await e.w.s.sim.radiusSettled();
      expect(await e.isOnline(MAC)).toBe(false);
    });

    test('an ended code named for removal is not reported removed: its login refuses it instead', async () => {
      const code = 'RADC0003';
      await e.online(code, MAC, IP);
      const out = await e.enforcer.apply(order({ removeLogins: [code] }), await e.reading());
      expect(out.loginsRemoved).toEqual([]);
    });
  });
});
