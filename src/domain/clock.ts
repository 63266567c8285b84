/** Time-of-day in the shop's time zone and off-peak windows. `now` is always passed in (ms since epoch). */
import type { Profile } from './profiles';

// An Intl formatter costs ~50 µs to build and is immutable, so one per zone is kept: a table of constants, as
// shopTimeFormatter below is. They are the only module state in src/domain (README "Caches").
function perZone<T>(make: (tz: string) => T): (tz: string) => T {
  const made = new Map<string, T>();
  return (tz) => {
    if (!made.has(tz)) made.set(tz, make(tz));
    return made.get(tz)!;
  };
}

const formatterFor = perZone(
  (tz) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
);

/** Minutes after local midnight in `tz` at instant `now`. Throws RangeError for an unknown zone. */
export function minutesOfDay(now: number, tz: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(tz).formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  return (hour % 24) * 60 + minute;
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

/**
 * While an unlimited off-peak window is on, the shop time it ends (`06:00`): data used until then is not counted
 * toward the voucher's limits. Otherwise null.
 */
export function freeDataUntil(
  offpeak: Profile['offpeak'] | undefined,
  now: number,
  tz: string,
): string | null {
  if (!offpeak?.unlimited || !offpeakActive(offpeak, now, tz)) return null;
  const hh = String(Math.floor(offpeak.end / 60) % 24).padStart(2, '0');
  return `${hh}:${String(offpeak.end % 60).padStart(2, '0')}`;
}

const shopTimeFormatter = perZone((tz) => ({
  times: timeFormatter(tz),
  day: new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }),
}));

/**
 * The time of day in the shop's zone as owners read a wall clock, `7:44 PM` (TIME_FORMATS.time, the same
 * clock as every other time on the pages): the "last seen" of live figures while the router is away. Given
 * `now`, an instant on another local day gets its date too (`Nov 21, 7:44 PM`, TIME_FORMATS.short), so a
 * figure frozen since yesterday does not pass for today's.
 */
export function formatShopTime(ms: number, tz: string, now?: number): string {
  const f = shopTimeFormatter(tz);
  if (now === undefined || f.day.format(ms) === f.day.format(now)) return f.times.format(ms, 'time');
  return f.times.format(ms, 'short');
}

// --- Times for people ----------------------------------------------------------------------------------------

/** The shop's locale for dates and times: the Philippines by default (12-hour clock, `Nov 22, 7:44 AM`). */
const DEFAULT_LOCALE = 'en-PH';

/**
 * The one set of shapes a time is shown in, as Intl options. The server formats with them, and the admin's
 * scripts get the very same objects (views/partials/head.ejs puts them on <html data-time-formats>), so a
 * time written by the page and one refreshed by a script read alike: public/js/admin-time.js.
 */
export const TIME_FORMATS = {
  /** `Nov 22, 7:44 AM`: tables, event lists. */
  short: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  /** `Nov 22, 2026, 7:44:35 AM`: a voucher's or an audit entry's exact moment. */
  full: {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  },
  /** `7:44 PM`: a time of today (formatShopTime). */
  time: { hour: 'numeric', minute: '2-digit' },
  /** `7:44:35 AM`: "updated at" on live pages. */
  clock: { hour: 'numeric', minute: '2-digit', second: '2-digit' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type TimeFormatName = keyof typeof TIME_FORMATS;

/**
 * ICU puts a narrow or a no-break space before AM/PM depending on its version; Node and the browser may not
 * agree, so both write a plain space (the script does the same replacement).
 */
const ODD_SPACES = /[\u202f\u00a0]/g;

/** Formatters for one zone and locale: `format(ms, 'short')`. Throws RangeError for an unknown zone or locale. */
export function timeFormatter(tz: string, locale: string = DEFAULT_LOCALE) {
  const built = {} as Record<TimeFormatName, Intl.DateTimeFormat>;
  for (const name of Object.keys(TIME_FORMATS) as TimeFormatName[])
    built[name] = new Intl.DateTimeFormat(locale, { ...TIME_FORMATS[name], timeZone: tz });
  return {
    tz,
    locale,
    format: (ms: number, name: TimeFormatName = 'short'): string =>
      built[name].format(ms).replace(ODD_SPACES, ' '),
  };
}

/** UTC by any of its names: a shop box left on UTC puts "today" hours away from the shop's day. */
export function isUtcZone(tz: string): boolean {
  return /^(?:Etc\/)?(?:UTC|UCT|GMT|Zulu|Universal|Greenwich)(?:[+-]?0)?$/i.test(tz);
}
