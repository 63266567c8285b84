/**
 * Durations: what people type (`1h30m`), what RouterOS prints (`1w4d1h16m55s`, `6w6d18:33:07`, `none`)
 * and the forms we send back. Import through `units.ts`.
 */
import { ValidationError } from './errors';

const DURATION_FORMS = 'use a duration like 30s, 10m, 1h, 1h30m, 1d, 1w or 1w2d3h4m5s, or whole seconds';

const UNIT_SECONDS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
const UNITS_ORDER = ['w', 'd', 'h', 'm', 's'] as const;
const HUMAN_RE = /^(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/i;

/** `30s`, `1h30m`, `1h 30m`, `1w2d3h4m5s`, `90` (seconds) → whole seconds. */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw ValidationError.invalid(field, value, 'a duration', DURATION_FORMS);
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d+$/.test(text)) return Number(text);
  const m = text === '' ? null : HUMAN_RE.exec(text);
  if (!m) throw ValidationError.invalid(field, value, 'a duration', DURATION_FORMS);
  let total = 0;
  UNITS_ORDER.forEach((unit, i) => {
    total += Number(m[i + 1] ?? 0) * UNIT_SECONDS[unit];
  });
  if (!Number.isSafeInteger(total)) throw ValidationError.invalid(field, value, 'a duration', DURATION_FORMS);
  return total;
}

// RouterOS output tokens: `1w`, `4d`, `1h`, `16m`, `55s`, `300ms`, `0.5s`, and `18:33:07` (older clock form).
const ROUTER_TOKEN_RE = /(\d+(?:\.\d+)?)(ms|us|w|d|h|m|s)|(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/y;
const ROUTER_UNITS: Record<string, number> = { ...UNIT_SECONDS, ms: 0.001, us: 0.000001 };
const ROUTER_FORMS = 'expected a RouterOS time like 1w4d1h16m55s, 6w6d18:33:07, 1d 00:00:00, 300ms, none';

/**
 * Parses any duration RouterOS prints (docs/routeros.md "Durations and numbers") into seconds, possibly
 * fractional (`300ms` → 0.3). `none` (and an empty value) → null: no limit set. `immediately` → 0.
 */
export function parseRouterDuration(value: unknown, field: string): number | null {
  const text =
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) throw ValidationError.invalid(field, value, 'a RouterOS time', ROUTER_FORMS);
  if (text === '' || text === 'none') return null;
  if (text === 'immediately') return 0;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    if (text[pos] === ' ') {
      pos += 1;
      continue;
    }
    ROUTER_TOKEN_RE.lastIndex = pos;
    const m = ROUTER_TOKEN_RE.exec(text);
    if (!m) throw ValidationError.invalid(field, value, 'a RouterOS time', ROUTER_FORMS);
    total +=
      m[1] !== undefined
        ? Number(m[1]) * ROUTER_UNITS[m[2]]
        : Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
    pos = ROUTER_TOKEN_RE.lastIndex;
  }
  // Sub-second sums like 0.1 + 0.2 should not leak float noise into comparisons.
  return Math.round(total * 1e6) / 1e6;
}

function splitUnits(seconds: number): Array<[string, number]> {
  let rest = Math.floor(seconds);
  const parts: Array<[string, number]> = [];
  for (const unit of UNITS_ORDER) {
    const n = Math.floor(rest / UNIT_SECONDS[unit]);
    rest -= n * UNIT_SECONDS[unit];
    parts.push([unit, n]);
  }
  return parts;
}

/** 5400 → `1h30m`, 0 → `0s`: the form we send for RouterOS times such as a hotspot user's uptime limit. */
export function formatRouterDuration(seconds: number): string {
  const text = splitUnits(seconds)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => `${n}${unit}`)
    .join('');
  return text || '0s';
}

/**
 * For people, at most two units, rounded down: 5400 → `1h 30m`, 45 → `45s`, 183600 → `2d 3h`,
 * 3605 → `1h` (the second unit is the next smaller one, so minutes are never skipped for seconds).
 */
export function formatDurationHuman(seconds: number): string {
  const parts = splitUnits(Math.max(0, seconds));
  const first = parts.findIndex(([, n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => `${n}${unit}`)
    .join(' ');
}

/** Time an admin may add to one voucher at once: a year covers any real sale; more is a typo (`99999999d`). */
export const MAX_EXTENSION_SECONDS = 365 * 86400;
/** Above a day, an extension is asked again before it is saved (one extra digit turns 1h into 10h, 1d into 10d). */
export const CONFIRM_EXTENSION_ABOVE_SECONDS = 86400;

/**
 * An extension in whole seconds, within 1 s–365 days; `field` names the input in the message, which quotes
 * `typed` (what the person typed, `400d`) when given, else the seconds as a duration.
 */
export function checkExtension(seconds: unknown, field: string, typed?: string): number {
  if (
    typeof seconds !== 'number' ||
    !Number.isSafeInteger(seconds) ||
    seconds <= 0 ||
    seconds > MAX_EXTENSION_SECONDS
  ) {
    const shown =
      typed ??
      (typeof seconds === 'number' && Number.isFinite(seconds) ? formatDurationHuman(seconds) : seconds);
    throw ValidationError.invalid(
      field,
      shown,
      'an extension that can be added',
      'use more than 0 and at most 365 days, like 30m, 1h or 1d',
    );
  }
  return seconds;
}

/** A typed extension (`30m`, `1d`) in whole seconds, refused in the words typed (`time: "400d" is not …`). */
export function parseExtension(typed: string, field: string): number {
  return checkExtension(parseDuration(typed, field), field, typed);
}

/** ±8.64e15 ms: the range a JavaScript Date can hold. Stored times beyond it come from old data or hand edits. */
const MAX_INSTANT_MS = 8.64e15;

export function isValidInstant(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= MAX_INSTANT_MS;
}

/** ISO text of a stored instant; `invalid` for one no date can hold (shown, never thrown), null for none. */
export function isoInstant(ms: number | string | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const n = Number(ms);
  return isValidInstant(n) ? new Date(n).toISOString() : 'invalid';
}

/**
 * Time left as a running clock for a customer's screen: 5400 → `1:30:00`, 59 → `0:59`, 90061 → `1d 1:01:01`.
 * public/js/portal-status.js counts down in the same form each second.
 */
export function formatCountdown(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = days || h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
  return days ? `${days}d ${clock}` : clock;
}
