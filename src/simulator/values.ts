/**
 * RouterOS value parsing and printing
 * (docs/routeros.md "Direction", "Returned format" and "Durations and numbers"). Parsers return null on bad
 * input; the caller turns that into a category-1 trap naming the argument.
 */

const RATE_UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9 };

/** A bit rate: `512K`, `1.5M`, `1G`, plain bits. k/K = 1000 (docs/routeros.md "Units"). */
export function parseRate(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * RATE_UNITS[m[2]]);
}

/** `upload/download`; a single value means both directions (docs/routeros.md "Direction"). */
export function parsePair<T>(text: string, one: (s: string) => T | null): [T, T] | null {
  const parts = text.split('/');
  if (parts.length > 2) return null;
  const a = one(parts[0]);
  const b = parts.length === 2 ? one(parts[1]) : a;
  return a === null || b === null ? null : [a, b];
}

/** Normalise a rate pair to how RouterOS prints it back: `512K/1M` → `512000/1000000`. */
export function normaliseRatePair(text: string): string | null {
  const p = parsePair(text, parseRate);
  return p ? `${p[0]}/${p[1]}` : null;
}

const DURATION_UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds from `1w2d3h4m5s`, `300ms`, `hh:mm:ss`, `1d 00:00:00`, `6w6d18:33:07`, plain seconds, `none`. */
export function parseDuration(text: string): number | null {
  let t = text.trim();
  if (t === '' || t === 'none' || t === 'immediately') return 0;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let total = 0;
  const clock = /(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (clock) {
    total += Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    t = t.slice(0, clock.index).trim();
  }
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/gy;
  let pos = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === t.length ? total : null;
}

/** RouterOS v7 style: `1w2d3h4m5s`, `1h30m`, `0s`; sub-second remainders as `ms`. */
export function formatDuration(seconds: number): string {
  let ms = Math.max(0, Math.round(seconds * 1000));
  let out = '';
  for (const [unit, size] of [
    ['w', 604800000],
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  if (ms > 0) out += `${ms}ms`;
  return out || '0s';
}

/** Runtime durations (uptime, idle-time) are printed in whole seconds. */
export function formatSeconds(seconds: number): string {
  return formatDuration(Math.floor(seconds));
}

/** Normalise a duration argument to its printed form, or null when it does not parse. */
export function normaliseDuration(text: string): string | null {
  const s = parseDuration(text);
  return s === null ? null : formatDuration(s);
}

/**
 * `yes/no/true/false` in, `true`/`false` out (v7 prints booleans as true/false,
 * docs/routeros.md "Reply details").
 */
export function parseBool(text: string): boolean | null {
  if (text === 'yes' || text === 'true') return true;
  if (text === 'no' || text === 'false') return false;
  return null;
}

export function ipToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export interface Prefix {
  network: number;
  bits: number;
}

/** `10.5.50.10` → `10.5.50.10/32`; host bits are cleared like RouterOS does for a subnet. */
export function parsePrefix(text: string): Prefix | null {
  const [ip, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const addr = ipToInt(ip);
  const bits = bitsText === undefined ? 32 : /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (addr === null || !(bits >= 0 && bits <= 32)) return null;
  return { network: (addr & mask(bits)) >>> 0, bits };
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function formatPrefix(p: Prefix): string {
  const n = p.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${p.bits}`;
}

/** A simple-queue target: comma list of addresses/prefixes, each printed with its prefix length. */
export function normaliseTarget(text: string): string | null {
  if (text.trim() === '') return '';
  const prefixes = text.split(',').map(parsePrefix);
  return prefixes.every((p) => p !== null) ? prefixes.map(formatPrefix).join(',') : null;
}

export function prefixContains(p: Prefix, ip: number): boolean {
  return (ip & mask(p.bits)) >>> 0 === p.network;
}

/** Parsed targets by their text: traffic for N devices would otherwise parse N targets per device. */
const parsedTargets = new Map<string, Prefix[]>();

export function targetPrefixes(target: string): Prefix[] {
  let prefixes = parsedTargets.get(target);
  if (!prefixes) {
    prefixes = target
      .split(',')
      .map(parsePrefix)
      .filter((p) => p !== null);
    if (parsedTargets.size >= 100_000) parsedTargets.clear();
    parsedTargets.set(target, prefixes);
  }
  return prefixes;
}

export function targetContains(target: string, ip: string): boolean {
  const addr = ipToInt(ip);
  return addr !== null && targetContainsAddr(target, addr);
}

/** targetContains for an address already parsed (ipToInt), when one address is matched against many targets. */
export function targetContainsAddr(target: string, addr: number): boolean {
  return target !== '' && targetPrefixes(target).some((p) => prefixContains(p, addr));
}

/** RouterOS prints MAC addresses upper-case. */
export function normaliseMac(text: string): string | null {
  return /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(text) ? text.toUpperCase() : null;
}

export function parseUint(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/**
 * Hotspot user-profile `rate-limit` (docs/routeros.md "Rate-limit format"):
 * `rx[/tx] [burst [threshold [time [priority [min]]]]]`, rx = client upload, tx = client download — the same
 * order as a queue's max-limit.
 */
export interface RateLimit {
  maxLimit: [number, number];
  burstLimit: [number, number];
  burstThreshold: [number, number];
  burstTime: [number, number];
  priority: number;
  limitAt: [number, number];
}

export function parseRateLimit(text: string): RateLimit | null {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 0 || parts.length > 6 || parts[0] === '') return null;
  const maxLimit = parsePair(parts[0], parseRate);
  const burstLimit = parts[1] ? parsePair(parts[1], parseRate) : [0, 0];
  const burstThreshold = parts[2] ? parsePair(parts[2], parseRate) : maxLimit;
  const burstTime = parts[3] ? parsePair(parts[3], parseDuration) : [1, 1];
  const priority = parts[4] ? parseUint(parts[4]) : 8;
  // ✖ docs/routeros.md "Rate-limit format": the RADIUS text defaults the minimum rates to the rates; a
  // queue's limit-at equal to its max-limit would be odd, so without an explicit min we leave limit-at at 0/0
  // (easy to change here).
  const limitAt = parts[5] ? parsePair(parts[5], parseRate) : [0, 0];
  if (!maxLimit || !burstLimit || !burstThreshold || !burstTime || priority === null || !limitAt) return null;
  if (priority < 1 || priority > 8) return null;
  return {
    maxLimit,
    burstLimit: burstLimit as [number, number],
    burstThreshold: burstThreshold as [number, number],
    burstTime: burstTime as [number, number],
    priority,
    limitAt: limitAt as [number, number],
  };
}
