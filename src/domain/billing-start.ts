/**
 * When a subscriber's billing starts (pure, shop dates `YYYY-MM-DD`). Billing never covers a day before the
 * subscriber was added, nor a day on or before `paid_until` (paid elsewhere before it came over):
 *
 * - its service starts on `starts_on` when that is later than today (it is `scheduled` until then), else today:
 *   a `starts_on` in the past says "customer since", and bills nothing before today;
 * - its first billed day is the day after `paid_until` when that is later, else the day its service starts;
 * - its first invoice is issued on that day: at once when it is today, else by the billing run on that day.
 *
 * The bounds of the dates a new subscriber may be given live here too, so every face refuses the same typos.
 */
import { addDays } from './calendar';

/** How far ahead a start, a paid-until date or an opening balance's due date may be: a year. */
const MAX_DAYS_AHEAD = 366;

/** The later of two shop dates. */
const later = (a: string, b: string) => (a > b ? a : b);

/** The day the subscriber's service starts in this shop: `startsOn` when it is in the future, else today. */
export function serviceStart(startsOn: string, today: string): string {
  return later(startsOn, today);
}

/** Whether a subscriber starting on `startsOn` waits for it (status `scheduled`). */
export function startsLater(startsOn: string, today: string): boolean {
  return startsOn > today;
}

/** The first day billed: the day after `paidUntil` when that is after `start`, else `start`. */
export function firstBilledDay(start: string, paidUntil: string | null | undefined): string {
  return paidUntil ? later(addDays(paidUntil, 1), start) : start;
}

/** Why a date given for a new subscriber is refused on `today` (null: it is fine). */
export function dateAheadProblem(
  date: string,
  today: string,
  o: { notBeforeToday?: boolean } = {},
): string | null {
  if (o.notBeforeToday && date < today) return `is before today (${today}); use today or a later date`;
  const last = addDays(today, MAX_DAYS_AHEAD);
  if (date > last) return `is more than a year ahead; use a date up to ${last}`;
  return null;
}
