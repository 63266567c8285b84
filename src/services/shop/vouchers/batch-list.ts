/**
 * Recent batches with the unused vouchers left in each, of every site or one (batches.site_id): the admin's
 * vouchers page narrowed to a site lists that site's batches (VoucherService.batches and .batch read the same).
 */
import type { Knex } from 'knex';
import { DEFAULT_CARD_DESIGN, parseCardDesign } from '../../../domain/cards';
import type { BatchView } from '../../types';
import { forSaleSql } from './hold';

export const toBatchView = (r: Record<string, unknown>): BatchView => ({
  id: Number(r.id),
  profile: String(r.profile_name),
  count: Number(r.count),
  prefix: String(r.prefix ?? ''),
  price: Number(r.price),
  createdAt: Number(r.created_at),
  createdBy: String(r.created_by),
  note: (r.note as string | null) ?? null,
  unused: Number(r.unused),
  design: parseCardDesign(r.card_design) ?? DEFAULT_CARD_DESIGN,
  site:
    r.site_id == null || r.site_name == null ? null : { id: Number(r.site_id), name: String(r.site_name) },
  roaming: Boolean(r.roaming),
});

/** Batches with their profile's and site's names and the unused vouchers left in each (queued ones are sold). */
export function batchQuery(db: Knex): Knex.QueryBuilder {
  return db('batches as b')
    .join('profiles as p', 'p.id', 'b.profile_id')
    .leftJoin('sites as s', 's.id', 'b.site_id')
    .select('b.*', 'p.name as profile_name', 's.name as site_name')
    .select(
      db.raw(`(SELECT COUNT(*) FROM vouchers v WHERE v.batch_id = b.id AND ${forSaleSql('v')}) AS unused`),
    );
}

/** Newest first, at most `limit` (1-500, default 50). */
export async function listBatches(
  db: Knex,
  opts: { limit?: number; siteId?: number; accountId?: number } = {},
): Promise<BatchView[]> {
  const rows = (await batchQuery(db)
    .modify((q) => {
      if (opts.siteId !== undefined) q.where('b.site_id', opts.siteId);
      if (opts.accountId !== undefined) q.where('b.account_id', opts.accountId);
    })
    .orderBy('b.id', 'desc')
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 500))) as Record<string, unknown>[];
  return rows.map(toBatchView);
}
