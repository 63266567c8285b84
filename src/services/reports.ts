import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { ServiceDeps } from './deps';
import type { ReportService, SalesRow } from './types';
import { datesBetween, localDate, periodOf, Period } from './report-calendar';
import { vendoLedger } from './vendos/ledger';
import { listBatches } from './vouchers/batch-list';

// Every zone offset in use is a multiple of 15 minutes, so SQL groups sales in 15-minute buckets and the
// buckets are assigned to local days here: exact in any zone (DST included) and at most 96 rows per day.
const BUCKET_MS = 15 * 60 * 1000;

/**
 * The vouchers sold in [from, to): first used in the range (activated_at), staff vouchers left out (free by
 * design, so no sale). `siteId` narrows to one site's vouchers (vouchers.site_id); the dashboard, the reports
 * and the Sites page all count a sale with this one query.
 */
export function soldVouchers(db: Db, from: number, to: number, siteId?: number): Knex.QueryBuilder {
  return db('vouchers as v')
    .whereNotNull('v.activated_at')
    .where('v.activated_at', '>=', from)
    .where('v.activated_at', '<', to)
    .where('v.staff', false)
    .modify((q) => {
      if (siteId !== undefined) q.where('v.site_id', siteId);
    });
}

interface BucketRow {
  bucket: number;
  n: number;
  amount: number | null;
}

/** Narrows a query on `vouchers as v` to one site's vouchers (none: every site). */
const onSite = (siteId: number | undefined) => (q: Knex.QueryBuilder) => {
  if (siteId !== undefined) q.where('v.site_id', siteId);
};

/** Sales, stock and usage figures for the owner (reports page, dashboard, CSV exports). */
export function createReportService(deps: ServiceDeps): ReportService {
  const { db, config } = deps;
  const tz = config.tz;

  const sold = (from: number, to: number, siteId?: number) => soldVouchers(db, from, to, siteId);

  async function salesByPeriod(from: number, to: number, by: Period, siteId?: number): Promise<SalesRow[]> {
    const rows: BucketRow[] = await sold(from, to, siteId)
      .select(
        db.raw('CAST(v.activated_at / ? AS INTEGER) AS bucket', [BUCKET_MS]),
        db.raw('COUNT(*) AS n'),
        db.raw('SUM(v.price) AS amount'),
      )
      .groupBy('bucket');
    const totals = new Map<string, SalesRow>();
    // Every period in the range appears, with zeros, so charts and tables show quiet days too.
    for (const d of datesBetween(from, to, tz)) {
      const period = periodOf(d, by);
      if (!totals.has(period)) totals.set(period, { period, count: 0, amount: 0 });
    }
    for (const r of rows) {
      const period = periodOf(localDate(Number(r.bucket) * BUCKET_MS, tz), by);
      const row = totals.get(period) ?? { period, count: 0, amount: 0 };
      row.count += Number(r.n);
      row.amount += Number(r.amount ?? 0);
      totals.set(period, row);
    }
    return [...totals.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  }

  const ledger = vendoLedger(deps);

  return {
    bySource: (opts) => ledger.salesBySource(opts),

    batches: (opts) => listBatches(db, opts),

    async sales({ from, to, by, siteId }) {
      if (by !== 'profile') return salesByPeriod(from, to, by, siteId);
      const rows: { name: string; n: number; amount: number | null }[] = await sold(from, to, siteId)
        .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
        .select('p.name', db.raw('COUNT(*) AS n'), db.raw('SUM(v.price) AS amount'))
        .groupBy('p.name')
        .orderBy([{ column: 'amount', order: 'desc' }, { column: 'p.name' }]);
      return rows.map((r) => ({
        period: r.name,
        profile: r.name,
        count: Number(r.n),
        amount: Number(r.amount ?? 0),
      }));
    },

    async stockTotal(opts = {}) {
      const row = (await db('vouchers')
        .where({ status: 'unused', staff: false })
        .modify((q) => {
          if (opts.siteId !== undefined) q.where('site_id', opts.siteId);
        })
        .first(db.raw('COUNT(*) AS n'), db.raw('SUM(price) AS value'))) as
        { n: number; value: number | null } | undefined;
      return { count: Number(row?.n ?? 0), value: Number(row?.value ?? 0) };
    },

    async stock(opts = {}) {
      const rows: { name: string; n: number; value: number | null }[] = await db('vouchers as v')
        .join('profiles as p', 'p.id', 'v.profile_id')
        .where('v.status', 'unused')
        .where('v.staff', false)
        .modify(onSite(opts.siteId))
        .select('p.name', db.raw('COUNT(*) AS n'), db.raw('SUM(v.price) AS value'))
        .groupBy('p.name')
        .orderBy('p.name');
      const byProfile = rows.map((r) => ({
        profile: r.name,
        count: Number(r.n),
        value: Number(r.value ?? 0),
      }));
      return {
        count: byProfile.reduce((s, r) => s + r.count, 0),
        value: byProfile.reduce((s, r) => s + r.value, 0),
        byProfile,
      };
    },

    async usageTotals({ from, to, siteId }) {
      // From the hourly rollup (daily past 90 days): a report reads 24 rows per device and day. A site's
      // usage is its vouchers' (through the voucher, as its sales).
      const row: { up: number | null; down: number | null; vouchers: number } = await db('usage_rollup as s')
        .where('s.ts', '>=', from)
        .where('s.ts', '<', to)
        .modify((q) => {
          if (siteId !== undefined)
            q.join('vouchers as v', 'v.id', 's.voucher_id').where('v.site_id', siteId);
        })
        .first(
          db.raw('SUM(s.bytes_up) AS up'),
          db.raw('SUM(s.bytes_down) AS down'),
          db.raw('COUNT(DISTINCT s.voucher_id) AS vouchers'),
        );
      return {
        bytesUp: Number(row?.up ?? 0),
        bytesDown: Number(row?.down ?? 0),
        vouchers: Number(row?.vouchers ?? 0),
      };
    },

    async topUsers({ from, to, limit = 10, siteId }) {
      const rows: { code: string; name: string; bytes: number }[] = await db('usage_rollup as s')
        .join('vouchers as v', 'v.id', 's.voucher_id')
        .join('profiles as p', 'p.id', 'v.profile_id')
        .where('s.ts', '>=', from)
        .where('s.ts', '<', to)
        .modify(onSite(siteId))
        .select('v.code', 'p.name')
        .select(db.raw('SUM(s.bytes_up + s.bytes_down) AS bytes'))
        .groupBy('v.id', 'v.code', 'p.name')
        // Ties by code: the same order on every engine (and from one page load to the next).
        .orderBy([{ column: 'bytes', order: 'desc' }, { column: 'v.code' }])
        .limit(Math.min(Math.max(limit, 1), 1000));
      return rows.map((r) => ({ code: r.code, profile: r.name, bytes: Number(r.bytes) }));
    },
  };
}
