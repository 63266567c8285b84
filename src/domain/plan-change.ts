/**
 * What moving a voucher to another plan costs: what its time left is worth after the move on the new plan, less
 * what its time left is worth now on its plan (each plan's price × time left ÷ its whole validity), computed
 * exactly and rounded once to the centavo (half away from zero). Plans of equal validity: the price difference ×
 * the unused share. A charge is a sale of that amount; a credit is noted for the customer (never a negative sale).
 * Pure: the voucher as the policy sees it on both plans, the two prices and `now` in, a quote out.
 */
import { formatDurationHuman } from './durations';
import { formatMoney } from './quantities';
import { voucherTiming, type VoucherState } from './vouchers';

/** What the quote does with money: a sale (`charge`), a credit for the customer, or nothing. */
export type ChargeDirection = 'charge' | 'credit' | 'none';

/**
 * Why the amount is what it is: `prorated` by the time left on both plans, `unused` (never used: the whole
 * difference), `same_price` (same price, and nothing to pay for the time either), `unlimited` (no time limit now: no
 * share to prorate), `staff` (free by design), `free` (the shop chose not to charge).
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
  /** Unused share of the voucher's time now, 0–1; null when it has none to measure (no time limit, staff). */
  fraction: number | null;
  /** Seconds of use left now and the voucher's whole validity (its plan's plus added time); null as `fraction`. */
  remainingSeconds: number | null;
  totalSeconds: number | null;
  /** The same after the move, on the new plan; null when it has no time to measure there (no time limit, staff). */
  remainingAfterSeconds: number | null;
  totalAfterSeconds: number | null;
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
  /** The same voucher on the new plan (same activation, used time and added time): what the move gives it. */
  after: VoucherState;
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
export function outcome(amount: number): string {
  if (amount > 0) return `${formatMoney(amount)} to charge`;
  if (amount < 0) return `${formatMoney(-amount)} to credit`;
  return 'nothing to charge or credit';
}

/** Seconds of use left and the whole validity (the plan's plus added time). */
interface TimeLeft {
  remaining: number;
  total: number;
}

/** The voucher's time left: `voucherTiming` (its one clock) over its whole validity; null: no time limit, staff. */
function timeLeft(v: VoucherState, now: number): TimeLeft | null {
  const total = v.profile.validitySeconds;
  if (v.staff || total === null) return null;
  if (v.activatedAt === undefined) return { remaining: total, total };
  const remaining = voucherTiming(v, now).remainingSeconds ?? total;
  return { remaining: Math.min(remaining, total), total };
}

/** What the time left is worth, price × remaining ÷ total, as an exact fraction; no time limit: the whole price. */
function worth(price: number, t: TimeLeft | null): [bigint, bigint] {
  if (t === null) return [BigInt(price), 1n];
  if (t.total <= 0) return [0n, 1n];
  return [BigInt(price) * BigInt(Math.max(t.remaining, 0)), BigInt(t.total)];
}

/**
 * What the move costs, signed: the worth of the time left after it on the new plan less the worth of the time
 * left now, in whole centavos, rounded once (halves away from zero). Positive: a charge; negative: a credit.
 */
function moveAmount(fromPrice: number, now: TimeLeft, toPrice: number, after: TimeLeft | null): number {
  const [an, ad] = worth(toPrice, after);
  const [nn, nd] = worth(fromPrice, now);
  return Number(roundHalfAwayFromZero(an * nd - nn * ad, ad * nd));
}

/** `18m 7s left of PAUSE30's 30m (₱9.06)`; a plan without a time limit: `OPEN has no time limit (₱40.00)`. */
function worthText(name: string, price: number, t: TimeLeft | null): string {
  if (t === null) return `${name} has no time limit (${formatMoney(price)})`;
  const worthNow = prorate(price, t.remaining, t.total);
  return `${formatDurationHuman(t.remaining)} left of ${name}'s ${formatDurationHuman(t.total)} (${formatMoney(worthNow)})`;
}

