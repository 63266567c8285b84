/**
 * Plan changes through the admin API: the preview, the prorated charge (a sale in every report), the credit of a
 * downgrade (never a negative sale), free moves, the audit entry, and the refusals.
 */
import { createHarness, Harness } from '../helpers/harness';
import { PLAN_PROFILES } from './plan-profiles';
import { startOfLocalDay } from '../../src/domain/calendar';
import { SYSTEM } from '../../src/services/types';
import { addDevice, adminApi, AUTH, makeVouchers, redeemApi } from '../portal/helpers';

const TZ = 'Asia/Manila';
const DAY = startOfLocalDay('2026-11-21', TZ);
const HOUR = 3600_000;

const PROFILES = PLAN_PROFILES;

const api = adminApi;

let h: Harness;
let phone = 0;

/** A voucher of `profile` first used now on a new phone. */
async function sold(profile: string, extra: Record<string, unknown> = {}): Promise<string> {
  const [code] = await makeVouchers(h, profile, 1, extra);
  const r = await redeemApi(h, { code, ...addDevice(h, ++phone) });
  expect(r.status).toBe(200);
  return code;
}

const charges = () => h.core!.db('voucher_charges').orderBy('id');
const lastAudit = async () => (await h.core!.services.audit.list({ limit: 1 })).entries[0];

beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, now: DAY + 8 * HOUR }); // 08:00 in the shop
  phone = 0;
});
afterEach(async () => {
  await h.close();
});

test('halfway through a 1-day ₱10 voucher, ₱20: the preview says ₱5.00, the move charges it, every report counts it', async () => {
  const code = await sold('DAY10');
  h.clock.advance(12 * HOUR);

  const preview = await api(h, 'GET', `/vouchers/${code.toLowerCase()}/profile-change?profile=day20`);
  expect(preview.status).toBe(200);
  expect(preview.json).toMatchObject({
    success: true,
    code,
    from: { profile: 'DAY10', price_centavos: 1000 },
    to: { profile: 'DAY20', price_centavos: 2000 },
    kind: 'plan_change',
    direction: 'charge',
    amount: 500,
    credit: 0,
    difference: 1000,
    fraction: 0.5,
    remaining_seconds: 43_200,
    total_seconds: 86_400,
    basis: 'prorated',
  });
  expect(preview.json.explanation).toBe(
    "Upgrade: 12h left of DAY10's 1d (₱5.00) → 12h left of DAY20's 1d (₱10.00) = ₱5.00 to charge.",
  );
  expect(preview.json).toMatchObject({ remaining_after_seconds: 43_200, total_after_seconds: 86_400 });
  // A preview changes nothing.
  expect(await charges()).toHaveLength(0);
  expect((await api(h, 'GET', `/vouchers/${code}`)).json.voucher.profile).toBe('DAY10');

  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'DAY20' });
  expect(moved.status).toBe(200);
  const [row] = await charges();
  expect(moved.json).toMatchObject({
    success: true,
    voucher: { code, profile: 'DAY20', status: 'active', rate_down: 4_000_000 },
    charge: {
      id: row.id,
      kind: 'plan_change',
      direction: 'charge',
      amount: 500,
      credit: 0,
      fraction: 0.5,
      free: false,
      receipt: `/admin/vouchers/${code}/charges/${row.id}/receipt`,
    },
  });
  expect(row).toMatchObject({ kind: 'plan_change', amount: 500, credit: 0, actor: 'api-token', site_id: 1 });
  expect(Number(row.created_at)).toBe(h.clock.now());
  expect(await lastAudit()).toMatchObject({
    action: 'voucher.change_profile',
    target: code,
    details: {
      from: 'DAY10',
      to: 'DAY20',
      amount: 500,
      credit: 0,
      free: false,
      fraction: 0.5,
      charge_id: row.id,
    },
  });
  // The voucher's detail lists it with its receipt.
  expect((await api(h, 'GET', `/vouchers/${code}`)).json.voucher.charges).toEqual([
    expect.objectContaining({ id: row.id, amount: 500, from_profile: 'DAY10', to_profile: 'DAY20' }),
  ]);

  // A sale of ₱5.00 today, beside the voucher's own ₱10.00: by day, week, month, profile and source.
  const { reports } = h.core!.services;
  const span = { from: DAY, to: DAY + 24 * HOUR };
  expect(await reports.sales({ ...span, by: 'day' })).toEqual([
    { period: '2026-11-21', count: 1, charges: 1, amount: 1500 },
  ]);
  expect(await reports.sales({ ...span, by: 'week' })).toEqual([
    { period: '2026-W47', count: 1, charges: 1, amount: 1500 },
  ]);
  expect(await reports.sales({ ...span, by: 'month' })).toEqual([
    { period: '2026-11', count: 1, charges: 1, amount: 1500 },
  ]);
  expect(await reports.sales({ ...span, by: 'profile' })).toEqual([
    { period: 'DAY10', profile: 'DAY10', count: 1, amount: 1000 },
    { period: 'DAY20', profile: 'DAY20', count: 0, charges: 1, amount: 500 },
  ]);
  const sources = await reports.bySource(span);
  expect(sources.sources).toContainEqual({ key: 'charge:plan_change', label: 'Plan changes' });
  expect(sources.totals['charge:plan_change']).toEqual({ count: 1, amount: 500 });
  expect(sources.totals.printed).toEqual({ count: 1, amount: 1000 });
  expect(sources.days).toEqual([expect.objectContaining({ day: '2026-11-21', amount: 1500 })]);
  expect(sources.credits).toEqual([]);
  // The dashboard's money and the Sites page's income today.
  const dash = await api(h, 'GET', '/dashboard');
  expect(dash.json.today).toEqual({
    count: 1,
    charges: 1,
    amount: 1500,
    text: '₱15.00',
    subscribers: { count: 0, reversals: 0, amount: 0, cash: 0 },
  });
  expect(dash.json.month).toMatchObject({ amount: 1500, charges: 1 });
  const site = (await api(h, 'GET', '/sites/1')).json.site;
  expect(site.income_today).toEqual({ count: 1, amount: 15, amount_centavos: 1500 });
  // The CSV exports.
  const csv = await fetch(`${h.app!.url}/admin/reports/sales.csv?from=2026-11-21&to=2026-11-21`, {
    headers: AUTH,
  });
  expect(await csv.text()).toBe('day,vouchers,amount_php,charges\r\n2026-11-21,1,15.00,1\r\n');
  const byProfile = await fetch(`${h.app!.url}/admin/reports/profiles.csv?from=2026-11-21&to=2026-11-21`, {
    headers: AUTH,
  });
  expect(await byProfile.text()).toBe(
    'profile,vouchers,amount_php,charges\r\nDAY10,1,10.00,0\r\nDAY20,0,5.00,1\r\n',
  );
});

