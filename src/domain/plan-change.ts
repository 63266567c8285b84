/**
 * What moving a voucher to another plan costs: the difference of the two plans' prices, prorated by the share of
 * the voucher's time still unused, rounded to the centavo (half away from zero). An upgrade is a sale of that
 * amount; a downgrade is a credit noted for the customer (never a negative sale). Pure: the voucher as the
 * policy sees it, the two prices and `now` in, a quote out.
 */
import { formatDurationHuman } from './durations';
import { formatMoney, formatMoneyText } from './quantities';
import { voucherTiming, type VoucherState } from './vouchers';

/** What the quote does with money: a sale (`charge`), a credit for the customer, or nothing. */
export type ChargeDirection = 'charge' | 'credit' | 'none';

/**
 * Why the amount is what it is: `prorated` by the unused time, `unused` (never used: the whole difference),
 * `same_price`, `unlimited` (no time limit: no share to prorate), `staff` (free by design), `free` (the shop
 * chose not to charge).
 */
export type PlanChangeBasis = 'prorated' | 'unused' | 'same_price' | 'unlimited' | 'staff' | 'free';

export interface PlanChangeQuote {
  direction: ChargeDirection;
  /** Centavos to charge: a sale, ≥ 0. */
  amount: number;
  /** Centavos credited to the customer, ≥ 0 (a downgrade). */
  credit: number;
  /** New price − old price, centavos (negative for a downgrade). */
  difference: number;
  /** Unused share of the voucher's time, 0–1; null when it has none to measure (no time limit, staff). */
  fraction: number | null;
  /** Seconds of use left and the voucher's whole validity (its plan's plus added time); null as `fraction`. */
  remainingSeconds: number | null;
  totalSeconds: number | null;
  basis: PlanChangeBasis;
  /** One line for the owner: the formula with its numbers, or why nothing is charged. */
  explanation: string;
}

export interface PlanChangeInput {
  /**
   * The voucher on its current plan, with its added time in the validity (services/shop/vouchers/state.ts
   * toVoucherState): the same state its time left is computed from everywhere.
   */
  voucher: VoucherState;
  /** The current and the new plan's prices, centavos. */
  fromPrice: number;
  toPrice: number;
  /** False: the shop moves it free (nothing charged or credited). Default true. */
  charge?: boolean;
}

/** numerator ÷ denominator rounded to a whole number, halves away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const rounded = (2n * abs + denominator) / (2n * denominator);
  return negative ? -rounded : rounded;
}

/**
 * `difference` × `remaining` ÷ `total` in whole centavos, rounded half away from zero. Exact (BigInt), so a
 * long validity times a large price never loses a centavo to floating point.
 */
export function prorate(difference: number, remaining: number, total: number): number {
  if (total <= 0) return 0;
  const clamped = Math.min(Math.max(remaining, 0), total);
  return Number(roundHalfAwayFromZero(BigInt(difference) * BigInt(clamped), BigInt(total)));
}

/**
 * The plan's price for `addedSeconds` more time at the counter: price × added ÷ validity, in whole centavos, rounded
 * once, halves up (₱5.00 for 1 hour → ₱2.50 for 30 minutes; ₱10.00 for 2 hours → ₱0.83 for 10 minutes). Not
 * clamped: two hours added on a one-hour plan cost twice its price.
 */
export function extensionPrice(price: number, validitySeconds: number, addedSeconds: number): number {
  if (validitySeconds <= 0 || addedSeconds <= 0 || price <= 0) return 0;
  return Number(roundHalfAwayFromZero(BigInt(price) * BigInt(addedSeconds), BigInt(validitySeconds)));
}

/** 0.5 → `50%`, 1/3 → `33.3%`; never `100%` or `0%` for a share that is not whole or none (0.9999 → `99.9%`). */
export function percentText(fraction: number): string {
  const tenths = Math.round(fraction * 1000);
  const shown = fraction < 1 && tenths >= 1000 ? 999 : fraction > 0 && tenths <= 0 ? 1 : tenths;
  return `${shown / 10}%`;
}

function directionOf(amount: number): ChargeDirection {
  return amount > 0 ? 'charge' : amount < 0 ? 'credit' : 'none';
}

/** The money words of a signed prorated amount: `₱5.00 to charge`, `₱5.00 to credit`, `nothing to charge`. */
function outcome(amount: number): string {
  if (amount > 0) return `${formatMoney(amount)} to charge`;
  if (amount < 0) return `${formatMoney(-amount)} to credit`;
  return 'nothing to charge or credit';
}

/** The unused share of the voucher's time now: `voucherTiming` (the voucher's one clock) over its validity. */
function unusedTime(v: VoucherState, now: number): { remaining: number; total: number } | null {
  const total = v.profile.validitySeconds;
  if (v.staff || total === null) return null;
  if (v.activatedAt === undefined) return { remaining: total, total };
  const remaining = voucherTiming(v, now).remainingSeconds ?? total;
  return { remaining: Math.min(remaining, total), total };
}

/** The quote for moving `input.voucher` from a plan at `fromPrice` to one at `toPrice`, at `now`. */
export function quotePlanChange(input: PlanChangeInput, now: number): PlanChangeQuote {
  const { voucher, fromPrice, toPrice } = input;
  const difference = toPrice - fromPrice;
  const none = (basis: PlanChangeBasis, explanation: string, time = unusedTime(voucher, now)) => ({
    direction: 'none' as const,
    amount: 0,
    credit: 0,
    difference,
    fraction: time ? time.remaining / time.total : null,
    remainingSeconds: time?.remaining ?? null,
    totalSeconds: time?.total ?? null,
    basis,
    explanation,
  });
  if (voucher.staff) return none('staff', 'No charge: staff vouchers are free.', null);
  const time = unusedTime(voucher, now);
  if (time === null)
    return none(
      'unlimited',
      'No charge: the voucher has no time limit, so there is no unused share to prorate.',
    );
  const unused = voucher.activatedAt === undefined;
  const signed = prorate(difference, time.remaining, time.total);
  const diffText = formatMoneyText(difference);
  // `… = ₱5.00 to charge`; never used: the whole difference, nothing to multiply.
  const formula = unused
    ? 'not used yet, so the whole price difference:'
    : `price difference ${diffText} × ${percentText(time.remaining / time.total)} of the time unused ` +
      `(${formatDurationHuman(time.remaining)} of ${formatDurationHuman(time.total)}) =`;
  if (difference === 0) return none('same_price', 'Same price: nothing to charge or credit.', time);
  if (input.charge === false)
    return none('free', `Moved free: nothing charged or credited (${formula} ${outcome(signed)}).`, time);
  return {
    direction: directionOf(signed),
    amount: Math.max(signed, 0),
    credit: Math.max(-signed, 0),
    difference,
    fraction: time.remaining / time.total,
    remainingSeconds: time.remaining,
    totalSeconds: time.total,
    basis: unused ? 'unused' : 'prorated',
    explanation: `${difference > 0 ? 'Upgrade' : 'Downgrade'}: ${formula} ${outcome(signed)}.`,
  };
}
