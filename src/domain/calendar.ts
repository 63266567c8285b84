/**
 * The shop's calendar: arithmetic in its time zone for reports, billing and the pages. A sale at 23:30 in Manila
 * belongs to that day, not to the UTC day. Pure functions of (instant, zone); `YYYY-MM-DD` strings are local dates.
 */

import { wallClockFormat } from '../lib/clock';

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of wallClockFormat(tz).formatToParts(ms))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year, month: out.month, day: out.day, hour: out.hour % 24, minute: out.minute };
}

/** Offset of the zone from UTC at that instant, in ms (Manila: +8 h). */
function zoneOffset(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(ms / 60000) * 60000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-11-21` for the local date of the instant. */
export function localDate(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export function isLocalDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The instant local midnight starts on that date (DST-safe: the offset is re-read at the result). */
export function startOfLocalDay(date: string, tz: string): number {
  return localInstant(date, 0, tz);
}

/** The instant the local wall clock shows `minutes` after midnight on that date (DST-safe, as above). */
export function localInstant(date: string, minutes: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const utcWall = Date.UTC(y, m - 1, d, 0, minutes);
  let t = utcWall - zoneOffset(utcWall, tz);
  const again = utcWall - zoneOffset(t, tz);
  if (again !== t) t = again;
  return t;
}

/** `2026-11-21T23:05`: the local date and time of the instant, to the minute (an HTML datetime-local value). */
export function localDateTime(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${localDate(ms, tz)}T${pad(p.hour)}:${pad(p.minute)}`;
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return dateOf(y, m, d + n);
}

export function dateOf(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** ISO-8601 week of a local date: `2026-W47` (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${pad(week)}`;
}

export type Period = 'day' | 'week' | 'month';

export function periodOf(date: string, by: Period): string {
  if (by === 'day') return date;
  if (by === 'week') return isoWeek(date);
  return date.slice(0, 7);
}

/** The local dates from `from` (inclusive) to `to` (exclusive), at most `max` of them. */
export function datesBetween(from: number, to: number, tz: string, max = 3700): string[] {
  const out: string[] = [];
  if (to <= from) return out;
  const last = localDate(to - 1, tz);
  for (let d = localDate(from, tz); out.length < max; d = addDays(d, 1)) {
    out.push(d);
    if (d === last) break;
  }
  return out;
}

/** The report periods an owner asks for most, in the shop's time zone. */
export const REPORT_PRESETS = ['today', 'yesterday', 'week', 'month'] as const;
export type ReportPreset = (typeof REPORT_PRESETS)[number];

export function isReportPreset(s: unknown): s is ReportPreset {
  return typeof s === 'string' && (REPORT_PRESETS as readonly string[]).includes(s);
}

/** Day of the week of a local date, 1 = Monday … 7 = Sunday (ISO). */
function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/**
 * The inclusive local dates of a preset at `now`: today; yesterday; this week from its Monday (weeks start on
 * Monday, as the reports' ISO weeks do) to today; this month from the 1st to today.
 */
export function presetDates(
  preset: ReportPreset,
  now: number,
  tz: string,
): { fromDate: string; toDate: string } {
  const today = localDate(now, tz);
  switch (preset) {
    case 'today':
      return { fromDate: today, toDate: today };
    case 'yesterday': {
      const y = addDays(today, -1);
      return { fromDate: y, toDate: y };
    }
    case 'week':
      return { fromDate: addDays(today, 1 - isoWeekday(today)), toDate: today };
    case 'month':
      return { fromDate: `${today.slice(0, 8)}01`, toDate: today };
  }
}

/** Which preset a range of local dates is at `now`, if any (a range typed by hand can be one too). */
export function presetOf(fromDate: string, toDate: string, now: number, tz: string): ReportPreset | null {
  for (const p of REPORT_PRESETS) {
    const r = presetDates(p, now, tz);
    if (r.fromDate === fromDate && r.toDate === toDate) return p;
  }
  return null;
}
