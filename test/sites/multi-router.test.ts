/**
 * Three routers (the .env router `default` and two branches), one controller: vouchers land only on their
 * site's router, roaming ones on all of them and are consumed once, a redemption finds the router that sees the
 * device, each site's poll meters only its own vouchers, and a router that is stopped or hung does not hold up
 * the others.
 */
import type { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import type { SiteStack } from '../../src/services/network/site-stack';
import type { Harness } from '../helpers/harness';
import { openForm, redeemApi } from '../portal/helpers';
import { AdminClient } from '../admin/client';
import { makeVendo, Phone } from '../vendos/helpers';
import { harnessWithBranches, type Branch } from './helpers';

describe('three routers, one controller', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;

  const stack = (id: number): SiteStack => {
    const s = h.core!.siteStacks.get(id);
    if (!s) throw new Error(`no stack for site ${id}`);
    return s;
  };
  const usersOn = (sim: RouterSimulator) => sim.rows('/ip/hotspot/user').map((u) => String(u.name));
  const generate = async (extra: Record<string, unknown>, count = 2) =>
    (await h.core!.services.vouchers.generate({ profile: 'BASIC', count, ...extra }, SYSTEM)).vouchers.map(
      (v) => v.code,
    );
  const row = (code: string) => h.core!.db('vouchers').where({ code }).first();

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
  });
  afterAll(() => close());

  test('a batch made for a site exists on that router only; the default one stays on the .env router', async () => {
    const forA = await generate({ site: 'branch-a' });
    const forDefault = await generate({});
    const forB = await generate({ site: branch.b.id });
    for (const c of forA) expect(await row(c)).toMatchObject({ site_id: branch.a.id });
    expect(usersOn(branch.a.sim)).toEqual(expect.arrayContaining(forA));
    expect(usersOn(branch.b.sim)).toEqual(expect.arrayContaining(forB));
    expect(usersOn(h.sim)).toEqual(expect.arrayContaining(forDefault));
    for (const c of forA) {
      expect(usersOn(h.sim)).not.toContain(c);
      expect(usersOn(branch.b.sim)).not.toContain(c);
    }
    for (const c of forDefault) expect(usersOn(branch.a.sim)).not.toContain(c);
    // Each site's users check keeps the others' users where they are.
    await stack(branch.a.id).hotspotUsers!.check();
    await h.core!.defaultStack.hotspotUsers!.check();
    expect(usersOn(branch.a.sim)).toEqual(expect.arrayContaining(forA));
    expect(usersOn(h.sim)).not.toContain(forA[0]);
    // An unknown site is refused before anything is written.
    await expect(generate({ site: 'nowhere' })).rejects.toMatchObject({
      code: 'SITE_NOT_FOUND',
      field: 'site',
    });
  });

  test('a redemption without a site goes to the router that sees the device; another site’s code is refused', async () => {
    const [code, other] = await generate({ site: 'branch-a' });
    const phone = { mac: '02:A1:00:00:00:01', ip: '10.66.1.11' };
    branch.a.sim.addDevice(phone);
    const ok = await redeemApi(h, { code, ...phone });
    expect(ok.status).toBe(200);
    expect(branch.a.sim.rows('/ip/hotspot/active').map((s) => s.user)).toContain(code);
    expect(h.sim.rows('/ip/hotspot/active').map((s) => s.user)).not.toContain(code);
    expect(branch.a.sim.rows('/queue/simple').map((q) => q.name)).toContain(`pisonet-${phone.mac}`);

    // A phone at branch B with branch A's code: refused, and the code is still unused.
    const atB = { mac: '02:B1:00:00:00:01', ip: '10.66.2.11' };
    branch.b.sim.addDevice(atB);
    const refused = await redeemApi(h, { code: other, ...atB });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'WRONG_SITE' });
    expect(await row(other)).toMatchObject({ status: 'unused' });
    // The refusal says where the code works: the site's name, and the WiFi name its cards print (the shop's
    // until the branch has its own).
    expect(refused.json.error).toBe(
      "This code works at the shop's branch-a hotspot (WiFi “PisoNet”). Your code was not used; connect to that hotspot to use it.",
    );
    await h.core!.services.sites.update('branch-a', { wifi_name: 'Tondo WiFi' }, SYSTEM);
    expect((await redeemApi(h, { code: other, ...atB })).json.error).toContain(
      'branch-a hotspot (WiFi “Tondo WiFi”)',
    );
    // The .env router's code is the main hotspot's; the portal page says it in the phone's language.
    const [main] = await generate({});
    expect((await redeemApi(h, { code: main, ...atB })).json.error).toContain(
      "the shop's main hotspot (WiFi “PisoNet”)",
    );
    const { cookie, token } = await openForm(`${h.app!.url}/portal?mac=${atB.mac}&ip=${atB.ip}&lang=fil`);
    const page = await fetch(`${h.app!.url}/portal/redeem`, {
      method: 'POST',
      body: new URLSearchParams({ code: other, ...atB, lang: 'fil', _csrf: token }),
      headers: { cookie },
    });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('Para sa hotspot ng shop na branch-a (WiFi “Tondo WiFi”)');
    expect(await row(other)).toMatchObject({ status: 'unused' });
    expect(await row(main)).toMatchObject({ status: 'unused' });
  });

  test('the same MAC and IP on two routers: the portal asks for the site; naming it works', async () => {
    const [code] = await generate({ site: 'branch-b' });
    const twin = { mac: '02:CC:00:00:00:01', ip: '10.5.50.250' };
    h.sim.addDevice(twin);
    branch.b.sim.addDevice(twin);
    const asked = await redeemApi(h, { code, ...twin });
    expect(asked.status).toBe(409);
    expect(asked.json).toMatchObject({ code: 'SITE_AMBIGUOUS' });
    expect(await row(code)).toMatchObject({ status: 'unused' });
    const named = await fetch(`${h.app!.url}/api/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, ...twin, site: 'Branch-B' }),
    });
    expect(named.status).toBe(200);
    expect(branch.b.sim.rows('/ip/hotspot/active').map((s) => s.user)).toContain(code);
    expect(h.sim.rows('/ip/hotspot/active').map((s) => s.user)).not.toContain(code);
  });

  test('the owner picks the site in the batch form; a page narrowed to a site makes its batches there', async () => {
    const c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
    const narrowed = await c.html(`/admin/vouchers?site=${branch.b.id}`);
    expect(narrowed).toMatch(new RegExp(`<option value="${branch.b.id}" selected>branch-b</option>`));
    expect(narrowed).toContain('<option value="roaming">Every site (roaming)</option>');
    const token = await c.token('/admin/vouchers');
    const made = await c.post(
      '/admin/vouchers/generate',
      {
        profile: 'BASIC',
        count: '2',
        prefix: '',
        price: '',
        note: '',
        design: 'compact',
        site: String(branch.a.id),
      },
      token,
    );
    expect(made.status).toBe(303);
    const batchPage = await c.html(made.headers.get('location')!);
    expect(batchPage).toMatch(/<dt>Site<\/dt><dd>branch-a<\/dd>/);
    const id = Number(/batches\/(\d+)/.exec(made.headers.get('location')!)![1]);
    const codes = (await h.core!.db('vouchers').where({ batch_id: id }).select('code', 'site_id')) as Array<{
      code: string;
      site_id: number;
    }>;
    expect(codes.map((r) => r.site_id)).toEqual([branch.a.id, branch.a.id]);
    for (const r of codes) expect(usersOn(branch.a.sim)).toContain(r.code);
    // A site that is gone by the time the form is sent: the form again, the problem under the site field.
    const gone = await c.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '1', prefix: '', price: '', note: '', design: 'compact', site: '999' },
      token,
    );
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('Site &#34;999&#34; not found');
  });

  test('each site has its own login page to upload; the portal keeps the site it names', async () => {
    const res = await fetch(`${h.app!.url}/admin/sites/branch-a/login.html`, {
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="login-branch-a.html"');
    const page = await res.text();
    expect(page).toContain('<input type="hidden" name="site" value="branch-a" />');
    expect(page).toContain('&amp;site=branch-a"');
    expect(page).toContain(`action="${h.app!.url}/portal"`);
    expect(page).not.toContain('PORTAL_BASE');
    // Not for customers: the admin's login is needed.
    expect(
      (await fetch(`${h.app!.url}/admin/sites/branch-a/login.html`, { redirect: 'manual' })).status,
    ).not.toBe(200);
    // What the page sends: the portal's form carries the site on to the redemption.
    const portal = await (
      await fetch(`${h.app!.url}/portal?mac=02:A1:00:00:00:09&ip=10.66.1.19&site=branch-a`)
    ).text();
    expect(portal).toContain('<input type="hidden" name="site" value="branch-a">');
  });

  test('a roaming batch is on every router and is consumed once, at the site where it is used', async () => {
    const [code] = await generate({ roaming: true }, 1);
    expect(await row(code)).toMatchObject({ site_id: null });
    for (const sim of [h.sim, branch.a.sim, branch.b.sim]) expect(usersOn(sim)).toContain(code);
    const phone = { mac: '02:B1:00:00:00:02', ip: '10.66.2.12' };
    branch.b.sim.addDevice(phone);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    expect(await row(code)).toMatchObject({ status: 'active', site_id: branch.b.id });
    // The other routers drop its user at their next users check; branch B keeps it, with its own router id.
    await h.core!.defaultStack.hotspotUsers!.check();
    await stack(branch.a.id).hotspotUsers!.check();
    await stack(branch.b.id).hotspotUsers!.check();
    expect(usersOn(h.sim)).not.toContain(code);
    expect(usersOn(branch.a.sim)).not.toContain(code);
    const onB = branch.b.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
    expect(onB).toBeDefined();
    expect(await row(code)).toMatchObject({ router_user_id: onB!['.id'] });
  });

  test('each site meters its own vouchers; the default poll leaves a branch’s customers alone', async () => {
    const [code] = await generate({ site: 'branch-a' }, 1);
    const phone = { mac: '02:A1:00:00:00:03', ip: '10.66.1.13' };
    branch.a.sim.addDevice(phone);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    await stack(branch.a.id).pollOnce(); // adopts the queue's counter
    branch.a.sim.addTraffic(phone.mac, { up: 1_000_000, down: 3_000_000 }, 60); // within BASIC's speeds
    // The default site's cycle does not see branch A's device or voucher.
    const main = await h.core!.services.usage.runCycle();
    expect(main.skipped).toBeUndefined();
    expect(Number((await row(code)).bytes_down)).toBe(0);
    const cycle = await stack(branch.a.id).usage.runCycle();
    expect(cycle.skipped).toBeUndefined();
    const v = await row(code);
    expect(Number(v.bytes_down)).toBe(3_000_000);
    expect(Number(v.bytes_up)).toBe(1_000_000);
    // The traffic chart of a site counts its own vouchers' samples only.
    const down = async (siteId: number) =>
      (await h.core!.services.usage.trafficSeries({ since: 0, bucketSeconds: 3600, siteId })).reduce(
        (n, p) => n + p.down,
        0,
      );
    expect(await down(branch.a.id)).toBeGreaterThanOrEqual(3_000_000);
    expect(await down(branch.b.id)).toBeLessThan(await down(branch.a.id));
    const all = (await h.core!.services.usage.trafficSeries({ since: 0, bucketSeconds: 3600 })).reduce(
      (n, p) => n + p.down,
      0,
    );
    expect(all).toBe((await down(1)) + (await down(branch.a.id)) + (await down(branch.b.id)));
    expect(branch.a.sim.rows('/queue/simple').map((q) => q.name)).toContain(`pisonet-${phone.mac}`);
  });

  test("a branch's device: its speed limit and its logout go to the branch's router", async () => {
    const [code] = await generate({ site: 'branch-a' }, 1);
    const phone = { mac: '02:A1:00:00:00:06', ip: '10.66.1.16' };
    branch.a.sim.addDevice(phone);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    const auth = { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' };
    const set = await fetch(`${h.app!.url}/admin/api/set-bandwidth`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ mac: phone.mac, upload: '256K', download: '768K' }),
    });
    expect(set.status).toBe(200);
    const queue = branch.a.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${phone.mac}`);
    expect(queue?.['max-limit']).toBe('256000/768000');
    // The live users list narrows to one site: branch A's devices only, each naming its site.
    const listed = async (site: string) =>
      (
        (await (
          await fetch(`${h.app!.url}/admin/api/user-traffic?site=${site}`, { headers: auth })
        ).json()) as {
          users: Array<{ mac: string; site: number }>;
        }
      ).users;
    const atA = await listed('branch-a');
    expect(atA.map((u) => u.mac)).toContain(phone.mac);
    expect(atA.every((u) => u.site === branch.a.id)).toBe(true);
    expect((await listed('branch-b')).map((u) => u.mac)).not.toContain(phone.mac);
    expect((await fetch(`${h.app!.url}/admin/api/user-traffic?site=nowhere`, { headers: auth })).status).toBe(
      400,
    );
    const kick = await fetch(`${h.app!.url}/admin/api/users/${encodeURIComponent(phone.mac)}/kick`, {
      method: 'POST',
      headers: auth,
    });
    expect(kick.status).toBe(200);
    expect(branch.a.sim.rows('/ip/hotspot/active').map((x) => x['mac-address'])).not.toContain(phone.mac);
  });

  test('a coin vendo at a branch sells to a phone on that branch’s router', async () => {
    const { id, board } = await makeVendo(h, { name: 'Branch A box' });
    const phone = { mac: '02:A1:00:00:00:07', ip: '10.66.1.17' };
    branch.a.sim.addDevice(phone);
    const customer = new Phone(h, phone);
    await board.poll(); // the box is online
    const start = await customer.start(id);
    expect(start.status).toBe(200);
    await board.poll();
    expect((await board.insertCoin(5)).json).toMatchObject({ success: true, credit: 5 });
    const done = await customer.finish(start.json.session as string);
    expect(done.status).toBe(200);
    const bought = (await h.core!.db('vouchers').whereNotNull('vendo_id').orderBy('id', 'desc').first()) as {
      code: string;
      site_id: number;
      status: string;
    };
    expect(bought).toMatchObject({ site_id: branch.a.id, status: 'active' });
    expect(branch.a.sim.rows('/ip/hotspot/active').map((x) => x.user)).toContain(bought.code);
    expect(usersOn(h.sim)).not.toContain(bought.code);
  });

  test('a branch router reset to its defaults is repaired by its own poll; the others are left alone', async () => {
    const codes = await generate({ site: 'branch-a' }, 3);
    const phone = { mac: '02:A1:00:00:00:09', ip: '10.66.1.19' };
    branch.a.sim.addDevice(phone);
    expect((await redeemApi(h, { code: codes[0], ...phone })).status).toBe(200);
    await stack(branch.a.id).pollOnce();
    const queueNames = () => branch.a.sim.rows('/queue/simple').map((q) => String(q.name));
    expect(queueNames()).toContain(`pisonet-${phone.mac}`);
    const elsewhere = [usersOn(h.sim).sort(), usersOn(branch.b.sim).sort()];

    // Same machine (same licence), configuration wiped: no users, no sessions, no queues.
    await branch.a.sim.resetConfiguration();
    expect(usersOn(branch.a.sim)).toHaveLength(0);
    const s = stack(branch.a.id);
    for (let i = 0; i < 100 && !usersOn(branch.a.sim).includes(codes[2]); i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (s.router.status.connected) await s.pollOnce().catch(() => undefined);
    }
    // The site's poll saw the router restart and put its vouchers' users back, bound to the paying phone.
    expect(usersOn(branch.a.sim)).toEqual(expect.arrayContaining(codes));
    const paid = branch.a.sim.rows('/ip/hotspot/user').find((u) => u.name === codes[0]);
    expect(paid?.['mac-address']).toBe(phone.mac);
    expect((await s.binding.check()).mode).toBe('bound'); // repaired, not a stranger in safe mode
    // The phone opens the portal again: back online on the same voucher, with its queue.
    const again = await redeemApi(h, { code: codes[0], ...phone });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ relogin: true });
    expect(queueNames()).toContain(`pisonet-${phone.mac}`);
    expect(await row(codes[0])).toMatchObject({ status: 'active', site_id: branch.a.id });
    // Nothing moved on the other routers.
    expect([usersOn(h.sim).sort(), usersOn(branch.b.sim).sort()]).toEqual(elsewhere);
  });

  test('one router stopped, another hung: the rest still poll and redeem', async () => {
    branch.b.sim.setReachable(false);
    await expect(stack(branch.b.id).usage.runCycle()).resolves.toMatchObject({
      skipped: 'router-unreachable',
    });
    const [code] = await generate({ site: 'branch-a' }, 1);
    const phone = { mac: '02:A1:00:00:00:04', ip: '10.66.1.14' };
    branch.a.sim.addDevice(phone);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    expect((await stack(branch.a.id).usage.runCycle()).skipped).toBeUndefined();
    expect((await h.core!.services.usage.runCycle()).skipped).toBeUndefined();
    // A branch that accepts the connection and never answers: a redemption elsewhere is not held up by it
    // (its host table lookup is left out after a short wait), and the hung router's poll fails on its own.
    branch.b.sim.setReachable(true);
    await stack(branch.b.id).router.waitConnected(5000);
    branch.b.sim.faults.silenceAfterLogin();
    const [code2] = await generate({ site: 'branch-a' }, 1);
    const phone2 = { mac: '02:A1:00:00:00:05', ip: '10.66.1.15' };
    branch.a.sim.addDevice(phone2);
    expect((await redeemApi(h, { code: code2, ...phone2 })).status).toBe(200);
    expect(await row(code2)).toMatchObject({ status: 'active', site_id: branch.a.id });
  });
});
