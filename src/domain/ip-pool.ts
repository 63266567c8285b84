/**
 * A site's fixed addresses for subscribers (its `static_pool`): IPv4 only, given as a network (`10.20.0.0/24`:
 * its hosts, without the network and broadcast addresses) or a range (`10.20.0.10-10.20.0.200`, both ends in).
 * Pure: the subscriber service reads what is in use (the database, the router's own `/ip/pool` ranges and
 * addresses, its secrets' fixed addresses) and asks here which address is free, and whether one may be given.
 */
import { ValidationError } from './errors';
import { intToIPv4, parseCidr, parseIPv4 } from './network';

/** The most addresses a pool may hold: a /16. A bigger one is a typo more often than a plan. */
const MAX_POOL_SIZE = 65536;

const POOL_FORMS = 'use a network like 10.20.0.0/24 or a range like 10.20.0.10-10.20.0.200 (IPv4)';

/** Both ends included, as unsigned 32-bit numbers. */
interface AddressSpan {
  first: number;
  last: number;
}

export interface StaticPool extends AddressSpan {
  /** As it was given, canonical: `10.20.0.0/24` or `10.20.0.10-10.20.0.200`. */
  text: string;
  /** How many addresses it gives out. */
  size: number;
}

/** A router's `/ip/pool`: its name and the addresses its ranges hold. */
export interface RouterPool {
  name: string;
  spans: AddressSpan[];
}

/**
 * What a site's router already gives out or holds: its pools, its own addresses, and the fixed addresses of its
 * PPP secrets that are not ours (a customer of the shop's before us, not adopted yet).
 */
export interface RouterAddressing {
  pools: RouterPool[];
  /** Its own addresses, without their prefix length. */
  own: string[];
  /** Its secrets without `pisonet` in their comment that have a `remote-address`: their name and that address. */
  secrets: Array<{ name: string; address: string }>;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

/** A fixed address as typed: a plain IPv4 address, canonical. */
export function parseStaticIp(v: unknown, field = 'static_ip'): string {
  const text = typeof v === 'string' ? v.trim() : v;
  if (typeof text === 'string' && text.includes('/'))
    throw ValidationError.invalid(field, v, 'one address', 'give a single address like 10.20.0.15, or auto');
  return parseIPv4(text, field);
}

function spanOfNetwork(v: string, field: string): AddressSpan {
  const c = parseCidr(v, field);
  const last = c.network + 2 ** (32 - c.prefix) - 1;
  // A /31 and a /32 have no network or broadcast address to leave out (RFC 3021).
  return c.prefix >= 31 ? { first: c.network, last } : { first: c.network + 1, last: last - 1 };
}

/** `10.20.0.0/24` or `10.20.0.10-10.20.0.200`; anything else, a backwards range or one over a /16: refused. */
export function parseStaticPool(v: unknown, field = 'static_pool'): StaticPool {
  const text = typeof v === 'string' ? v.trim() : '';
  let span: AddressSpan;
  try {
    if (text.includes('-')) {
      const [a, b, extra] = text.split('-');
      if (extra !== undefined) throw new Error('two dashes');
      span = { first: ipToNumber(parseIPv4(a.trim(), field)), last: ipToNumber(parseIPv4(b.trim(), field)) };
    } else if (text.includes('/')) span = spanOfNetwork(text, field);
    else throw new Error('neither');
  } catch {
    throw ValidationError.invalid(field, v, 'an address pool', POOL_FORMS);
  }
  if (span.last < span.first)
    throw new ValidationError(field, `${JSON.stringify(text)} ends before it starts; ${POOL_FORMS}`);
  const size = span.last - span.first + 1;
  if (size > MAX_POOL_SIZE)
    throw new ValidationError(
      field,
      `${JSON.stringify(text)} holds ${size} addresses; at most ${MAX_POOL_SIZE} (a /16)`,
    );
  const canonical = text.includes('/')
    ? parseCidr(text, field).text
    : `${intToIPv4(span.first)}-${intToIPv4(span.last)}`;
  return { ...span, text: canonical, size };
}

export function inSpan(span: AddressSpan, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= span.first && n <= span.last;
}

/**
 * A router's `/ip/pool` `ranges` as RouterOS prints them: a comma list of `a-b`, `a/len` (every address of the
 * network) and single addresses. A part this does not read is left out (the router took it; we only avoid it).
 */
export function routerPoolSpans(ranges: string): AddressSpan[] {
  const out: AddressSpan[] = [];
  for (const part of ranges.split(',').map((p) => p.trim())) {
    try {
      if (part.includes('-')) {
        const [a, b] = part.split('-');
        out.push({ first: ipToNumber(parseIPv4(a, 'ranges')), last: ipToNumber(parseIPv4(b, 'ranges')) });
      } else {
        const c = parseCidr(part, 'ranges');
        out.push({ first: c.network, last: c.network + 2 ** (32 - c.prefix) - 1 });
      }
    } catch {
      continue;
    }
  }
  return out;
}

/** The router's pool whose ranges hold this address, or undefined. */
export function routerPoolHolding(pools: readonly RouterPool[], ip: string): RouterPool | undefined {
  return pools.find((p) => p.spans.some((s) => inSpan(s, ip)));
}

/**
 * The lowest address of the pool that nobody holds (`used`), in no router pool's range and none of the router's
 * own addresses (`avoid`); null when the pool is full.
 */
export function lowestFree(
  pool: AddressSpan,
  used: Iterable<string>,
  avoid: { pools: readonly RouterPool[]; own: readonly string[] } = { pools: [], own: [] },
): string | null {
  const taken = new Set<number>();
  for (const ip of used) taken.add(ipToNumber(ip));
  for (const ip of avoid.own) taken.add(ipToNumber(ip));
  const spans = avoid.pools.flatMap((p) => p.spans);
  for (let n = pool.first; n <= pool.last; n++) {
    if (taken.has(n)) continue;
    const inRouterPool = spans.find((s) => n >= s.first && n <= s.last);
    if (inRouterPool) {
      n = inRouterPool.last; // skip the whole range at once
      continue;
    }
    return intToIPv4(n);
  }
  return null;
}

/**
 * How many of `used` the pool holds, and how many of its addresses are left. With what the router holds (`avoid`,
 * read when it answered), the addresses in its pools, of its own or its other secrets' are not left (`auto`
 * skips them) and are counted apart (`onRouter`).
 */
export function poolCounts(
  pool: StaticPool,
  used: Iterable<string>,
  avoid?: { pools: readonly RouterPool[]; own: readonly string[] },
): { used: number; free: number; onRouter: number | null } {
  const mine = new Set([...new Set(used)].filter((ip) => inSpan(pool, ip)).map(ipToNumber));
  if (!avoid) return { used: mine.size, free: pool.size - mine.size, onRouter: null };
  const own = new Set(avoid.own.map(ipToNumber));
  const spans = avoid.pools.flatMap((p) => p.spans);
  let onRouter = 0;
  for (let n = pool.first; n <= pool.last; n++)
    if (!mine.has(n) && (own.has(n) || spans.some((x) => n >= x.first && n <= x.last))) onRouter++;
  return { used: mine.size, free: pool.size - mine.size - onRouter, onRouter };
}

/** An `/ip/address` `address` as the router prints it (`10.10.0.1/24`): the address alone, or null. */
export function routerOwnAddress(text: string): string | null {
  const ip = text.split('/')[0].trim();
  try {
    return parseIPv4(ip, 'address');
  } catch {
    return null;
  }
}
