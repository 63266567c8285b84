/**
 * Rates (bits/s), data sizes (bytes) and money (centavos): human strings in, integers out, and back.
 * Import these through `units.ts`, the one place that parses human units.
 */
import { ValidationError } from './errors';

const RATE_FORMS = 'use bits per second like 512K, 1M, 1.5M or 2G';
const RATE_PAIR_FORMS = 'use upload/download like 512K/1M (or one rate for both)';
const SIZE_FORMS =
  'use a data size like 500M, 5G, 1.5G, 100K (1000-based), 512MiB or 2GiB (1024-based), or bytes';
const MONEY_FORMS = 'use an amount like 5, 5.50 or ₱5.50 (at most 2 decimals)';

/**
 * Turns a decimal string times a multiplier into an exact integer, or null when the result is fractional.
 * BigInt keeps `1.5G` or `0.1K` exact where floating point would not be.
 */
function scaleDecimal(num: string, multiplier: bigint): bigint | null {
  const [intPart, fracPart = ''] = num.split('.');
  const scaled = BigInt(intPart + fracPart) * multiplier;
  const divisor = 10n ** BigInt(fracPart.length);
  return scaled % divisor === 0n ? scaled / divisor : null;
}

function toSafeNumber(n: bigint, field: string, value: unknown, what: string, forms: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw ValidationError.invalid(field, value, what, `${forms} (too large)`);
  return Number(n);
}

/** Numbers given as JSON numbers are handled through their decimal text so 1.5 and "1.5" behave alike. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') return value.trim();
  return undefined;
}

/**
 * A whole number from `min` to `max`: a number, or digits as typed (at most `digits`, by default as many as
 * `max` has), spaces around them allowed; else 400 naming `what` with `hint`.
 */
export function parseWholeNumber(
  v: unknown,
  field: string,
  [min, max]: [number, number],
  what: string,
  hint = `use a whole number from ${min} to ${max}`,
  digits = String(max).length,
): number {
  const n = typeof v === 'string' && new RegExp(`^\\s*\\d{1,${digits}}\\s*$`).test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw ValidationError.invalid(field, v, what, hint);
  return n;
}

/** One of `choices`, in any letter case, spaces around it allowed; else 400 naming `what` and the choices. */
export function parseOneOf<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
  what: string,
): T {
  const s = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof s === 'string' && (choices as readonly string[]).includes(s)) return s as T;
  throw ValidationError.invalid(field, value, what, `use one of ${choices.join(', ')}`);
}

// --- Rates -------------------------------------------------------------------------------------------------

/** RouterOS rate multipliers: k/K = 1,000, M = 10⁶, G = 10⁹ (docs/routeros.md "Units"). */
const RATE_MULTIPLIERS: Record<string, bigint> = { '': 1n, k: 1000n, m: 1000000n, g: 1000000000n };
/**
 * The one rate grammar: a number, an optional k/M/G and an optional `bps`, `bit`, `bits` or `bit/s`, any case,
 * spaces allowed (`2M`, `2 Mbps`, `2mbps`, `1.5 Mbit/s`). The admin's profile form checks with this very
 * pattern (public/js/admin-profile-form.js; test/domain/rate-grammar.test.ts holds them equal) and the limit
 * dialog sends what was typed for the server to read with it.
 */
export const RATE_RE = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:bps|bits?(?:\/s)?)?$/i;
const PLAIN_INT_RE = /^\d+$/;

/** `512K` → 512000, `1.5M` → 1500000, `2G`, `1000`. 0 is allowed (RouterOS reads it as "no limit"). */
export function parseRate(value: unknown, field: string): number {
  // Fast path: RouterOS prints rates as plain bits/s, and the poll compares thousands of them per cycle.
  if (typeof value === 'string' && PLAIN_INT_RE.test(value) && value.length < 16) return Number(value);
  const text = asText(value);
  const m = text === undefined ? null : RATE_RE.exec(text);
  if (!m) throw ValidationError.invalid(field, value, 'a rate', RATE_FORMS);
  const scaled = scaleDecimal(m[1], RATE_MULTIPLIERS[m[2].toLowerCase()]);
  if (scaled === null) {
    throw ValidationError.invalid(field, value, 'a whole number of bits per second', RATE_FORMS);
  }
  return toSafeNumber(scaled, field, value, 'a rate', RATE_FORMS);
}

/** Speed limits people may set: below 8 kbit/s a device is effectively cut off, above 10 Gbit/s is a typo. */
export const MIN_LIMIT_RATE = 8_000;
export const MAX_LIMIT_RATE = 10_000_000_000;
const LIMIT_FORMS = 'use a speed from 8K (8 kbit/s) to 10G (10 Gbit/s), like 512K, 2M or "2 Mbps"';

