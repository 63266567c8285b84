/**
 * What a move of plan is priced at and what it may do, through the admin API and the voucher page: the time the
 * new plan really gives (a longer plan is paid for, a shorter one credits what it takes away), a plan too short
 * for the time already used and an archived plan refused, and the amount confirmed kept when only a few minutes
 * of use explain the difference (else 409 CONFIRM_REQUIRED with the new quote).
 */
import { createHarness, Harness } from '../helpers/harness';
import { PLAN_PROFILES } from './plan-profiles';
import { startOfLocalDay } from '../../src/domain/calendar';
import { SYSTEM } from '../../src/services/types';
import { adminApi, usedVoucher } from '../portal/helpers';
import { AdminClient } from '../admin/client';

const DAY = startOfLocalDay('2026-11-21', 'Asia/Manila');
const MINUTE = 60_000;
const HOUR = 3600_000;

const PROFILES = PLAN_PROFILES;

const api = adminApi;

let h: Harness;
let phone = 0;

const sold = (profile: string) => usedVoucher(h, profile, ++phone);

const charges = () => h.core!.db('voucher_charges').orderBy('id');
const voucherRow = (code: string) => h.core!.db('vouchers').where({ code }).first();

beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, now: DAY + 8 * HOUR });
  phone = 0;
});
afterEach(async () => {
  await h.close();
});

test('PAUSE30 with 18m 7s left → PREMIUM: the 4h 48m it gets is paid for, and it ends 5 h after its first use', async () => {
  const code = await sold('PAUSE30');
  const activated = Number((await voucherRow(code)).activated_at);
  h.clock.advance(30 * MINUTE - 1087_000); // 18m 7s left of its 30 minutes

  const preview = await api(h, 'GET', `/vouchers/${code}/profile-change?profile=PREMIUM`);
  expect(preview.json).toMatchObject({
    direction: 'charge',
    amount: 1015, // 2000 × 17287/18000 − 1500 × 1087/1800 = 1014.94 (the old rule: ₱3.02)
    remaining_seconds: 1087,
    total_seconds: 1800,
    remaining_after_seconds: 17_287,
    total_after_seconds: 18_000,
    basis: 'prorated',
  });
  expect(preview.json.explanation).toBe(
    "Upgrade: 18m 7s left of PAUSE30's 30m (₱9.06) → 4h 48m left of PREMIUM's 5h (₱19.21) = ₱10.15 to charge.",
  );
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'PREMIUM' });
  expect(moved.json.charge).toMatchObject({ direction: 'charge', amount: 1015, credit: 0 });
  expect(Number((await voucherRow(code)).expires_at)).toBe(activated + 5 * HOUR);
  expect(moved.json.voucher.remaining_seconds).toBe(17_287);
});

test('PREMIUM used 1 h → STANDARD: the credit is what its time left loses (₱11.00), not the price share', async () => {
  const code = await sold('PREMIUM');
  h.clock.advance(HOUR);
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'STANDARD' });
  // 4h left of 5h (₱16.00) → 1h left of 2h (₱5.00); the old rule credited ₱8.00 and took 3 hours away.
  expect(moved.json.charge).toMatchObject({ direction: 'credit', amount: 0, credit: 1100 });
  expect(await charges()).toMatchObject([
    { credit: 1100, remaining_seconds: 4 * 3600, total_seconds: 5 * 3600 },
  ]);
});

test('used as long as the new plan lasts: refused, naming both, preview and move alike; nothing changed', async () => {
  const code = await sold('PREMIUM');
  h.clock.advance(2 * HOUR + 5 * MINUTE);
  const preview = await api(h, 'GET', `/vouchers/${code}/profile-change?profile=STANDARD`);
  const moved = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'STANDARD', charge: false });
  for (const r of [preview, moved]) {
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ success: false, code: 'PLAN_TOO_SHORT' });
    expect(r.json.error).toBe(
      `${code} has been used 2h 5m and STANDARD lasts 2h: moved there it would end at once. Choose a plan with more time.`,
    );
  }
  // Time added to it counts: 5 minutes more still leave nothing; a longer plan is fine.
  await h.core!.services.vouchers.extend(code, 300, SYSTEM);
  const extended = await api(h, 'GET', `/vouchers/${code}/profile-change?profile=STANDARD`);
  expect(extended.json.error).toMatch(/STANDARD lasts 2h \(2h 5m with the time added to it\)/);
  expect((await api(h, 'GET', `/vouchers/${code}/profile-change?profile=DAY20`)).status).toBe(200);
  expect(await charges()).toHaveLength(0);
  expect((await voucherRow(code)).profile_id).toBe((await h.core!.services.profiles.get('PREMIUM')).id);
});

