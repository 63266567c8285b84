import { parseProfile } from '../../src/domain/profiles';
import { profileToJson } from '../../src/domain/profile-json';
import { ValidationErrors } from '../../src/domain/errors';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { AdminClient } from '../admin/client';
import { SYSTEM } from '../../src/services/types';
import { largestSharing } from '../../src/services/network/router-setup/for-site';
import type { ProfileRecord } from '../../src/services/shop/profiles/types';

export const HOME_10M = {
  name: 'HOME10',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  data_cap: '200G',
  cap_policy: 'throttle',
  cap_rate_up: '1M',
  cap_rate_down: '2M',
  ppp_pool: 'pppoe-pool',
};

function fieldsOf(json: unknown): string[] {
  try {
    parseProfile(json);
  } catch (e) {
    if (e instanceof ValidationErrors) return e.errors.map((x) => x.field).sort();
    throw e;
  }
  return [];
}

describe('a monthly plan as a profile (domain)', () => {
  it('needs no validity or users, and reads back the same from its JSON form', () => {
    const p = parseProfile(HOME_10M);
    expect(p).toMatchObject({
      billing: 'monthly',
      price: 99900,
      validitySeconds: null,
      users: 1,
      pppPool: 'pppoe-pool',
      dataCapBytes: 200e9,
      capPolicy: 'throttle',
    });
    const json = profileToJson(p);
    expect(json).toMatchObject({ billing: 'monthly', ppp_pool: 'pppoe-pool' });
    expect(json.validity).toBeUndefined();
    expect(json.users).toBeUndefined();
    expect(parseProfile(json)).toEqual(p);
    // A prepaid profile says nothing of billing, as before.
    expect(
      profileToJson(
        parseProfile({ ...HOME_10M, billing: undefined, ppp_pool: undefined, validity: '1h', users: 1 }),
      ).billing,
    ).toBeUndefined();
  });

  it('refuses a validity, the voucher-only settings, a bad pool name and a pool on a prepaid profile, each named', () => {
    expect(
      fieldsOf({ ...HOME_10M, validity: '30d', time_mode: 'uptime', topup: 'queue', ppp_pool: 'bad pool;' }),
    ).toEqual(['ppp_pool', 'time_mode', 'topup', 'validity']);
    expect(fieldsOf({ ...HOME_10M, billing: 'yearly' })).toContain('billing');
    expect(fieldsOf({ ...HOME_10M, billing: 'prepaid', validity: '1h', users: 1 })).toEqual(['ppp_pool']);
  });
});