/** A speed limit in bits/s within [8K, 10G]; `parseRate` forms ("2M", "2 Mbps", "2mbps", 2000000). */
export function parseLimitRate(value: unknown, field: string): number {
  const bps = parseRate(value, field);
  return checkLimitRate(bps, field, value);
}

/** Bounds check for a rate already in bits/s (from a form number or a stored value). */
export function checkLimitRate(bps: number, field: string, shown: unknown = bps): number {
  if (!Number.isSafeInteger(bps) || bps < MIN_LIMIT_RATE || bps > MAX_LIMIT_RATE) {
    throw ValidationError.invalid(field, shown, 'a usable speed limit', LIMIT_FORMS);
  }
  return bps;
}

const UNLIMITED_WORDS = ['unlimited', 'none', 'no limit'];

/** A speed limit or "unlimited" (→ null): what the admin's limit dialog, the API and the CLI accept. */
export function parseSpeedLimit(value: unknown, field: string): number | null {
  if (typeof value === 'string' && UNLIMITED_WORDS.includes(value.trim().toLowerCase())) return null;
  try {
    return parseLimitRate(value, field);
  } catch (err) {
    if (err instanceof ValidationError)
      throw ValidationError.invalid(field, value, 'a speed limit', `${LIMIT_FORMS}, or "unlimited"`);
    throw err;
  }
}

/**
 * Exact RouterOS input form in the largest unit that fits: 512000 → `512K`, 1500000 → `1.5M`; when that unit
 * would need more than 3 decimals, plain bits/s (1234567 → `1234567`).
 */
export function formatRate(bps: number): string {
  return largestDecimalUnit(bps, DECIMAL_UNITS.slice(1)) ?? String(bps);
}

/** The 1000-based units a size (all of them) or a rate (from G down) is written in. */
const DECIMAL_UNITS = [
  ['T', 1e12],
  ['G', 1e9],
  ['M', 1e6],
  ['K', 1e3],
] as const;

/** `n` in the largest unit not above it, if that takes at most 3 decimals; otherwise undefined. */
function largestDecimalUnit(n: number, units: ReadonlyArray<readonly [string, number]>): string | undefined {
  const unit = units.find(([, mult]) => n >= mult);
  if (!unit || n % (unit[1] / 1000) !== 0) return undefined;
  return `${trimZeros((n / unit[1]).toFixed(3))}${unit[0]}`;
}

/** For people: 512000 → `512 kbps`, 1500000 → `1.5 Mbps` (up to 2 decimals). */
export function formatRateHuman(bps: number): string {
  for (const [suffix, mult] of [
    ['Gbps', 1e9],
    ['Mbps', 1e6],
    ['kbps', 1e3],
  ] as const) {
    if (bps >= mult) return `${trimZeros((bps / mult).toFixed(2))} ${suffix}`;
  }
  return `${bps} bps`;
}

/** A speed limit for people: 0 is RouterOS's "no limit" (a queue limit of 0), shown as `unlimited`. */
export function formatLimitHuman(bps: number): string {
  return bps === 0 ? 'unlimited' : formatRateHuman(bps);
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

export interface RatePair {
  up: number;
  down: number;
}

/**
 * `512K/1M` → { up: 512000, down: 1000000 }. RouterOS order is upload/download from the target's side
 * (docs/routeros.md "Direction"); a single rate applies to both, as RouterOS does when tx is left out.
 */
export function parseRatePair(value: unknown, field: string): RatePair {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw ValidationError.invalid(field, value, 'a rate pair', RATE_PAIR_FORMS);
  }
  const parts = String(value).split('/');
  if (parts.length > 2) throw ValidationError.invalid(field, value, 'a rate pair', RATE_PAIR_FORMS);
  const up = parseRate(parts[0], `${field} (upload)`);
  const down = parts.length === 2 ? parseRate(parts[1], `${field} (download)`) : up;
  return { up, down };
}

/** `{512000, 1000000}` → `512K/1M`. */
export function formatRatePair(pair: RatePair): string {
  return `${formatRate(pair.up)}/${formatRate(pair.down)}`;
}

/**
 * `{512000, 1000000}` → `512000/1000000`, the form RouterOS prints back (docs/routeros.md "Returned format").
 */
export function formatRatePairBps(pair: RatePair): string {
  return `${Math.round(pair.up)}/${Math.round(pair.down)}`;
}

// --- Data sizes --------------------------------------------------------------------------------------------

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)b?|b)?$/i;
const SIZE_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4 };

