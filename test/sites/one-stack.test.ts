/**
 * One site stack for every site, on the server as the owner runs it (PostgreSQL, real FreeRADIUS): an API site and
 * a RADIUS site added on the Sites API are both running site stacks with their poll jobs; each polls, holds its
 * lease and counts its database listener; extra data sold at the counter for the RADIUS site's code reaches its
 * FreeRADIUS user through the site's logins at once (and the counter says so); removing both sites stops both
 * stacks and leaves nothing behind: no lease, no listener, no timer, no open connection.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { PROFILES, MB } from '../overage/helpers';
import { api, startRouter } from './helpers';
import { listen } from '../../src/radius/udp';
import type { RouterSimulator } from '../../src/simulator';

const SECRET = 'One-stack-secret';
const PASS = 'One-stack-pa55';
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const until = async (ok: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('one site stack for every site', () => {
  let h: Harness;
  let fr: FreeRadius;
  let branch: { sim: RouterSimulator; port: number };
  let coa: { close(): Promise<void>; port: number };
  let ids: { api: number; radius: number };
  const before = { listeners: 0, timers: 0 };

  beforeAll(async () => {
    h = await createHarness({
      http: true,
      profiles: PROFILES,
      sites: { sitePolls: true, siteReconnect: { minMs: 50, maxMs: 300 } },
    });
    // FreeRADIUS and PostgreSQL keep real time: so does the controller here.
    h.clock.set(Date.now());
    branch = await startRouter({ identity: 'Branch-API', password: PASS });
    // The RADIUS router's `/radius incoming`: acknowledges every CoA and Disconnect.
    coa = await listen({
      port: 0,
      address: '127.0.0.1',
      secretOf: () => SECRET,
      handle: async (req) => ({
        code: req.code === 'Disconnect-Request' ? 'Disconnect-ACK' : 'CoA-ACK',
        attributes: [],
      }),
    });
    const core = h.core!;
    before.listeners = core.db.getMaxListeners();
    before.timers = timers();
    const apiSite = await api(h, 'POST', '/sites', {
      name: 'branch-api',
      host: '127.0.0.1',
      port: branch.port,
      user: 'pisonet',
      password: PASS,
    });
    expect(apiSite.status).toBe(201);
    const radiusSite = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '127.0.0.1',
      radius_secret: SECRET,
      coa_port: coa.port,
    });
    expect(radiusSite.status).toBe(201);
    ids = { api: apiSite.json.site.id as number, radius: radiusSite.json.site.id as number };
    // FreeRADIUS reads its clients (the RADIUS sites) at its start.
    fr = await startFreeRadius(h);
  });
  afterAll(async () => {
    await fr?.stop();
    await coa?.close();
    await h?.close();
    await branch?.sim.stop();
  });

  it('runs an API site and a RADIUS site as the same stack, and removing them leaves nothing behind', async () => {
    const core = h.core!;
    await until(() => core.siteStacks.has(ids.api) && core.siteStacks.has(ids.radius), 'both stacks');
    const apiStack = core.siteStacks.get(ids.api)!;
    const radiusStack = core.siteStacks.get(ids.radius)!;
    await until(() => apiStack.router.status.connected, 'the API site connected');
    // One listener more per running stack (its poll's database watch), whatever its mode.
    expect(core.db.getMaxListeners()).toBe(before.listeners + 2);
    // Both run their poll job; the RADIUS site's needs no connection (it has no API access: never connected).
    expect(apiStack.pollJob).toBeDefined();
    expect(radiusStack.pollJob).toBeDefined();
    expect(radiusStack.apiAccess).toBe(false);
    expect(radiusStack.router.status.connected).toBe(false);

    // Each polls on the one path and holds its lease.
    expect((await apiStack.pollOnce()).skipped).toBeUndefined();
    expect((await radiusStack.pollOnce()).skipped).toBeUndefined();
    expect(core.leases.held()).toEqual(expect.arrayContaining([ids.api, ids.radius]));

    // A capped code of the RADIUS site online with 100 MB used: its FreeRADIUS user may move 400 MB more.
    const made = await api(h, 'POST', '/vouchers', { profile: 'CAP', count: 1, site: 'branch-r' });
    expect(made.status).toBe(201);
    const code = made.json.vouchers[0].code as string;
    const device = {
      'User-Name': code,
      'Calling-Station-Id': '02:00:00:00:5C:01',
      'NAS-IP-Address': '127.0.0.1',
    };
    expect((await radclient('auth', fr.authPort, SECRET, { ...device, 'User-Password': code })).code).toBe(
      'Access-Accept',
    );
    const session = { ...device, 'Acct-Session-Id': '5c000001', 'Framed-IP-Address': '10.5.50.91' };
    await radclient('acct', fr.acctPort, SECRET, { ...session, 'Acct-Status-Type': 'Start' });
    await radclient('acct', fr.acctPort, SECRET, {
      ...session,
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Input-Octets': 0,
      'Acct-Output-Octets': 100 * MB,
      'Acct-Session-Time': 60,
    });
    await radiusStack.pollOnce();
    const left = async () =>
      (
        (await core.db('radreply').where({ username: code, attribute: 'Mikrotik-Total-Limit' }).first()) as
          { value: string } | undefined
      )?.value;
    expect(await left()).toBe(String(400 * MB));

    // Extra data at the counter: written to the code's FreeRADIUS user at once, and the counter says so.
    const sold = await api(h, 'POST', `/vouchers/${code}/overage`);
    expect(sold.status).toBe(200);
    expect(sold.json).toMatchObject({ applied_now: true, charge: { bytes: 200 * MB } });
    expect(await left()).toBe(String(600 * MB));

    // Removed: each stack stopped the same way.
    expect((await api(h, 'DELETE', `/sites/${ids.api}`)).status).toBe(200);
    expect((await api(h, 'DELETE', `/sites/${ids.radius}?force=true`)).status).toBe(200);
    expect(core.siteStacks.size).toBe(0);
    // (The default site's lease is its own poll's.)
    expect(core.leases.held().filter((id) => id === ids.api || id === ids.radius)).toEqual([]);
    expect(core.db.getMaxListeners()).toBe(before.listeners);
    expect(apiStack.router.status.connected).toBe(false);
    // Their poll jobs' timers and the connection's are gone.
    await new Promise((r) => setTimeout(r, 50));
    expect(timers()).toBeLessThanOrEqual(before.timers);
  });
});
