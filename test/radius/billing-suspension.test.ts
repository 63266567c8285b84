/**
 * Suspension for an unpaid invoice on a RADIUS site (real FreeRADIUS on PostgreSQL, the simulator as the router):
 * the day after the due date, billing's run puts the running session in pisonet-suspended by CoA (the session
 * stays up) and the next login is answered the list; a cash payment takes it out within 5 s and the next login is
 * answered without it.
 */
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { PROFILES } from '../subscribers/helpers';
import { addRadiusSubscriber, pppAuth, startPppSite, until, type PppSite } from './ppp-site';

const CPE = 'AA:BB:CC:00:56:01';

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)('suspension for unpaid on a RADIUS site', () => {
  let p: PppSite;
  beforeAll(async () => {
    p = await startPppSite(PROFILES);
  });
  afterAll(async () => {
    await p?.close();
  });

  const listed = (address: string) =>
    p.sim
      .rows('/ip/firewall/address-list')
      .filter((e) => e.address === address)
      .map((e) => e.list);

  it('suspends by CoA the day after the due date; a cash payment lifts it within 5 s', async () => {
    const s = await addRadiusSubscriber(p, { username: 'fe.r', profile: 'HOME10', password: 'Fe-pass-1234' });
    const up = await p.sim.pppoe.dial({ mac: CPE, user: 'fe.r', password: 'Fe-pass-1234' });
    expect(up).toMatchObject({ ok: true });
    const address = (up as { address: string }).address;
    await p.sim.radiusSettled();
    const session = p.sim.rows('/ppp/active').find((a) => a.name === 'fe.r')!['.id'];
    const [inv] = (await api(p.h, 'GET', `/subscribers/${s.id}/invoices`)).json.invoices;

    // The due date itself: not yet. The next day, past it: billing suspends.
    const dueDay = Date.parse(`${inv.due_on}T12:00:00+08:00`);
    p.h.clock.set(dueDay);
    await api(p.h, 'POST', '/billing/run');
    expect((await api(p.h, 'GET', `/subscribers/${s.id}`)).json.subscriber.status).toBe('active');
    p.h.clock.set(dueDay + 24 * 3600 * 1000);
    await api(p.h, 'POST', '/billing/run');
    expect((await api(p.h, 'GET', `/subscribers/${s.id}`)).json.subscriber.status).toBe('suspended');
    await until(() => listed(address).includes('pisonet-suspended'));
    expect(p.sim.rows('/ppp/active').find((a) => a.name === 'fe.r')?.['.id']).toBe(session);
    expect((await pppAuth(p, 'fe.r', 'Fe-pass-1234', CPE)).attributes['Mikrotik-Address-List']).toBe(
      'pisonet-suspended',
    );

    const started = Date.now();
    const paid = await api(p.h, 'POST', `/subscribers/${s.id}/payments`, {
      amount: inv.amount,
      method: 'cash',
    });
    expect(paid.status).toBe(201);
    await until(() => !listed(address).includes('pisonet-suspended'), 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const next = await pppAuth(p, 'fe.r', 'Fe-pass-1234', CPE);
    expect(next.code).toBe('Access-Accept');
    expect(next.attributes['Mikrotik-Address-List']).toBeUndefined();
  });
});