test('a charge counts on the day it is made, not on the day the voucher was sold', async () => {
  const code = await sold('DAY10');
  h.clock.set(DAY + 28 * HOUR); // 04:00 the next day: 4h of the day left
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'DAY20' });
  expect(moved.json.charge).toMatchObject({ amount: 167, fraction: 4 / 24 }); // ₱10 × 1/6 = 166.67 → 167
  const rows = await h.core!.services.reports.sales({ from: DAY, to: DAY + 48 * HOUR, by: 'day' });
  expect(rows).toEqual([
    { period: '2026-11-21', count: 1, amount: 1000 },
    { period: '2026-11-22', count: 0, charges: 1, amount: 167 },
  ]);
});

test('a downgrade notes a credit for the customer and never lowers the sales', async () => {
  const code = await sold('DAY20');
  h.clock.advance(6 * HOUR);
  const preview = await api(h, 'GET', `/vouchers/${code}/profile-change?profile=DAY10`);
  expect(preview.json).toMatchObject({ direction: 'credit', amount: 0, credit: 750, fraction: 0.75 });
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'DAY10' });
  expect(moved.json.charge).toMatchObject({ direction: 'credit', amount: 0, credit: 750, free: false });
  expect(await charges()).toMatchObject([{ amount: 0, credit: 750 }]);
  expect((await lastAudit()).details).toMatchObject({ amount: 0, credit: 750, free: false });

  const { reports } = h.core!.services;
  const span = { from: DAY, to: DAY + 24 * HOUR };
  // The voucher's ₱20.00 sale stays whole; nothing is subtracted and no negative row appears.
  expect(await reports.sales({ ...span, by: 'day' })).toEqual([
    { period: '2026-11-21', count: 1, amount: 2000 },
  ]);
  expect(await reports.sales({ ...span, by: 'profile' })).toEqual([
    { period: 'DAY20', profile: 'DAY20', count: 1, amount: 2000 },
  ]);
  const credits = [{ kind: 'plan_change', label: 'Credits (plan downgrades)', count: 1, amount: 750 }];
  expect(await reports.credits(span)).toEqual(credits);
  const sources = await reports.bySource(span);
  expect(sources.credits).toEqual(credits);
  expect(sources.totals['charge:plan_change']).toBeUndefined();
  expect((await api(h, 'GET', '/dashboard')).json.today).toMatchObject({ amount: 2000, charges: 0 });
  // The database refuses a negative amount or credit outright.
  await expect(
    h.core!.db('voucher_charges').insert({
      voucher_id: 1,
      kind: 'plan_change',
      amount: -100,
      credit: 0,
      created_at: 1,
      actor: 'x',
    }),
  ).rejects.toThrow(/CHECK|check constraint/i);
});

