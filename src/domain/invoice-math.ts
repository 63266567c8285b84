/**
 * A subscriber's invoice amounts, in centavos, rounded once per line, half up: the first invoice of a subscriber
 * who joins between billing days, a cycle cut short by a change of billing day, and the two lines of a plan change
 * in the middle of a cycle. One rule for every prorated line (`share`): the price × the days billed / the days of
 * the whole billing cycle the first of them falls in, whatever part of that cycle the subscriber had. Pure: dates
 * are shop dates (`YYYY-MM-DD`), amounts integer centavos.
 */
import { daysInclusive, fullCycleOn, type Cycle } from './billing-cycle';
import { roundHalfAwayFromZero } from './plan-change';

/** `n × num / den` rounded half up (n, num ≥ 0, den > 0), in integers: no float ever rounds a centavo. */
export function prorate(n: number, num: number, den: number): number {
  if (![n, num, den].every(Number.isSafeInteger) || n < 0 || num < 0 || den <= 0)
    throw new RangeError('prorate needs non-negative safe integers and a positive denominator');
  return Number(roundHalfAwayFromZero(BigInt(n) * BigInt(num), BigInt(den)));
}

interface Share {
  /** Days billed (`from` to `to`, inclusive) and the days of the whole billing cycle `from` falls in. */
  days: number;
  daysInCycle: number;
  amount: number;
}

/**
 * The price of the days `from`–`to` (inclusive, within one billing cycle of `billingDay`): the whole price for
 * the whole cycle, else round_half_up(price × days / the days of the full billing cycle `from` falls in).
 */
export function share(price: number, billingDay: number, from: string, to: string): Share {
  const full = fullCycleOn(billingDay, from);
  const daysInCycle = daysInclusive(full.start, full.end);
  const days = daysInclusive(from, to);
  return { days, daysInCycle, amount: days >= daysInCycle ? price : prorate(price, days, daysInCycle) };
}

type FirstInvoice = Share & { period: Cycle };

/**
 * The first invoice: from `startsOn` to the day before the next billing day; the full price when `startsOn` is a
 * billing day, else the price × days / the days of the billing cycle `startsOn` falls in.
 */
export function firstInvoice(priceCentavos: number, billingDay: number, startsOn: string): FirstInvoice {
  const cycle = fullCycleOn(billingDay, startsOn);
  return {
    period: { start: startsOn, end: cycle.end },
    ...share(priceCentavos, billingDay, startsOn, cycle.end),
  };
}

/**
 * A plan change on `on` within `cycle` (of `billingDay`, the billing day in force on `on`): each plan's price for
 * the days from `on` (or the cycle's first day, when earlier) to the cycle's last day (`share`), over the days of
 * the whole billing cycle `on` falls in, not over the part of it a first cycle has.
 */
export function planChangeLines(
  oldPrice: number,
  newPrice: number,
  billingDay: number,
  cycle: Cycle,
  changedOn: string,
) {
  const on = changedOn > cycle.start ? changedOn : cycle.start;
  const old = share(oldPrice, billingDay, on, cycle.end);
  const credit = -old.amount; // the old plan's remaining days, credited (negative)
  const charge = share(newPrice, billingDay, on, cycle.end).amount; // the new plan's, charged
  // `net`: an invoice when above zero, else the subscriber's credit grows by its opposite.
  return { credit, charge, net: credit + charge, days: old.days, daysInCycle: old.daysInCycle };
}