/** `500M`, `5 GB`, `1.5G` (1000-based), `512MiB` (1024-based), `1024` bytes → integer bytes. */
export function parseDataSize(value: unknown, field: string): number {
  const text = asText(value);
  const m = text === undefined ? null : SIZE_RE.exec(text);
  if (!m) throw ValidationError.invalid(field, value, 'a data size', SIZE_FORMS);
  const base = m[3] ? 1024n : 1000n;
  const multiplier = m[2] ? base ** BigInt(SIZE_POWERS[m[2].toLowerCase()]) : 1n;
  const scaled = scaleDecimal(m[1], multiplier);
  if (scaled === null) throw ValidationError.invalid(field, value, 'a whole number of bytes', SIZE_FORMS);
  return toSafeNumber(scaled, field, value, 'a data size', SIZE_FORMS);
}

/** For people, decimal with one decimal: 15200000 → `15.2 MB`, 512 → `512 B`. */
export function formatBytes(n: number): string {
  for (const [suffix, mult] of [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ] as const) {
    if (Math.abs(n) >= mult) return `${(n / mult).toFixed(1)} ${suffix}`;
  }
  return `${n} B`;
}

/** Exact, parseable form for files: 5e9 → `5G`, 1.5e9 → `1.5G`, 2³⁰ → `1GiB`, else plain bytes. */
export function formatDataSize(bytes: number): string {
  const decimal = largestDecimalUnit(bytes, DECIMAL_UNITS);
  if (decimal !== undefined) return decimal;
  for (const [suffix, mult] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= mult && bytes % mult === 0) return `${bytes / mult}${suffix}`;
  }
  return String(bytes);
}

// --- Counter pairs -----------------------------------------------------------------------------------------

/** A RouterOS `bytes=123/456` value (upload/download) → numbers. */
export function parseCounterPair(value: unknown, field: string): RatePair {
  const m = typeof value === 'string' ? /^(\d+)\/(\d+)$/.exec(value.trim()) : null;
  if (!m)
    throw ValidationError.invalid(field, value, 'a counter pair', 'expected upload/download like 1024/2048');
  return { up: Number(m[1]), down: Number(m[2]) };
}

// --- Money -------------------------------------------------------------------------------------------------

const MONEY_RE = /^(?:₱|PHP|P)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/i;

/** `5` → 500, `5.50` → 550, `₱5.50`, `PHP 1,000` → integer centavos. Negative amounts are refused. */
export function parseMoney(value: unknown, field: string): number {
  const text = asText(value);
  const m = text === undefined ? null : MONEY_RE.exec(text);
  if (!m) throw ValidationError.invalid(field, value, 'an amount', MONEY_FORMS);
  const whole = BigInt(m[1].replace(/,/g, '')) * 100n;
  const cents = BigInt((m[2] ?? '').padEnd(2, '0'));
  return toSafeNumber(whole + cents, field, value, 'an amount', MONEY_FORMS);
}

/**
 * The most a voucher or a profile may cost: ₱100,000. Far above any real sale in a shop that sells time for a
 * few pesos, so a value past it is a typo (a few digits too many) or a probe, refused before it is stored or
 * shown on a sheet. Zero is allowed (free and staff vouchers).
 */
export const MAX_PRICE_CENTAVOS = 100_000_00;
const PRICE_FORMS = 'use an amount from 0 to ₱100,000, like 5, 5.50 or ₱5.50';

/** Bounds check for a price already in centavos; `shown` is what the person typed, for the message. */
export function checkPrice(centavos: number, field: string, shown: unknown = centavos): number {
  if (!Number.isSafeInteger(centavos) || centavos < 0 || centavos > MAX_PRICE_CENTAVOS) {
    throw ValidationError.invalid(field, shown, 'a price', PRICE_FORMS);
  }
  return centavos;
}

/** A price in centavos within 0–₱100,000, from the forms `parseMoney` reads. */
export function parsePrice(value: unknown, field: string): number {
  return checkPrice(parseMoney(value, field), field, value);
}

/** 500 → `₱5.00`, 123456 → `₱1,234.56`, -500 → `-₱5.00`. */
export function formatMoney(centavos: number, currency = '₱'): string {
  const sign = centavos < 0 ? '-' : '';
  const abs = Math.abs(Math.round(centavos));
  // Thousands separators by hand: toLocaleString builds a number formatter on every call (~40 µs), and
  // money is formatted for every row of every list.
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${currency}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Money on a page or a paper, for a person to read: a negative amount with the true minus sign, −500 →
 * `−₱5.00`, as a credited line and a total's "Paid −₱466.20" print alike (formatMoney keeps the ASCII hyphen
 * for the terminal, CSV and logs).
 */
export function formatMoneyText(centavos: number): string {
  return centavos < 0 ? `−${formatMoney(-centavos)}` : formatMoney(centavos);
}
