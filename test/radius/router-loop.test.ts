/**
 * The whole RADIUS loop with the simulator as the router and real FreeRADIUS on PostgreSQL: a RADIUS site with API
 * access beside the default API-mode site on one controller. A code redeemed on the portal logs the phone in
 * over the API; the router asks FreeRADIUS and makes the session's queue from the answer; its accounting is
 * booked by the poll; fair use reached changes the session's rate by CoA; a revoked code is disconnected and
 * refused. With the controller stopped, FreeRADIUS alone still lets a valid code online and records its
 * accounting, which the controller books when it is back. The API-mode site keeps its own queues all along.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { addDevice } from '../portal/helpers';
import { TEST_PROFILES } from '../usage/helpers';
import { RawClient } from '../simulator/raw-client';
import { RouterSimulator } from '../../src/simulator';

const SECRET = 'Router-loop-secret';
const PASSWORD = 'Api-pa55word';
const MB = 1_000_000;
const PHONE = { mac: '02:00:00:00:9A:01', ip: '10.5.50.101' };
const PHONE2 = { mac: '02:00:00:00:9A:02', ip: '10.5.50.102' };

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'a RADIUS site with the simulator as its router',
  () => {
    let h: Harness;
    let sim: RouterSimulator;
    let ros: RawClient;
    let fr: FreeRadius;
    let siteId: number;

    beforeAll(async () => {
      h = await createHarness({ http: true, profiles: TEST_PROFILES, sites: { sitePolls: false } });
      // FreeRADIUS and PostgreSQL keep real time: so do the controller and the routers here.
      h.clock.set(Date.now());
      sim = new RouterSimulator({
        port: 0,
        identity: 'Branch-R',
        users: [{ name: 'pisonet', password: PASSWORD }],
        radiusIncomingPort: 0,
        clock: () => h.clock.now(),
      });
      const { port } = await sim.start();
      sim.addDevice(PHONE);
      sim.addDevice(PHONE2);
      ros = await RawClient.login(port, 'pisonet', PASSWORD);
      // The router takes CoA and Disconnect (its port is the site's coa_port).
      await ros.ok(['/radius/incoming/set', '=accept=yes']);
      const site = await api(h, 'POST', '/sites', {
        name: 'branch-r',
        mode: 'radius',
        nas_address: '127.0.0.1',
        radius_secret: SECRET,
        coa_port: sim.radiusIncomingPort,
        host: '127.0.0.1',
        port,
        user: 'pisonet',
        password: PASSWORD,
      });
      expect(site.status).toBe(201);
      siteId = site.json.site.id;
      fr = await startFreeRadius(h);
      // The rest of the owner's router setup (docs/radius.md): the RADIUS server, the hotspot asking it.
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
      for (let i = 0; i < 100 && !h.core!.siteStacks.get(siteId)?.router.status.connected; i++)
        await new Promise((r) => setTimeout(r, 50));
    });
    afterAll(async () => {
      await ros?.close();
      await fr?.stop();
      await h?.close();
      await sim?.stop();
    });

    const site = () => h.core!.siteStacks.get(siteId)!;
    const voucher = async (code: string) => (await api(h, 'GET', `/vouchers/${code}`)).json.voucher;
    const queueOf = (code: string) => sim.rows('/queue/simple').find((q) => q.name === `<hotspot-${code}>`);
    const sessions = () => sim.rows('/ip/hotspot/active');
    /** Time passes on the router (interim updates go out), then the controller polls. */
    const later = async (seconds: number) => {
      h.clock.advance(seconds * 1000);
      sim.tick(seconds);
      await sim.radiusSettled();
    };
    const redeem = (code: string, phone: { mac: string; ip: string }) =>
      fetch(`${h.app!.url}/api/portal/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, ...phone, site: 'branch-r' }),
      });

    it('redeem, book, fair use by CoA, revoke: the router and FreeRADIUS follow; the API site is untouched', async () => {
      // The default site (API mode) serves a customer at the same time.
      const [own] = (await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1 })).json.vouchers;
      const ownPhone = addDevice(h, 7);
      const ownRes = await fetch(`${h.app!.url}/api/portal/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: own.code, ...ownPhone }),
      });
      expect(ownRes.status).toBe(200);

      const made = await api(h, 'POST', '/vouchers', { profile: 'FUP', count: 1, site: 'branch-r' });
      const code = made.json.vouchers[0].code as string;
      const res = await redeem(code, PHONE);
      expect(res.status).toBe(200);
      await sim.radiusSettled();
      // Online through RADIUS: the router's session and its queue from FreeRADIUS's answer; no queue of ours.
      expect(sessions().find((s) => s.user === code)).toMatchObject({ radius: 'true' });
      expect(queueOf(code)?.['max-limit']).toBe('2000000/4000000');
      expect(sim.rows('/queue/simple').some((q) => q.name === `pisonet-${PHONE.mac}`)).toBe(false);
      expect((await voucher(code)).status).toBe('active');

      sim.addTraffic(PHONE.mac, { up: 1 * MB, down: 60 * MB }, 120);
      await later(60);
      await site().pollOnce();
      let v = await voucher(code);
      expect([v.bytes_up, v.bytes_down]).toEqual([1 * MB, 60 * MB]);

      sim.addTraffic(PHONE.mac, { up: 0, down: 50 * MB }, 120); // 111 MB: fair use
      await later(60);
      await site().pollOnce();
      v = await voucher(code);
      expect(v.bytes_down).toBe(110 * MB);
      // The CoA changed the live session's queue to the fair-use rates.
      await sim.radiusSettled();
      expect(queueOf(code)?.['max-limit']).toBe('256000/512000');

      // The default site's customer kept its own queue, made by the API-mode poll.
      await h.core!.services.usage.runCycle();
      expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${ownPhone.mac}`)).toBe(true);

      expect((await api(h, 'POST', `/vouchers/${code}/revoke`, {})).status).toBe(200);
      await sim.radiusSettled();
      expect(sessions().find((s) => s.user === code)).toBeUndefined();
      const again = await ros.command([
        '/ip/hotspot/active/login',
        `=user=${code}`,
        `=password=${code}`,
        `=ip=${PHONE.ip}`,
        `=mac-address=${PHONE.mac}`,
      ]);
      expect(again[0][0]).toBe('!trap');
      expect(JSON.stringify(again)).toMatch(/no longer valid/);
    });

    it('with the controller away, FreeRADIUS alone lets a valid code online and records its bytes; booked on return', async () => {
      const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1, site: 'branch-r' });
      const code = made.json.vouchers[0].code as string;
      // The controller stops polling (its poll jobs are off here): the phone logs in on the router's own page.
      await ros.ok([
        '/ip/hotspot/active/login',
        `=user=${code}`,
        `=password=${code}`,
        `=ip=${PHONE2.ip}`,
        `=mac-address=${PHONE2.mac}`,
      ]);
      await sim.radiusSettled();
      expect(queueOf(code)?.['max-limit']).toBe('512000/1000000');
      sim.addTraffic(PHONE2.mac, { up: 2 * MB, down: 5 * MB }, 60);
      await later(60);
      expect((await voucher(code)).status).toBe('unused');
      // Back: the first poll books what FreeRADIUS recorded, and the code is in use from its first login.
      await site().pollOnce();
      const v = await voucher(code);
      expect(v.status).toBe('active');
      expect([v.bytes_up, v.bytes_down]).toEqual([2 * MB, 5 * MB]);
    });

    it('a login the router answers too late: the code is kept, a retry finishes it, the poll confirms another', async () => {
      const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 2, site: 'branch-r' });
      const [retried, waited] = (made.json.vouchers as Array<{ code: string }>).map((v) => v.code);
      const phones = [
        { mac: '02:00:00:00:9A:03', ip: '10.5.50.103' },
        { mac: '02:00:00:00:9A:04', ip: '10.5.50.104' },
      ];
      for (const p of phones) sim.addDevice(p);
      /** The router (and FreeRADIUS) let the phone in; the reply comes after ROUTER_TIMEOUT_SECONDS (3 s). */
      const lateReply = async (code: string, phone: { mac: string; ip: string }) => {
        sim.setLatency(3_500);
        const res = await redeem(code, phone);
        sim.setLatency(0);
        for (let i = 0; i < 200 && !site().router.status.connected; i++)
          await new Promise((r) => setTimeout(r, 50));
        await sim.radiusSettled();
        return { status: res.status, code: ((await res.json()) as { code?: string }).code };
      };
      /** The device row's mark of a login under way (null once confirmed). */
      const claim = async (code: string) => {
        const db = h.core!.db;
        const row = await db('voucher_devices')
          .join('vouchers', 'vouchers.id', 'voucher_devices.voucher_id')
          .where('vouchers.code', code)
          .first('voucher_devices.login_pending_at');
        return row?.login_pending_at;
      };

      expect(await lateReply(retried, phones[0])).toEqual({ status: 503, code: 'LOGIN_UNCONFIRMED' });
      expect(sessions().find((x) => x.user === retried)?.['mac-address']).toBe(phones[0].mac);
      expect((await voucher(retried)).status).toBe('active');
      expect(await claim(retried)).not.toBeNull();
      // The customer enters the code again: the router says the phone is logged in, and it is, with this code.
      const again = await redeem(retried, phones[0]);
      expect(again.status).toBe(200);
      expect(await claim(retried)).toBeNull();

      expect(await lateReply(waited, phones[1])).toEqual({ status: 503, code: 'LOGIN_UNCONFIRMED' });
      expect(await claim(waited)).not.toBeNull();
      // Nobody retries: the poll after the grace minute finds the phone's session and confirms the claim.
      await later(61);
      await site().pollOnce();
      expect(await claim(waited)).toBeNull();
      expect((await voucher(waited)).status).toBe('active');
      expect(sessions().filter((x) => x.user === retried || x.user === waited)).toHaveLength(2);
    });

    it('a login the router gave up on (FreeRADIUS slower than its timeout) starts nothing when FreeRADIUS accepts it late', async () => {
      const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1, site: 'branch-r' });
      const code = made.json.vouchers[0].code as string;
      const phone = { mac: '02:00:00:00:9A:05', ip: '10.5.50.105' };
      const other = { mac: '02:00:00:00:9A:06', ip: '10.5.50.106' };
      for (const p of [phone, other]) sim.addDevice(p);
      const db = h.core!.db;
      const accepted = async () =>
        (await db('radpostauth').where({ username: code, reply: 'Access-Accept' }).count({ n: '*' }))[0].n;

      // FreeRADIUS answers after the router's RADIUS timeout: the router gives up, the portal says so.
      fr.freeze(true);
      let res: Response;
      try {
        res = await redeem(code, phone);
      } finally {
        fr.freeze(false);
      }
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ code: 'LOGIN_REFUSED', error: /not responding.*not used/ });
      // FreeRADIUS then works through the request it held, and accepts it: no session follows.
      for (let i = 0; i < 100 && Number(await accepted()) === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(Number(await accepted())).toBeGreaterThan(0);
      expect(sessions().find((x) => x.user === code)).toBeUndefined();

      // The poll starts nothing from an Accept alone: the code is as the customer was told, unused.
      await site().pollOnce();
      let v = await voucher(code);
      expect(v).toMatchObject({ status: 'unused', activated_at: null, bound_mac: null });
      const devices = await db('voucher_devices')
        .join('vouchers', 'vouchers.id', 'voucher_devices.voucher_id')
        .where('vouchers.code', code);
      expect(devices).toEqual([]);

      // Two minutes on with no accounting: the device FreeRADIUS counted and the validity it started are taken back.
      await db.raw(
        "UPDATE radius_devices SET first_at = first_at - interval '3 minutes' WHERE username = ?",
        [code],
      );
      await db.raw(
        "UPDATE radius_accounts SET first_accept_at = first_accept_at - interval '3 minutes' WHERE username = ?",
        [code],
      );
      await db.raw("UPDATE radpostauth SET authdate = authdate - interval '3 minutes' WHERE username = ?", [
        code,
      ]);
      await site().pollOnce();
      expect(await db('radius_devices').where({ username: code })).toEqual([]);
      expect((await db('radius_accounts').where({ username: code }).first()).first_accept_at).toBeNull();
      expect(await db('radcheck').where({ username: code, attribute: 'Expiration' })).toEqual([]);

      // Another phone may use it: FreeRADIUS does not call it in use on another device.
      expect((await redeem(code, other)).status).toBe(200);
      v = await voucher(code);
      expect(v).toMatchObject({ status: 'active', bound_mac: other.mac });
    });
  },
);
