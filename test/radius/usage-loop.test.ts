/**
 * The RADIUS loop on the one usage path, against real FreeRADIUS on PostgreSQL: the router's side played by
 * radclient (Access-Request, accounting) and a CoA responder built with the codec (the router's `/radius
 * incoming`). A poll books the accounting exactly once (duplicates, late interims, a new session of the same
 * device), the voucher is active from its first session, fair use reached sends a CoA with the fair-use rates
 * (once), a CoA refused falls back to a Disconnect, and a revoked code's session is disconnected and its code
 * refused from then on.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { radclient, radiusAvailable, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { TEST_PROFILES } from '../usage/helpers';
import { attr, type RadiusPacket } from '../../src/radius/packet';
import { listen } from '../../src/radius/udp';

const SECRET = 'Loop-radius-secret';
const MB = 1_000_000;

interface Responder {
  port: number;
  got: RadiusPacket[];
  /** How the router answers a CoA that changes rates. */
  coa: 'ack' | 'nak';
  /** A router that answers nothing at all. */
  silent: boolean;
  close(): Promise<void>;
}

/** The router's `/radius incoming`: records every request, ACKs disconnects, answers CoA as told. */
async function coaResponder(): Promise<Responder> {
  const r = { got: [] as RadiusPacket[], coa: 'ack' as 'ack' | 'nak', silent: false };
  const srv = await listen({
    port: 0,
    address: '127.0.0.1',
    secretOf: () => SECRET,
    handle: async (req) => {
      r.got.push(req);
      if (r.silent) return undefined;
      if (req.code === 'Disconnect-Request') return { code: 'Disconnect-ACK', attributes: [] };
      return r.coa === 'ack'
        ? { code: 'CoA-ACK', attributes: [] }
        : { code: 'CoA-NAK', attributes: [['Error-Cause', 'Unsupported-Service']] };
    },
  });
  return Object.assign(r, { port: srv.port, close: () => srv.close() });
}

