/**
 * The portal's self-service on a site that is not `default`: a second code tops up or waits on the
 * branch's router, a roaming code tops up a branch voucher and becomes the branch's, uptime codes pause and
 * resume there, a voucher moves to a new address there; another site's code is refused, a running code does
 * not move across sites, a branch whose router is down changes nothing, and the status page of a phone that
 * used codes at two sites shows the one of the site it names.
 */
import { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import type { SiteStack } from '../../src/services/network/site-stack';
import type { Harness } from '../helpers/harness';
import { harnessWithBranches, type Branch } from './helpers';
import { advance } from '../usage/helpers';
import { onlinePlan } from '../portal/helpers';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '100M' },
  { name: 'HALF', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '50M' },
  { name: 'NEXT', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', topup: 'queue' },
  onlinePlan({ pause_max: '2h', pauses_per_day: 2 }),
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('self-service at a branch (a site that is not default)', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  let phones = 0;

  const stack = (id: number): SiteStack => {
    const s = h.core!.siteStacks.get(id);
    if (!s) throw new Error(`no stack for site ${id}`);
    return s;
  };
  const codes = async (profile: string, extra: Record<string, unknown>, count = 1) =>
    (await h.core!.services.vouchers.generate({ profile, count, ...extra }, SYSTEM)).vouchers.map(
      (v) => v.code,
    );
  const row = (code: string) => h.core!.db('vouchers').where({ code }).first();
  const sessionsOn = (sim: RouterSimulator) => sim.rows('/ip/hotspot/active');
  const userOn = (sim: RouterSimulator, code: string) =>
    sim.rows('/ip/hotspot/user').find((u) => u.name === code);
  /** A new phone on a router's hotspot. */
  const phoneAt = (sim: RouterSimulator, net: number) => {
    phones++;
    const d = {
      mac: `02:5E:00:00:${net.toString(16).padStart(2, '0')}:${phones.toString(16).padStart(2, '0')}`.toUpperCase(),
      ip: `10.${net}.0.${10 + phones}`,
    };
    sim.addDevice(d);
    return d;
  };

  async function post(path: string, body: Record<string, unknown>, cookie?: string) {
    const res = await fetch(`${h.app!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      json: (await res.json()) as Json,
      cookie: res.headers
        .getSetCookie()
        .find((c) => c.startsWith('pisonet_device='))
        ?.split(';')[0],
    };
  }
  const redeem = (body: Record<string, unknown>) => post('/api/portal/redeem', body);
  async function status(query: Record<string, string>, cookie: string): Promise<Json> {
    const res = await fetch(`${h.app!.url}/api/portal/status?${new URLSearchParams(query).toString()}`, {
      headers: { cookie },
    });
    return { status: res.status, ...((await res.json()) as Json) };
  }

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches({ profiles: PROFILES, routerClock: true }));
  });
  afterAll(() => close());

  test('a second code tops up a branch voucher on the branch router; another site’s code is WRONG_SITE', async () => {
    const [first] = await codes('HOUR', { site: 'branch-a' });
    const [second] = await codes('HALF', { site: 'branch-a' });
    const [ofB] = await codes('HALF', { site: 'branch-b' });
    const d = phoneAt(branch.a.sim, 66);
    expect((await redeem({ code: first, ...d })).status).toBe(200);
    const res = await redeem({ code: second, ...d });
    expect(res.status).toBe(200);
    expect(res.json.topped_up).toMatchObject({ mode: 'add', added_seconds: 1800 });
    expect(await row(second)).toMatchObject({ status: 'expired', site_id: branch.a.id });
    expect(await row(first)).toMatchObject({ status: 'active', extra_seconds: 1800, site_id: branch.a.id });
    // The branch router's own time limit follows; the default router never heard of either code.
    expect(userOn(branch.a.sim, first)?.['limit-uptime']).toBe('1h30m');
    expect(userOn(h.sim, first)).toBeUndefined();
    expect(sessionsOn(branch.a.sim).map((s) => s.user)).toContain(first);

    // Branch B's code typed at branch A, over a running branch A code: refused, nothing used.
    const refused = await redeem({ code: ofB, ...d });
    expect([refused.status, refused.json.code]).toEqual([409, 'WRONG_SITE']);
    expect(await row(ofB)).toMatchObject({ status: 'unused', site_id: branch.b.id, queued_mac: null });
    expect(Number((await row(first)).extra_seconds)).toBe(1800);
  });

  test('a roaming code tops up a branch voucher and becomes the branch’s', async () => {
    const [first] = await codes('HOUR', { site: 'branch-b' });
    const [roaming] = await codes('HALF', { roaming: true });
    const d = phoneAt(branch.b.sim, 67);
    expect((await redeem({ code: first, ...d, site: 'branch-b' })).status).toBe(200);
    const res = await redeem({ code: roaming, ...d, site: 'branch-b' });
    expect(res.status).toBe(200);
    expect(res.json.topped_up).toMatchObject({ mode: 'add', added_seconds: 1800 });
    expect(await row(roaming)).toMatchObject({ status: 'expired', site_id: branch.b.id });
    expect(userOn(branch.b.sim, first)?.['limit-uptime']).toBe('1h30m');
    // Its sale is branch B's.
    const day = { from: h.clock.now() - 86400_000, to: h.clock.now() + 1, by: 'profile' as const };
    const atB = await h.core!.services.reports.sales({ ...day, siteId: branch.b.id });
    expect(atB.find((r) => r.profile === 'HALF')).toMatchObject({ count: 1, amount: 500 });
  });

  test('a queued code waits on the branch router, bound to the phone, and starts there when the first ends', async () => {
    const [first] = await codes('HALF', { site: 'branch-a' });
    const [next] = await codes('NEXT', { roaming: true });
    const d = phoneAt(branch.a.sim, 68);
    const r = await redeem({ code: first, ...d, site: 'branch-a' });
    expect(r.status).toBe(200);
    const q = await redeem({ code: next, ...d, site: 'branch-a' });
    expect(q.json.topped_up).toMatchObject({ mode: 'queue' });
    expect(await row(next)).toMatchObject({ status: 'unused', queued_mac: d.mac, site_id: branch.a.id });
    // Kept for this phone on the branch router (its roaming user there, found by name, is bound to the phone).
    expect(userOn(branch.a.sim, next)?.['mac-address']).toBe(d.mac);
    const s = await status({ mac: d.mac, site: 'branch-a' }, r.cookie!);
    expect(s.queued).toEqual([expect.objectContaining({ profile: 'NEXT', seconds: 1800 })]);

    // The first ends; the branch's own poll starts the queued code on the branch router.
    await stack(branch.a.id).pollOnce();
    advance(h, 31 * 60);
    await stack(branch.a.id).pollOnce();
    expect(await row(first)).toMatchObject({ status: 'expired' });
    expect(await row(next)).toMatchObject({ status: 'active', queued_mac: null, site_id: branch.a.id });
    expect(
      sessionsOn(branch.a.sim)
        .filter((x) => x['mac-address'] === d.mac)
        .map((x) => x.user),
    ).toEqual([next]);
    expect(sessionsOn(h.sim).map((x) => x.user)).not.toContain(next);
  });

  test('pause and resume act on the branch router; a branch router down changes nothing', async () => {
    const [code] = await codes('ONLINE', { site: 'branch-a' });
    const d = phoneAt(branch.a.sim, 69);
    const r = await redeem({ code, ...d, site: 'branch-a' });
    expect(r.status).toBe(200);
    const cookie = r.cookie!;
    await stack(branch.a.id).pollOnce();
    advance(h, 50 * 60);
    const paused = await post('/api/portal/pause', { mac: d.mac, site: 'branch-a' }, cookie);
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ paused: true, remaining_seconds: 600 });
    expect(sessionsOn(branch.a.sim).map((s) => s['mac-address'])).not.toContain(d.mac);
    expect(await status({ mac: d.mac, site: String(branch.a.id) }, cookie)).toMatchObject({
      active: true,
      paused: true,
      remaining_seconds: 600,
    });
    // Paused time does not count at the branch's polls either.
    advance(h, 30 * 60);
    await stack(branch.a.id).pollOnce();
    const resumed = await post('/api/portal/resume', { mac: d.mac }, cookie);
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ paused: false, remaining_seconds: 600 });
    expect(
      sessionsOn(branch.a.sim)
        .filter((s) => s['mac-address'] === d.mac)
        .map((s) => s.user),
    ).toEqual([code]);
    expect(branch.a.sim.rows('/queue/simple').map((x) => x.name)).toContain(`pisonet-${d.mac}`);
    expect(h.sim.rows('/queue/simple').map((x) => x.name)).not.toContain(`pisonet-${d.mac}`);

    // The branch router stops answering: a pause is refused and the code keeps running as it was.
    branch.a.sim.setReachable(false);
    await waitFor(() => !stack(branch.a.id).router.status.connected);
    const down = await post('/api/portal/pause', { mac: d.mac }, cookie);
    expect(down.status).toBe(503);
    expect(down.json.code).toBe('ROUTER_UNREACHABLE');
    expect(await row(code)).toMatchObject({ status: 'active', paused_at: null });
    branch.a.sim.setReachable(true);
    await stack(branch.a.id).router.waitConnected(5000);
  });

  test('a voucher moves to a new address at its branch, but not to a phone another branch sees', async () => {
    const [code] = await codes('HOUR', { site: 'branch-a' });
    const old = phoneAt(branch.a.sim, 70);
    const first = await redeem({ code, ...old });
    expect(first.status).toBe(200);
    // The same browser (its device cookie) with a new address.
    const device = first.cookie;
    const fresh = phoneAt(branch.a.sim, 70);
    const ask = await post('/api/portal/redeem', { code, ...fresh }, device);
    expect([ask.status, ask.json.code]).toEqual([409, 'CONFIRM_MOVE']);
    const moved = await post('/api/portal/redeem', { code, ...fresh, confirm_move: true }, device);
    expect([moved.status, moved.json.moved]).toEqual([200, true]);
    const onA = sessionsOn(branch.a.sim).map((s) => [s.user, s['mac-address']]);
    expect(onA).toContainEqual([code, fresh.mac]);
    expect(onA).not.toContainEqual([code, old.mac]);
    expect(userOn(branch.a.sim, code)?.['mac-address']).toBe(fresh.mac);

    // A phone at branch B with branch A's running code: a code stays at its own site.
    const atB = phoneAt(branch.b.sim, 71);
    const refused = await redeem({ code, ...atB, confirm_move: true });
    expect([refused.status, refused.json.code]).toEqual([409, 'MOVE_OTHER_SITE']);
    const devices = await h
      .core!.db('voucher_devices')
      .where({ voucher_id: (await row(code)).id })
      .select('mac');
    expect(devices.map((x: { mac: string }) => x.mac)).toEqual([fresh.mac]);
    expect(sessionsOn(branch.b.sim).map((s) => s.user)).not.toContain(code);
  });

  test('a phone with codes at two sites: its status is the one of the site it names, or of the router that sees it', async () => {
    const twin = { mac: '02:5E:00:00:99:01', ip: '10.5.50.201' };
    const atDefault = { mac: twin.mac, ip: '10.5.50.201' };
    const atA = { mac: twin.mac, ip: '10.66.9.1' };
    h.sim.addDevice(atDefault);
    const [home] = await codes('HOUR', {});
    const [away] = await codes('ONLINE', { site: 'branch-a' });
    const r1 = await redeem({ code: home, ...atDefault, site: 'default' });
    expect(r1.status).toBe(200);
    branch.a.sim.addDevice(atA);
    const r2 = await redeem({ code: away, ...atA, site: 'branch-a' });
    expect(r2.status).toBe(200);
    const cookie = r2.cookie!;
    const profileOf = async (q: Record<string, string>) =>
      (await status({ mac: twin.mac, ...q }, cookie)).profile;
    expect(await profileOf({ site: 'branch-a' })).toBe('ONLINE');
    expect(await profileOf({ site: 'default' })).toBe('HOUR');
    // No site named: the router that still sees the phone decides (it has left the default site's WiFi).
    h.sim.removeDevice(twin.mac);
    expect(await profileOf({})).toBe('ONLINE');
    const unknown = await status({ mac: twin.mac, site: 'nowhere' }, cookie);
    expect([unknown.status, unknown.code]).toEqual([404, 'SITE_NOT_FOUND']);
    // The status page keeps the site in its forms (Pause) and in its own address.
    const page = await (
      await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(twin.mac)}&site=branch-a`, {
        headers: { cookie },
      })
    ).text();
    expect(page).toContain('<input type="hidden" name="site" value="branch-a">');
    expect(page).toContain('action="/portal/pause"');
  });
});

async function waitFor(ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