test('moved free, at an equal price, staff and unlimited vouchers: nothing recorded but the audit line', async () => {
  const code = await sold('BASIC');
  h.clock.advance(HOUR / 4);
  const free = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'PREMIUM', charge: false });
  expect(free.json.charge).toMatchObject({ id: null, direction: 'none', amount: 0, credit: 0, free: true });
  // 4h 45m left of PREMIUM's 5h (₱19.00) less 45m left of BASIC's 1h (₱3.75).
  expect(free.json.charge.explanation).toMatch(/^Moved free: .*₱15\.25 to charge\)\.$/);
  expect((await lastAudit()).details).toEqual({
    from: 'BASIC',
    to: 'PREMIUM',
    amount: 0,
    credit: 0,
    free: true,
    fraction: 0.75,
    charge_id: null,
  });

  const same = await sold('STANDARD');
  const equal = await api(h, 'POST', `/vouchers/${same}/profile`, { profile: 'DAY10', charge: 'true' });
  expect(equal.json.charge).toMatchObject({ id: null, direction: 'none', amount: 0, free: false });
  expect(equal.json.charge.explanation).toBe('Same price: nothing to charge or credit.');

  const [staff] = await makeVouchers(h, 'BASIC', 1, { staff: true });
  const staffPreview = await api(h, 'GET', `/vouchers/${staff}/profile-change?profile=PREMIUM`);
  expect(staffPreview.json).toMatchObject({ direction: 'none', amount: 0, basis: 'staff', fraction: null });
  expect(staffPreview.json.explanation).toBe('No charge: staff vouchers are free.');

  const open = await sold('OPEN');
  const unlimited = await api(h, 'POST', `/vouchers/${open}/profile`, { profile: 'DAY20' });
  expect(unlimited.json.charge).toMatchObject({ amount: 0, credit: 0, direction: 'none', fraction: null });
  expect(unlimited.json.charge.explanation).toMatch(/no time limit/);

  expect(await charges()).toHaveLength(0);
  const span = { from: DAY, to: DAY + 24 * HOUR };
  expect(await h.core!.services.reports.bySource(span)).toMatchObject({ credits: [] });
});

test('a voucher not used yet pays the whole difference', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'PREMIUM' });
  expect(moved.json).toMatchObject({
    voucher: { status: 'unused', profile: 'PREMIUM' },
    charge: { direction: 'charge', amount: 1500, fraction: 1 },
  });
  expect(moved.json.charge.explanation).toBe(
    'Upgrade: not used yet, so the whole price difference: ₱15.00 to charge.',
  );
});

test('refusals: unknown or same profile, a charge that is not true or false, an ended voucher', async () => {
  const code = await sold('BASIC');
  const unknown = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'GOLD' });
  expect(unknown.status).toBe(404);
  expect(unknown.json).toMatchObject({ success: false, code: 'PROFILE_NOT_FOUND' });
  expect((await api(h, 'GET', `/vouchers/${code}/profile-change?profile=GOLD`)).status).toBe(404);

  const same = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'basic' });
  expect(same.status).toBe(400);
  expect(same.json).toMatchObject({
    code: 'INVALID_INPUT',
    fields: { profile: 'already on BASIC; choose another profile' },
  });
  expect(same.json.error).toMatch(/already on BASIC/);

  for (const charge of ['yes', 1, null, ['true']]) {
    const bad = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'PREMIUM', charge });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { charge: expect.stringMatching(/true or false/) },
    });
  }
  const badQuery = await api(h, 'GET', `/vouchers/${code}/profile-change?profile=PREMIUM&charge=maybe`);
  expect(badQuery.json).toMatchObject({ code: 'INVALID_INPUT', fields: { charge: expect.any(String) } });
  const missing = await api(h, 'GET', `/vouchers/${code}/profile-change`);
  expect(missing.json).toMatchObject({ code: 'INVALID_INPUT', fields: { profile: 'missing' } });

  await h.core!.services.vouchers.revoke(code, SYSTEM);
  const ended = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'PREMIUM' });
  expect(ended.status).toBe(409);
  expect(ended.json.code).toBe('VOUCHER_ENDED');
  expect((await api(h, 'GET', `/vouchers/${code}/profile-change?profile=PREMIUM`)).status).toBe(409);
  // Nothing was changed or kept by any of them.
  expect(await charges()).toHaveLength(0);
  expect((await api(h, 'GET', `/vouchers/${code}`)).json.voucher.profile).toBe('BASIC');
});
