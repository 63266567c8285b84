/**
 * The original PisoNet's profiles.json and API calls work as written, profiles can be imported, retired and
 * restored, and sales stay with the plan and price they were sold at.
 */
import { createHarness, Harness } from '../helpers/harness';
import { AUTH, addDevice, makeVouchers, redeemApi, voucherRow } from '../portal/helpers';
import { startOfLocalDay } from '../../src/domain/calendar';

// Exactly as the original writes it: users as a string, price as a number (BASIC) or a string (STANDARD).
const ORIGINAL = [
  { name: 'BASIC', price: 5, validity: '1h', users: '1', rate_up: '512K', rate_down: '1M' },
  { name: 'STANDARD', price: '10', validity: '2h', users: '1', rate_up: '1M', rate_down: '2M' },
  { name: 'PREMIUM', price: 20, validity: '5h', users: '2', rate_up: '5M', rate_down: '10M' },
];
const actor = { name: 'test', via: 'system' as const };

/** The parts of the API's replies these tests read. */
interface ApiReply {
  profile?: Record<string, unknown>;
  error?: string;
  changes?: string[];
}

async function api(h: Harness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as ApiReply };
}

describe('the original profiles.json and API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: ORIGINAL });
  });
  afterEach(() => h.close());

  test('loads at start, with string users and number or string prices', async () => {
    const list = await h.core!.services.profiles.list();
    expect(list.map((p) => [p.name, p.price, p.profile.users])).toEqual([
      ['BASIC', 500, 1],
      ['STANDARD', 1000, 1],
      ['PREMIUM', 2000, 2],
    ]);
  });

  test('a profile posted with "users": "1" and "validity": "20s" sells, connects and ends after 20 s', async () => {
    const created = await api(h, 'POST', '/profiles', {
      name: 'QUICK',
      price: '1',
      validity: '20s',
      users: '1',
      rate_up: '256K',
      rate_down: '512K',
    });
    expect(created.status).toBe(201);
    expect(created.json.profile).toMatchObject({ name: 'QUICK', price: 1 });

    const [code] = await makeVouchers(h, 'QUICK', 1);
    const phone = addDevice(h, 1);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
    expect(h.sim.rows('/queue/simple').map((q) => q.name)).toEqual([`pisonet-${phone.mac}`]);

    h.clock.advance(21_000);
    await h.core!.services.usage.runCycle();
    expect((await voucherRow(h, code)).status).toBe('expired');
    expect(h.sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(h.sim.rows('/queue/simple').filter((q) => q.name?.startsWith('pisonet-'))).toEqual([]);
    expect(h.sim.rows('/ip/hotspot/user').filter((u) => u.name === code)).toEqual([]);
  });

  test('a whole profiles.json list posted to the API is imported; a bad entry changes nothing', async () => {
    const bad = await api(h, 'POST', '/profiles', [
      { ...ORIGINAL[0], price: 7 },
      { name: 'VIP', price: 50, validity: '1d', users: '2', rate_up: 'fast', rate_down: '10M' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('VIP: rate_up "fast" is not a rate');
    expect((await h.core!.services.profiles.get('BASIC')).price).toBe(500);

    const ok = await api(h, 'POST', '/profiles', [
      { ...ORIGINAL[0], price: 7 },
      { name: 'VIP', price: 50, validity: '1d', users: '2', rate_up: '5M', rate_down: '10M' },
    ]);
    expect(ok.status).toBe(201);
    expect(ok.json.changes).toEqual(['profile BASIC: price 5 → 7', 'profile VIP added']);
    expect((await h.core!.services.profiles.get('VIP')).profile.users).toBe(2);
  });
});

describe('import, archive and sales history', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  test('a dry run shows the changes and saves nothing; the import then saves them', async () => {
    const profiles = h.core!.services.profiles;
    const file = [
      { name: 'BASIC', price: 6, validity: '1h', users: '1', rate_up: '512K', rate_down: '1M' },
      { name: 'NIGHT', price: 15, validity: '8h', users: 1, rate_up: '2M', rate_down: '4M' },
    ];
    const dry = await profiles.importProfiles(file, { dryRun: true }, actor);
    expect(dry).toEqual({ changes: ['profile BASIC: price 5 → 6', 'profile NIGHT added'], applied: false });
    expect((await profiles.get('BASIC')).price).toBe(500);
    await expect(profiles.get('NIGHT')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });

    const real = await profiles.importProfiles(file, {}, actor);
    expect(real.applied).toBe(true);
    expect((await profiles.get('BASIC')).price).toBe(600);
    expect((await profiles.list()).map((p) => p.name)).toContain('NIGHT');
    // Profiles not in the file are left alone.
    expect((await profiles.get('PREMIUM')).archived).toBe(false);
    expect((await profiles.importProfiles(file, {}, actor)).changes).toEqual([]);
  });

  test('an archived profile leaves pickers and sales, keeps its vouchers, and comes back on restore', async () => {
    const { profiles, vouchers } = h.core!.services;
    const [code] = await makeVouchers(h, 'BASIC', 1);
    await profiles.setArchived('basic', true, actor);
    expect((await profiles.list()).map((p) => p.name)).not.toContain('BASIC');
    expect((await profiles.list({ includeArchived: true })).find((p) => p.name === 'BASIC')?.archived).toBe(
      true,
    );
    await expect(vouchers.generate({ profile: 'BASIC', count: 1 }, actor)).rejects.toMatchObject({
      status: 409,
    });
    // Its voucher still works.
    const phone = addDevice(h, 1);
    await h.core!.services.redemption.redeem({ code, ...phone });
    expect((await voucherRow(h, code)).status).toBe('active');
    // Editing an archived profile does not bring it back by accident; restoring does.
    const json = (await profiles.get('BASIC')).json;
    await profiles.update('BASIC', { ...json, price: 6 }, actor);
    expect((await profiles.get('BASIC')).archived).toBe(true);
    await profiles.setArchived('BASIC', false, actor);
    expect((await profiles.list()).map((p) => p.name)).toContain('BASIC');
  });

  test('a sale stays with the plan and price it was sold at after the plan changes', async () => {
    const { profiles, vouchers, reports } = h.core!.services;
    const day = startOfLocalDay('2026-11-22', 'Asia/Manila');
    h.clock.set(day + 3600_000);
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const phone = addDevice(h, 1);
    await h.core!.services.redemption.redeem({ code, ...phone });
    // The owner raises BASIC's price, moves the sold voucher to PREMIUM, then retires BASIC.
    await profiles.update('BASIC', { ...(await profiles.get('BASIC')).json, price: 8 }, actor);
    // Moved free: a charged move adds its prorated difference under PREMIUM (test/vouchers/plan-change.test.ts).
    await vouchers.changeProfile(code, 'PREMIUM', actor, { charge: false });
    await profiles.setArchived('BASIC', true, actor);
    const rows = await reports.sales({ from: day, to: day + 86_400_000, by: 'profile' });
    expect(rows).toEqual([{ period: 'BASIC', profile: 'BASIC', count: 1, amount: 500 }]);
  });
});
