/**
 * Subscribers' fixed addresses: what `static_ip` asks (an address, or `auto`: the lowest free one of the site's
 * static pool) checked against the site's router, read at that moment (an address in one of its `/ip/pool`
 * ranges, one of its own, or the fixed address of one of its PPP secrets not ours, is refused), and the address picked inside the writing transaction. No two
 * subscribers of a site in service hold one address: the database's unique index decides (never a check before
 * a write); an `auto` that loses a race to another write picks again.
 */
import type { Knex } from 'knex';
import { isUniqueViolation } from '../../../db/knex';
import {
  inSpan,
  ipToNumber,
  lowestFree,
  poolCounts,
  parseStaticPool,
  routerPoolHolding,
  type RouterAddressing,
  type StaticPool,
} from '../../../domain/ip-pool';
import { AppError, RouterError } from '../../../domain/errors';
import { AUTO_STATIC_IP } from '../../../domain/subscriber-fields';
import type { SiteRef } from '../../deps';

/**
 * A site's router's pools and own addresses, read now; null when this controller has no API access to it (a
 * RADIUS site without one): then nothing can be checked against the router. Throws when it cannot be read.
 */
export type SiteAddressing = (siteId: number) => Promise<RouterAddressing | null>;

/** How often an `auto` picks again after losing its address to a write at the same moment. */
const AUTO_TRIES = 50;

/** What a write needs to give a subscriber its address: the address, picked in the writing transaction. */
export interface StaticPlacing {
  wish: string;
  /** The address to write; `exceptId`: the subscriber being changed (its own address is not in use by another). */
  pick(trx: Knex, exceptId?: number): Promise<string>;
}

const refuse = (message: string) =>
  new AppError('INVALID_INPUT', message, 400, 'static_ip', { static_ip: message });

/** The site's static pool, or undefined when it has none. */
async function sitePool(db: Knex, siteId: number): Promise<StaticPool | undefined> {
  const row = (await db('sites').where({ id: siteId }).first('static_pool')) as
    { static_pool: string | null } | undefined;
  return row?.static_pool ? parseStaticPool(row.static_pool) : undefined;
}

/** The addresses the site's subscribers in service hold (but `exceptId`'s). */
async function usedAddresses(db: Knex, siteId: number, exceptId?: number): Promise<string[]> {
  const q = db('subscribers')
    .where({ site_id: siteId })
    .whereNotNull('static_ip')
    .whereNot('status', 'ended');
  if (exceptId !== undefined) q.whereNot('id', exceptId);
  return ((await q.pluck('static_ip')) as string[]).filter(Boolean);
}

async function readRouter(addressing: SiteAddressing, site: SiteRef): Promise<RouterAddressing | null> {
  try {
    return await addressing(site.id);
  } catch (err) {
    if (!(err instanceof RouterError) && !(err instanceof AppError)) throw err;
    throw new AppError(
      'SITE_UNREACHABLE',
      `The router of the site ${site.name} could not be read (${err.message}): a fixed address is checked against its /ip/pool ranges and its own addresses first. Nothing was saved; try again when it answers.`,
      503,
      'static_ip',
    );
  }
}

/** The router's secrets not ours holding a fixed address, but the subscriber's own (`self`, its username). */
const othersSecrets = (inUse: RouterAddressing, self: string | undefined) =>
  inUse.secrets.filter((s) => self === undefined || s.name.toLowerCase() !== self.toLowerCase());

/** What `auto` skips on the router: its pools, its own addresses and its other secrets' fixed ones. */
const routerAvoids = (inUse: RouterAddressing, self?: string) => ({
  pools: inUse.pools,
  own: [...inUse.own, ...othersSecrets(inUse, self).map((s) => s.address)],
});

/**
 * Why the router has `ip` in use (in one of its pools, one of its own addresses, the fixed address of one of its
 * secrets not ours but the subscriber's own: `self`, its username), or null when it does not.
 */
export function routerHolding(
  inUse: RouterAddressing,
  ip: string,
  site: SiteRef,
  self?: string,
): string | null {
  const pool = routerPoolHolding(inUse.pools, ip);
  if (pool)
    return `${ip} is in the router's pool ${pool.name} (/ip/pool on ${site.name}): it may be given to another session at any moment; pick an address outside its ranges`;
  if (inUse.own.includes(ip))
    return `${ip} is one of the router's own addresses (/ip/address on ${site.name}); pick another`;
  const secret = othersSecrets(inUse, self).find((s) => s.address === ip);
  if (secret)
    return `${ip} is the fixed address (remote-address) of the router's PPP secret ${secret.name} on ${site.name}, not ours: adopt that secret, or pick another`;
  return null;
}

/**
 * What `static_ip` asks, checked (the site's pool for `auto`, the router for either), ready to pick in the
 * writing transaction; undefined for no fixed address.
 */
