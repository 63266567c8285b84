/** Time-of-day in the shop's time zone and off-peak windows. `now` is always passed in (ms since epoch). */
import type { Profile } from './profiles';

/** A clock the composition root provides (Date.now in production, a fake in tests). */
export type Clock = () => number;

// An Intl formatter costs ~50 µs to build and is immutable, so one per zone is kept: a table of constants
// (results are never stored), the one piece of module state in src/domain (README "Caches").
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA zone this Node knows (e.g. `Asia/Manila`). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The last answer of minutesOfDay: one poll asks it for every voucher with the same `now`. */
let lastMinutes = { now: Number.NaN, tz: '', minutes: 0 };

/** Minutes after local midnight in `tz` at instant `now`. Throws RangeError for an unknown zone. */
export function minutesOfDay(now: number, tz: string): number {
  if (now === lastMinutes.now && tz === lastMinutes.tz) return lastMinutes.minutes;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(tz).formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  const minutes = (hour % 24) * 60 + minute;
  lastMinutes = { now, tz, minutes };
  return minutes;
}

/**
 * Whether the off-peak window is on at `now`. Start is inclusive and end exclusive, at minute precision;
 * a window with start after end crosses midnight (22:00–06:00); equal start and end is never active.
 */
export function offpeakActive(offpeak: Profile['offpeak'] | undefined, now: number, tz: string): boolean {
  if (!offpeak || offpeak.start === offpeak.end) return false;
  const m = minutesOfDay(now, tz);
  return offpeak.start < offpeak.end
    ? m >= offpeak.start && m < offpeak.end
    : m >= offpeak.start || m < offpeak.end;
}
