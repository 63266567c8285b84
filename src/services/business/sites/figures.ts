/**
 * What the Sites page shows of each site's business, read from the database (never from a router): its income
 * today, counted as the dashboard's "Income today" counts it (src/services/shop/reports/money-in.ts: vouchers first used
 * since midnight in the shop's time zone, staff vouchers left out, plus the charges made on running vouchers),
 * and its active vouchers. All go through the voucher's site (vouchers.site_id), so the sites' figures add up
 * to the dashboard's.
 */
import type { Db } from '../../../db/knex';
import { countsBy } from '../../../db/tally';
import { addDays, localDate, startOfLocalDay } from '../../../domain/calendar';
import { soldCharges, soldVouchers } from '../../shop/reports/money-in';
import type { SiteFigures } from './types';
export type { SiteFigures } from './types';

export const NO_FIGURES: SiteFigures = { incomeToday: { count: 0, amount: 0 }, activeVouchers: 0 };

/** Every site's figures (one grouped query each), by site id; a site with none is absent. */
export async function siteFigures(db: Db, now: number, tz: string): Promise<Map<number, SiteFigures>> {
  const today = localDate(now, tz);
  const from = startOfLocalDay(today, tz);
  const to = startOfLocalDay(addDays(today, 1), tz);
  type Sales = { site_id: number; n: number | string; amount: number | string | null }[];
  const [sales, charges, active] = await Promise.all([
    soldVouchers(db, from, to)
      .whereNotNull('v.site_id')
      .groupBy('v.site_id')
      .select('v.site_id', db.raw('COUNT(*) AS n'), db.raw('SUM(v.price) AS amount')) as Promise<Sales>,
    soldCharges(db, from, to)
      .whereNotNull('v.site_id')
      .groupBy('v.site_id')
      .select('v.site_id', db.raw('COUNT(*) AS n'), db.raw('SUM(c.amount) AS amount')) as Promise<Sales>,
    db('vouchers')
      .where({ status: 'active' })
      .whereNotNull('site_id')
      .groupBy('site_id')
      .select('site_id', db.raw('COUNT(*) AS n')) as Promise<{ site_id: number; n: number | string }[]>,
  ]);
  const out = new Map<number, SiteFigures>();
  const of = (id: number) => {
    let f = out.get(Number(id));
    if (!f) out.set(Number(id), (f = { incomeToday: { count: 0, amount: 0 }, activeVouchers: 0 }));
    return f;
  };
  for (const r of sales) of(r.site_id).incomeToday = { count: Number(r.n), amount: Number(r.amount ?? 0) };
  // Charges add to the money; `count` stays the vouchers sold, as on the dashboard.
  for (const r of charges) of(r.site_id).incomeToday.amount += Number(r.amount ?? 0);
  for (const r of active) of(r.site_id).activeVouchers = Number(r.n);
  return out;
}

/** A site's unused and active vouchers: what a removal would end. */
export async function openVoucherCounts(db: Db, siteId: number): Promise<{ unused: number; active: number }> {
  const q = db('vouchers').where({ site_id: siteId }).whereIn('status', ['unused', 'active']);
  const n = await countsBy(db, q, 'status');
  return { unused: n.get('unused') ?? 0, active: n.get('active') ?? 0 };
}
