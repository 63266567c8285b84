/**
 * The sales counters, read from the database exactly as the sales report counts (src/services/money-in.ts): a
 * voucher sold is a first use (on the portal, at a vendo, on the router's own login page, a code used up as a
 * top-up; staff vouchers left out), under the plan it was sold as; pesos are those vouchers' prices plus every
 * charge on a running voucher (a plan change, extra data). Counted from when this process started, so they are
 * counters that start from zero, like every other counter here.
 *
 * Reading the database rather than counting at each place a sale happens keeps one meaning of "sold": a new way to
 * sell counts here without a new hook, and a sale rolled back is never counted.
 *
 * Each read asks only for the sales of the last SETTLE_MS and after: older ones are added up once into `settled`
 * and never read again, so a scrape costs the same after a month as after a minute. A sale is written with the
 * time it was made and committed within moments, well inside SETTLE_MS.
 *
 * Counters never go down: a sale that disappears from the database (a redemption undone because the router
 * refused the login) stays counted, and the next sale counts from there.
 */
import type { Db } from '../db/knex';
import { soldCharges, soldVouchers } from '../services/money-in';

export const SETTLE_MS = 10 * 60_000;
const NO_END = Number.MAX_SAFE_INTEGER;

/** Vouchers sold per site and plan, and centavos per site, since the process started. */
export interface SalesTotals {
  vouchers: Map<string, { siteId: number; site: string; profile: string; count: number }>;
  centavos: Map<number, { siteId: number; site: string; amount: number }>;
}

interface VoucherRow {
  site_id: number | string;
  site: string | null;
  profile: string;
  settled: number | string;
  n: number | string;
  amount: number | string | null;
}
interface ChargeRow {
  site_id: number | string;
  site: string | null;
  settled: number | string;
  amount: number | string | null;
}

const empty = (): SalesTotals => ({ vouchers: new Map(), centavos: new Map() });
const keyOf = (siteId: number, profile: string) => `${siteId}\n${profile}`;

/** Adds `rows` into `into`, the settled ones only or the others only. */
function addRows(into: SalesTotals, v: VoucherRow[], c: ChargeRow[], settled: boolean): void {
  const name = (r: { site_id: number | string; site: string | null }) => r.site ?? `site-${r.site_id}`;
  const money = (siteId: number, site: string, amount: number) => {
    const m = into.centavos.get(siteId) ?? { siteId, site, amount: 0 };
    m.amount += amount;
    into.centavos.set(siteId, m);
  };
  for (const r of v) {
    if ((Number(r.settled) === 1) !== settled) continue;
    const siteId = Number(r.site_id);
    const k = keyOf(siteId, r.profile);
    const s = into.vouchers.get(k) ?? { siteId, site: name(r), profile: r.profile, count: 0 };
    s.count += Number(r.n);
    into.vouchers.set(k, s);
    money(siteId, name(r), Number(r.amount ?? 0));
  }
  for (const r of c)
    if ((Number(r.settled) === 1) === settled) money(Number(r.site_id), name(r), Number(r.amount ?? 0));
}

function copy(t: SalesTotals): SalesTotals {
  return {
    vouchers: new Map([...t.vouchers].map(([k, v]) => [k, { ...v }])),
    centavos: new Map([...t.centavos].map(([k, v]) => [k, { ...v }])),
  };
}

export class SalesTally {
  /** Sales made before this are in `settled` and never read again. */
  private settledTo: number;
  private settled = empty();
  /** What the database said at the last read, and what the counters show (the same, but never lower). */
  private lastRead = empty();
  private shown = empty();
  private reading?: Promise<SalesTotals>;

  constructor(
    private readonly db: Db,
    since: number,
    private readonly now: () => number,
  ) {
    this.settledTo = since;
  }

  /** The totals the counters show now; two scrapes at once share one read. */
  read(): Promise<SalesTotals> {
    this.reading ??= this.readNow().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readNow(): Promise<SalesTotals> {
    const from = this.settledTo;
    const fold = Math.max(from, this.now() - SETTLE_MS);
    const { db } = this;
    const site = db.raw('COALESCE(v.site_id, 1)');
    const [v, c] = (await Promise.all([
      soldVouchers(db, from, NO_END)
        .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
        .leftJoin('sites as s', 's.id', site)
        .select(
          db.raw('COALESCE(v.site_id, 1) AS site_id'),
          's.name as site',
          'p.name as profile',
          db.raw('CASE WHEN v.activated_at < ? THEN 1 ELSE 0 END AS settled', [fold]),
          db.raw('COUNT(*) AS n'),
          db.raw('SUM(v.price) AS amount'),
        )
        .groupByRaw('1, 2, 3, 4'),
      soldCharges(db, from, NO_END)
        .leftJoin('sites as s', 's.id', site)
        .select(
          db.raw('COALESCE(v.site_id, 1) AS site_id'),
          's.name as site',
          db.raw('CASE WHEN c.created_at < ? THEN 1 ELSE 0 END AS settled', [fold]),
          db.raw('SUM(c.amount) AS amount'),
        )
        .groupByRaw('1, 2, 3'),
    ])) as [VoucherRow[], ChargeRow[]];
    addRows(this.settled, v, c, true);
    this.settledTo = fold;
    const now = copy(this.settled);
    addRows(now, v, c, false);
    this.show(now);
    return this.shown;
  }

  /** Each total grows by what it grew in the database since the last read; a total that fell stays. */
  private show(now: SalesTotals): void {
    for (const [k, n] of now.vouchers) {
      const grew = n.count - (this.lastRead.vouchers.get(k)?.count ?? 0);
      const s = this.shown.vouchers.get(k) ?? { ...n, count: 0 };
      s.site = n.site;
      if (grew > 0) s.count += grew;
      this.shown.vouchers.set(k, s);
    }
    for (const [id, m] of now.centavos) {
      const grew = m.amount - (this.lastRead.centavos.get(id)?.amount ?? 0);
      const s = this.shown.centavos.get(id) ?? { ...m, amount: 0 };
      s.site = m.site;
      if (grew > 0) s.amount += grew;
      this.shown.centavos.set(id, s);
    }
    this.lastRead = now;
  }
}
