/**
 * The fair-use watch on a RADIUS site the controller has API access to: with the simulator as the router (PPPoE
 * asking real FreeRADIUS on PostgreSQL), a subscriber near its FUP threshold is read over the API between interim
 * updates, and a crossing reaches its running session by CoA at the next watch read, not at the next interim update
 * and poll. The plan: 5M up / 10M down, fair use at 100M, then 1M/2M.
 */
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { addRadiusSubscriber, startPppSite, until, type PppSite } from '../radius/ppp-site';

const MB = 1_000_000;
const FUP_PLAN = {
  name: 'HOMEF',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  fup: { threshold: '100M', rate_up: '1M', rate_down: '2M' },
};

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'the fair-use watch on a RADIUS site with API access',
  () => {
    let p: PppSite;

    beforeAll(async () => {
      p = await startPppSite([FUP_PLAN], { apiAccess: true });
      // The test drives the polls and the watch's ticks itself.
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
    const advance = async (seconds: number) => {
      p.h.clock.advance(seconds * 1000);
      p.sim.tick(seconds);
      await p.sim.radiusSettled();
    };
    const watch = async () => (await stack().usage.watch!()).subscribers;

    it('a crossing between interim updates reaches the running session by CoA at the next watch read', async () => {
      await until(() => stack().apiAccess && p.h.core!.siteStacks.get(p.siteId) !== undefined);
      const s = await addRadiusSubscriber(p, {
        username: 'rosa.r',
        profile: 'HOMEF',
        password: 'Rosa-pass-12',
      });
      const dial = { mac: 'AA:BB:CC:00:64:11', user: 'rosa.r', password: 'Rosa-pass-12' };
      expect(await p.sim.pppoe.dial(dial)).toMatchObject({ ok: true });
      await p.sim.radiusSettled();
      const session = active('rosa.r')!['.id'];
      p.sim.pppoe.addTraffic('rosa.r', { up: 0, down: 70 * MB }, 60);
      // The interim update at 60 s brings the 70 MB; the poll books them.
      await advance(60);
      await stack().pollOnce();
      expect(Math.abs((await counted(s.id)) - 70 * MB)).toBeLessThanOrEqual(0.7 * MB);
      await advance(1);
      expect(await watch()).toMatchObject({ watched: 1, enforced: 0 });
      // 20 s at full speed (37.5 MB): past the line 40 s before the next interim update.
      p.sim.pppoe.addTraffic('rosa.r', { up: 20 * 625_000, down: 20 * 1_250_000 }, 20);
      await advance(20);
      expect(queueOf('rosa.r')?.['max-limit']).toBe('5000000/10000000');
      expect(await watch()).toMatchObject({ watched: 1, enforced: 1 });
      // The CoA's rate is on the same session's queue: no new login.
      await until(() => queueOf('rosa.r')?.['max-limit'] === '1000000/2000000');
      expect(active('rosa.r')?.['.id']).toBe(session);
      // Nothing booked by the watch: the counted bytes are the poll's until the next interim update.
      expect(Math.abs((await counted(s.id)) - 70 * MB)).toBeLessThanOrEqual(0.7 * MB);
    });
  },
);