/**
 * Seconds the voucher has been used, as the new plan counts them: connected time (uptime), else since its first
 * login. What a move to a plan too short for it names (services/shop/vouchers/charges.ts).
 */
export function usedSeconds(v: VoucherState, now: number): number {
  if (v.activatedAt === undefined) return 0;
  if (v.profile.timeMode === 'uptime') return v.uptimeSeconds;
  return Math.max(0, Math.floor((now - v.activatedAt) / 1000));
}

type QuoteTimes = Pick<
  PlanChangeQuote,
  'fraction' | 'remainingSeconds' | 'totalSeconds' | 'remainingAfterSeconds' | 'totalAfterSeconds'
>;

function timesOf(now: TimeLeft | null, after: TimeLeft | null): QuoteTimes {
  return {
    fraction: now ? now.remaining / now.total : null,
    remainingSeconds: now?.remaining ?? null,
    totalSeconds: now?.total ?? null,
    remainingAfterSeconds: after?.remaining ?? null,
    totalAfterSeconds: after?.total ?? null,
  };
}

/** The quote for moving `input.voucher` from a plan at `fromPrice` to `input.after`'s at `toPrice`, at `now`. */
export function quotePlanChange(input: PlanChangeInput, now: number): PlanChangeQuote {
  const { voucher, after, fromPrice, toPrice } = input;
  const difference = toPrice - fromPrice;
  const before = timeLeft(voucher, now);
  const later = timeLeft(after, now);
  const none = (basis: PlanChangeBasis, explanation: string, times = timesOf(before, later)) => ({
    direction: 'none' as const,
    amount: 0,
    credit: 0,
    difference,
    ...times,
    basis,
    explanation,
  });
  if (voucher.staff) return none('staff', 'No charge: staff vouchers are free.', timesOf(null, null));
  if (before === null)
    return none(
      'unlimited',
      'No charge: the voucher has no time limit, so there is no unused share to prorate.',
    );
  const unused = voucher.activatedAt === undefined;
  const signed = moveAmount(fromPrice, before, toPrice, later);
  // `… = ₱5.00 to charge`; never used: the whole difference, nothing to weigh.
  const formula = unused
    ? 'not used yet, so the whole price difference:'
    : `${worthText(voucher.profile.name, fromPrice, before)} → ${worthText(after.profile.name, toPrice, later)} =`;
  if (difference === 0 && signed === 0) return none('same_price', 'Same price: nothing to charge or credit.');
  if (input.charge === false)
    return none('free', `Moved free: nothing charged or credited (${formula} ${outcome(signed)}).`);
  const move = signed > 0 ? 'Upgrade' : signed < 0 ? 'Downgrade' : 'Change of plan';
  return {
    direction: directionOf(signed),
    amount: Math.max(signed, 0),
    credit: Math.max(-signed, 0),
    difference,
    ...timesOf(before, later),
    basis: unused ? 'unused' : 'prorated',
    explanation: `${move}: ${formula} ${outcome(signed)}.`,
  };
}

/** A quote's amount signed: positive to charge, negative to credit. */
export const signedAmount = (q: Pick<PlanChangeQuote, 'amount' | 'credit'>): number => q.amount - q.credit;

/**
 * `quote` kept at the signed amount the owner confirmed (a quote shown moments before: services/shop/vouchers/
 * plan-confirm.ts decides when), its explanation saying so.
 */
export function asConfirmed(quote: PlanChangeQuote, confirmed: number): PlanChangeQuote {
  if (confirmed === signedAmount(quote)) return quote;
  return {
    ...quote,
    direction: directionOf(confirmed),
    amount: Math.max(confirmed, 0),
    credit: Math.max(-confirmed, 0),
    explanation: `${quote.explanation} As confirmed: ${outcome(confirmed)}.`,
  };
}
