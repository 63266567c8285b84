/**
 * The fields of a profile one by one (profiles.ts): a name, a validity, a device count, a rate, a data size, a
 * yes/no, a group of settings with its allowed keys. Each throws a ValidationError naming its field, or adds
 * the problem to the collector.
 */
import { ValidationError, describeValue } from './errors';
import type { ErrorCollector } from './error-collector';
import { parseDataSize, parseDuration, parseLimitRate, parseWholeNumber } from './units';

export const NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_USERS = 100;
/** A year: the longest plan a shop sells; more is a typo (`99999w`) that would put expiry past any date. */
const MAX_VALIDITY_SECONDS = 365 * 86400;
/** Burst averages over seconds; an hour is already far beyond any useful burst (docs/routeros.md "Burst"). */
const MAX_BURST_TIME_SECONDS = 3600;

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Typos such as `rate_dwon` must not silently fall back to defaults. */
export function checkKeys(obj: Json, allowed: string[], path: string, c: ErrorCollector): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      c.add(`${path}${key}`, `unknown setting; allowed here: ${allowed.join(', ')}`);
  }
}

export function positive(
  n: number | undefined,
  field: string,
  what: string,
  c: ErrorCollector,
): number | undefined {
  if (n !== undefined && n <= 0) c.add(field, `must be more than zero; ${what}`);
  return n !== undefined && n > 0 ? n : undefined;
}

export function parseName(v: unknown, field: string): string {
  if (typeof v !== 'string' || !NAME_RE.test(v)) {
    throw ValidationError.invalid(field, v, 'a profile name', 'use 1–32 letters, digits, _ or -, like BASIC');
  }
  return v;
}

export function parseValidity(v: unknown, field: string): number | null {
  if (v === 'unlimited') return null;
  const s = parseDuration(v, field);
  if (s <= 0) throw new ValidationError(field, 'must be longer than 0s; use like 1h, or "unlimited"');
  if (s > MAX_VALIDITY_SECONDS)
    throw ValidationError.invalid(
      field,
      v,
      'a validity',
      'use at most 365 days, like 1h, 1d or 30d, or "unlimited"',
    );
  return s;
}

/** The original PisoNet wrote `"users": "1"`; a numeric string is the same count. */
export function parseUsers(v: unknown, field: string): number {
  return parseWholeNumber(v, field, [1, MAX_USERS], 'a device count');
}

export function parseEnum<T extends string>(v: unknown, field: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw ValidationError.invalid(field, v, 'an accepted value', `use one of: ${options.join(', ')}`);
  }
  return v as T;
}

export function parseBool(v: unknown, field: string): boolean {
  if (v === 'true' || v === 'false') return v === 'true';
  if (typeof v !== 'boolean') throw ValidationError.invalid(field, v, 'true or false', 'use true or false');
  return v;
}

export function parseMultiplier(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 1 || n > 100) {
    throw ValidationError.invalid(
      field,
      v,
      'a speed multiplier',
      'use a number from 1 to 100, like 1.5 or 2',
    );
  }
  return n;
}

export function parseDescription(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length > 200) {
    throw ValidationError.invalid(field, v, 'a description', 'use text of at most 200 characters');
  }
  return v;
}

export function subObject(v: unknown, field: string, keys: string[], c: ErrorCollector): Json | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    c.add(field, `${describeValue(v)} is not a group of settings; use an object with ${keys.join(', ')}`);
    return undefined;
  }
  checkKeys(v, keys, `${field}.`, c);
  return v;
}

/** Every rate in a profile is a usable speed: 8 kbit/s to 10 Gbit/s (a typo must not cut customers off). */
export function rate(v: unknown, field: string, c: ErrorCollector): number | undefined {
  return c.field(() => parseLimitRate(v, field));
}

export function parseBurstTime(v: unknown, field: string): number {
  const s = parseDuration(v, field);
  if (s > MAX_BURST_TIME_SECONDS)
    throw ValidationError.invalid(field, v, 'a burst time', 'use at most 1h, like 10s or 30s');
  return s;
}

export function size(v: unknown, field: string, c: ErrorCollector): number | undefined {
  return positive(
    c.field(() => parseDataSize(v, field)),
    field,
    'use a data size like 500M or 5G',
    c,
  );
}
