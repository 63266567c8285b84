/**
 * A RADIUS site's accounting is its subscribers' usage, and the policy's caps reach their sessions: with the
 * simulator as the router (PPPoE asking RADIUS) and real FreeRADIUS on PostgreSQL, a dialled subscriber's bytes
 * (interim updates, then its Stop) are booked to its cycle within a poll; a throttling cap changes the running
 * session's rate by CoA and the next login's answer; a blocking cap ends the session and refuses it until the next
 * cycle. The vouchers' accounting leaves the PPP sessions out (no "unknown code" for a subscriber).
 */
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { addRadiusSubscriber, pppAuth, startPppSite, until, type PppSite } from './ppp-site';

const MB = 1_000_000;
const PLANS = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'FAST', billing: 'monthly', price: 1499, rate_up: '10M', rate_down: '20M' },
  {
    name: 'CAPT',
    billing: 'monthly',
    price: 999,
    rate_up: '10M',
    rate_down: '20M',
    data_cap: '100M',
    cap_policy: 'throttle',
    cap_rate_up: '256K',
    cap_rate_down: '512K',
  },
  {
    name: 'CAPB',
    billing: 'monthly',
    price: 999,
    rate_up: '10M',
    rate_down: '20M',
    data_cap: '100M',
    cap_policy: 'block',
  },
];

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  "a RADIUS site's subscribers: usage and caps",
  () => {
    let p: PppSite;

    beforeAll(async () => {
      p = await startPppSite(PLANS);
      // The test drives the polls itself (later() below). The server's own poll job follows the test's clock, so
      // every minute moved on would also start one, at a moment of its own: between the clock's move and the
      // router's interim update it reads the old totals at the new time, and the test's poll, moments after at the
      // same time, then keeps that reading's speed (0) instead of the update's.
      await stack().stopPoll();
    });
    afterAll(async () => {
      await p?.close();
    });

    const stack = () => p.h.core!.siteStacks.get(p.siteId)!;
    const counted = async (id: number) =>
      (await api(p.h, 'GET', `/subscribers/${id}`)).json.subscriber.usage.counted_bytes as number;
    const active = (name: string) => p.sim.rows('/ppp/active').find((a) => a.name === name);
    const queueOf = (name: string) => p.sim.rows('/queue/simple').find((q) => q.name === `<pppoe-${name}>`);
    /** Time passes on the router (interim updates go out), then the controller polls. */
    const later = async (seconds: number) => {
      p.h.clock.advance(seconds * 1000);
      p.sim.tick(seconds);
      await p.sim.radiusSettled();
      await stack().pollOnce();
    };

    it('a dialled subscriber moves bytes: booked from the interim updates within a poll, and its last ones from its Stop', async () => {
      const s = await addRadiusSubscriber(p, {
        username: 'eva.r',
        profile: 'FAST',
        password: 'Eva-pass-123',
      });
      expect(
        await p.sim.pppoe.dial({ mac: 'AA:BB:CC:00:56:01', user: 'eva.r', password: 'Eva-pass-123' }),
      ).toMatchObject({
        ok: true,
      });
      await p.sim.radiusSettled();
      p.sim.pppoe.addTraffic('eva.r', { up: 10 * MB, down: 40 * MB }, 60);
      await later(60);
      expect(Math.abs((await counted(s.id)) - 50 * MB)).toBeLessThanOrEqual(0.5 * MB);
      p.sim.pppoe.addTraffic('eva.r', { up: 5 * MB, down: 25 * MB }, 60);
      await later(60);
      expect(Math.abs((await counted(s.id)) - 80 * MB)).toBeLessThanOrEqual(0.8 * MB);
      // Who is online, from accounting: the session's address and the speed of its totals' growth.
      const online = (await api(p.h, 'GET', `/subscribers/${s.id}`)).json.subscriber.session;
      expect(online).toMatchObject({ online: true, address: active('eva.r')!.address });
      expect(online.rate.down).toBeGreaterThan(0);
      // Bytes after the last interim update, then a hang-up: the Stop's totals are booked by the next poll, once.
      p.sim.pppoe.addTraffic('eva.r', { up: 1 * MB, down: 9 * MB }, 10);
      p.sim.pppoe.hangUp('AA:BB:CC:00:56:01');
      await p.sim.radiusSettled();
      await later(5);
      expect(Math.abs((await counted(s.id)) - 90 * MB)).toBeLessThanOrEqual(0.9 * MB);
      await later(60);
      expect(Math.abs((await counted(s.id)) - 90 * MB)).toBeLessThanOrEqual(0.9 * MB);
      // Its Stop came: offline.
      expect((await api(p.h, 'GET', `/subscribers/${s.id}`)).json.subscriber.session).toMatchObject({
        online: false,
      });
      // The vouchers' side does not take the PPP session for a code it does not know.
      const unknown = await p.h.core!.db('events').where({ kind: 'radius-unknown-code' });
      expect(unknown).toEqual([]);
    });

    it('a throttling cap: the running session takes the cap rate by CoA, and its next login is answered it', async () => {
      const s = await addRadiusSubscriber(p, { username: 'fe.r', profile: 'CAPT', password: 'Fe-pass-1234' });
      expect(
        await p.sim.pppoe.dial({ mac: 'AA:BB:CC:00:56:02', user: 'fe.r', password: 'Fe-pass-1234' }),
      ).toMatchObject({
        ok: true,
      });
      await p.sim.radiusSettled();
      const session = active('fe.r')!['.id'];
      expect(queueOf('fe.r')?.['max-limit']).toBe('10000000/20000000');
      p.sim.pppoe.addTraffic('fe.r', { up: 10 * MB, down: 100 * MB }, 60);
      await later(60);
      expect(await counted(s.id)).toBeGreaterThanOrEqual(100 * MB);
      await until(() => queueOf('fe.r')?.['max-limit'] === '256000/512000');
      expect(active('fe.r')?.['.id']).toBe(session);
      const r = await pppAuth(p, 'fe.r', 'Fe-pass-1234', 'AA:BB:CC:00:56:02');
      expect(r.code).toBe('Access-Accept');
      expect(r.attributes['Mikrotik-Rate-Limit']).toBe('256000/512000');
    });

    it('a blocking cap: the session is disconnected and its logins refused until the next cycle', async () => {
      const s = await addRadiusSubscriber(p, {
        username: 'gil.r',
        profile: 'CAPB',
        password: 'Gil-pass-123',
      });
      expect(
        await p.sim.pppoe.dial({ mac: 'AA:BB:CC:00:56:03', user: 'gil.r', password: 'Gil-pass-123' }),
      ).toMatchObject({
        ok: true,
      });
      await p.sim.radiusSettled();
      p.sim.pppoe.addTraffic('gil.r', { up: 10 * MB, down: 100 * MB }, 60);
      await later(60);
      expect(await counted(s.id)).toBeGreaterThanOrEqual(100 * MB);
      await until(() => active('gil.r') === undefined);
      const r = await pppAuth(p, 'gil.r', 'Gil-pass-123', 'AA:BB:CC:00:56:03');
      expect(r.code).toBe('Access-Reject');
      expect(r.attributes['Reply-Message']).toMatch(/Data cap reached: back on \d{4}-\d{2}-\d{2}/);
      expect(
        await p.sim.pppoe.dial({ mac: 'AA:BB:CC:00:56:03', user: 'gil.r', password: 'Gil-pass-123' }),
      ).toMatchObject({ ok: false });
    });

    it('with the controller away, a session that came and went meanwhile is booked in full when it is back', async () => {
      const s = await addRadiusSubscriber(p, {
        username: 'hal.r',
        profile: 'FAST',
        password: 'Hal-pass-123',
      });
      const mac = 'AA:BB:CC:00:56:04';
      // No poll from here: the router and FreeRADIUS go on alone (the server's own poll job is stopped, above).
      expect(await p.sim.pppoe.dial({ mac, user: 'hal.r', password: 'Hal-pass-123' })).toMatchObject({
        ok: true,
      });
      await p.sim.radiusSettled();
      p.sim.pppoe.addTraffic('hal.r', { up: 4 * MB, down: 16 * MB }, 60);
      p.h.clock.advance(60_000);
      p.sim.tick(60);
      p.sim.pppoe.addTraffic('hal.r', { up: 1 * MB, down: 9 * MB }, 30);
      p.sim.pppoe.hangUp(mac);
      await p.sim.radiusSettled();
      expect(await counted(s.id)).toBe(0);
      await later(600);
      expect(Math.abs((await counted(s.id)) - 30 * MB)).toBeLessThanOrEqual(0.3 * MB);
      await later(60);
      expect(Math.abs((await counted(s.id)) - 30 * MB)).toBeLessThanOrEqual(0.3 * MB);
    });
  },
);
