/**
 * Usage samples for charts and reports (migrations/…_0007_usage_rollup.ts): one raw row per device per
 * poll, kept 48 hours; and the rollup, per device per UTC hour (written by every poll), folded into UTC days
 * after 90 days, so the database stays small after months. The day cut-off is aligned, so a day is never
 * split between hourly and daily rows.
 */
import type { Knex } from 'knex';

interface Retention {
  rawMs: number;
  hourlyMs: number;
}

const DEFAULT_RETENTION: Retention = { rawMs: 48 * 3600_000, hourlyMs: 90 * 86400_000 };
export const COMPACT_EVERY_MS = 3600_000;
const HOUR = 3600_000;
const DAY = 86400_000;

/**
 * Folds rollup rows of `from` seconds older than `cutoff` into buckets of `bucketMs` (bytes summed, peak
 * rate kept). INSERT … SELECT … GROUP BY has no knex builder form, hence raw SQL with bindings.
 */
async function fold(trx: Knex, from: number, bucketMs: number, cutoff: number): Promise<number> {
  const aligned = Math.floor(cutoff / bucketMs) * bucketMs;
  // The bucket size is written into the SQL (a whole number of ours, checked): PostgreSQL groups by an
  // expression only when the SELECT's is the same text, which two separate bindings are not.
  if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0) throw new Error(`bad bucket size ${bucketMs}`);
  await trx.raw(
    `INSERT INTO usage_rollup (ts, resolution, device_id, voucher_id, bytes_up, bytes_down, rate_up, rate_down)
     SELECT (ts / ${bucketMs}) * ${bucketMs}, ?, device_id, MAX(voucher_id), SUM(bytes_up), SUM(bytes_down), MAX(rate_up), MAX(rate_down)
     FROM usage_rollup WHERE resolution = ? AND ts < ?
     GROUP BY device_id, (ts / ${bucketMs}) * ${bucketMs}`,
    [bucketMs / 1000, from, aligned],
  );
  return trx('usage_rollup').where({ resolution: from }).andWhere('ts', '<', aligned).del();
}

/**
 * Drops raw samples past their retention (their traffic is in the rollup already) and folds old hours
 * into days, in one transaction; returns how many rows went.
 */
export async function compactSamples(
  db: Knex,
  now: number,
  retention: Retention = DEFAULT_RETENTION,
): Promise<number> {
  return db.transaction(async (trx) => {
    const raw = await trx('usage_samples')
      .where('ts', '<', now - retention.rawMs)
      .del();
    const hourly = await fold(trx, HOUR / 1000, DAY, now - retention.hourlyMs);
    return raw + hourly;
  });
}

interface SeriesQuery {
  since: number;
  bucketSeconds: number;
  voucherCode?: string;
  mac?: string;
  /** One site's vouchers only (their site_id). */
  siteId?: number;
}

/**
 * Traffic per bucket (bucket start as ts), oldest first; buckets without traffic are left out. Buckets of
 * an hour or more come from the rollup; finer ones from the raw samples (the last 48 hours only).
 */
export async function trafficSeries(
  db: Knex,
  q: SeriesQuery,
): Promise<{ ts: number; up: number; down: number }[]> {
  const bucketMs = Math.max(1, Math.floor(q.bucketSeconds)) * 1000;
  const fromRollup = bucketMs >= HOUR;
  const rows = (await db(fromRollup ? 'usage_rollup as s' : 'usage_samples as s')
    .modify((b) => {
      if (!fromRollup) {
        b.where('s.ts', '>=', q.since);
        return;
      }
      // A rollup row carries its bucket's start: keep it when its bucket ends after `since`.
      b.where('s.ts', '>=', q.since - DAY).andWhere((w) =>
        w.where('s.ts', '>=', q.since).orWhereRaw('s.ts + s.resolution * 1000 > ?', [q.since]),
      );
    })
    .modify((b) => {
      if (q.voucherCode !== undefined)
        b.whereIn('s.voucher_id', db('vouchers').select('id').where({ code: q.voucherCode }));
      if (q.mac !== undefined)
        b.whereIn('s.device_id', db('voucher_devices').select('id').where({ mac: q.mac }));
      if (q.siteId !== undefined)
        b.whereIn('s.voucher_id', db('vouchers').select('id').where({ site_id: q.siteId }));
    })
    .select(db.raw('(s.ts / ?) * ? as bucket', [bucketMs, bucketMs]))
    .sum({ up: 's.bytes_up', down: 's.bytes_down' })
    .groupBy('bucket')
    .orderBy('bucket')) as Array<{ bucket: number; up: number | null; down: number | null }>;
  return rows.map((r) => ({ ts: Number(r.bucket), up: Number(r.up ?? 0), down: Number(r.down ?? 0) }));
}
