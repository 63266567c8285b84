import {
  percentText,
  prorate,
  quotePlanChange as quote,
  roundHalfAwayFromZero,
  type PlanChangeInput,
} from '../../src/domain/plan-change';
import type { Profile } from '../../src/domain/profile-types';
import type { VoucherState } from '../../src/domain/vouchers';

/** The quote; without `after`, the new plan lasts as long as the old one (the voucher's own state after it). */
const quotePlanChange = (input: Omit<PlanChangeInput, 'after'> & { after?: VoucherState }, now: number) =>
  quote({ after: input.voucher, ...input }, now);

const DAY = 86_400;
const T0 = Date.UTC(2026, 10, 22, 0, 0, 0);

function plan(over: Partial<Profile> = {}): Profile {
  return {
    name: 'DAY',
    price: 1000,
    validitySeconds: DAY,
    users: 1,
    rateUp: 1_000_000,
    rateDown: 2_000_000,
    capPolicy: 'block',
    timeMode: 'wallclock',
    ...over,
  };
}

function voucher(over: Partial<VoucherState> = {}): VoucherState {
  return {
    code: 'ABCD1234',
    status: 'active',
    profile: plan(),
    rateUp: 1_000_000,
    rateDown: 2_000_000,
    activatedAt: T0,
    uptimeSeconds: 0,
    countedBytes: 0,
    totalBytes: 0,
    ...over,
  };
}

