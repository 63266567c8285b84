/**
 * Sales by source and local day: printed vouchers (first used that day, at their price), vouchers each vendo
 * sold (made and used at once), coin top-ups of active vouchers (their charges of kind coin_topup), and the other
 * charges on running vouchers by kind (plan changes, time and data at the counter), with the credits beside them. Staff vouchers are no sale. `siteId`: one site's
 * vouchers, their top-ups and charges only.
 */
import type { ShopDeps } from '../../deps';
import {
  chargeSalesLabel,
  chargeSourceKey,
  creditsByKind,
  soldCharges,
  soldVouchers,
} from '../reports/money-in';
import { datesBetween, localDate } from '../../../domain/calendar';
import type { SourceSales } from './types';
import { COIN_TOPUP } from '../vouchers/extension';

type Range = { from: number; to: number; siteId?: number };
type Sold = { at: number; amount: number; vendo_id: string | null; gateway: string | null };
type Charge = { at: number; amount: number; kind: string };

export async function salesBySource(
  deps: Pick<ShopDeps, 'db' | 'config'>,
  range: Range,
): Promise<SourceSales> {
  const { db } = deps;
  const { from, to, siteId } = range;
  const vendos = (await db('vendos').orderBy('name').select('id', 'name')) as { id: string; name: string }[];
  const [sold, charges, credits] = await Promise.all([
    soldVouchers(db, from, to, siteId)
      // A voucher an online payment bought (src/services/shop/payments) is that gateway's sale.
      .leftJoin('payments as pay', 'pay.voucher_id', 'v.id')
      .select('v.activated_at as at', 'v.price as amount', 'v.vendo_id', 'pay.gateway') as Promise<Sold[]>,
    soldCharges(db, from, to, siteId)
      .orderBy('c.kind')
      .select('c.created_at as at', 'c.amount', 'c.kind') as Promise<Charge[]>,
    creditsByKind(db, from, to, siteId),
  ]);
  const sources = sourcesOf(vendos, sold, charges);
  const table = salesTable(range, deps.config.tz, sources);
  for (const v of sold)
    table.add(v.at, v.gateway ? v.gateway : v.vendo_id ? `vendo:${v.vendo_id}` : 'printed', v.amount);
  // Coins that topped up a running voucher are its charges of kind coin_topup: the Coin top-ups column.
  for (const c of charges)
    table.add(c.at, c.kind === COIN_TOPUP ? 'topup' : chargeSourceKey(c.kind), c.amount);
  return {
    sources,
    days: [...table.days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
    totals: table.totals,
    credits,
  };
}

/** The columns: printed, each vendo, top-ups, online payments once there are any, each kind of charge made. */
function sourcesOf(
  vendos: { id: string; name: string }[],
  sold: Sold[],
  charges: Charge[],
): SourceSales['sources'] {
  // Each kind of charge made in the range is a source of its own (a new kind needs no code here).
  const kinds = [...new Set(charges.map((c) => c.kind))].filter((k) => k !== COIN_TOPUP);
  return [
    { key: 'printed', label: 'Printed vouchers' },
    ...vendos.map((v) => ({ key: `vendo:${v.id}`, label: `Vendo ${v.name}` })),
    { key: 'topup', label: 'Coin top-ups' },
    // Online payments, a source of their own once there are any in the range.
    ...(sold.some((v) => v.gateway === 'paymongo') ? [{ key: 'paymongo', label: 'Online (PayMongo)' }] : []),
    ...kinds.map((k) => ({ key: chargeSourceKey(k), label: chargeSalesLabel(k) })),
  ];
}

/** A row for every day of the range and a total for every source, and `add` to count a sale into both. */
function salesTable(range: Range, tz: string, sources: SourceSales['sources']) {
  const days = new Map<string, SourceSales['days'][number]>();
  for (const day of datesBetween(range.from, range.to, tz)) days.set(day, { day, bySource: {}, amount: 0 });
  const totals: SourceSales['totals'] = {};
  for (const s of sources) totals[s.key] = { count: 0, amount: 0 };
  const add = (at: number, key: string, amount: number) => {
    const day = localDate(Number(at), tz);
    const row = days.get(day) ?? { day, bySource: {}, amount: 0 };
    days.set(day, row);
    const cell = (row.bySource[key] ??= { count: 0, amount: 0 });
    cell.count++;
    cell.amount += Number(amount);
    row.amount += Number(amount);
    const t = (totals[key] ??= { count: 0, amount: 0 });
    t.count++;
    t.amount += Number(amount);
  };
  return { days, totals, add };
}
