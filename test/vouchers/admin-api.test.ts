import { createHarness, Harness } from '../helpers/harness';
import { addDevice, AUTH, redeemApi } from '../portal/helpers';

async function api(h: Harness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
}

describe('admin voucher and profile API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('generates, lists, shows, extends, moves and revokes vouchers, all audited', async () => {
    const gen = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 3, price: '4.50' });
    expect(gen.status).toBe(201);
    expect(gen.json).toMatchObject({ success: true, router_pending: 0 });
    expect(gen.json.vouchers[0]).toMatchObject({
      profile: 'BASIC',
      price: 4.5,
      price_centavos: 450,
      status: 'unused',
    });
    const [code, code2] = gen.json.vouchers.map((v: { code: string }) => v.code);

    const list = await api(h, 'GET', `/vouchers?batch=${gen.json.batch_id}&status=unused`);
    expect(list.json.total).toBe(3);
    expect(
      (await api(h, 'GET', `/vouchers?search=${code.slice(2, 6).toLowerCase()}`)).json.vouchers.map(
        (v: { code: string }) => v.code,
      ),
    ).toContain(code);
    expect((await api(h, 'GET', '/vouchers?status=bogus')).status).toBe(400);

    const d = addDevice(h, 1);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
    const shown = await api(h, 'GET', `/vouchers/${code.toLowerCase()}`);
    expect(shown.json.voucher).toMatchObject({
      code,
      status: 'active',
      state: 'normal',
      remaining_seconds: 3600,
      bound_mac: d.mac,
    });
    expect(shown.json.voucher.devices).toHaveLength(1);

    const ext = await api(h, 'POST', `/vouchers/${code}/extend`, { duration: '30m' });
    expect(ext.json.voucher.remaining_seconds).toBe(5400);
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)!['limit-uptime']).toBe('1h30m');

    const moved = await api(h, 'POST', `/vouchers/${code2}/profile`, { profile: 'PREMIUM' });
    expect(moved.json.voucher).toMatchObject({
      profile: 'PREMIUM',
      rate_up: 5_000_000,
      rate_down: 10_000_000,
    });
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === code2)).toMatchObject({
      'limit-uptime': '5h',
      comment: 'pisonet PREMIUM',
    });

    const revoked = await api(h, 'POST', `/vouchers/${code}/revoke`);
    expect(revoked.json.voucher.status).toBe('revoked');
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
    expect(h.sim.rows('/queue/simple')).toHaveLength(0);
    expect(h.sim.rows('/ip/hotspot/user').map((u) => u.name)).not.toContain(code);
    expect((await api(h, 'POST', `/vouchers/${code}/revoke`)).status).toBe(409);
    expect((await api(h, 'GET', '/vouchers/NOSUCHCODE')).status).toBe(404);
    expect((await redeemApi(h, { code, ...d })).json.code).toBe('VOUCHER_REVOKED');

    const actions = (await h.core!.services.audit.list({ limit: 50 })).entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'voucher.generate',
        'voucher.extend',
        'voucher.change_profile',
        'voucher.revoke',
      ]),
    );
  });

  it('validates generation input with field names from the domain parsers', async () => {
    const bad = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(bad.json.fields).toHaveProperty('count');
    expect(
      (await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1, rate_up: 'fast' })).json.fields,
    ).toHaveProperty('rate_up');
    expect((await api(h, 'POST', '/vouchers', { profile: 'GOLD', count: 1 })).status).toBe(404);
    const unauth = await fetch(`${h.app!.url}/admin/api/vouchers`);
    expect(unauth.status).toBe(401);
  });

  it('creates and updates profiles, validated like profiles.json', async () => {
    const created = await api(h, 'POST', '/profiles', {
      name: 'NIGHT',
      price: 15,
      validity: '8h',
      users: 1,
      rate_up: '1M',
      rate_down: '3M',
      offpeak: { start: '00:00', end: '06:00', unlimited: true },
    });
    expect(created.status).toBe(201);
    expect(created.json.profile).toMatchObject({
      name: 'NIGHT',
      price: 15,
      price_centavos: 1500,
      source: 'admin',
    });
    const bad = await api(h, 'POST', '/profiles', {
      name: 'BAD',
      price: 5,
      validity: '1h',
      users: 1,
      rate_up: '1M',
      rate_down: '2M',
      fup: { threshold: '1G', rate_up: '2M', rate_down: '1M' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.fields)).toEqual(expect.arrayContaining(['fup.rate_up']));
    expect(
      (
        await api(h, 'POST', '/profiles', {
          name: 'basic',
          price: 5,
          validity: '1h',
          users: 1,
          rate_up: '1M',
          rate_down: '2M',
        })
      ).status,
    ).toBe(409);

    const updated = await api(h, 'PUT', '/profiles/basic', {
      price: 6,
      validity: '90m',
      users: 1,
      rate_up: '512K',
      rate_down: '1M',
    });
    expect(updated.json.profile).toMatchObject({ name: 'BASIC', price: 6, validity: '1h30m' });
    const all = await api(h, 'GET', '/profiles');
    expect(all.json.profiles.map((p: { name: string }) => p.name)).toEqual([
      'BASIC',
      'STANDARD',
      'NIGHT',
      'PREMIUM',
    ]);
  });
});
