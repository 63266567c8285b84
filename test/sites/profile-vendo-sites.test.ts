/**
 * Profiles and coin vendos shared or per site, with three routers (`default` and two branches): a
 * profile of one site is refused for another site's batch and for a roaming one, and left out of the other
 * sites' portals; a vendo of one site refuses a phone on another site's router without losing a coin; the rules
 * between a vendo's site and its profile's; and removing a site that still sells something of its own.
 */
import { SYSTEM } from '../../src/services/types';
import type { Harness } from '../helpers/harness';
import { makeVendo, Phone, RATES } from '../vendos/helpers';
import { api, harnessWithBranches, type Branch } from './helpers';

const PROMO = {
  name: 'PROMO_A',
  price: 3,
  validity: '2h',
  users: 1,
  rate_up: '1M',
  rate_down: '2M',
};

describe('profiles and vendos per site', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;

  /** Rows of a query, counted (a number on both engines). */
  const count = async (q: PromiseLike<unknown>) => Number(((await q) as { n: number | string }[])[0].n);
  const batchCount = () => count(h.core!.db('batches').count({ n: '*' }));
  const portalHtml = async (q: Record<string, string>) =>
    (await fetch(`${h.app!.url}/portal?${new URLSearchParams(q).toString()}`)).text();

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    const made = await api(h, 'POST', '/profiles', { ...PROMO, site: 'branch-a' });
    expect(made.status).toBe(201);
    expect(made.json.profile).toMatchObject({ name: 'PROMO_A', site: 'branch-a', site_id: branch.a.id });
  });
  afterAll(() => close());

  test("a site's profile makes batches for that site only; another site's or a roaming batch is refused", async () => {
    const before = await batchCount();
    for (const site of ['branch-b', undefined]) {
      const refused = await api(h, 'POST', '/vouchers', {
        profile: 'PROMO_A',
        count: 2,
        ...(site ? { site } : {}),
      });
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ code: 'PROFILE_OTHER_SITE' });
      expect(refused.json.error).toContain('branch-a only');
    }
    const roaming = await api(h, 'POST', '/vouchers', { profile: 'PROMO_A', count: 2, roaming: true });
    expect(roaming.status).toBe(409);
    expect(roaming.json).toMatchObject({ code: 'PROFILE_NOT_SHARED' });
    expect(await batchCount()).toBe(before); // nothing written by a refusal

    const ok = await api(h, 'POST', '/vouchers', { profile: 'PROMO_A', count: 2, site: branch.a.id });
    expect(ok.status).toBe(201);
    const codes = (ok.json.vouchers as { code: string }[]).map((v) => v.code);
    const users = branch.a.sim.rows('/ip/hotspot/user').map((u) => String(u.name));
    expect(users).toEqual(expect.arrayContaining(codes));
    // A voucher of branch B cannot be moved onto branch A's profile.
    const [bCode] = (
      await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, site: 'branch-b' }, SYSTEM)
    ).vouchers.map((v) => v.code);
    const moved = await api(h, 'POST', `/vouchers/${bCode}/profile`, { profile: 'PROMO_A' });
    expect(moved.status).toBe(409);
    expect(moved.json).toMatchObject({ code: 'PROFILE_OTHER_SITE' });
  });

  test("each site's portal lists the shared profiles and its own, never another site's", async () => {
    const atA = { mac: '02:A1:00:00:00:31', ip: '10.66.1.31' };
    const atB = { mac: '02:B1:00:00:00:31', ip: '10.66.2.31' };
    branch.a.sim.addDevice(atA);
    branch.b.sim.addDevice(atB);
    // The login page names its site…
    const namedB = await portalHtml({ ...atB, site: 'branch-b' });
    expect(namedB).toContain('BASIC');
    expect(namedB).not.toContain('PROMO_A');
    expect(await portalHtml({ ...atA, site: 'branch-a' })).toContain('PROMO_A');
    // …or the router that sees the device tells it.
    expect(await portalHtml(atB)).not.toContain('PROMO_A');
    expect(await portalHtml(atA)).toContain('PROMO_A');
    // Nobody sees it: only what is shared.
    const unknown = await portalHtml({ mac: '02:EE:00:00:00:01', ip: '10.9.9.9' });
    expect(unknown).toContain('BASIC');
    expect(unknown).not.toContain('PROMO_A');
    // The admin API's listing, narrowed to a site, says the same.
    const listed = async (site: string) =>
      ((await api(h, 'GET', `/profiles?site=${site}`)).json.profiles as { name: string }[]).map(
        (p) => p.name,
      );
    expect(await listed('branch-b')).not.toContain('PROMO_A');
    expect(await listed('branch-a')).toEqual(expect.arrayContaining(['BASIC', 'PROMO_A']));
  });

  test('a vendo of branch A refuses a phone on branch B, before and after coins, and loses none', async () => {
    const { id, board } = await makeVendo(h, { name: 'Box A', site: 'branch-a' });
    const vendo = await api(h, 'GET', `/vendos/${id}`);
    expect(vendo.json.vendo).toMatchObject({ site: 'branch-a', site_id: branch.a.id });
    await board.poll();
    // Branch B's portal does not offer it; branch A's does.
    const offered = async (site: string) =>
      (
        (await (await fetch(`${h.app!.url}/api/portal/vendos?site=${site}`)).json()) as {
          vendos: { id: string }[];
        }
      ).vendos.map((v) => v.id);
    expect(await offered('branch-b')).not.toContain(id);
    expect(await offered('branch-a')).toContain(id);

    // A phone on branch B's WiFi cannot open a window at it: no coin can go in.
    const atB = { mac: '02:B1:00:00:00:41', ip: '10.66.2.41' };
    branch.b.sim.addDevice(atB);
    const refused = await new Phone(h, atB).start(id);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'VENDO_OTHER_SITE' });
    expect(refused.json.error).toContain('branch-a');
    expect(await count(h.core!.db('vendo_sessions').where({ vendo_id: id }).count({ n: '*' }))).toBe(0);

    // A phone on branch A opens a window and drops ₱5; then it is seen on branch B only (it moved) and taps Done.
    const phone = { mac: '02:A1:00:00:00:41', ip: '10.66.1.41' };
    branch.a.sim.addDevice(phone);
    const customer = new Phone(h, phone);
    const start = await customer.start(id);
    expect(start.status).toBe(200);
    await board.poll();
    expect((await board.insertCoin(5)).json).toMatchObject({ success: true, credit: 5 });
    branch.a.sim.removeDevice(phone.mac);
    branch.b.sim.addDevice(phone);
    const sold = () => count(h.core!.db('vouchers').whereNotNull('vendo_id').count({ n: '*' }));
    const vouchersBefore = await sold();
    const done = await customer.finish(start.json.session as string);
    expect(done.status).toBe(409);
    expect(done.json).toMatchObject({ code: 'VENDO_OTHER_SITE' });
    // The coin is unspent: still in the window, no voucher made, the window open for Done again.
    const coins = await h.core!.db('vendo_coins').where({ vendo_id: id });
    expect(coins).toHaveLength(1);
    expect(coins[0]).toMatchObject({ amount: 500, claimed_at: null, voucher_id: null });
    expect(await sold()).toBe(vouchersBefore);
    expect((await customer.session(start.json.session as string)).json).toMatchObject({
      state: 'armed',
      credit: 5,
    });

    // Back on branch A's WiFi: Done sells, on branch A's router, a voucher of branch A.
    branch.b.sim.removeDevice(phone.mac);
    branch.a.sim.addDevice(phone);
    const again = await customer.finish(start.json.session as string);
    expect(again.status).toBe(200);
    const bought = (await h.core!.db('vouchers').where({ code: again.json.code }).first()) as Record<
      string,
      unknown
    >;
    expect(bought).toMatchObject({ site_id: branch.a.id, status: 'active', vendo_id: id });
    expect(Boolean(bought.roaming)).toBe(false);
    expect(branch.a.sim.rows('/ip/hotspot/active').map((x) => x.user)).toContain(again.json.code);
    expect((await h.core!.db('vendo_coins').where({ vendo_id: id }).first()).claimed_at).not.toBeNull();
  });

  test("a vendo's profile must be sold where the vendo sells", async () => {
    // A shared vendo, or one of branch B, cannot sell branch A's profile.
    const shared = await api(h, 'POST', '/vendos', { name: 'Shared box', profile: 'PROMO_A', rates: RATES });
    expect(shared.status).toBe(400);
    expect(shared.json.fields.profile).toMatch(/branch-a only.*every site/);
    const atB = await api(h, 'POST', '/vendos', {
      name: 'Box B',
      profile: 'PROMO_A',
      rates: RATES,
      site: 'branch-b',
    });
    expect(atB.status).toBe(400);
    expect(atB.json.fields).toHaveProperty('profile');
    const unknown = await api(h, 'POST', '/vendos', {
      name: 'Box X',
      profile: 'BASIC',
      rates: RATES,
      site: 'nowhere',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields.site).toContain('nowhere');

    // A vendo of A on A's profile: it cannot become shared while it sells that profile…
    const { id } = await makeVendo(h, { name: 'Box A2', profile: 'PROMO_A', site: branch.a.id });
    const toShared = await api(h, 'PUT', `/vendos/${id}`, { site: null });
    expect(toShared.status).toBe(400);
    expect(toShared.json.fields).toHaveProperty('site');
    // …and the profile cannot move to branch B, or to branch A only while a shared vendo sells it.
    const moved = await api(h, 'PUT', '/profiles/PROMO_A', { ...PROMO, site: 'branch-b' });
    expect(moved.status).toBe(409);
    expect(moved.json).toMatchObject({ code: 'PROFILE_USED_BY_VENDO' });
    expect(moved.json.error).toContain('Box A2');
    // With a shared profile it may become shared; the profile stays branch A's when `site` is not sent.
    expect((await api(h, 'PUT', `/vendos/${id}`, { site: '', profile: 'BASIC' })).json.vendo).toMatchObject({
      site: null,
      profile: 'BASIC',
    });
    const kept = await api(h, 'PUT', '/profiles/PROMO_A', { ...PROMO, price: 4 });
    expect(kept.json.profile).toMatchObject({ site: 'branch-a', price_centavos: 400 });
    const listed = (await api(h, 'GET', '/vendos?site=branch-b')).json.vendos as { name: string }[];
    expect(listed.map((v) => v.name)).toContain('Box A2'); // shared now
    expect(listed.map((v) => v.name)).not.toContain('Box A');
  });

  test('removing a site that still sells its own profile or runs its own vendo is refused, forced or not', async () => {
    const refused = await api(h, 'DELETE', `/sites/${branch.a.id}?force=true`);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'SITE_HAS_OWN_ITEMS' });
    expect(refused.json.error).toContain('PROMO_A');
    expect(refused.json.error).toContain('Box A');
    expect(await h.core!.db('sites').where({ id: branch.a.id }).first()).toBeDefined();
    // Archived and switched off, they sell nowhere: the removal goes ahead and makes them shared.
    await api(h, 'POST', '/profiles/PROMO_A/archive');
    for (const v of (await api(h, 'GET', `/vendos?site=${branch.a.id}`)).json.vendos as {
      id: string;
      site: string | null;
    }[])
      if (v.site) expect((await api(h, 'PUT', `/vendos/${v.id}`, { enabled: false })).status).toBe(200);
    const removed = await api(h, 'DELETE', `/sites/${branch.a.id}?force=true`);
    expect(removed.status).toBe(200);
    expect(await h.core!.db('profiles').where({ name: 'PROMO_A' }).first()).toMatchObject({ site_id: null });
    expect(await count(h.core!.db('vendos').where({ site_id: branch.a.id }).count({ n: '*' }))).toBe(0);
  });
});
