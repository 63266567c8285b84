/** Rows and small queries the vendo modules share. */
import type { Knex } from 'knex';
import type { RateEntry } from '../../../domain/vendo';
import { AppError } from '../../../domain/errors';
import type { VendoView } from './types';

/** A vendo that has not polled for this long shows as offline. */
const OFFLINE_AFTER_MS = 2 * 60_000;
export const isOnline = (row: Pick<VendoRow, 'last_seen_at'>, now: number) =>
  row.last_seen_at !== null && now - Number(row.last_seen_at) < OFFLINE_AFTER_MS;
export const SAVED_CREDIT_KEY = 'vendo.saved_credit_hours';
export const DEFAULT_SAVED_CREDIT_HOURS = 24;

export interface VendoRow {
  id: string;
  name: string;
  location: string | null;
  profile_id: number;
  rates: string;
  secret_enc: string;
  secret_rotated_at: number;
  window_seconds: number;
  enabled: number | boolean;
  last_seen_at: number | null;
  last_ip: string | null;
  created_at: number;
  updated_at: number;
  /** The site it sells on only (migration 0018), or null: shared, it sells on every site. */
  site_id?: number | null;
}

export interface SessionRow {
  id: string;
  vendo_id: string;
  mac: string;
  ip: string;
  state: 'armed' | 'finishing' | 'finished' | 'expired';
  started_at: number;
  expires_at: number;
  ended_at: number | null;
  voucher_id: number | null;
  /** The device proved itself when the window was opened (migration 0016). */
  proven: boolean | number;
}

/**
 * The vendo rows the board's requests read (every request checks its signature against one): kept a few
 * seconds, dropped at once when this process changes a vendo (edit, secret, switch off). A change made by the
 * terminal menu (another process) takes effect within ROW_CACHE_MS.
 */
const ROW_CACHE_MS = 5_000;
export class VendoRowCache {
  private readonly rows = new Map<string, { row: VendoRow | undefined; at: number }>();
  constructor(private readonly now: () => number) {}
  async get(id: string, load: () => Promise<VendoRow | undefined>): Promise<VendoRow | undefined> {
    const hit = this.rows.get(id);
    const t = this.now();
    if (hit && t - hit.at < ROW_CACHE_MS && t >= hit.at) return hit.row;
    const row = await load();
    if (this.rows.size > 1000) this.rows.clear();
    this.rows.set(id, { row, at: t });
    return row;
  }
  drop(id: string): void {
    this.rows.delete(id);
  }
}

export async function requireVendo(db: Knex, id: unknown): Promise<VendoRow> {
  const key = typeof id === 'string' ? id.trim() : '';
  const row = key ? ((await db('vendos').where({ id: key }).first()) as VendoRow | undefined) : undefined;
  if (!row) throw new AppError('VENDO_NOT_FOUND', `No vendo "${key.slice(0, 40)}"`, 404, 'vendo');
  return row;
}

/** Narrows `vendos` to those selling on `siteId` (shared ones and its own); null: shared ones; absent: all. */
export const sellingOn = (siteId?: number | null) => (q: Knex.QueryBuilder) => {
  if (siteId === null) q.whereNull('site_id');
  else if (siteId !== undefined) q.where((w) => w.whereNull('site_id').orWhere('site_id', siteId));
};

export const ratesOf = (row: Pick<VendoRow, 'rates'>): RateEntry[] => JSON.parse(row.rates) as RateEntry[];

/** Windows whose time ran out become expired (their coins stay the device's saved credit). */
export async function expireWindows(db: Knex, now: number, vendoId?: string): Promise<void> {
  const q = db('vendo_sessions').where({ state: 'armed' }).where('expires_at', '<=', now);
  if (vendoId) q.where({ vendo_id: vendoId });
  await q.update({ state: 'expired', ended_at: db.raw('expires_at') });
}

/** The vendos with a coin window open now (of `of`, else every one). */
export async function busyVendos(db: Knex, now: number, of?: VendoRow[]): Promise<Set<string>> {
  const q = db('vendo_sessions').where({ state: 'armed' }).where('expires_at', '>', now);
  const ids = of?.map((r) => r.id);
  if (ids) q.whereIn('vendo_id', ids);
  return new Set(((await q.select('vendo_id')) as { vendo_id: string }[]).map((r) => r.vendo_id));
}

/** Coins since the last collection, per vendo. */
async function cashSinceCollection(
  db: Knex,
): Promise<Map<string, { expected: number; coins: number; since: number | null }>> {
  const rows: { vendo_id: string; expected: number | null; coins: number; since: number | null }[] = await db(
    'vendos as v',
  )
    .leftJoin(
      db('vendo_collections')
        .select('vendo_id')
        .max({ last_coin_id: 'last_coin_id' })
        .max({ since: 'collected_at' })
        .groupBy('vendo_id')
        .as('c'),
      'c.vendo_id',
      'v.id',
    )
    .leftJoin('vendo_coins as k', function () {
      this.on('k.vendo_id', '=', 'v.id').andOn('k.id', '>', db.raw('COALESCE(c.last_coin_id, 0)'));
    })
    .groupBy('v.id', 'c.since')
    .select('v.id as vendo_id', 'c.since')
    .sum({ expected: 'k.amount' })
    .count({ coins: 'k.id' });
  return new Map(
    rows.map((r) => [
      r.vendo_id,
      {
        expected: Number(r.expected ?? 0),
        coins: Number(r.coins),
        since: r.since === null ? null : Number(r.since),
      },
    ]),
  );
}

/** The names of `table`'s rows by id, of the ids `idOf` reads from `rows` (none: no query). */
async function namesById<T>(db: Knex, table: string, rows: T[], idOf: (r: T) => number | null | undefined) {
  const ids = [...new Set(rows.map(idOf).filter((id): id is number => id != null))];
  const named = ids.length
    ? ((await db(table).whereIn('id', ids).select('id', 'name')) as { id: number; name: string }[])
    : [];
  return new Map(named.map((r) => [Number(r.id), r.name]));
}

export async function toViews(db: Knex, rows: VendoRow[], now: number): Promise<VendoView[]> {
  if (!rows.length) return [];
  const profiles = await namesById(db, 'profiles', rows, (r) => r.profile_id);
  const busy = await busyVendos(db, now, rows);
  const cash = await cashSinceCollection(db);
  const sites = await namesById(db, 'sites', rows, (r) => r.site_id);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    location: r.location,
    profile: profiles.get(Number(r.profile_id)) ?? '?',
    rates: ratesOf(r),
    windowSeconds: r.window_seconds,
    enabled: Boolean(r.enabled),
    lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
    lastIp: r.last_ip,
    online: isOnline(r, now),
    busy: busy.has(r.id),
    createdAt: Number(r.created_at),
    secretRotatedAt: Number(r.secret_rotated_at),
    cash: cash.get(r.id) ?? { expected: 0, coins: 0, since: null },
    site:
      r.site_id == null
        ? null
        : { id: Number(r.site_id), name: sites.get(Number(r.site_id)) ?? `#${r.site_id}` },
  }));
}
