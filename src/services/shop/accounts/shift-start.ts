/**
 * Where a login's sales slip starts: `since` as a script or the slip's From field sends it, at most a week back
 * and not after now; absent, today 00:00 in the shop's time zone (a day shift). A night shift that began before
 * midnight names its start: an ISO 8601 time with its offset, or a local date and time (`2026-11-29T20:00`, as an
 * HTML datetime-local field sends it) read in the shop's time zone.
 */
import { AppError } from '../../../domain/errors';
import {
  isLocalDate,
  localDate,
  localDateTime,
  localInstant,
  startOfLocalDay,
} from '../../../domain/calendar';

/** How far back a slip may start. */
export const SHIFT_MAX_DAYS = 7;
const DAY_MS = 86_400_000;
const LOCAL_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const refusal = (problem: string) =>
  new AppError('INVALID_INPUT', `since: ${problem}`, 400, 'since', { since: problem });

/** The instant `v` names, or undefined when it is no time (a local one read in `tz`). */
function readSince(v: unknown, tz: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  const local = LOCAL_RE.exec(v.trim());
  if (!local) return /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? Date.parse(v) : undefined;
  const [, date, h = '0', m = '0', s = '0'] = local;
  if (!isLocalDate(date) || Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return undefined;
  return localInstant(date, Number(h) * 60 + Number(m), tz) + Number(s) * 1000;
}

/** The slip's start: today 00:00 when absent; 400 INVALID_INPUT naming `since` for no time, the future, or over a week back. */
export function shiftStart(v: unknown, now: number, tz: string): number {
  if (v === undefined || v === '') return startOfLocalDay(localDate(now, tz), tz);
  const t = readSince(v, tz);
  if (t === undefined || !Number.isFinite(t))
    throw refusal('use a time like 2026-11-29T20:00 (the shop’s time) or 2026-11-29T20:00:00+08:00');
  if (t > now) throw refusal('a time before now');
  const earliest = now - SHIFT_MAX_DAYS * DAY_MS;
  if (t < earliest)
    throw refusal(
      `at most ${SHIFT_MAX_DAYS} days back: from ${localDateTime(earliest, tz).replace('T', ' ')} on`,
    );
  return t;
}
