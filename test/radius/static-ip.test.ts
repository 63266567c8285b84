/**
 * Fixed addresses on a RADIUS site, with real FreeRADIUS on PostgreSQL and the simulator as the router: the
 * subscriber's reply holds `Framed-IP-Address` (in the place of the plan's pool), its PPPoE session takes it, a
 * change disconnects the running session once and the next login takes the new address.
 */
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { PROFILES } from '../subscribers/helpers';
import { addRadiusSubscriber, pppAuth, startPppSite, until, type PppSite } from './ppp-site';

const CPE = 'AA:BB:CC:00:56:01';

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('fixed addresses on a RADIUS site', () => {
  let p: PppSite;

  beforeAll(async () => {
    p = await startPppSite(PROFILES);
  });
  afterAll(async () => {
    await p?.close();
  });

  const reply = async (username: string) =>
    (await p.h.core!.db('radreply').where({ username }).select('attribute', 'value')) as Array<{
      attribute: string;
      value: string;
    }>;
  const active = (name: string) => p.sim.rows('/ppp/active').find((a) => a.name === name);

  it("answers the subscriber's address as Framed-IP-Address, and its session takes it", async () => {
    const site = await api(p.h, 'PUT', `/sites/${p.siteId}`, { static_pool: '10.30.0.8-10.30.0.15' });
    expect(site.json.site.static_pool).toBe('10.30.0.8-10.30.0.15');
    const s = await addRadiusSubscriber(p, {
      username: 'cam.r',
      password: 'Cam-pass-123',
      static_ip: 'auto',
    });
    expect(s.static_ip).toBe('10.30.0.8');
    expect(await reply('cam.r')).toContainEqual({ attribute: 'Framed-IP-Address', value: '10.30.0.8' });
    const r = await pppAuth(p, 'cam.r', 'Cam-pass-123', CPE);
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Framed-IP-Address']).toBe('10.30.0.8');
    expect(await p.sim.pppoe.dial({ mac: CPE, user: 'cam.r', password: 'Cam-pass-123' })).toEqual({
      ok: true,
      address: '10.30.0.8',
    });
    await p.sim.radiusSettled();

    // A new address: the running session is disconnected once, and the next login takes it.
    expect((await api(p.h, 'PUT', `/subscribers/${s.id}`, { static_ip: '10.30.0.12' })).status).toBe(200);
    await until(() => active('cam.r') === undefined);
    expect(await reply('cam.r')).toContainEqual({ attribute: 'Framed-IP-Address', value: '10.30.0.12' });
    expect(await p.sim.pppoe.dial({ mac: CPE, user: 'cam.r', password: 'Cam-pass-123' })).toEqual({
      ok: true,
      address: '10.30.0.12',
    });
    await p.sim.radiusSettled();
    const session = active('cam.r')!['.id'];
    await p.h.core!.siteStacks.get(p.siteId)!.radiusSubscribers.check('again');
    expect(active('cam.r')?.['.id']).toBe(session);
  });
});
