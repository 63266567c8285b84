/**
 * Subscribers on a RADIUS site, with the simulator as the router (PPPoE asking RADIUS) and real FreeRADIUS on
 * PostgreSQL: a subscriber's rows are written within a second of its creation, a CPE dials in and gets the plan's
 * speeds; a wrong password and an ended subscriber are refused; a suspension reaches the running session by CoA
 * (the address list) and the next login's Accept; a resume takes it out (a Disconnect: the CPE dials again); an
 * ended subscriber's session is disconnected; a plan change reaches the running session by CoA.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { RawClient } from '../simulator/raw-client';
import { PROFILES, JUAN } from '../subscribers/helpers';
import { RouterSimulator } from '../../src/simulator';

const SECRET = 'Branch-P-secret-1';
const PASSWORD = 'Api-pa55word';
const CPE = 'AA:BB:CC:00:55:01';
const CPE2 = 'AA:BB:CC:00:55:02';
const PLANS = [
  ...PROFILES,
  {
    name: 'HOMEB',
    billing: 'monthly',
    price: 799,
    rate_up: '1M',
    rate_down: '2M',
    burst: { rate_up: '2M', rate_down: '4M', threshold_up: '768K', threshold_down: '1536K', time: '10s' },
  },
];
const HOMEB_RATE = '1000000/2000000 2000000/4000000 768000/1536000 10s/10s';

/** Until `ok()` holds, within `ms` (the room's change listener is asynchronous). */
async function until(ok: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('not within the time allowed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

(radiusAvailable ? describePostgresOnly : describe.skip)('subscribers on a RADIUS site', () => {
  let h: Harness;
  let sim: RouterSimulator;
  let ros: RawClient;
  let fr: FreeRadius;
  let siteId: number;

  beforeAll(async () => {
    // The server's own jobs run (the subscribers' change listener among them), as in a shop.
    h = await createHarness({ http: true, profiles: PLANS });
    // FreeRADIUS and PostgreSQL keep real time: so do the controller and the router here.
    h.clock.set(Date.now());
    sim = new RouterSimulator({
      port: 0,
      identity: 'Branch-P',
      users: [{ name: 'pisonet', password: PASSWORD }],
      radiusIncomingPort: 0,
      clock: () => h.clock.now(),
    });
    const { port } = await sim.start();
    ros = await RawClient.login(port, 'pisonet', PASSWORD);
    // The router takes CoA and Disconnect (its port is the site's coa_port).
    await ros.ok(['/radius/incoming/set', '=accept=yes']);
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-p',
      mode: 'radius',
      nas_address: '127.0.0.1',
      radius_secret: SECRET,
      coa_port: sim.radiusIncomingPort,
    });
    expect(site.status).toBe(201);
    siteId = site.json.site.id;
    fr = await startFreeRadius(h);
    // The owner's router setup for PPPoE over RADIUS (docs/radius.md "Subscribers").
    await ros.ok([
      '/radius/add',
      '=service=ppp',
      '=address=127.0.0.1',
      `=secret=${SECRET}`,
      `=authentication-port=${fr.authPort}`,
      `=accounting-port=${fr.acctPort}`,
    ]);
    await ros.ok(['/ppp/aaa/set', '=use-radius=yes']);
    await ros.ok(['/ip/pool/add', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.50']);
    await ros.ok([
      '/ppp/profile/set',
      '=numbers=default',
      '=remote-address=pppoe-pool',
      '=local-address=10.10.0.1',
    ]);
    await ros.ok([
      '/interface/pppoe-server/server/add',
      '=interface=ether2',
      '=service-name=isp',
      '=disabled=no',
    ]);
  });
  afterAll(async () => {
    await ros?.close();
    await fr?.stop();
    await h?.close();
    await sim?.stop();
  });

  const db = () => h.core!.db;
  const rowsOf = async (username: string) => ({
    check: await db()('radcheck').where({ username }).orderBy('attribute').select('attribute', 'op', 'value'),
    reply: await db()('radreply').where({ username }).orderBy('attribute').select('attribute', 'value'),
  });
  const active = (name: string) => sim.rows('/ppp/active').find((a) => a.name === name);
  const listed = (address: string) =>
    sim
      .rows('/ip/firewall/address-list')
      .filter((e) => e.address === address)
      .map((e) => e.list);
  const add = async (extra: Record<string, unknown>) => {
    const res = await api(h, 'POST', '/subscribers', { ...JUAN, site: 'branch-p', ...extra });
    expect(res.status).toBe(201);
    return res.json.subscriber;
  };
  const ppp = (user: string, password: string, extra: Record<string, string> = {}) =>
    radclient('auth', fr.authPort, SECRET, {
      'User-Name': user,
      'User-Password': password,
      'Service-Type': 'Framed-User',
      'Framed-Protocol': 'PPP',
      'Calling-Station-Id': CPE,
      'NAS-IP-Address': '127.0.0.1',
      ...extra,
    });

  it('a new subscriber is a FreeRADIUS user within a second: PPP only, the plan speeds and the interim interval', async () => {
    const s = await add({ username: 'ana.r', profile: 'HOMEB', password: 'Ana-pass-123' });
    await until(async () => (await rowsOf('ana.r')).check.length > 0, 2000);
    const r = await ppp('ana.r', 'Ana-pass-123');
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes).toMatchObject({ 'Mikrotik-Rate-Limit': HOMEB_RATE, 'Acct-Interim-Interval': '60' });
    expect(r.attributes['Mikrotik-Address-List']).toBeUndefined();
    // The same name and password on a hotspot login page (Login-User, no Framed-Protocol): refused.
    const hotspot = await radclient('auth', fr.authPort, SECRET, {
      'User-Name': 'ana.r',
      'User-Password': 'Ana-pass-123',
      'Service-Type': 'Login-User',
      'Calling-Station-Id': CPE,
    });
    expect(hotspot.code).toBe('Access-Reject');
    expect((await ppp('ana.r', 'wrong-pass-1')).code).toBe('Access-Reject');
    // The password is the sealed one, opened: the owner's view and FreeRADIUS agree.
    expect(s.password).toBe('Ana-pass-123');
    // Rows changed by hand are put back by the site's next poll; only what differs is written.
    const before = await rowsOf('ana.r');
    await db()('radreply')
      .where({ username: 'ana.r', attribute: 'Mikrotik-Rate-Limit' })
      .update({ value: '9M/9M' });
    await db()('radcheck').where({ username: 'ana.r', attribute: 'Service-Type' }).delete();
    await h.core!.siteStacks.get(siteId)!.pollOnce();
    expect(await rowsOf('ana.r')).toEqual(before);
    const untouched = await db()('radcheck').where({ username: 'ana.r' }).pluck('id');
    expect(await h.core!.siteStacks.get(siteId)!.radiusSubscribers!.check()).toMatchObject({
      written: 0,
      removed: 0,
    });
    expect(await db()('radcheck').where({ username: 'ana.r' }).pluck('id')).toEqual(untouched);
  });

  it('a CPE dials in through the simulator: online with the plan speeds; a wrong password is refused', async () => {
    await add({ username: 'ben.r', profile: 'HOMEB', password: 'Ben-pass-123' });
    await until(async () => (await rowsOf('ben.r')).check.length > 0, 2000);
    expect(await sim.pppoe.dial({ mac: CPE2, user: 'ben.r', password: 'not-his-1' })).toMatchObject({
      ok: false,
    });
    const up = await sim.pppoe.dial({ mac: CPE2, user: 'ben.r', password: 'Ben-pass-123' });
    expect(up).toMatchObject({ ok: true });
    expect(active('ben.r')).toMatchObject({ radius: 'true' });
    const queue = sim.rows('/queue/simple').find((q) => q.name === '<pppoe-ben.r>');
    expect(queue?.['max-limit']).toBe('1000000/2000000');
    expect(queue?.['burst-limit']).toBe('2000000/4000000');
    sim.pppoe.hangUp(CPE2);
  });

  it('suspend: the running session is put in the list by CoA and stays up; resume: out of it; delete: ended and refused', async () => {
    const s = await add({ username: 'cora.r', profile: 'HOMEB', password: 'Cora-pass-12' });
    await until(async () => (await rowsOf('cora.r')).check.length > 0, 2000);
    const up = await sim.pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' });
    expect(up).toMatchObject({ ok: true });
    const address = (up as { address: string }).address;
    await sim.radiusSettled();
    const session = active('cora.r')!['.id'];

    expect((await api(h, 'POST', `/subscribers/${s.id}/suspend`, { reason: 'unpaid' })).status).toBe(200);
    await until(() => listed(address).includes('pisonet-suspended'));
    // The same session, still up.
    expect(active('cora.r')?.['.id']).toBe(session);
    // Its next login is answered the list too.
    const r = await ppp('cora.r', 'Cora-pass-12');
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Mikrotik-Address-List']).toBe('pisonet-suspended');

    expect((await api(h, 'POST', `/subscribers/${s.id}/resume`, {})).status).toBe(200);
    // Out of the list: the session is ended, and the CPE's next session is answered without it.
    await until(() => !listed(address).includes('pisonet-suspended'));
    expect(active('cora.r')).toBeUndefined();
    const back = await sim.pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' });
    expect(back).toMatchObject({ ok: true });
    expect(listed((back as { address: string }).address)).not.toContain('pisonet-suspended');
    await sim.radiusSettled();

    expect((await api(h, 'DELETE', `/subscribers/${s.id}`)).status).toBe(200);
    await until(() => active('cora.r') === undefined);
    expect(await rowsOf('cora.r')).toEqual({ check: [], reply: [] });
    expect(await sim.pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' })).toMatchObject({
      ok: false,
    });
  });

  it('a plan change reaches the running session by CoA, and its next login', async () => {
    const s = await add({ username: 'dan.r', profile: 'HOMEB', password: 'Dan-pass-123' });
    await until(async () => (await rowsOf('dan.r')).check.length > 0, 2000);
    expect(await sim.pppoe.dial({ mac: CPE2, user: 'dan.r', password: 'Dan-pass-123' })).toMatchObject({
      ok: true,
    });
    await sim.radiusSettled();
    const session = active('dan.r')!['.id'];
    expect((await api(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME10' })).status).toBe(200);
    const queue = () => sim.rows('/queue/simple').find((q) => q.name === '<pppoe-dan.r>');
    await until(() => queue()?.['max-limit'] === '5000000/10000000');
    expect(active('dan.r')?.['.id']).toBe(session);
    expect((await ppp('dan.r', 'Dan-pass-123')).attributes['Mikrotik-Rate-Limit']).toBe('5000000/10000000');
    sim.pppoe.hangUp(CPE2);
  });
});
