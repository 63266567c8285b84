/**
 * A subscriber's billing cycle as shop dates (`YYYY-MM-DD`, both ends inclusive): from the latest billing day on
 * or before today (or the day service started, when later) to the day before the next billing day. Billing days
 * run 1–28, so every month has one. Pure: the caller passes today's shop date.
 */
import { addDays, dateOf } from './calendar';

export const MIN_BILLING_DAY = 1;
export const MAX_BILLING_DAY = 28;

export interface Cycle {
  start: string;
  end: string;
}

export interface CycleTerms {
  billingDay: number;
  /** The first day of service. */
  startsOn: string;
  /** A billing day changed during a cycle: it applies from `from` (the next cycle's first day). */
  next?: { billingDay: number; from: string } | null;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

// The shop calendar's one `addDays`, offered here too for the billing code that counts cycle days.
export { addDays };

/** The billing day of `day` on or before `date`. */
function billingDayOnOrBefore(date: string, day: number): string {
  const [y, m, d] = parts(date);
  return d >= day ? dateOf(y, m, day) : dateOf(y, m - 1, day);
}

/** The billing day one month after `billingDate` (a billing day itself). */
function monthAfter(billingDate: string): string {
  const [y, m, d] = parts(billingDate);
  return dateOf(y, m + 1, d);
}

/** The whole billing cycle of billing day `day` that `date` falls in (from its billing day, whoever started when). */
export function fullCycleOn(day: number, date: string): Cycle {
  const billed = billingDayOnOrBefore(date, day);
  return { start: billed, end: addDays(monthAfter(billed), -1) };
}

/** Days from `from` to `to`, both inclusive (0 when `to` is before `from`). */
export function daysInclusive(from: string, to: string): number {
  const [a, b] = [from, to].map((d) => {
    const [y, m, dd] = parts(d);
    return Date.UTC(y, m - 1, dd);
  });
  return b < a ? 0 : Math.round((b - a) / 86_400_000) + 1;
}

/**
 * The cycle holding `today`. Before service starts, the first cycle. A pending change of billing day counts from
 * its `from` date on: the cycle that starts there runs to the day before the new billing day.
 */
export function cycleOn(terms: CycleTerms, today: string): Cycle {
  let day = terms.billingDay;
  let startsOn = terms.startsOn;
  const ref = today > startsOn ? today : startsOn;
  if (terms.next && ref >= terms.next.from) {
    day = terms.next.billingDay;
    if (terms.next.from > startsOn) startsOn = terms.next.from;
  }
  const at = ref > startsOn ? ref : startsOn;
  const billed = billingDayOnOrBefore(at, day);
  const start = billed > startsOn ? billed : startsOn;
  return { start, end: addDays(monthAfter(billed), -1) };
}

/** The billing day in force on `date`: the new one from a pending change's first cycle on. */
export function billingDayOn(terms: CycleTerms, date: string): number {
  return terms.next && date >= terms.next.from ? terms.next.billingDay : terms.billingDay;
}

/** The first day of the cycle after the one holding `today` (where a new billing day starts to count). */
export function nextCycleStart(terms: CycleTerms, today: string): string {
  return addDays(cycleOn(terms, today).end, 1);
}