// Needs a real FreeRADIUS (Debian's freeradius, as .ci/run installs) and PostgreSQL: skipped where either is missing.
(radiusAvailable ? describePostgresOnly : describe.skip)(
  'RADIUS accounting is the usage, CoA enforces',
  () => {
    let h: Harness;
    let fr: FreeRadius;
    let coa: Responder;
    let siteId: number;

    beforeAll(async () => {
      h = await createHarness({ http: true, profiles: TEST_PROFILES, sites: { sitePolls: false } });
      // FreeRADIUS and PostgreSQL keep real time: so does the controller here.
      h.clock.set(Date.now());
      coa = await coaResponder();
      const site = await api(h, 'POST', '/sites', {
        name: 'branch-r',
        mode: 'radius',
        nas_address: '127.0.0.1',
        radius_secret: SECRET,
        coa_port: coa.port,
      });
      expect(site.status).toBe(201);
      siteId = site.json.site.id;
      fr = await startFreeRadius(h);
    });
    afterAll(async () => {
      await fr?.stop();
      await coa?.close();
      await h?.close();
    });

    const radiusSite = () => {
      const s = h.core!.siteStacks.get(siteId);
      if (!s) throw new Error('the RADIUS site is not running');
      return s;
    };
    const poll = () => radiusSite().pollOnce();
    const voucher = async (code: string) => (await api(h, 'GET', `/vouchers/${code}`)).json.voucher;
    let session = 0;
    /** A device logs in (Access-Accept) and its accounting starts: what the router does at a hotspot login. */
    async function login(code: string, mac: string, ip: string) {
      const r = await radclient('auth', fr.authPort, SECRET, {
        'User-Name': code,
        'User-Password': code,
        'Calling-Station-Id': mac,
        'NAS-IP-Address': '127.0.0.1',
        'Framed-IP-Address': ip,
      });
      expect(r.code).toBe('Access-Accept');
      const id = `81a0${String(++session).padStart(4, '0')}`;
      const base = {
        'User-Name': code,
        'Calling-Station-Id': mac,
        'NAS-IP-Address': '127.0.0.1',
        'Acct-Session-Id': id,
        'Framed-IP-Address': ip,
      };
      await radclient('acct', fr.acctPort, SECRET, { ...base, 'Acct-Status-Type': 'Start' });
      return {
        id,
        interim: (up: number, down: number) =>
          radclient('acct', fr.acctPort, SECRET, {
            ...base,
            'Acct-Status-Type': 'Interim-Update',
            'Acct-Input-Octets': up % 2 ** 32,
            'Acct-Input-Gigawords': Math.floor(up / 2 ** 32),
            'Acct-Output-Octets': down % 2 ** 32,
            'Acct-Output-Gigawords': Math.floor(down / 2 ** 32),
            'Acct-Session-Time': 60,
          }),
        stop: (up: number, down: number) =>
          radclient('acct', fr.acctPort, SECRET, {
            ...base,
            'Acct-Status-Type': 'Stop',
            'Acct-Input-Octets': up,
            'Acct-Output-Octets': down,
            'Acct-Session-Time': 90,
            'Acct-Terminate-Cause': 'User-Request',
          }),
      };
    }
    const make = async (profile: string) => {
      const made = await api(h, 'POST', '/vouchers', { profile, count: 1, site: 'branch-r' });
      expect(made.status).toBe(201);
      return made.json.vouchers[0].code as string;
    };

    it('books accounting once, sends the fair-use rates by CoA once, and disconnects a revoked code', async () => {
      const code = await make('FUP'); // 2M/4M; fair use at 100 MB: 256K/512K; cap 200 MB
      const s = await login(code, '02:00:00:00:7A:01', '10.5.50.71');
      await poll();
      let v = await voucher(code);
      expect(v.status).toBe('active');
      expect([v.bytes_up, v.bytes_down]).toEqual([0, 0]);

      await s.interim(1 * MB, 60 * MB);
      await poll();
      await s.interim(1 * MB, 60 * MB); // a duplicate
      await s.interim(MB / 2, 30 * MB); // a late one
      await poll();
      v = await voucher(code);
      expect([v.bytes_up, v.bytes_down]).toEqual([1 * MB, 60 * MB]);
      expect(coa.got).toHaveLength(0);

      await s.interim(1 * MB, 110 * MB); // 111 MB: fair use reached
      await poll();
      v = await voucher(code);
      expect(v.bytes_down).toBe(110 * MB);
      expect(coa.got).toHaveLength(1);
      const req = coa.got[0];
      expect(req.code).toBe('CoA-Request');
      expect(attr(req, 'User-Name')).toBe(code);
      expect(attr(req, 'Acct-Session-Id')).toBe(s.id);
      expect(attr(req, 'Framed-IP-Address')).toBe('10.5.50.71');
      expect(attr(req, 'Mikrotik-Rate-Limit')).toBe('256000/512000');
      // The next login is answered the fair-use rates too.
      const rate = await h
        .core!.db('radreply')
        .where({ username: code, attribute: 'Mikrotik-Rate-Limit' })
        .first();
      expect(rate.value).toBe('256000/512000');
      await poll();
      expect(coa.got).toHaveLength(1); // taken once: not sent again

      const revoked = await api(h, 'POST', `/vouchers/${code}/revoke`, {});
      expect(revoked.status).toBe(200);
      await poll();
      expect(coa.got.map((p) => p.code)).toEqual(['CoA-Request', 'Disconnect-Request']);
      expect(attr(coa.got[1], 'Acct-Session-Id')).toBe(s.id);
      const again = await radclient('auth', fr.authPort, SECRET, {
        'User-Name': code,
        'User-Password': code,
        'Calling-Station-Id': '02:00:00:00:7A:01',
        'NAS-IP-Address': '127.0.0.1',
      });
      expect(again.code).toBe('Access-Reject');
    });

    it('a CoA refused falls back to a Disconnect; a new session of the same device adds to its bytes', async () => {
      coa.got.length = 0;
      coa.coa = 'nak';
      const code = await make('FUP');
      const mac = '02:00:00:00:7A:02';
      const first = await login(code, mac, '10.5.50.72');
      await poll();
      await first.interim(0, 120 * MB);
      await poll();
      expect(coa.got.map((p) => p.code)).toEqual(['CoA-Request', 'Disconnect-Request']);
      await first.stop(0, 120 * MB);
      // The device logs in again (with the fair-use rates) and moves more.
      const second = await login(code, mac, '10.5.50.72');
      await second.interim(0, 5 * MB);
      await poll();
      const v = await voucher(code);
      expect(v.bytes_down).toBe(125 * MB);
      expect(coa.got).toHaveLength(2); // the new session got the fair-use rates at its login: nothing to send
    });

    it('accounting for a code we never issued is kept and booked to nobody; a session that never stops times out', async () => {
      const stranger = 'NOTOURS42';
      const base = {
        'User-Name': stranger,
        'Calling-Station-Id': '02:00:00:00:7A:09',
        'NAS-IP-Address': '127.0.0.1',
        'Acct-Session-Id': '81a0ffff',
      };
      await radclient('acct', fr.acctPort, SECRET, { ...base, 'Acct-Status-Type': 'Start' });
      await radclient('acct', fr.acctPort, SECRET, {
        ...base,
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': 5 * MB,
        'Acct-Output-Octets': 9 * MB,
      });
      const code = await make('BASIC');
      const s = await login(code, '02:00:00:00:7A:03', '10.5.50.73');
      await s.interim(1 * MB, 2 * MB);
      const before = await h.core!.db('vouchers').sum({ n: 'bytes_down' });
      await poll();
      const after = await h.core!.db('vouchers').sum({ n: 'bytes_down' });
      // Only our code's bytes were booked.
      expect(Number(after[0].n) - Number(before[0].n)).toBe(2 * MB);
      expect(await h.core!.db('radacct').where({ username: stranger }).first()).toBeDefined();
      const shown = (await api(h, 'GET', `/sites/${siteId}`)).json.site;
      expect(shown.radius_unknown_codes).toHaveLength(1);
      expect(shown.radius_unknown_codes[0]).not.toBe(stranger); // masked
      expect(await h.core!.db('events').where({ kind: 'radius-unknown-code' })).toHaveLength(1);
      await poll();
      expect(await h.core!.db('events').where({ kind: 'radius-unknown-code' })).toHaveLength(1); // told once

      // The router goes quiet about this session (no interim, no Stop): after its timeout it is not online.
      const device = () =>
        h
          .core!.db('voucher_devices as d')
          .join('vouchers as v', 'v.id', 'd.voucher_id')
          .where('v.code', code)
          .first('d.connected');
      expect(Boolean((await device()).connected)).toBe(true);
      await h.core!.db.raw(
        "UPDATE radacct SET acctupdatetime = now() - interval '10 minutes', acctstarttime = now() - interval '20 minutes' WHERE acctsessionid = ?",
        [s.id],
      );
      // (its login, too, was that long ago)
      await h.core!.db.raw(
        "UPDATE radpostauth SET authdate = now() - interval '20 minutes' WHERE username = ?",
        [code],
      );
      await poll();
      expect(Boolean((await device()).connected)).toBe(false);
      expect((await voucher(code)).bytes_down).toBe(2 * MB); // its bytes stay counted
    });

    it('the cap with the block policy: the session is disconnected and the code refused from then on', async () => {
      coa.got.length = 0;
      coa.coa = 'ack';
      const code = await make('FUP'); // cap 200 MB, block
      const s = await login(code, '02:00:00:00:7A:04', '10.5.50.74');
      await poll();
      await s.interim(1 * MB, 200 * MB);
      await poll();
      expect((await voucher(code)).status).toBe('exhausted');
      expect(coa.got.map((p) => p.code)).toContain('Disconnect-Request');
      const again = await radclient('auth', fr.authPort, SECRET, {
        'User-Name': code,
        'User-Password': code,
        'Calling-Station-Id': '02:00:00:00:7A:04',
        'NAS-IP-Address': '127.0.0.1',
      });
      expect(again.code).toBe('Access-Reject');
      expect(again.attributes['Reply-Message']).toMatch(/used all its data/);
    });

    it('a router that answers no CoA: the poll says so (an event) and the requests go again at the next poll', async () => {
      coa.got.length = 0;
      coa.silent = true;
      try {
        const code = await make('FUP');
        const s = await login(code, '02:00:00:00:7A:05', '10.5.50.75');
        await poll();
        await s.interim(0, 101 * MB);
        await poll();
        // The CoA and its fallback Disconnect were sent (each retransmitted, which the router's duplicate
        // detection folds into one request) and not answered.
        expect(coa.got.map((p) => p.code)).toEqual(['CoA-Request', 'Disconnect-Request']);
        const down = await h.core!.db('events').where({ kind: 'router-down' }).orderBy('id', 'desc').first();
        expect(down.message).toMatch(/did not take 1 CoA\/Disconnect/);
        coa.silent = false;
        coa.got.length = 0;
        await poll();
        expect(coa.got.map((p) => p.code)).toEqual(['CoA-Request']);
      } finally {
        coa.silent = false;
      }
    }, 60_000);
  },
);
