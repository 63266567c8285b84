/**
 * `/ip/pool` ranges and the addresses PPP sessions take from them (docs/routeros.md "PPPoE"). ✔ A pool's
 * `ranges` is a comma list of `A.B.C.D-A.B.C.D` ranges, prefixes and single addresses (IP Pools page); a pool
 * with none free hands over to its `next-pool`. ✖ Which free address RouterOS picks: here the lowest.
 */
import type { Item, Table } from '../table';
import { ipToInt, parsePrefix } from '../values';
import type { PoolUse } from './tables';

type Range = [number, number];

/** One part of `ranges`: `a-b`, `a/len` or `a`; null when it does not parse or ends before it starts. */
function parseRange(text: string): Range | null {
  const dash = text.split('-');
  if (dash.length === 2) {
    const a = ipToInt(dash[0]);
    const b = ipToInt(dash[1]);
    return a !== null && b !== null && a <= b ? [a, b] : null;
  }
  if (dash.length !== 1) return null;
  const p = parsePrefix(text);
  if (!p) return null;
  const size = p.bits === 0 ? 2 ** 32 : 2 ** (32 - p.bits);
  return [p.network, p.network + size - 1];
}

/** All ranges of a `ranges` value, or null when one does not parse. */
export function parseRanges(text: string): Range[] | null {
  if (text === '') return [];
  const out: Range[] = [];
  for (const part of text.split(',')) {
    const r = parseRange(part.trim());
    if (!r) return null;
    out.push(r);
  }
  return out;
}

const intToIp = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/**
 * Takes the lowest free address of `name`, or of its next pools in turn once it is full; null when every pool
 * in the chain is full (or the pool is gone).
 */
export function allocate(
  pools: Table<Item>,
  used: Map<string, PoolUse>,
  name: string,
  owner: string,
  info: string,
): string | null {
  const seen = new Set<string>();
  for (let pool = pools.byNameGet(name); pool && !seen.has(pool.cfg.name);) {
    seen.add(pool.cfg.name);
    for (const [a, b] of parseRanges(pool.cfg.ranges ?? '') ?? []) {
      for (let n = a; n <= b; n++) {
        const address = intToIp(n);
        if (used.has(address)) continue;
        used.set(address, { pool: pool.cfg.name, address, owner, info });
        return address;
      }
    }
    const next = pool.cfg['next-pool'];
    pool = next && next !== 'none' ? pools.byNameGet(next) : undefined;
  }
  return null;
}
