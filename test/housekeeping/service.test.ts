/**
 * The router housekeeping service against simulated routers: what each read shows, on the .env router and on a
 * second site's; a router that is down, hung or refusing is a clear error; the reboot is the owner's only, for
 * the router confirmed, audited, and the router comes back.
 */
import { AppError } from '../../src/domain/errors';
import { DEFAULT_SITE, type SiteRef } from '../../src/services/deps';
import type { HousekeepingService } from '../../src/services/network/router-housekeeping';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { startRouter } from '../sites/helpers';

let h: Harness;
let hk: HousekeepingService;
let branch: { sim: Awaited<ReturnType<typeof startRouter>>['sim']; site: SiteRef };
const OWNER = { name: 'admin', via: 'admin' as const };
const PHONE = { mac: '02:50:00:00:00:21', ip: '10.5.50.31', hostName: 'Galaxy-A12' };

/** The AppError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  h = await createHarness({
    http: true,
    sim: { identity: 'Shop-Main', rebootDownMs: 300 },
    sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } },
  });
  hk = h.core!.services.housekeeping;
  h.sim.addDevice(PHONE);
  await h.router.add('/ip/hotspot/user', { name: 'T3ST1234', password: 'p' });
  await h.router.hotspotLogin({ user: 'T3ST1234', password: 'p', mac: PHONE.mac, ip: PHONE.ip });
  h.sim.addTraffic(PHONE.mac, { up: 250_000, down: 5_000_000 }, 10);
  const other = await startRouter({ identity: 'Branch-2', devices: 2 });
  const site = await h.core!.services.sites.add(
    { name: 'branch-2', host: '127.0.0.1', port: other.port, user: 'pisonet' },
    SYSTEM,
  );
  await h.core!.siteStacks.get(site.id)!.router.waitConnected(5000);
  branch = { sim: other.sim, site: { id: site.id, name: site.name } };
}, 60_000);

afterAll(async () => {
  await h?.close();
  await branch?.sim.stop();
});

describe('reads on the .env router', () => {
  it('hosts, sessions, cookies and leases follow the device', async () => {
    const hosts = await hk.hosts(DEFAULT_SITE);
    expect(hosts.identity).toBe('Shop-Main');
    expect(hosts.site).toEqual(DEFAULT_SITE);
    expect(hosts.data).toEqual([
      expect.objectContaining({ mac: PHONE.mac, address: PHONE.ip, authorized: true, bytesOut: 5_000_000 }),
    ]);
    const sessions = (await hk.sessions(DEFAULT_SITE)).data;
    expect(sessions).toEqual([
      expect.objectContaining({ user: 'T3ST1234', mac: PHONE.mac, address: PHONE.ip, uptimeSeconds: 0 }),
    ]);
    expect((await hk.cookies(DEFAULT_SITE)).data).toEqual([
      expect.objectContaining({ user: 'T3ST1234', mac: PHONE.mac, expiresInSeconds: 3 * 86400 }),
    ]);
    expect((await hk.leases(DEFAULT_SITE)).data).toEqual([
      expect.objectContaining({
        mac: PHONE.mac,
        address: PHONE.ip,
        hostName: 'Galaxy-A12',
        status: 'bound',
        expiresAfterSeconds: 3600,
        dynamic: true,
      }),
    ]);
    expect((await hk.bindings(DEFAULT_SITE)).data).toEqual([]);
  });

  it('the log, newest first, narrowed by topic and text', async () => {
    const all = (await hk.log(DEFAULT_SITE)).data;
    expect(all.lines[0].message).toBe('T3ST1234 (10.5.50.31): logged in');
    expect(all.topics).toEqual(expect.arrayContaining(['account', 'dhcp', 'hotspot', 'info', 'system']));
    const dhcp = (await hk.log(DEFAULT_SITE, { topic: 'dhcp' })).data;
    expect(dhcp.lines.map((l) => l.message)).toEqual([
      'dhcp1 assigned 10.5.50.31 for 02:50:00:00:00:21 Galaxy-A12',
    ]);
    const text = (await hk.log(DEFAULT_SITE, { text: 'LOGGED IN FROM' })).data;
    expect(text.lines.every((l) => l.message.includes('logged in from'))).toBe(true);
    expect(text.matching).toBe(text.lines.length);
    expect((await hk.log(DEFAULT_SITE, { limit: 1 })).data.lines).toHaveLength(1);
  });

  it('resources, interfaces and the traffic through one', async () => {
    const o = (await hk.overview(DEFAULT_SITE)).data;
    expect(o.resources).toMatchObject({ version: '7.18.2 (stable)', architecture: 'x86_64', cpuCount: 2 });
    expect(o.resources.totalMemory).toBeGreaterThan(o.resources.freeMemory!);
    expect(o.health).toEqual([]);
    expect(o.temperatureC).toBeNull();
    const names = (await hk.interfaces(DEFAULT_SITE)).data.map((i) => i.name);
    expect(names).toEqual(['ether1', 'ether2', 'bridge-hotspot']);
    const t = (await hk.traffic(DEFAULT_SITE, 'bridge-hotspot')).data;
    expect(t).toEqual({ name: 'bridge-hotspot', rxBps: 200_000, txBps: 4_000_000, rxPps: 17, txPps: 334 });
    const missing = await failure(hk.traffic(DEFAULT_SITE, 'ether9'));
    expect([missing.code, missing.status, missing.message]).toEqual([
      'NOT_FOUND',
      404,
      'The router has no interface "ether9"',
    ]);
    expect((await failure(hk.traffic(DEFAULT_SITE, 'ether1,ether2'))).code).toBe('INVALID_INPUT');
  });
});

describe('a second site', () => {
  it('reads its own router, not the .env one', async () => {
    const hosts = await hk.hosts(branch.site);
    expect(hosts.identity).toBe('Branch-2');
    expect(hosts.data.map((x) => x.mac)).toEqual(['02:66:00:00:00:01', '02:66:00:00:00:02']);
    expect((await hk.sessions(branch.site)).data.map((s) => s.user)).toEqual(['u1', 'u2']);
    const log = (await hk.log(branch.site, { topic: 'hotspot' })).data;
    expect(log.lines.map((l) => l.message)).toEqual([
      'u2 (10.66.0.12): logged in',
      'u1 (10.66.0.11): logged in',
    ]);
  });

  it('a site this server holds no connection to is said so', async () => {
    const e = await failure(hk.hosts({ id: 99, name: 'gone' }));
    expect([e.code, e.status]).toEqual(['SITE_UNREACHABLE', 503]);
    expect(e.message).toContain('the router of site "gone"');
  });
});

describe('a router that is down, hung or refusing', () => {
  it('down: every read says so; the presence says it without failing', async () => {
    branch.sim.setReachable(false);
    const client = h.core!.siteStacks.get(branch.site.id)!.router;
    while (client.status.connected) await new Promise((r) => setTimeout(r, 20));
    const e = await failure(hk.leases(branch.site));
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/^The router of site "branch-2" is not connected/);
    expect(await hk.presence(branch.site)).toMatchObject({ connected: false, uptimeSeconds: null });
    branch.sim.setReachable(true);
    await client.waitConnected(5000);
    expect((await hk.presence(branch.site)).connected).toBe(true);
  });

  it('hung: the read times out with a clear message', async () => {
    h.sim.faults.hangOn('/ip/hotspot/cookie/print');
    const e = await failure(hk.cookies(DEFAULT_SITE));
    expect([e.code, e.status]).toEqual(['ROUTER_TIMEOUT', 503]);
    expect(e.message).toMatch(/^Could not read the hotspot cookies from the router: .*Try again shortly\.$/);
    await h.router.waitConnected(5000);
  }, 15000);

  it('refusing: the router’s own words', async () => {
    h.sim.faults.trapOn('/log/print', 'not enough permissions (9)');
    const e = await failure(hk.log(DEFAULT_SITE));
    expect([e.status, e.message]).toEqual([
      502,
      'The router refused to show the log: not enough permissions (9)',
    ]);
  });
});

describe('reboot', () => {
  it('only the owner: not the API token, not the portal', async () => {
    for (const via of ['api', 'portal', 'system'] as const) {
      const e = await failure(hk.reboot(DEFAULT_SITE, { name: 'x', via }, { identity: 'Shop-Main' }));
      expect([e.code, e.status]).toEqual(['FORBIDDEN', 403]);
    }
    expect(h.router.status.connected).toBe(true);
  });

  it('not when the router is another than the one confirmed', async () => {
    const e = await failure(hk.reboot(DEFAULT_SITE, OWNER, { identity: 'Other-Router' }));
    expect([e.code, e.status]).toEqual(['ROUTER_CHANGED', 409]);
    expect(h.router.status.connected).toBe(true);
  });

  it('the router confirmed goes down, is audited, and comes back with a fresh uptime', async () => {
    h.clock.advance(3600_000);
    expect((await hk.presence(DEFAULT_SITE)).uptimeSeconds).toBeGreaterThanOrEqual(3600);
    const down = new Promise<void>((resolve) => {
      const off = h.router.onStatus((s) => {
        if (!s.connected) {
          off();
          resolve();
        }
      });
    });
    expect(await hk.reboot(DEFAULT_SITE, OWNER, { identity: 'Shop-Main' })).toEqual({
      identity: 'Shop-Main',
    });
    await down;
    const { entries } = await h.core!.services.audit.list({ action: 'router.reboot' });
    expect(entries[0]).toMatchObject({
      actor: 'admin (admin)',
      target: 'default',
      details: { site: 1, identity: 'Shop-Main' },
    });
    expect(await h.router.waitConnected(5000)).toBe(true);
    const back = await hk.presence(DEFAULT_SITE);
    expect(back).toMatchObject({ connected: true, identity: 'Shop-Main', uptimeSeconds: 0 });
    // Memory log and sessions went with the reboot.
    expect((await hk.sessions(DEFAULT_SITE)).data).toEqual([]);
  });

  it('a router that is not connected is not rebooted', async () => {
    const e = await failure(hk.reboot({ id: 99, name: 'gone' }, OWNER, { identity: '' }));
    expect(e.code).toBe('SITE_UNREACHABLE');
  });
});
