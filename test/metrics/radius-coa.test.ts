/**
 * A RADIUS site's CoA and Disconnect requests counted by outcome (ack, nak, timeout), its polls timed and its bytes
 * booked under the site's name, and no router_up for a site whose router this controller has no API connection
 * to. RADIUS mode needs PostgreSQL. FreeRADIUS's side is its accounting rows in `radacct` (what its SQL module
 * writes for the router's Start and Interim-Update); the router's `/radius incoming` is a responder built with the
 * project's codec.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { api } from '../sites/helpers';
import { TEST_PROFILES } from '../usage/helpers';
import { listen } from '../../src/radius/udp';
import { metricsOf, valueOf } from './exposition';

jest.setTimeout(60_000);

const SECRET = 'Metrics-radius-secret';
const MB = 1_000_000;
const SITE = { site: 'branch-r' };

describePostgresOnly('RADIUS CoA in the metrics', () => {
  let h: Harness;
  let siteId: number;
  /** How the router answers: everything taken, a CoA refused (its Disconnect taken), or nothing at all. */
  const router = { answer: 'ack' as 'ack' | 'coa-nak' | 'silent', got: [] as string[] };
  let close: () => Promise<void>;

  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: TEST_PROFILES, sites: { sitePolls: false } });
    // The accounting is read against the database's own clock: the controller keeps real time here.
    h.clock.set(Date.now());
    const srv = await listen({
      port: 0,
      address: '127.0.0.1',
      secretOf: () => SECRET,
      handle: async (req) => {
        router.got.push(req.code);
        if (router.answer === 'silent') return undefined;
        if (req.code === 'Disconnect-Request') return { code: 'Disconnect-ACK', attributes: [] };
        return router.answer === 'ack'
          ? { code: 'CoA-ACK', attributes: [] }
          : { code: 'CoA-NAK', attributes: [['Error-Cause', 'Unsupported-Service']] };
      },
    });
    close = () => srv.close();
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '127.0.0.1',
      radius_secret: SECRET,
      coa_port: srv.port,
    });
    expect(site.status).toBe(201);
    siteId = site.json.site.id;
  });
  afterAll(async () => {
    await close?.();
    await h?.close();
  });

  const poll = () => h.core!.siteStacks.get(siteId)!.pollOnce();
  let n = 0;
  /** A device on a new FUP code (fair use at 100 MB), its session in the accounting with `down` bytes so far. */
  async function session(down: number): Promise<(down: number) => Promise<void>> {
    const made = await api(h, 'POST', '/vouchers', { profile: 'FUP', count: 1, site: 'branch-r' });
    const code = made.json.vouchers[0].code as string;
    const id = `m${++n}`;
    await h.core!.db.raw(
      `INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime,
         acctinputoctets, acctoutputoctets, callingstationid, framedipaddress)
       VALUES (?, ?, ?, '127.0.0.1', now(), now(), 1000, ?, ?, ?)`,
      [id, `u-${id}`, code, down, `02:00:00:00:7B:0${n}`, `10.5.50.8${n}`],
    );
    return async (d) =>
      void (await h.core!.db.raw(
        'UPDATE radacct SET acctoutputoctets = ?, acctupdatetime = now() WHERE acctsessionid = ?',
        [d, id],
      ));
  }
  const coa = async (type: string, result: string) =>
    valueOf(await metricsOf(h), 'pisonet_radius_coa_total', { ...SITE, type, result });

  it('counts each request by type and outcome, under the site name', async () => {
    const first = await session(10 * MB);
    await poll();
    await first(111 * MB); // fair use reached: the new rates by CoA
    await poll();
    expect(router.got).toEqual(['CoA-Request']);
    expect(await coa('coa', 'ack')).toBe(1);

    router.answer = 'coa-nak';
    const second = await session(10 * MB);
    await poll();
    await second(120 * MB); // refused: the session is disconnected instead
    await poll();
    expect(router.got.slice(1)).toEqual(['CoA-Request', 'Disconnect-Request']);
    expect(await coa('coa', 'nak')).toBe(1);
    expect(await coa('disconnect', 'ack')).toBe(1);

    router.answer = 'silent';
    const third = await session(10 * MB);
    await poll();
    await third(130 * MB);
    await poll(); // no answer to either (each waited for through its retransmissions)
    expect(router.got.slice(3)).toEqual(['CoA-Request', 'Disconnect-Request']);
    expect(await coa('coa', 'timeout')).toBe(1);
    expect(await coa('disconnect', 'timeout')).toBe(1);

    const m = await metricsOf(h);
    expect(valueOf(m, 'pisonet_usage_bytes_total', { ...SITE, direction: 'down' })).toBe(
      111 * MB + 120 * MB + 130 * MB,
    );
    expect(valueOf(m, 'pisonet_poll_duration_seconds_count', SITE)).toBe(6);
    expect(valueOf(m, 'pisonet_vouchers_sold_total', { ...SITE, profile: 'FUP' })).toBe(3);
    // No API connection to that router: nothing to say it is up or down.
    expect(m.get('pisonet_router_up')!.samples.map((s) => s.labels.site)).toEqual(['default']);
    for (const s of m.get('pisonet_radius_coa_total')!.samples)
      expect(Object.keys(s.labels).sort()).toEqual(['result', 'site', 'type']);
  });
});
