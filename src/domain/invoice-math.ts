/**
 * A subscriber's invoice amounts, in centavos, rounded once per line, half up: the first invoice of a subscriber
 * who joins between billing days, and the two lines of a plan change in the middle of a cycle. Pure: dates are
 * shop dates (`YYYY-MM-DD`), amounts integer centavos.
 */
import { daysInclusive, fullCycleOn, type Cycle } from './billing-cycle';

/** `n × num / den` rounded half up (n, num ≥ 0, den > 0), in integers: no float ever rounds a centavo. */
export function prorate(n: number, num: number, den: number): number {
  if (![n, num, den].every(Number.isSafeInteger) || n < 0 || num < 0 || den <= 0)
    throw new RangeError('prorate needs non-negative safe integers and a positive denominator');
  const p = BigInt(n) * BigInt(num);
  const d = BigInt(den);
  return Number((2n * p + d) / (2n * d));
}

export interface FirstInvoice {
  period: Cycle;
  /** Days billed (from the first day of service to the cycle's last day) and the cycle's length. */
  days: number;
  daysInCycle: number;
  amount: number;
}

/**
 * The first invoice: from `startsOn` to the day before the next billing day; the full price when `startsOn` is a
 * billing day, else the price × days / the days of the billing cycle `startsOn` falls in.
 */
export function firstInvoice(priceCentavos: number, billingDay: number, startsOn: string): FirstInvoice {
  const cycle = fullCycleOn(billingDay, startsOn);
  const daysInCycle = daysInclusive(cycle.start, cycle.end);
  const days = daysInclusive(startsOn, cycle.end);
  const amount = days === daysInCycle ? priceCentavos : prorate(priceCentavos, days, daysInCycle);
  return { period: { start: startsOn, end: cycle.end }, days, daysInCycle, amount };
}

export interface PlanChangeLines {
  /** The old plan's remaining days, credited (negative). */
  credit: number;
  /** The new plan's remaining days, charged. */
  charge: number;
  /** credit + charge: an invoice when above zero, else the subscriber's credit grows by its opposite. */
  net: number;
  days: number;
  daysInCycle: number;
}

/** A plan change on `on` within `cycle`: the days from `on` to the cycle's last day, inclusive, over its length. */
export function planChangeLines(
  oldPrice: number,
  newPrice: number,
  cycle: Cycle,
  on: string,
): PlanChangeLines {
  const daysInCycle = daysInclusive(cycle.start, cycle.end);
  const days = daysInclusive(on, cycle.end);
  const credit = -prorate(oldPrice, days, daysInCycle);
  const charge = prorate(newPrice, days, daysInCycle);
  return { credit, charge, net: credit + charge, days, daysInCycle };
}
