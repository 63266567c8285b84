/**
 * One voucher's data as every face shows it: the portal's status page and its API, the admin's voucher page and
 * API, the terminal. `used` is every byte the voucher's devices moved; `counted` the bytes that count toward its
 * fair-use threshold and data cap (free off-peak traffic excluded); `left` is the cap minus the counted bytes, the
 * same figure enforcement cuts at. Alerts are a typed value here; the events table stores them as `fup-80` …
 * `cap-100`, and only alertEventKind / alertOfEventKind turn one into the other.
 */
import { dataLeft } from './byte-cap';

export type AlertKind = 'fup' | 'cap';
const ALERT_PERCENTS = [80, 90, 100] as const;
export type AlertPercent = (typeof ALERT_PERCENTS)[number];

export interface UsageAlert {
  kind: AlertKind;
  percent: AlertPercent;
}

export interface UsageSummary {
  /** Bytes up and down, all of them. */
  used: number;
  /** Bytes that count toward the fair-use threshold and the cap. */
  counted: number;
  /** The voucher's own cap (the plan's, raised by codes added to it), or null. */
  capBytes: number | null;
  fupThresholdBytes: number | null;
  /** capBytes − counted, never below 0; null without a cap. */
  left: number | null;
  /** counted / capBytes as 0…100 (rounded, at most 100); null without a cap. */
  usedPercent: number | null;
  /** Every alert level reached now against the voucher's own limits, fair use first, each ascending. */
  alerts: UsageAlert[];
  /** The most serious of them (a cap level before a fair-use one), or null. */
  alert: UsageAlert | null;
}

interface UsageFigures {
  bytesUp: number;
  bytesDown: number;
  countedBytes: number;
}

interface UsageLimits {
  capBytes?: number | null;
  fupThresholdBytes?: number | null;
}

export function summariseUsage(u: UsageFigures, limits: UsageLimits): UsageSummary {
  const counted = Number(u.countedBytes);
  const cap = limits.capBytes ?? null;
  const fup = limits.fupThresholdBytes ?? null;
  // The levels reached: those crossed on the way up from nothing.
  const fupAlerts = alertsCrossed('fup', -Infinity, counted, fup);
  const capAlerts = alertsCrossed('cap', -Infinity, counted, cap);
  const alerts = [...fupAlerts, ...capAlerts];
  return {
    used: Number(u.bytesUp) + Number(u.bytesDown),
    counted,
    capBytes: cap,
    fupThresholdBytes: fup,
    left: cap === null ? null : dataLeft(cap, counted),
    usedPercent: cap === null || cap <= 0 ? null : Math.min(100, Math.round((counted / cap) * 100)),
    alerts,
    alert: capAlerts.at(-1) ?? fupAlerts.at(-1) ?? null,
  };
}

/** The alert levels crossed going from `before` to `after` counted bytes, ascending (a jump past several: all). */
export function alertsCrossed(
  kind: AlertKind,
  before: number,
  after: number,
  limit: number | null | undefined,
): UsageAlert[] {
  if (!limit || limit <= 0 || after <= before) return [];
  return ALERT_PERCENTS.filter((pct) => {
    const level = (limit * pct) / 100;
    return before < level && after >= level;
  }).map((percent) => ({ kind, percent }));
}

/** The events table's kind for an alert: `fup-80`, `cap-100`. */
export function alertEventKind(a: UsageAlert): string {
  return `${a.kind}-${a.percent}`;
}

/** The alert an event kind records, or null for any other kind. */
export function alertOfEventKind(kind: string): UsageAlert | null {
  const dash = kind.indexOf('-');
  if (dash < 0) return null;
  const k = kind.slice(0, dash);
  const pct = Number(kind.slice(dash + 1));
  if (k !== 'fup' && k !== 'cap') return null;
  const percent = ALERT_PERCENTS.find((p) => p === pct);
  return percent === undefined || String(pct) !== kind.slice(dash + 1) ? null : { kind: k, percent };
}
