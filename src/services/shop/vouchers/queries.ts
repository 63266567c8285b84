/** Reading vouchers: lookups by code, filters for lists and exports, and profile parsing memoised per call. */
import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profiles';
import { normaliseCode } from '../../../domain/codes';
import { AppError } from '../../../domain/errors';
import { profileFromRow, toVoucherView, type ProfileRow, type VoucherRow } from './state';
import type { VoucherFilter, VoucherView } from '../../types';
import { forSale, queuedView } from './hold';

/** Profiles by id, parsed once per use (a list of 500 vouchers has a handful of profiles). */
export class ProfileCache {
  private readonly cache = new Map<number, { row: ProfileRow; profile: Profile }>();
  constructor(private readonly db: Knex) {}

  async byId(id: number): Promise<{ row: ProfileRow; profile: Profile }> {
    let hit = this.cache.get(id);
    if (!hit) {
      const row = (await this.db('profiles').where({ id }).first()) as ProfileRow | undefined;
      if (!row) throw new AppError('PROFILE_NOT_FOUND', `Profile #${id} not found`, 404);
      hit = { row, profile: profileFromRow(row) };
      this.cache.set(id, hit);
    }
    return hit;
  }

  async view(v: VoucherRow, now: number): Promise<VoucherView> {
    const p = await this.byId(v.profile_id);
    return toVoucherView(v, p.row.name, p.profile, now, await queuedView(this.db, v));
  }
}

/**
 * The voucher of a code as a person typed it: any case, spaces and dashes ignored. Codes are unique by this key
 * (migration 0024's index, which also serves the lookup).
 */
export async function findVoucher(db: Knex, code: string): Promise<VoucherRow | undefined> {
  const key = normaliseCode(String(code));
  if (!key) return undefined;
  return (await db('vouchers').whereRaw('UPPER(code) = ?', [key]).first()) as VoucherRow | undefined;
}

export async function requireVoucher(db: Knex, code: string): Promise<VoucherRow> {
  const row = await findVoucher(db, code);
  if (!row) throw new AppError('VOUCHER_NOT_FOUND', 'No voucher with that code', 404, 'code');
  return row;
}

export function requireOpen(row: VoucherRow, what: string): void {
  if (row.status !== 'unused' && row.status !== 'active') {
    throw new AppError('VOUCHER_ENDED', `This voucher is ${row.status}; it cannot be ${what}`, 409);
  }
}

export async function reloadVoucher(db: Knex, id: number): Promise<VoucherRow> {
  return (await db('vouchers').where({ id }).first()) as VoucherRow;
}

/** The filtered voucher query (no ordering or paging), joined to profiles as `p`. */
export function filteredVouchers(db: Knex, f: VoucherFilter): Knex.QueryBuilder {
  return db('vouchers as v')
    .join('profiles as p', 'p.id', 'v.profile_id')
    .modify((q) => {
      // `unused`: the cards still for sale; `queued`: unused codes kept for a customer's device (sold).
      if (f.status === 'unused') forSale('v')(q);
      else if (f.status === 'queued') q.where('v.status', 'unused').whereNotNull('v.queued_mac');
      else if (f.status) q.where('v.status', f.status);
      if (f.profile) q.whereRaw('LOWER(p.name) = LOWER(?)', [f.profile]);
      if (f.batchId !== undefined) q.where('v.batch_id', f.batchId);
      if (f.siteId !== undefined) q.where('v.site_id', f.siteId);
      if (f.accountId !== undefined)
        q.whereIn('v.batch_id', db('batches').select('id').where('account_id', f.accountId));
      if (f.from !== undefined) q.where('v.created_at', '>=', f.from);
      if (f.to !== undefined) q.where('v.created_at', '<', f.to);
      if (f.search) {
        // Case-blind in both engines (PostgreSQL's LIKE is not): lowercase codes are found by `AB12` too.
        const s = normaliseCode(f.search).replace(/[%_]/g, '');
        if (s) q.whereRaw('UPPER(v.code) LIKE ?', [`%${s}%`]);
      }
    });
}

export async function listVouchers(
  db: Knex,
  f: VoucherFilter,
  now: number,
): Promise<{ total: number; vouchers: VoucherView[] }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 10_000);
  const offset = Math.max(f.offset ?? 0, 0);
  const [{ n }] = (await filteredVouchers(db, f).count({ n: '*' })) as { n: number }[];
  const rows = (await filteredVouchers(db, f)
    .select('v.*')
    .orderBy('v.id', 'desc')
    .limit(limit)
    .offset(offset)) as VoucherRow[];
  const cache = new ProfileCache(db);
  const vouchers: VoucherView[] = [];
  for (const r of rows) vouchers.push(await cache.view(r, now));
  return { total: Number(n), vouchers };
}
