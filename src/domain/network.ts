/** MAC addresses, IPv4 addresses and CIDR allow-lists, clock times. Import through `units.ts`. */
import { ValidationError } from './errors';

const MAC_FORMS = 'use a MAC address like AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff';
const IP_FORMS = 'use an IPv4 address like 10.5.50.12';
const CIDR_FORMS = 'use an IPv4 address or network like 192.168.88.0/24 or 10.0.0.5';
const CLOCK_FORMS = 'use a time of day like 06:00 or 22:30 (24-hour HH:MM)';

const MAC_RES = [
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i, // Cisco
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

const CANONICAL_MAC_RE = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;

/** Any common MAC form → `AA:BB:CC:DD:EE:FF` (the form RouterOS prints). Mixed separators are refused. */
export function normaliseMac(value: unknown, field = 'mac'): string {
  // Fast path: already canonical (what RouterOS prints and what we store), checked many times per poll.
  if (typeof value === 'string' && CANONICAL_MAC_RE.test(value)) return value;
  const text = typeof value === 'string' ? value.trim() : '';
  for (const re of MAC_RES) {
    const m = re.exec(text);
    if (m && !(re === MAC_RES[0] && new Set(text.replace(/[0-9a-f]/gi, '')).size !== 1)) {
      return m.slice(1).join(':').toUpperCase();
    }
  }
  throw ValidationError.invalid(field, value, 'a MAC address', MAC_FORMS);
}

/**
 * A MAC in canonical form (`AA:BB:CC:DD:EE:FF`), or undefined when the text is no MAC: for text read from the router
 * or the accounting, where a bad value is skipped rather than refused. The canonical form, what RouterOS prints and
 * we store, is accepted by one regex; anything else goes through normaliseMac.
 */
export function macOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (CANONICAL_MAC_RE.test(text)) return text;
  return isMac(text) ? normaliseMac(text) : undefined;
}

export function isMac(value: unknown): boolean {
  try {
    normaliseMac(value);
    return true;
  } catch {
    return false;
  }
}

function ipv4ToIntOrNull(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    // Leading zeros are refused: some tools read 010 as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Validates an IPv4 address and returns it in canonical dotted form. */
export function parseIPv4(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (ipv4ToIntOrNull(text) === null)
    throw ValidationError.invalid(field, value, 'an IPv4 address', IP_FORMS);
  return text;
}

/** The device a page names (a portal form, a login redirect): its MAC and IPv4, or null when either is not one. */
export function deviceOf(input: { mac: unknown; ip: unknown }): { mac: string; ip: string } | null {
  try {
    return { mac: normaliseMac(input.mac), ip: parseIPv4(input.ip, 'ip') };
  } catch {
    return null;
  }
}

export function isIPv4(value: unknown): boolean {
  return typeof value === 'string' && ipv4ToIntOrNull(value.trim()) !== null;
}

interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
  /** Canonical text, e.g. `192.168.88.0/24`. */
  text: string;
}

export function intToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `192.168.88.0/24` or a bare address (= /32). Host bits are cleared: `10.0.0.5/8` → `10.0.0.0/8`. */
export function parseCidr(value: unknown, field: string): Cidr {
  const text = typeof value === 'string' ? value.trim() : '';
  const [addr, prefixText, extra] = text.split('/');
  const ip = ipv4ToIntOrNull(addr);
  const prefix = prefixText === undefined ? 32 : /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === null || extra !== undefined || !(prefix >= 0 && prefix <= 32)) {
    throw ValidationError.invalid(field, value, 'an address or network', CIDR_FORMS);
  }
  const network = (ip & maskOf(prefix)) >>> 0;
  return { network, prefix, text: `${intToIPv4(network)}/${prefix}` };
}

/**
 * Reduces what a socket reports to plain IPv4: `::ffff:10.0.0.1` (IPv4-mapped, as Node reports IPv4 clients
 * on a dual-stack listener) → `10.0.0.1`, `::1` → `127.0.0.1`. Other IPv6 → null.
 */
export function clientIPv4(ip: string): string | null {
  const text = ip.trim().toLowerCase();
  if (text === '::1') return '127.0.0.1';
  const unmapped = text.startsWith('::ffff:') ? text.slice(7) : text;
  return ipv4ToIntOrNull(unmapped) === null ? null : unmapped;
}

/** Whether a client address is inside any of the networks (strings are parsed; bad entries throw). */
export function ipInCidrs(ip: string, cidrs: ReadonlyArray<string | Cidr>): boolean {
  const v4 = clientIPv4(ip);
  if (v4 === null) return false;
  const n = ipv4ToIntOrNull(v4) as number;
  return cidrs.some((c, i) => {
    const cidr = typeof c === 'string' ? parseCidr(c, `cidrs[${i}]`) : c;
    return (n & maskOf(cidr.prefix)) >>> 0 === cidr.network;
  });
}

/** `06:00` → 360 (minutes after midnight). `24:00` is refused: use `00:00`. */
export function parseClockTime(value: unknown, field: string): number {
  const m = typeof value === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
    throw ValidationError.invalid(field, value, 'a time of day', CLOCK_FORMS);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** 360 → `06:00`. */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** An absolute http(s) address with a host and no user name or password in it. */
export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.username && !u.password
    );
  } catch {
    return false;
  }
}
