/**
 * A pause on a RADIUS site holds against the router's own logins, with real FreeRADIUS on PostgreSQL and the
 * simulator as the router (with and without the controller's API access): while the code is paused its
 * Access-Request gets Access-Reject with the reason, so the phone's MAC cookie (or the router's own login page)
 * cannot log it back in and run its time; Resume (or the profile's longest pause) lets it in again with the time
 * it had at the pause.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { RawClient } from '../simulator/raw-client';
import { RouterSimulator } from '../../src/simulator';

const SECRET = 'Pause-radius-secret';
const PASSWORD = 'Api-pa55word';
const PROFILES = [
  { name: 'UP', price: 10, validity: '30m', users: 1, rate_up: '1M', rate_down: '2M', time_mode: 'uptime' },
  {
    name: 'SHORTPAUSE',
    price: 10,
    validity: '30m',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
    pause_max: '5m',
  },
];
const PHONE = { mac: '02:00:00:00:9C:01', ip: '10.5.50.121' };
const PHONE2 = { mac: '02:00:00:00:9C:02', ip: '10.5.50.122' };

function pauseOn(apiAccess: boolean) {
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
        hotspotHttpPort: 0,
        identity: 'Branch-P',
        users: [{ name: 'pisonet', password: PASSWORD }],
        radiusIncomingPort: 0,
        clock: () => h.clock.now(),
      });
      const { port } = await sim.start();
      sim.addDevice(PHONE);
      sim.addDevice(PHONE2);
      ros = await RawClient.login(port, 'pisonet', PASSWORD);
      await ros.ok(['/radius/incoming/set', '=accept=yes']);
      const site = await api(h, 'POST', '/sites', {
        name: 'branch-p',
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
      // The MAC cookie logs a phone that comes back to the hotspot in by itself (the user profile adds one).
      await ros.ok([
        '/ip/hotspot/profile/set',
        '=numbers=hsprof1',
        '=use-radius=yes',
        '=login-by=http-pap,cookie,mac-cookie',
      ]);
      const up = () => {
        const s = h.core!.siteStacks.get(siteId);
        return s && (!apiAccess || s.router.status.connected);
      };
      for (let i = 0; i < 100 && !up(); i++) await new Promise((r) => setTimeout(r, 50));
      // FreeRADIUS dates its answers by the real clock: the router's (the test's) may run ahead, never behind, or
      // an Accept would look like a session still starting.
      h.clock.set(Math.max(h.clock.now(), Date.now()));
    });
    afterAll(async () => {
      await ros?.close();
      await fr?.stop();
      await h?.close();
      await sim?.stop();
    });

    const site = () => h.core!.siteStacks.get(siteId)!;
    const sessionOf = (code: string) => sim.rows('/ip/hotspot/active').find((s) => s.user === code);
    const post = async (path: string, body: Record<string, unknown>, cookie?: string) => {
      const res = await fetch(`${h.app!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ ...body, site: 'branch-p' }),
      });
      const cookieSet = res.headers.get('set-cookie')?.split(';')[0];
      return { status: res.status, json: (await res.json()) as Record<string, unknown>, cookie: cookieSet };
    };
    const routerLogin = (code: string, phone: { mac: string; ip: string }) =>
      ros.command([
        '/ip/hotspot/active/login',
        `=user=${code}`,
        `=password=${code}`,
        `=ip=${phone.ip}`,
        `=mac-address=${phone.mac}`,
      ]);
    /** The phone opens a page: the hotspot sends it to /login, where its MAC cookie logs it in when it may. */
    const phoneComesBack = async (phone: { mac: string }) => {
      const res = await fetch(`http://127.0.0.1:${sim.hotspotHttpPort}/login?dst=http%3A%2F%2Fexample.com%2F`, {
        headers: { 'X-Sim-Client-Mac': phone.mac },
        redirect: 'manual',
      });
      await sim.radiusSettled();
      return { status: res.status, error: /<p id="error">([^<]*)<\/p>/.exec(await res.text())?.[1] };
    };
    /** FreeRADIUS asked directly, as the router asks for the phone. */
    const ask = (code: string, phone: { mac: string; ip: string }) =>
      radclient('auth', fr.authPort, SECRET, {
        'User-Name': code,
        'User-Password': code,
        'Calling-Station-Id': phone.mac,
        'Framed-IP-Address': phone.ip,
        'NAS-IP-Address': '127.0.0.1',
      });
    const later = async (s: number) => {
      h.clock.advance(s * 1000);
      sim.tick(s);
      await sim.radiusSettled();
    };
    async function online(profile: string, phone: typeof PHONE) {
      const [v] = (await api(h, 'POST', '/vouchers', { profile, count: 1, site: 'branch-p' })).json.vouchers;
      const first = await post('/api/portal/redeem', { code: v.code, ...phone });
      expect(first.status).toBe(200);
      if (!apiAccess) expect((await routerLogin(v.code, phone))[0][0]).toBe('!done');
      await sim.radiusSettled();
      expect(sessionOf(v.code)?.['mac-address']).toBe(phone.mac);
      await later(60);
      await site().pollOnce();
      return { code: v.code as string, cookie: first.cookie as string };
    }

    it('while paused every login is refused (Access-Reject); Resume lets it in with the time kept', async () => {
      const { code, cookie } = await online('UP', PHONE);
      const paused = await post('/api/portal/pause', { mac: PHONE.mac }, cookie);
      expect(paused.status).toBe(200);
      const kept = paused.json.remaining_seconds as number;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(1800);
      await sim.radiusSettled();
      expect(sessionOf(code)).toBeUndefined();

      // FreeRADIUS refuses the code, with the reason the login page shows.
      const refused = await ask(code, PHONE);
      expect(refused.code).toBe('Access-Reject');
      expect(refused.attributes['Reply-Message']).toMatch(/paused/);
      // The phone back on the hotspot with its MAC cookie is refused, and the router's own page too.
      await later(120);
      const back = await phoneComesBack(PHONE);
      expect(back.status).toBe(200);
      expect(back.error).toMatch(/paused/);
      expect((await routerLogin(code, PHONE))[0][0]).toBe('!trap');
      await sim.radiusSettled();
      expect(sessionOf(code)).toBeUndefined();
      await later(120);
      await site().pollOnce();
      // Still paused: no login ended it.
      expect((await h.core!.db('vouchers').where({ code }).first('paused_at')).paused_at).not.toBeNull();

      // Resume: FreeRADIUS answers the time the code had at the pause, and the phone is let back in.
      const resumed = await post('/api/portal/resume', { mac: PHONE.mac }, cookie);
      expect(resumed.status).toBe(200);
      expect(resumed.json).toMatchObject({ paused: false, remaining_seconds: kept });
      const accepted = await ask(code, PHONE);
      expect(accepted.code).toBe('Access-Accept');
      expect(Number(accepted.attributes['Session-Timeout'])).toBe(kept);
      if (!apiAccess) expect((await routerLogin(code, PHONE))[0][0]).toBe('!done');
      await sim.radiusSettled();
      expect(sessionOf(code)?.['mac-address']).toBe(PHONE.mac);
    });

    it("the profile's longest pause ends it: the login is accepted again, the phone back", async () => {
      const { code, cookie } = await online('SHORTPAUSE', PHONE2);
      const paused = await post('/api/portal/pause', { mac: PHONE2.mac }, cookie);
      expect(paused.status).toBe(200);
      const kept = paused.json.remaining_seconds as number;
      await sim.radiusSettled();
      expect((await ask(code, PHONE2)).code).toBe('Access-Reject');

      await later(6 * 60);
      await site().pollOnce();
      const accepted = await ask(code, PHONE2);
      expect(accepted.code).toBe('Access-Accept');
      expect(Number(accepted.attributes['Session-Timeout'])).toBe(kept);
      // Logged back in by the controller, or by its MAC cookie when it opens a page.
      if (!apiAccess) expect((await phoneComesBack(PHONE2)).status).toBe(302);
      await sim.radiusSettled();
      expect(sessionOf(code)?.['mac-address']).toBe(PHONE2.mac);
    });
  };
}

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'a pause on a RADIUS site with API access',
  pauseOn(true),
);
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'a pause on a RADIUS site without API access',
  pauseOn(false),
);