describe('monthly plans through the admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a monthly plan and lists every profile with its billing', async () => {
    const made = await adminApi(h, 'POST', '/profiles', HOME_10M);
    expect(made.status).toBe(201);
    expect(made.json.profile).toMatchObject({
      name: 'HOME10',
      billing: 'monthly',
      price: 999,
      price_centavos: 99900,
    });
    expect(made.json.profile.validity).toBeUndefined();
    const list = await adminApi(h, 'GET', '/profiles');
    const billing = Object.fromEntries(
      list.json.profiles.map((p: { name: string; billing: string }) => [p.name, p.billing]),
    );
    expect(billing).toEqual({ BASIC: 'prepaid', STANDARD: 'prepaid', PREMIUM: 'prepaid', HOME10: 'monthly' });
  });

  it('refuses a validity on a monthly plan with the field named, and writes nothing', async () => {
    const res = await adminApi(h, 'POST', '/profiles', { ...HOME_10M, name: 'HOME20', validity: '30d' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_INPUT');
    expect(Object.keys(res.json.fields)).toEqual(['validity']);
    expect(await h.core!.db('profiles').where({ name: 'HOME20' })).toHaveLength(0);
  });

  it('refuses a ₱0 monthly plan, on create, update and import, naming the price; a free prepaid profile stays allowed', async () => {
    const made = await adminApi(h, 'POST', '/profiles', { ...HOME_10M, name: 'FREEHOME', price: 0 });
    expect(made.status).toBe(400);
    expect(made.json.code).toBe('INVALID_INPUT');
    expect(Object.keys(made.json.fields)).toEqual(['price']);
    expect(made.json.fields.price).toMatch(/monthly fee/);
    expect(await h.core!.db('profiles').where({ name: 'FREEHOME' })).toHaveLength(0);

    const update = await adminApi(h, 'PUT', '/profiles/HOME10', { ...HOME_10M, price: 0 });
    expect(update.status).toBe(400);
    expect(Object.keys(update.json.fields)).toEqual(['price']);
    expect((await h.core!.services.profiles.get('HOME10')).price).toBe(99900);

    await expect(
      h.core!.services.profiles.importProfiles([{ ...HOME_10M, name: 'FREEHOME', price: 0 }], {}, SYSTEM),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'profiles[0].price' })] });

    const promo = await adminApi(h, 'POST', '/profiles', {
      name: 'PROMO',
      price: 0,
      validity: '15m',
      users: 1,
      rate_up: '1M',
      rate_down: '2M',
    });
    expect(promo.status).toBe(201);
  });

  it('keeps a profile prepaid or monthly for life', async () => {
    const res = await adminApi(h, 'PUT', '/profiles/BASIC', { ...HOME_10M, name: 'BASIC' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.fields)).toEqual(['billing']);
  });

  it('never sells a monthly plan as a voucher: batches, plan changes, vendos are 409 PROFILE_MONTHLY', async () => {
    const batch = await adminApi(h, 'POST', '/vouchers', { profile: 'HOME10', count: 1 });
    expect(batch.status).toBe(409);
    expect(batch.json.code).toBe('PROFILE_MONTHLY');
    expect(await h.core!.db('vouchers')).toHaveLength(0);

    const basic = await adminApi(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1 });
    expect(basic.status).toBe(201);
    const code = basic.json.vouchers?.[0]?.code ?? basic.json.codes?.[0];
    const change = await adminApi(h, 'POST', `/vouchers/${code}/profile`, { profile: 'HOME10' });
    expect(change.status).toBe(409);
    expect(change.json.code).toBe('PROFILE_MONTHLY');

    const vendo = await adminApi(h, 'POST', '/vendos', {
      name: 'Door',
      profile: 'HOME10',
      rates: [{ amount: 1, validity: '10m' }],
    });
    expect(vendo.status).toBe(409);
    expect(vendo.json.code).toBe('PROFILE_MONTHLY');
    expect(await h.core!.db('vendos')).toHaveLength(0);
  });

  it("leaves a monthly plan off the dashboard's quick print: only voucher plans are offered", async () => {
    const admin = new AdminClient(h.app!.url);
    await admin.login();
    const html = await admin.html('/admin');
    expect(html).toContain('data-testid="quick-print-BASIC"');
    expect(html).not.toContain('quick-print-HOME10');
    // Nor in the Vouchers page's batch picker (the list's filter keeps every plan).
    const vouchers = await admin.html('/admin/vouchers');
    const picker = /<select[^>]*name="profile"[^>]*required[\s\S]*?<\/select>/.exec(vouchers)![0];
    expect(picker).toContain('value="BASIC"');
    expect(picker).not.toContain('value="HOME10"');
  });

  it("refuses a monthly plan among a reseller's plans, naming it (409 PROFILE_MONTHLY), on create and update", async () => {
    const made = await adminApi(h, 'POST', '/accounts', {
      username: 'juan',
      password: 'a long enough password',
      role: 'reseller',
      profiles: ['BASIC', 'HOME10'],
    });
    expect(made.status).toBe(409);
    expect(made.json.code).toBe('PROFILE_MONTHLY');
    expect(made.json.error).toMatch(/^HOME10 is a monthly plan/);
    expect(await h.core!.db('admin_users').where({ username: 'juan' })).toHaveLength(0);

    const ok = await adminApi(h, 'POST', '/accounts', {
      username: 'juan',
      password: 'a long enough password',
      role: 'reseller',
      profiles: ['BASIC'],
    });
    expect(ok.status).toBe(201);
    const update = await adminApi(h, 'PUT', '/accounts/juan', { profiles: ['HOME10'] });
    expect(update.status).toBe(409);
    expect(update.json.code).toBe('PROFILE_MONTHLY');
    expect((await h.core!.services.accounts.find('juan'))?.profiles).toEqual(['BASIC']);
    // With another problem too, every problem is listed at once.
    const both = await adminApi(h, 'PUT', '/accounts/juan', {
      profiles: ['HOME10'],
      commission_percent: 'x',
    });
    expect(both.status).toBe(400);
    expect(Object.keys(both.json.fields).sort()).toEqual(['commission_percent', 'profiles']);
    expect(both.json.fields.profiles).toMatch(/HOME10 is a monthly plan/);
  });

  it('leaves a monthly plan off the portal price list', async () => {
    const html = await (await fetch(`${h.app!.url}/portal`)).text();
    expect(html).toContain('STANDARD');
    expect(html).not.toContain('HOME10');
  });
});

describe("a monthly plan and the hotspot's shared users", () => {
  it('does not raise the devices one voucher may use on the router', () => {
    const record = (json: Record<string, unknown>) =>
      ({ archived: false, site: null, profile: parseProfile(json) }) as unknown as ProfileRecord;
    const basic = record({
      name: 'BASIC',
      price: 5,
      validity: '1h',
      users: 2,
      rate_up: '1M',
      rate_down: '2M',
    });
    const family = record({ ...HOME_10M, name: 'FAMILY', users: 8 });
    expect(largestSharing([basic, family], 1)).toBe(2);
  });
});