export async function placeStatic(
  db: Knex,
  addressing: SiteAddressing | undefined,
  site: SiteRef,
  wish: string | null | undefined,
  /** The subscriber's username: its own secret on the router (adopted, not ours yet) holds no other's address. */
  self?: string,
): Promise<StaticPlacing | undefined> {
  if (wish === null || wish === undefined) return undefined;
  const pool = await sitePool(db, site.id);
  if (wish === AUTO_STATIC_IP && !pool)
    throw refuse(
      `The site ${site.name} has no static pool to take an address from; set its static_pool (a network like 10.20.0.0/24 or a range) first, or give an address`,
    );
  const inUse = addressing ? await readRouter(addressing, site) : null;
  if (wish !== AUTO_STATIC_IP) {
    const held = inUse && routerHolding(inUse, wish, site, self);
    if (held) throw refuse(held);
    return { wish, pick: async () => wish };
  }
  // The router's own addresses and its other secrets' fixed ones are skipped alike.
  const avoid = inUse ? routerAvoids(inUse, self) : { pools: [], own: [] };
  return {
    wish,
    async pick(trx, exceptId) {
      const ip = lowestFree(pool!, await usedAddresses(trx, site.id, exceptId), avoid);
      if (ip === null)
        throw new AppError(
          'STATIC_POOL_FULL',
          `Every address of the static pool ${pool!.text} of the site ${site.name} is taken (or in use on the router); widen the pool, or give an address`,
          409,
          'static_ip',
        );
      return ip;
    },
  };
}

/** `auto` on a subscriber that already holds an address of the pool keeps it. */
export async function keepsItsAddress(db: Knex, siteId: number, current: string | null): Promise<boolean> {
  if (current === null) return false;
  const pool = await sitePool(db, siteId);
  return pool !== undefined && inSpan(pool, current);
}

async function holderOf(db: Knex, siteId: number, ip: string): Promise<string> {
  const r = (await db('subscribers')
    .where({ site_id: siteId, static_ip: ip })
    .whereNot('status', 'ended')
    .first('username')) as { username: string } | undefined;
  return r ? `the subscriber ${r.username}` : 'another subscriber';
}

/**
 * Runs a write that gives an address (`write`), again when an `auto` lost its address to a write at the same
 * moment; a given address already held: 409 STATIC_IP_TAKEN, naming who holds it.
 */
export async function withStaticIp<T>(
  db: Knex,
  site: SiteRef,
  placing: StaticPlacing | undefined,
  write: () => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (err) {
      if (!placing || !isUniqueViolation(err, 'subscribers', 'static_ip')) throw err;
      if (placing.wish === AUTO_STATIC_IP && tries < AUTO_TRIES) continue;
      const ip = placing.wish === AUTO_STATIC_IP ? 'The address picked' : placing.wish;
      throw new AppError(
        'STATIC_IP_TAKEN',
        `${ip} is already held by ${placing.wish === AUTO_STATIC_IP ? 'another subscriber' : await holderOf(db, site.id, placing.wish)} on the site ${site.name}; pick another, or auto`,
        409,
        'static_ip',
        { static_ip: 'already held on this site' },
      );
    }
  }
}

/** A site's fixed addresses as the admin, the API and the terminal list them. */
export interface SiteAddresses {
  /** Its static pool, canonical, or null when it has none. */
  pool: string | null;
  /** Addresses of the pool held by subscribers in service, and those left (null without a pool). */
  used: number | null;
  free: number | null;
  /**
   * Addresses of the pool the router holds (in its pools, its own, its other secrets'): not free, `auto` skips them.
   * Null without a pool, or when the router was not read (down, or not asked).
   */
  onRouter: number | null;
  /** Every fixed address held on the site (in the pool or given outside it), lowest first. */
  addresses: Array<{ ip: string; subscriber: { id: number; username: string; name: string; seq: number } }>;
}

export async function siteAddresses(
  db: Knex,
  siteId: number,
  addressing?: SiteAddressing,
): Promise<SiteAddresses> {
  const pool = await sitePool(db, siteId);
  // What the router holds, when it answers: a list of addresses is shown even with the router away.
  const inUse = pool && addressing ? await addressing(siteId).catch(() => null) : null;
  const rows = (await db('subscribers')
    .where({ site_id: siteId })
    .whereNotNull('static_ip')
    .whereNot('status', 'ended')
    .select('id', 'seq', 'username', 'name', 'static_ip')) as Array<{
    id: number;
    seq: number;
    username: string;
    name: string;
    static_ip: string;
  }>;
  rows.sort((a, b) => ipToNumber(a.static_ip) - ipToNumber(b.static_ip));
  const counts = pool
    ? poolCounts(
        pool,
        rows.map((r) => r.static_ip),
        inUse ? routerAvoids(inUse) : undefined,
      )
    : null;
  return {
    pool: pool?.text ?? null,
    used: counts?.used ?? null,
    free: counts?.free ?? null,
    onRouter: counts?.onRouter ?? null,
    addresses: rows.map((r) => ({
      ip: r.static_ip,
      subscriber: { id: Number(r.id), username: r.username, name: r.name, seq: Number(r.seq) },
    })),
  };
}