describe('prorating a plan change', () => {
  it('halfway through a 1-day ₱10 voucher, moving to ₱20 charges ₱5.00', () => {
    const q = quotePlanChange({ voucher: voucher(), fromPrice: 1000, toPrice: 2000 }, T0 + (DAY / 2) * 1000);
    expect(q).toMatchObject({
      direction: 'charge',
      amount: 500,
      credit: 0,
      difference: 1000,
      fraction: 0.5,
      remainingSeconds: DAY / 2,
      totalSeconds: DAY,
      basis: 'prorated',
    });
    expect(q.explanation).toBe(
      "Upgrade: 12h left of DAY's 1d (₱5.00) → 12h left of DAY's 1d (₱10.00) = ₱5.00 to charge.",
    );
  });

  it('a downgrade notes a credit, never a negative sale', () => {
    const q = quotePlanChange({ voucher: voucher(), fromPrice: 2000, toPrice: 1000 }, T0 + 6 * 3600_000);
    expect(q).toMatchObject({
      direction: 'credit',
      amount: 0,
      credit: 750,
      difference: -1000,
      fraction: 0.75,
    });
    expect(q.explanation).toBe(
      "Downgrade: 18h left of DAY's 1d (₱15.00) → 18h left of DAY's 1d (₱7.50) = ₱7.50 to credit.",
    );
  });

  it('an unused voucher (never activated) pays the whole difference', () => {
    const v = voucher({ status: 'unused', activatedAt: undefined });
    const q = quotePlanChange({ voucher: v, fromPrice: 500, toPrice: 2000 }, T0 + 99 * DAY * 1000);
    expect(q).toMatchObject({ direction: 'charge', amount: 1500, fraction: 1, basis: 'unused' });
    expect(q.explanation).toBe('Upgrade: not used yet, so the whole price difference: ₱15.00 to charge.');
  });

  it('time added to the voucher counts in its whole validity (plan + extra, as voucherTiming reads it)', () => {
    // A 1-day plan extended by 1 day (the caller's state carries 2 days): 1.5 days left of 2.
    const v = voucher({ profile: plan({ validitySeconds: 2 * DAY }) });
    const q = quotePlanChange({ voucher: v, fromPrice: 1000, toPrice: 2000 }, T0 + (DAY / 2) * 1000);
    expect(q).toMatchObject({ fraction: 0.75, amount: 750, totalSeconds: 2 * DAY });
  });

  it('uptime mode: connected time used, not the wall clock', () => {
    const v = voucher({ profile: plan({ timeMode: 'uptime', validitySeconds: 3600 }), uptimeSeconds: 900 });
    // Days later on the wall clock: only the 15 minutes online count.
    const q = quotePlanChange({ voucher: v, fromPrice: 1000, toPrice: 3000 }, T0 + 5 * DAY * 1000);
    expect(q).toMatchObject({ direction: 'charge', amount: 1500, fraction: 0.75, remainingSeconds: 2700 });
  });

  it('no time left: nothing to charge', () => {
    const q = quotePlanChange({ voucher: voucher(), fromPrice: 1000, toPrice: 2000 }, T0 + 2 * DAY * 1000);
    expect(q).toMatchObject({ direction: 'none', amount: 0, credit: 0, fraction: 0 });
  });

  it('unlimited validity and staff vouchers: no charge, and the reason', () => {
    const unlimited = voucher({ profile: plan({ validitySeconds: null }) });
    const a = quotePlanChange({ voucher: unlimited, fromPrice: 1000, toPrice: 2000 }, T0 + 1000);
    expect(a).toMatchObject({ direction: 'none', amount: 0, credit: 0, fraction: null, basis: 'unlimited' });
    expect(a.explanation).toMatch(/no time limit/);
    const staff = quotePlanChange(
      { voucher: voucher({ staff: true }), fromPrice: 0, toPrice: 2000 },
      T0 + 1000,
    );
    expect(staff).toMatchObject({ direction: 'none', amount: 0, basis: 'staff' });
    expect(staff.explanation).toBe('No charge: staff vouchers are free.');
  });

  it('equal prices: nothing; moved free: nothing, with what it would have been', () => {
    const same = quotePlanChange({ voucher: voucher(), fromPrice: 1000, toPrice: 1000 }, T0 + 1000);
    expect(same).toMatchObject({ direction: 'none', amount: 0, credit: 0, basis: 'same_price' });
    const free = quotePlanChange(
      { voucher: voucher(), fromPrice: 1000, toPrice: 2000, charge: false },
      T0 + (DAY / 2) * 1000,
    );
    expect(free).toMatchObject({ direction: 'none', amount: 0, credit: 0, basis: 'free', fraction: 0.5 });
    expect(free.explanation).toMatch(/^Moved free: nothing charged or credited \(.*= ₱5\.00 to charge\)\.$/);
  });

  it('rounds to whole centavos, halves away from zero', () => {
    expect(roundHalfAwayFromZero(5n, 2n)).toBe(3n);
    expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(7n, 3n)).toBe(2n);
    expect(roundHalfAwayFromZero(-7n, 3n)).toBe(-2n);
    // ₱0.01 × ½ = 0.5 centavo → 1 (and −1 for a downgrade).
    expect(prorate(1, 1, 2)).toBe(1);
    expect(prorate(-1, 1, 2)).toBe(-1);
    // ₱10.00 × 1/3 = 333.33… → 333; × 2/3 = 666.66… → 667.
    expect(prorate(1000, 1, 3)).toBe(333);
    expect(prorate(1000, 2, 3)).toBe(667);
    // ₱100,000 × (365 days − 1 s) / 365 days: exact, no float drift.
    expect(prorate(100_000_00, 365 * DAY - 1, 365 * DAY)).toBe(100_000_00);
    expect(percentText(1 / 3)).toBe('33.3%');
  });

  it('a wallclock second left rounds up the way voucherTiming counts it', () => {
    // 1 ms before the end: voucherTiming says 1 s left (whole seconds, rounded up).
    const q = quotePlanChange({ voucher: voucher(), fromPrice: 0, toPrice: 86_400_00 }, T0 + DAY * 1000 - 1);
    expect(q).toMatchObject({ remainingSeconds: 1, amount: 100 });
  });

  it("a longer plan: the time it really gives is priced, not the old plan's share of the difference", () => {
    // PAUSE30 (₱15.00, 30 min) with 18m 7s left → PREMIUM (₱20.00, 5 h): 4h 48m 7s left after the move.
    const now = T0 + (30 * 60 - 1087) * 1000;
    const v = voucher({ profile: plan({ name: 'PAUSE30', validitySeconds: 1800 }) });
    const after = voucher({ profile: plan({ name: 'PREMIUM', validitySeconds: 5 * 3600 }) });
    const q = quote({ voucher: v, after, fromPrice: 1500, toPrice: 2000 }, now);
    // 2000 × 17287/18000 − 1500 × 1087/1800 = 1920.78 − 905.83 = 1014.94 → ₱10.15 (the old rule: ₱3.02).
    expect(q).toMatchObject({
      direction: 'charge',
      amount: 1015,
      remainingSeconds: 1087,
      totalSeconds: 1800,
      remainingAfterSeconds: 17_287,
      totalAfterSeconds: 18_000,
      basis: 'prorated',
    });
    expect(q.fraction).toBeCloseTo(1087 / 1800);
    expect(q.explanation).toBe(
      "Upgrade: 18m 7s left of PAUSE30's 30m (₱9.06) → 4h 48m left of PREMIUM's 5h (₱19.21) = ₱10.15 to charge.",
    );
  });

  it('a shorter plan takes its hours away: the credit is what the time left is worth less, not the whole share', () => {
    // PREMIUM (₱20.00, 5 h) used 1 h → STANDARD (₱10.00, 2 h): 4h left worth ₱16.00 → 1h left worth ₱5.00.
    const v = voucher({ profile: plan({ name: 'PREMIUM', validitySeconds: 5 * 3600 }) });
    const after = voucher({ profile: plan({ name: 'STANDARD', validitySeconds: 2 * 3600 }) });
    const q = quote({ voucher: v, after, fromPrice: 2000, toPrice: 1000 }, T0 + 3600_000);
    expect(q).toMatchObject({ direction: 'credit', amount: 0, credit: 1100, remainingAfterSeconds: 3600 });
    expect(q.explanation).toBe(
      "Downgrade: 4h left of PREMIUM's 5h (₱16.00) → 1h left of STANDARD's 2h (₱5.00) = ₱11.00 to credit.",
    );
    // Same price, other validity: still priced by the time (not "same price").
    const same = quote({ voucher: v, after, fromPrice: 1000, toPrice: 1000 }, T0 + 3600_000);
    expect(same).toMatchObject({ basis: 'prorated', direction: 'credit', credit: 300 });
  });

  it('never used: the whole difference whatever the validities; uptime plans count connected time', () => {
    const unused = { status: 'unused' as const, activatedAt: undefined };
    const v = voucher({ ...unused, profile: plan({ validitySeconds: 1800 }) });
    const after = voucher({ ...unused, profile: plan({ validitySeconds: 5 * 3600 }) });
    const q = quote({ voucher: v, after, fromPrice: 1500, toPrice: 2000 }, T0 + DAY * 1000);
    expect(q).toMatchObject({ amount: 500, basis: 'unused', remainingAfterSeconds: 18_000 });
    // 15 minutes online of a 1-hour uptime plan → a 2-hour one: 1h 45m left of 2h.
    const up = (validitySeconds: number) =>
      voucher({ profile: plan({ timeMode: 'uptime', validitySeconds }), uptimeSeconds: 900 });
    const u = quote(
      { voucher: up(3600), after: up(7200), fromPrice: 1000, toPrice: 1000 },
      T0 + 5 * DAY * 1000,
    );
    // 1000 × 6300/7200 − 1000 × 2700/3600 = 875 − 750 = ₱1.25.
    expect(u).toMatchObject({ amount: 125, remainingSeconds: 2700, remainingAfterSeconds: 6300 });
  });

  it('a plan without a time limit after the move is worth its whole price; rounded once, not per side', () => {
    const v = voucher({ profile: plan({ name: 'BASIC', validitySeconds: 3600 }) });
    const open = voucher({ profile: plan({ name: 'OPEN', validitySeconds: null }) });
    const q = quote({ voucher: v, after: open, fromPrice: 500, toPrice: 4000 }, T0 + 1800_000);
    expect(q).toMatchObject({ amount: 3750, remainingAfterSeconds: null, totalAfterSeconds: null });
    expect(q.explanation).toBe(
      "Upgrade: 30m left of BASIC's 1h (₱2.50) → OPEN has no time limit (₱40.00) = ₱37.50 to charge.",
    );
    // ₱0.01 × ½ − ₱0.02 × ½ = −0.5 centavo → −1 (each side rounded first would give 1 − 1 = 0).
    const a = voucher({ profile: plan({ validitySeconds: 2 }) });
    expect(quote({ voucher: a, after: a, fromPrice: 2, toPrice: 1 }, T0 + 1000)).toMatchObject({ credit: 1 });
  });
});