test('an archived profile is no move: 409 PROFILE_ARCHIVED, and the voucher page offers neither it nor a monthly plan', async () => {
  const code = await sold('DAY10');
  await h.core!.services.profiles.setArchived('OLD', true, SYSTEM);
  for (const r of [
    await api(h, 'GET', `/vouchers/${code}/profile-change?profile=OLD`),
    await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'OLD' }),
  ]) {
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({
      code: 'PROFILE_ARCHIVED',
      error: 'Profile OLD is archived; vouchers cannot be moved to it',
    });
  }
  expect((await voucherRow(code)).profile_id).toBe((await h.core!.services.profiles.get('DAY10')).id);

  const c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
  const page = await c.html(`/admin/vouchers/${code}`);
  expect(page).toMatch(/<option value="DAY20"/);
  expect(page).not.toMatch(/<option value="(OLD|HOME10|DAY10)"/);
});

test('the amount confirmed is the one kept while minutes of use explain the difference; else 409 with the new quote', async () => {
  const code = await sold('DAY10');
  h.clock.advance(12 * HOUR);
  const shown = (await api(h, 'GET', `/vouchers/${code}/profile-change?profile=DAY20`)).json;
  expect(shown.amount).toBe(500);

  // 11 minutes later the move is ₱4.92: ₱5.00 was no quote of the last ten minutes. Nothing changes.
  h.clock.advance(11 * MINUTE);
  const stale = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'DAY20', expect_amount: 500 });
  expect(stale.status).toBe(409);
  expect(stale.json).toMatchObject({
    success: false,
    code: 'CONFIRM_REQUIRED',
    error: `Moving ${code} to DAY20 is now ₱4.92 to charge, not the ₱5.00 to charge confirmed: nothing was changed. Check the new amount and confirm again.`,
    quote: { direction: 'charge', amount: 492, credit: 0, to: { profile: 'DAY20' } },
  });
  expect(await charges()).toHaveLength(0);

  // Confirmed at ₱4.92, sent two minutes later (₱4.91 now): ₱4.92 is charged, as the owner told the customer.
  h.clock.advance(2 * MINUTE);
  const kept = await api(h, 'POST', `/vouchers/${code}/profile`, { profile: 'DAY20', expect_amount: '492' });
  expect(kept.status).toBe(200);
  expect(kept.json.charge).toMatchObject({ direction: 'charge', amount: 492 });
  expect(kept.json.charge.explanation).toMatch(/= ₱4\.91 to charge\. As confirmed: ₱4\.92 to charge\.$/);
  expect(await charges()).toMatchObject([{ amount: 492, credit: 0 }]);

  // A credit confirmed the same way; a figure that is not centavos is refused under its name.
  const down = await sold('DAY20');
  h.clock.advance(6 * HOUR);
  const bad = await api(h, 'POST', `/vouchers/${down}/profile`, { profile: 'DAY10', expect_credit: -750 });
  expect(bad).toMatchObject({
    status: 400,
    json: { code: 'INVALID_INPUT', fields: { expect_credit: expect.any(String) } },
  });
  h.clock.advance(MINUTE); // ₱7.49 now
  const credit = await api(h, 'POST', `/vouchers/${down}/profile`, { profile: 'DAY10', expect_credit: 750 });
  expect(credit.json.charge).toMatchObject({ direction: 'credit', amount: 0, credit: 750 });
});

test('the voucher page: a confirm step whose amount no longer stands is shown again with the new one', async () => {
  const code = await sold('DAY10');
  h.clock.advance(12 * HOUR);
  const c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
  const confirm = await c.html(`/admin/vouchers/${code}/move?profile=DAY20`);
  expect(confirm).toContain('name="expect_amount" value="500"');
  const token = /name="_csrf" value="([^"]+)"/.exec(confirm)![1];

  h.clock.advance(11 * MINUTE);
  const form = { profile: 'DAY20', charge: 'true', expect_amount: '500', expect_credit: '0' };
  const again = await c.post(`/admin/vouchers/${code}/move`, form, token);
  expect(again.status).toBe(409);
  const html = await again.text();
  expect(html).toMatch(
    /data-testid="plan-changed">Moving \S+ to DAY20 is now ₱4\.92 to charge, not the ₱5\.00/,
  );
  expect(html).toMatch(/data-testid="confirm-move">Charge ₱4.92 and move</);
  expect(html).toContain('name="expect_amount" value="492"');
  expect(await charges()).toHaveLength(0);

  const done = await c.post(`/admin/vouchers/${code}/move`, { ...form, expect_amount: '492' }, token);
  expect(done.status).toBe(303);
  expect(await charges()).toMatchObject([{ amount: 492 }]);
});
