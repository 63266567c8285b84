/**
 * Subscribers on a RADIUS site, with the simulator as the router (PPPoE asking RADIUS) and real FreeRADIUS on
 * PostgreSQL: a subscriber's rows are written within a second of its creation, a CPE dials in and gets the plan's
 * speeds; a wrong password and an ended subscriber are refused; a suspension reaches the running session by CoA
 * (the address list) and the next login's Accept; a resume takes it out (a Disconnect: the CPE dials again); an
 * ended subscriber's session is disconnected; a plan change reaches the running session by CoA.
 */
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { PROFILES } from '../subscribers/helpers';
import { addRadiusSubscriber, pppAuth, SECRET, startPppSite, until, type PppSite } from './ppp-site';

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

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('subscribers on a RADIUS site', () => {
  let p: PppSite;

  beforeAll(async () => {
    p = await startPppSite(PLANS);
  });
  afterAll(async () => {
    await p?.close();
  });

  const h = () => p.h;
  const sim = (): PppSite['sim'] => p.sim;
  const db = () => h().core!.db;
  const rowsOf = async (username: string) => ({
    check: await db()('radcheck').where({ username }).orderBy('attribute').select('attribute', 'op', 'value'),
    reply: await db()('radreply').where({ username }).orderBy('attribute').select('attribute', 'value'),
  });
  const active = (name: string) =>
    sim()
      .rows('/ppp/active')
      .find((a) => a.name === name);
  const listed = (address: string) =>
    sim()
      .rows('/ip/firewall/address-list')
      .filter((e) => e.address === address)
      .map((e) => e.list);
  const add = (extra: Record<string, unknown>) => addRadiusSubscriber(p, extra);
  const ppp = (user: string, password: string) => pppAuth(p, user, password, CPE);

  it('a new subscriber is a FreeRADIUS user within a second: PPP only, the plan speeds and the interim interval', async () => {
    const s = await add({ username: 'ana.r', profile: 'HOMEB', password: 'Ana-pass-123' });
    const r = await ppp('ana.r', 'Ana-pass-123');
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes).toMatchObject({ 'Mikrotik-Rate-Limit': HOMEB_RATE, 'Acct-Interim-Interval': '60' });
    expect(r.attributes['Mikrotik-Address-List']).toBeUndefined();
    // The same name and password on a hotspot login page (Login-User, no Framed-Protocol): refused.
    const hotspot = await radclient('auth', p.fr.authPort, SECRET, {
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
    await h().core!.siteStacks.get(p.siteId)!.pollOnce();
    expect(await rowsOf('ana.r')).toEqual(before);
    const untouched = await db()('radcheck').where({ username: 'ana.r' }).pluck('id');
    expect(await h().core!.siteStacks.get(p.siteId)!.radiusSubscribers!.check()).toMatchObject({
      written: 0,
      removed: 0,
    });
    expect(await db()('radcheck').where({ username: 'ana.r' }).pluck('id')).toEqual(untouched);
  });

  it('a CPE dials in through the simulator: online with the plan speeds; a wrong password is refused', async () => {
    await add({ username: 'ben.r', profile: 'HOMEB', password: 'Ben-pass-123' });
    expect(await sim().pppoe.dial({ mac: CPE2, user: 'ben.r', password: 'not-his-1' })).toMatchObject({
      ok: false,
    });
    const up = await sim().pppoe.dial({ mac: CPE2, user: 'ben.r', password: 'Ben-pass-123' });
    expect(up).toMatchObject({ ok: true });
    expect(active('ben.r')).toMatchObject({ radius: 'true' });
    const queue = sim()
      .rows('/queue/simple')
      .find((q) => q.name === '<pppoe-ben.r>');
    expect(queue?.['max-limit']).toBe('1000000/2000000');
    expect(queue?.['burst-limit']).toBe('2000000/4000000');
    sim().pppoe.hangUp(CPE2);
  });

  it('suspend: the running session is put in the list by CoA and stays up; resume: out of it; delete: ended and refused', async () => {
    const s = await add({ username: 'cora.r', profile: 'HOMEB', password: 'Cora-pass-12' });
    const up = await sim().pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' });
    expect(up).toMatchObject({ ok: true });
    const address = (up as { address: string }).address;
    await sim().radiusSettled();
    const session = active('cora.r')!['.id'];

    expect((await api(h(), 'POST', `/subscribers/${s.id}/suspend`, { reason: 'unpaid' })).status).toBe(200);
    await until(() => listed(address).includes('pisonet-suspended'));
    // The same session, still up.
    expect(active('cora.r')?.['.id']).toBe(session);
    // Its next login is answered the list too.
    const r = await ppp('cora.r', 'Cora-pass-12');
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Mikrotik-Address-List']).toBe('pisonet-suspended');

    expect((await api(h(), 'POST', `/subscribers/${s.id}/resume`, {})).status).toBe(200);
    // Out of the list: the session is ended, and the CPE's next session is answered without it.
    await until(() => !listed(address).includes('pisonet-suspended'));
    expect(active('cora.r')).toBeUndefined();
    const back = await sim().pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' });
    expect(back).toMatchObject({ ok: true });
    expect(listed((back as { address: string }).address)).not.toContain('pisonet-suspended');
    await sim().radiusSettled();

    expect((await api(h(), 'DELETE', `/subscribers/${s.id}`)).status).toBe(200);
    await until(() => active('cora.r') === undefined);
    expect(await rowsOf('cora.r')).toEqual({ check: [], reply: [] });
    expect(await sim().pppoe.dial({ mac: CPE, user: 'cora.r', password: 'Cora-pass-12' })).toMatchObject({
      ok: false,
    });
  });

  it('a plan change reaches the running session by CoA, and its next login', async () => {
    const s = await add({ username: 'dan.r', profile: 'HOMEB', password: 'Dan-pass-123' });
    expect(await sim().pppoe.dial({ mac: CPE2, user: 'dan.r', password: 'Dan-pass-123' })).toMatchObject({
      ok: true,
    });
    await sim().radiusSettled();
    const session = active('dan.r')!['.id'];
    expect((await api(h(), 'PUT', `/subscribers/${s.id}`, { profile: 'HOME10' })).status).toBe(200);
    const queue = () =>
      sim()
        .rows('/queue/simple')
        .find((q) => q.name === '<pppoe-dan.r>');
    await until(() => queue()?.['max-limit'] === '5000000/10000000');
    expect(active('dan.r')?.['.id']).toBe(session);
    expect((await ppp('dan.r', 'Dan-pass-123')).attributes['Mikrotik-Rate-Limit']).toBe('5000000/10000000');
    sim().pppoe.hangUp(CPE2);
  });

  it('a router that does not take the rate by CoA: the session is ended and dials in at the new speeds', async () => {
    const s = await add({ username: 'eli.r', profile: 'HOMEB', password: 'Eli-pass-123' });
    expect(await sim().pppoe.dial({ mac: CPE2, user: 'eli.r', password: 'Eli-pass-123' })).toMatchObject({
      ok: true,
    });
    await sim().radiusSettled();
    sim().faults.coaRateChanges('nak');
    try {
      expect((await api(h(), 'PUT', `/subscribers/${s.id}`, { profile: 'HOME10' })).status).toBe(200);
      await until(() => active('eli.r') === undefined);
      expect(await sim().pppoe.dial({ mac: CPE2, user: 'eli.r', password: 'Eli-pass-123' })).toMatchObject({
        ok: true,
      });
      const queue = sim()
        .rows('/queue/simple')
        .find((q) => q.name === '<pppoe-eli.r>');
      expect(queue?.['max-limit']).toBe('5000000/10000000');
    } finally {
      sim().faults.coaRateChanges('apply');
      sim().pppoe.hangUp(CPE2);
    }
  });

  it('a suspension the router did not hear (its CoA port wrong) reaches it at the next check once it answers', async () => {
    const s = await add({ username: 'fay.r', profile: 'HOMEB', password: 'Fay-pass-123' });
    const up = await sim().pppoe.dial({ mac: CPE, user: 'fay.r', password: 'Fay-pass-123' });
    expect(up).toMatchObject({ ok: true });
    await sim().radiusSettled();
    const address = (up as { address: string }).address;
    const stack = h().core!.siteStacks.get(p.siteId)!;
    const port = (await db()('sites').where({ id: p.siteId }).first()).coa_port;
    await db()('sites')
      .where({ id: p.siteId })
      .update({ coa_port: port === 1 ? 2 : 1 });
    await stack.radiusSubscribers!.check();
    expect((await api(h(), 'POST', `/subscribers/${s.id}/suspend`, { reason: 'unpaid' })).status).toBe(200);
    expect(await stack.radiusSubscribers!.check()).toMatchObject({ changed: 0, failed: 1 });
    expect(listed(address)).not.toContain('pisonet-suspended');
    await db()('sites').where({ id: p.siteId }).update({ coa_port: port });
    await stack.radiusSubscribers!.check();
    expect(listed(address)).toContain('pisonet-suspended');
    expect(active('fay.r')).toBeDefined();
    sim().pppoe.hangUp(CPE);
  }, 60_000);
});
