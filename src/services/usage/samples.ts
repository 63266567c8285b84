/**
 * Usage samples for charts: one row per device per poll with traffic, then compacted so the database stays
 * small after months: raw polls for 48 hours, hourly buckets for 90 days, daily buckets after that.
 * Buckets are aligned to UTC hours/days and the cut-off is aligned too, so a bucket is never split.
 */
import type { Knex } from 'knex';

export interface Retention {
  rawMs: number;
  hourlyMs: number;
}

export const DEFAULT_RETENTION: Retention = { rawMs: 48 * 3600_000, hourlyMs: 90 * 86400_000 };
export const COMPACT_EVERY_MS = 3600_000;
const HOUR = 3600_000;
const DAY = 86400_000;

/**
 * Folds samples of resolution `from` older than `cutoff` into buckets of `bucketMs` (bytes summed, peak
 * rate kept). INSERT … SELECT … GROUP BY has no knex builder form, hence raw SQL with bindings.
 */
async function fold(trx: Knex, from: number, bucketMs: number, cutoff: number): Promise<number> {
  const aligned = Math.floor(cutoff / bucketMs) * bucketMs;
  await trx.raw(
    `INSERT INTO usage_samples (device_id, voucher_id, ts, resolution, bytes_up, bytes_down, rate_up, rate_down)
     SELECT device_id, voucher_id, (ts / ?) * ?, ?, SUM(bytes_up), SUM(bytes_down), MAX(rate_up), MAX(rate_down)
     FROM usage_samples WHERE resolution = ? AND ts < ?
     GROUP BY device_id, voucher_id, ts / ?`,
    [bucketMs, bucketMs, bucketMs / 1000, from, aligned, bucketMs],
  );
  return trx('usage_samples').where({ resolution: from }).andWhere('ts', '<', aligned).del();
}

/** Runs both folds in one transaction; returns how many fine-grained rows were folded away. */
export async function compactSamples(
  db: Knex,
  now: number,
  retention: Retention = DEFAULT_RETENTION,
): Promise<number> {
  return db.transaction(async (trx) => {
    const raw = await fold(trx, 0, HOUR, now - retention.rawMs);
    const hourly = await fold(trx, HOUR / 1000, DAY, now - retention.hourlyMs);
    return raw + hourly;
  });
}

export interface SeriesQuery {
  since: number;
  bucketSeconds: number;
  voucherCode?: string;
  mac?: string;
}

/** Traffic per bucket (bucket start as ts), oldest first; buckets without traffic are left out. */
export async function trafficSeries(
  db: Knex,
  q: SeriesQuery,
): Promise<{ ts: number; up: number; down: number }[]> {
  const bucketMs = Math.max(1, Math.floor(q.bucketSeconds)) * 1000;
  const rows = (await db('usage_samples as s')
    // A folded row carries its bucket's start: keep it when its bucket ends after `since`.
    .where('s.ts', '>=', q.since - DAY)
    .andWhere((w) =>
      w
        .where('s.ts', '>=', q.since)
        .orWhereRaw('s.resolution > 0 AND s.ts + s.resolution * 1000 > ?', [q.since]),
    )
    .modify((b) => {
      if (q.voucherCode !== undefined)
        b.whereIn('s.voucher_id', db('vouchers').select('id').where({ code: q.voucherCode }));
      if (q.mac !== undefined)
        b.whereIn('s.device_id', db('voucher_devices').select('id').where({ mac: q.mac }));
    })
    .select(db.raw('(s.ts / ?) * ? as bucket', [bucketMs, bucketMs]))
    .sum({ up: 's.bytes_up', down: 's.bytes_down' })
    .groupBy('bucket')
    .orderBy('bucket')) as Array<{ bucket: number; up: number | null; down: number | null }>;
  return rows.map((r) => ({ ts: Number(r.bucket), up: Number(r.up ?? 0), down: Number(r.down ?? 0) }));
}
