import { countAndSum } from '../../../db/tally';
import type { ShopDeps } from '../../deps';
import type { ReportService, SalesRow } from '../../types';
import { datesBetween, localDate, periodOf, Period } from '../../../domain/calendar';
import { salesBySource } from '../vendos/sales';
import { listBatches } from '../vouchers/batch-list';
import { forSale } from '../vouchers/hold';
import {
  CHARGE_PROFILE,
  creditsByKind,
  onSite,
  soldCharges,
  soldVouchers,
  subscriberTakings,
  voidedCharges,
} from './money-in';

// Every zone offset in use is a multiple of 15 minutes, so SQL groups sales in 15-minute buckets and the
// buckets are assigned to local days here: exact in any zone (DST included) and at most 96 rows per day.
const BUCKET_MS = 15 * 60 * 1000;

interface BucketRow {
  bucket: number;
  n: number;
  amount: number | null;
}

/** The row of `key`, made (at zero) the first time. */
function rowOf(rows: Map<string, SalesRow>, key: string, more: Partial<SalesRow>): SalesRow {
  let r = rows.get(key);
  if (!r) rows.set(key, (r = { period: key, ...more, count: 0, amount: 0 }));
  return r;
}

/** Adds a group of vouchers sold, or of charges, to its row. */
function addSales(row: SalesRow, r: { n: number | string; amount: number | string | null }, charge: boolean) {
  if (charge) row.charges = (row.charges ?? 0) + Number(r.n);
  else row.count += Number(r.n);
  row.amount += Number(r.amount ?? 0);
}

/** Sales, stock and usage figures for the owner (reports page, dashboard, CSV exports). */
export function createReportService(deps: ShopDeps): ReportService {
  const { db, config } = deps;
  // The cards still for sale: a code queued on a customer's device is sold (paid for, kept for that device).
  const forSaleOn = (siteId?: number) =>
    db('vouchers as v').modify(forSale('v')).where('v.staff', false).modify(onSite(siteId));

  async function salesByPeriod(from: number, to: number, by: Period, siteId?: number): Promise<SalesRow[]> {
    // Vouchers sold and charges made, each in 15-minute buckets of its own time.
    const bucket = (column: string) => db.raw(`CAST(${column} / ? AS INTEGER) AS bucket`, [BUCKET_MS]);
    const [vouchers, charges] = await Promise.all([
      soldVouchers(db, from, to, siteId)
        .select(bucket('v.activated_at'), db.raw('COUNT(*) AS n'), db.raw('SUM(v.price) AS amount'))
        .groupBy('bucket') as Promise<BucketRow[]>,
      soldCharges(db, from, to, siteId)
        .select(bucket('c.created_at'), db.raw('COUNT(*) AS n'), db.raw('SUM(c.amount) AS amount'))
        .groupBy('bucket') as Promise<BucketRow[]>,
    ]);
    // The shop's zone now: Settings may change it while the server runs (no zone captured at start).
    const tz = config.tz;
    const totals = new Map<string, SalesRow>();
    const row = (period: string) => rowOf(totals, period, {});
    // Every period in the range appears, with zeros, so charts and tables show quiet days too.
    for (const d of datesBetween(from, to, tz)) row(periodOf(d, by));
    const period = (r: BucketRow) => periodOf(localDate(Number(r.bucket) * BUCKET_MS, tz), by);
    for (const r of vouchers) addSales(row(period(r)), r, false);
    for (const r of charges) addSales(row(period(r)), r, true);
    return [...totals.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  }

  /** By the profile each voucher was sold as; a charge under the profile it moved the voucher to. */
  async function salesByProfile(from: number, to: number, siteId?: number): Promise<SalesRow[]> {
    type Row = { name: string; n: number | string; amount: number | string | null };
    const [vouchers, charges] = (await Promise.all([
      soldVouchers(db, from, to, siteId)
        .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
        .select('p.name', db.raw('COUNT(*) AS n'), db.raw('SUM(v.price) AS amount'))
        .groupBy('p.name'),
      soldCharges(db, from, to, siteId)
        .join('profiles as p', 'p.id', db.raw(CHARGE_PROFILE))
        .select('p.name', db.raw('COUNT(*) AS n'), db.raw('SUM(c.amount) AS amount'))
        .groupBy('p.name'),
    ])) as [Row[], Row[]];
    const byName = new Map<string, SalesRow>();
    const row = (name: string) => rowOf(byName, name, { profile: name });
    for (const r of vouchers) addSales(row(r.name), r, false);
    for (const r of charges) addSales(row(r.name), r, true);
    // Biggest first; ties by name, the same order on every engine.
    return [...byName.values()].sort((a, b) => b.amount - a.amount || (a.period < b.period ? -1 : 1));
  }

  return {
    bySource: (opts) => salesBySource(deps, opts),

    batches: (opts) => listBatches(db, opts),

    sales: ({ from, to, by, siteId }) =>
      by === 'profile' ? salesByProfile(from, to, siteId) : salesByPeriod(from, to, by, siteId),

    credits: ({ from, to, siteId }) => creditsByKind(db, from, to, siteId),

    voided: (opts) => voidedCharges(db, opts),

    subscriberPayments: (opts) => subscriberTakings(db, opts),

    async stockTotal(opts = {}) {
      const { count, sum } = await countAndSum(db, forSaleOn(opts.siteId), 'v.price');
      return { count, value: sum };
    },

    async stock(opts = {}) {
      const rows: { name: string; n: number; value: number | null }[] = await forSaleOn(opts.siteId)
        .join('profiles as p', 'p.id', 'v.profile_id')
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
