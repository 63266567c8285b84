import { percentText, prorate, quotePlanChange, roundHalfAwayFromZero } from '../../src/domain/plan-change';
import type { Profile } from '../../src/domain/profile-types';
import type { VoucherState } from '../../src/domain/vouchers';

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
      'Upgrade: price difference ₱10.00 × 50% of the time unused (12h of 1d) = ₱5.00 to charge.',
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
      'Downgrade: price difference −₱10.00 × 75% of the time unused (18h of 1d) = ₱7.50 to credit.',
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
});
