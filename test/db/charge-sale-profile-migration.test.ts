/**
 * Time and data sold on a running voucher stay under the profile it was on when they were sold: a sale keeps that
 * profile (`from_profile_id`), the sales by profile count it there after the voucher is moved, and migration 0064
 * gives the rows kept before it that profile, from the voucher's plan changes (the latest before the sale, else
 * the first after it, else the voucher's profile). On SQLite, and on PostgreSQL with `npm run test:pg`.
 */
import { createHarness, Harness } from '../helpers/harness';
import { onPostgres } from '../helpers/test-db';
import { migrateLatest } from '../../src/db/knex';
import { SYSTEM } from '../../src/services/types';
import { addDevice, makeVouchers } from '../portal/helpers';

const NAME = '20261207_0064_charge_sale_profile';
const HOUR = 3600_000;
const PROFILES = [
  { name: 'STANDARD', price: 10, validity: '2h', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'PREMIUM', price: 20, validity: '5h', users: 1, rate_up: '5M', rate_down: '10M' },
];

let h: Harness;
let phone = 0;

async function sold(profile: string): Promise<string> {
  const [code] = await makeVouchers(h, profile, 1);
  await h.core!.services.redemption.redeem({ code, ...addDevice(h, ++phone) });
  return code;
}

const sellHour = (code: string) =>
  h.core!.services.vouchers.sellTime(code, 3600, SYSTEM, { price: '7', priceConfirmed: true });
const profileIds = async () =>
  Object.fromEntries(
    ((await h.core!.db('profiles').select('id', 'name')) as { id: number; name: string }[]).map((p) => [
      p.name,
      Number(p.id),
    ]),
  );
const saleProfiles = async () =>
  (
    (await h.core!.db('voucher_charges').whereNot({ kind: 'plan_change' }).orderBy('id')) as Record<
      string,
      unknown
    >[]
  ).map((c) => (c.from_profile_id === null ? null : Number(c.from_profile_id)));

beforeEach(async () => {
  h = await createHarness({ profiles: PROFILES, now: Date.UTC(2026, 11, 7, 1) });
  phone = 0;
});
afterEach(async () => {
  await h.close();
});

describe(`time sold at the counter keeps its profile (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('a ₱7 hour sold on STANDARD stays a STANDARD sale when the voucher moves to PREMIUM; 0064 fills old rows', async () => {
    // A: an hour on STANDARD, moved to PREMIUM (charged), an hour on PREMIUM. B: an hour on STANDARD, not moved.
    const a = await sold('STANDARD');
    const b = await sold('STANDARD');
    h.clock.advance(HOUR / 2);
    await sellHour(a);
    await sellHour(b);
    h.clock.advance(HOUR / 2);
    await h.core!.services.vouchers.changeProfile(a, 'PREMIUM', SYSTEM);
    h.clock.advance(HOUR / 2);
    await sellHour(a);

    const ids = await profileIds();
    const kept = [ids.STANDARD, ids.STANDARD, ids.PREMIUM];
    expect(await saleProfiles()).toEqual(kept);
    const span = { from: h.clock.now() - 24 * HOUR, to: h.clock.now() + 1 };
    const byProfile = await h.core!.services.reports.sales({ ...span, by: 'profile' });
    // STANDARD: its two vouchers (₱20) and the two hours sold on it (₱14); PREMIUM: the move and its hour.
    const move = Number((await h.core!.db('voucher_charges').where({ kind: 'plan_change' }).first()).amount);
    expect(byProfile).toEqual([
      { period: 'STANDARD', profile: 'STANDARD', count: 2, charges: 2, amount: 2000 + 1400 },
      { period: 'PREMIUM', profile: 'PREMIUM', count: 0, charges: 2, amount: move + 700 },
    ]);

    // Rows kept before 0064 had no profile: down empties it, up fills it from the plan changes.
    await h.core!.db.migrate.down({ name: NAME });
    expect((await h.core!.db('knex_migrations').pluck('name')) as string[]).not.toContain(NAME);
    expect(await saleProfiles()).toEqual([null, null, null]);
    await migrateLatest(h.core!.db);
    expect(await saleProfiles()).toEqual(kept);
    expect(await h.core!.services.reports.sales({ ...span, by: 'profile' })).toEqual(byProfile);
  });
});
