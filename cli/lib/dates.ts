/**
 * Calendar ranges in the shop's time zone (TZ) for reports, built on the report service's own calendar
 * (src/domain/calendar.ts) so "today" in the terminal is the same day as on the web.
 */
import { ValidationError } from '../../src/domain/errors';
import { isValidInstant } from '../../src/domain/units';
import { addDays, isLocalDate, localDate, localParts, startOfLocalDay } from '../../src/domain/calendar';

export function startOfDay(now: number, tz: string): number {
  return startOfLocalDay(localDate(now, tz), tz);
}

/** Weeks start on Monday (ISO 8601, as the reports' `2026-W47` periods). */
export function startOfWeek(now: number, tz: string): number {
  const date = localDate(now, tz);
  const [y, m, d] = date.split('-').map(Number);
  const sinceMonday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return startOfLocalDay(addDays(date, -sinceMonday), tz);
}

export function startOfMonth(now: number, tz: string): number {
  return startOfLocalDay(`${localDate(now, tz).slice(0, 8)}01`, tz);
}

/** `2026-11-21` → the start of that day in the shop's zone; `endOfDay` gives the next midnight. */
export function parseDate(value: string, field: string, tz: string, endOfDay = false): number {
  const text = value.trim();
  if (!isLocalDate(text))
    throw ValidationError.invalid(field, value, 'a date', 'use YYYY-MM-DD like 2026-11-21');
  return startOfLocalDay(endOfDay ? addDays(text, 1) : text, tz);
}

/** `2026-11-21` for an instant, in the shop's zone. */
export const formatDate = localDate;

/** `2026-11-21 14:05` for an instant, in the shop's zone. */
export function formatDateTime(ms: number, tz: string): string {
  if (!isValidInstant(ms)) return 'invalid';
  const p = localParts(ms, tz);
  return `${localDate(ms, tz)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}
