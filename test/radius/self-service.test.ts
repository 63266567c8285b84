/**
 * Self-service on a RADIUS site, with and without the controller's API access to its router, against the simulator
 * (playing the router and its RADIUS client, answering CoA and Disconnect) and real FreeRADIUS on PostgreSQL. A
 * top-up writes the code's FreeRADIUS rows at once and reaches the session online (a CoA with its new
 * Session-Timeout, or a login again over the API); a pause ends the code's session by a Disconnect and resume lets
 * the phone back in; a move ends the old phone's session and FreeRADIUS takes the new phone as the code's device.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { RawClient } from '../simulator/raw-client';
import { RouterSimulator } from '../../src/simulator';

const SECRET = 'Self-service-secret';
const PASSWORD = 'Api-pa55word';
const PROFILES = [
  { name: 'UP', price: 10, validity: '30m', users: 1, rate_up: '1M', rate_down: '2M', time_mode: 'uptime' },
  { name: 'UP10', price: 5, validity: '10m', users: 1, rate_up: '1M', rate_down: '2M', time_mode: 'uptime' },
];
const PHONE = { mac: '02:00:00:00:9B:01', ip: '10.5.50.111' };
const PHONE2 = { mac: '02:00:00:00:9B:02', ip: '10.5.50.112' };

const seconds = (text: string | undefined): number => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text ?? '');
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

function selfServiceOn(apiAccess: boolean) {
  return () => {
    let h: Harness;
    let sim: RouterSimulator;
    let ros: RawClient;
    let fr: FreeRadius;
    let siteId: number;

    beforeAll(async () => {
      h = await createHarness({ http: true, profiles: PROFILES, sites: { sitePolls: false } });
      h.clock.set(Date.now());
      sim = new RouterSimulator({
        port: 0,
        identity: 'Branch-S',
        users: [{ name: 'pisonet', password: PASSWORD }],
        radiusIncomingPort: 0,
        clock: () => h.clock.now(),
      });
      const { port } = await sim.start();
      sim.addDevice(PHONE);
      sim.addDevice(PHONE2);
      // The test's own connection to the router: the owner's setup and the phones on its login page.
      ros = await RawClient.login(port, 'pisonet', PASSWORD);
      await ros.ok(['/radius/incoming/set', '=accept=yes']);
      const site = await api(h, 'POST', '/sites', {
        name: 'branch-s',
        mode: 'radius',
        nas_address: '127.0.0.1',
        radius_secret: SECRET,
        coa_port: sim.radiusIncomingPort,
        ...(apiAccess ? { host: '127.0.0.1', port, user: 'pisonet', password: PASSWORD } : {}),
      });
      expect(site.status).toBe(201);
      siteId = site.json.site.id;
      fr = await startFreeRadius(h);
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
      const up = () => {
        const s = h.core!.siteStacks.get(siteId);
        return s && (!apiAccess || s.router.status.connected);
      };
      for (let i = 0; i < 100 && !up(); i++) await new Promise((r) => setTimeout(r, 50));
    });
    afterAll(async () => {
      await ros?.close();
      await fr?.stop();
      await h?.close();
      await sim?.stop();
    });

    const site = () => h.core!.siteStacks.get(siteId)!;
    const sessionOf = (code: string) => sim.rows('/ip/hotspot/active').find((s) => s.user === code);
    const reply = async (code: string, attribute: string) =>
      (await h.core!.db('radreply').where({ username: code, attribute }).first('value'))?.value as
        string | undefined;
    const post = async (path: string, body: Record<string, unknown>, cookie?: string) => {
      const res = await fetch(`${h.app!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ ...body, site: 'branch-s' }),
      });
      const cookieSet = res.headers.get('set-cookie')?.split(';')[0];
      return { status: res.status, json: (await res.json()) as Record<string, unknown>, cookie: cookieSet };
    };
    /** The phone on the router's own login page (where the portal hands it without API access). */
    const routerLogin = (code: string, phone: { mac: string; ip: string }) =>
      ros.command([
        '/ip/hotspot/active/login',
        `=user=${code}`,
        `=password=${code}`,
        `=ip=${phone.ip}`,
        `=mac-address=${phone.mac}`,
      ]);
    /** A redemption logs the phone in: over the API, or by the phone following the hand-off. */
    const loggedIn = async (
      r: { status: number; json: Record<string, unknown> },
      code: string,
      phone: typeof PHONE,
    ) => {
      expect(r.status).toBe(200);
      if (!apiAccess) {
        expect(r.json.login).toMatchObject({ username: code });
        expect((await routerLogin(code, phone))[0][0]).toBe('!done');
      }
      await sim.radiusSettled();
      expect(sessionOf(code)?.['mac-address']).toBe(phone.mac);
    };
    const later = async (s: number) => {
      h.clock.advance(s * 1000);
      sim.tick(s);
      await sim.radiusSettled();
    };

    it('top-up, pause, resume and move: FreeRADIUS rows at once, sessions by CoA and Disconnect', async () => {
      const [a] = (await api(h, 'POST', '/vouchers', { profile: 'UP', count: 1, site: 'branch-s' })).json
        .vouchers;
      const [b] = (await api(h, 'POST', '/vouchers', { profile: 'UP10', count: 1, site: 'branch-s' })).json
        .vouchers;
      const first = await post('/api/portal/redeem', { code: a.code, ...PHONE });
      await loggedIn(first, a.code, PHONE);
      const cookie = first.cookie as string;
      await later(60);
      await site().pollOnce();
      expect((await api(h, 'GET', `/vouchers/${a.code}`)).json.voucher.status).toBe('active');
      expect(Number(await reply(a.code, 'Session-Timeout'))).toBeLessThanOrEqual(1800);

      // Top-up: 10 more minutes, in FreeRADIUS's answer right after the call and in the session online.
      const topped = await post('/api/portal/redeem', { code: b.code, ...PHONE }, cookie);
      expect(topped.status).toBe(200);
      expect(topped.json.topped_up).toMatchObject({ mode: 'add', added_seconds: 600 });
      const left = Number(await reply(a.code, 'Session-Timeout'));
      expect(left).toBeGreaterThan(1800);
      await sim.radiusSettled();
      const session = sessionOf(a.code);
      expect(session?.['mac-address']).toBe(PHONE.mac);
      // The router counts the session's time from its login: what it has left is the code's.
      expect(Math.abs(seconds(session?.['session-time-left']) - left)).toBeLessThanOrEqual(2);

      // Pause: the session ends by a Disconnect; the code keeps its time.
      const paused = await post('/api/portal/pause', { mac: PHONE.mac }, cookie);
      expect(paused.status).toBe(200);
      expect(paused.json).toMatchObject({ paused: true });
      await sim.radiusSettled();
      expect(sessionOf(a.code)).toBeUndefined();

      // Resume: the phone is let back in (over the API, or handed to the router's login page).
      const resumed = await post('/api/portal/resume', { mac: PHONE.mac }, cookie);
      expect(resumed.status).toBe(200);
      expect(resumed.json).toMatchObject({ paused: false });
      if (!apiAccess) expect((await routerLogin(a.code, PHONE))[0][0]).toBe('!done');
      await sim.radiusSettled();
      expect(sessionOf(a.code)?.['mac-address']).toBe(PHONE.mac);
      await later(30);
      await site().pollOnce();

      // Move to the owner's new address: the old session ends by a Disconnect, FreeRADIUS takes the new phone.
      const moved = await post('/api/portal/redeem', { code: a.code, ...PHONE2, confirm_move: true }, cookie);
      expect(moved.status).toBe(200);
      await sim.radiusSettled();
      expect(
        sim.rows('/ip/hotspot/active').filter((s) => s.user === a.code && s['mac-address'] === PHONE.mac),
      ).toEqual([]);
      expect(await h.core!.db('radius_devices').where({ username: a.code }).pluck('mac')).toEqual([
        PHONE2.mac,
      ]);
      await loggedIn(moved, a.code, PHONE2);
    });
  };
}

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'self-service on a RADIUS site with API access',
  selfServiceOn(true),
);
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'self-service on a RADIUS site without API access',
  selfServiceOn(false),
);
