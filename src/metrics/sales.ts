/**
 * The sales counters, read from the database exactly as the sales report counts (src/services/shop/reports/money-in.ts): a
 * voucher sold is a first use (on the portal, at a vendo, on the router's own login page, a code used up as a
 * top-up; staff vouchers left out), under the plan it was sold as; pesos are those vouchers' prices plus every
 * charge on a running voucher (a plan change, extra data). Counted from when this process started, so they are
 * counters that start from zero, like every other counter here.
 *
 * Reading the database rather than counting at each place a sale happens keeps one meaning of "sold": a new way to
 * sell counts here without a new hook, and a sale rolled back is never counted.
 *
 * Each read asks only for the sales made since the settling line and after: older ones were added up once into
 * `settled` and are never read again, so a scrape costs the same after a month as after a minute. A sale is
 * written with the time it was made: on the portal, at a vendo or at the counter it is committed at once, but a
 * first use on a router's own login page is booked by the site's next poll with the time of the login, which may be
 * long past when the router was away. So the line stays SETTLE_MS behind the oldest of the sites' last polls (and
 * behind now), and never more than LATE_MAX_MS behind now: a login booked more than a day late is not counted.
 *
 * Counters never go down: a sale that disappears from the database (a redemption undone because the router
 * refused the login) stays counted, and the next sale counts from there.
 */
import { isPostgres, type Db } from '../db/knex';
import { statements } from '../db/statements';
import { soldCharges, soldVouchers } from '../services/shop/reports/money-in';

export const SETTLE_MS = 10 * 60_000;
const LATE_MAX_MS = 24 * 3600_000;
const NO_END = Number.MAX_SAFE_INTEGER;
/** Where a read's start and its settling line go in the compiled queries' bindings. */
const FROM = -7_000_001;
const FOLD = -7_000_002;

/** Vouchers sold per site and plan, and centavos per site, since the process started. */
interface SalesTotals {
  vouchers: Map<string, { siteId: number; site: string; profile: string; count: number }>;
  centavos: Map<number, { siteId: number; site: string; amount: number }>;
}

/** The plans on sale (not archived): each site's counter of a plan is shown from zero before its first sale. */
interface OnSale {
  /** null: shared by every site. */
  siteId: number | null;
  profile: string;
}

/** `settled` of the rows that are plans on sale, not sales. */
const PLAN = -1;

/** A row of the sales statement: vouchers sold by plan, or (`profile` null) the charges on running vouchers. */
interface SaleRow {
  site_id: number | string | null;
  site: string | null;
  profile: string | null;
  settled: number | string;
  n: number | string;
  amount: number | string | null;
}

const empty = (): SalesTotals => ({ vouchers: new Map(), centavos: new Map() });
const keyOf = (siteId: number, profile: string) => `${siteId}\n${profile}`;

/** Adds the settled rows, or the others, into `into`. */
function addRows(into: SalesTotals, rows: SaleRow[], settled: boolean): void {
  for (const r of rows) {
    if ((Number(r.settled) === 1) !== settled) continue;
    const siteId = Number(r.site_id);
    const site = r.site ?? `site-${siteId}`;
    if (r.profile !== null) {
      const k = keyOf(siteId, r.profile);
      const s = into.vouchers.get(k) ?? { siteId, site, profile: r.profile, count: 0 };
      s.count += Number(r.n);
      into.vouchers.set(k, s);
    }
    const m = into.centavos.get(siteId) ?? { siteId, site, amount: 0 };
    m.amount += Number(r.amount ?? 0);
    into.centavos.set(siteId, m);
  }
}

/** `shown`'s `field` grows by what `now`'s grew since `last` (never falls); each row takes `now`'s site name. */
function grow<K, R extends { site: string }>(
  shown: Map<K, R>,
  now: Map<K, R>,
  last: Map<K, R>,
  field: { [F in keyof R]: R[F] extends number ? F : never }[keyof R],
): void {
  for (const [k, n] of now) {
    const grew = (n[field] as number) - ((last.get(k)?.[field] as number | undefined) ?? 0);
    const s = shown.get(k) ?? { ...n, [field]: 0 };
    s.site = n.site;
    if (grew > 0) (s[field] as number) += grew;
    shown.set(k, s);
  }
}

function copy(t: SalesTotals): SalesTotals {
  return {
    vouchers: new Map([...t.vouchers].map(([k, v]) => [k, { ...v }])),
    centavos: new Map([...t.centavos].map(([k, v]) => [k, { ...v }])),
  };
}

/** A query compiled once: its SQL and its bindings, FROM and FOLD standing for each read's values. */
type Param = string | number | boolean | null;
interface Compiled {
  sql: string;
  bindings: Param[];
}

/**
 * money-in's two queries, grouped by site, plan and settled-or-not, as one statement compiled to SQL once: a scrape
 * runs it as a prepared statement (src/db/statements.ts), without the query builder's cost at every scrape.
 */
function salesStatement(db: Db): Compiled {
  const site = db.raw('COALESCE(v.site_id, 1)');
  const settled = (column: string) => db.raw(`CASE WHEN ${column} < ? THEN 1 ELSE 0 END AS settled`, [FOLD]);
  const vouchers = soldVouchers(db, FROM, NO_END)
    .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
    .leftJoin('sites as s', 's.id', site)
    .select(
      db.raw('COALESCE(v.site_id, 1) AS site_id'),
      's.name as site',
      'p.name as profile',
      settled('v.activated_at'),
      db.raw('COUNT(*) AS n'),
      db.raw('SUM(v.price) AS amount'),
    )
    .groupByRaw('1, 2, 3, 4')
    .toSQL();
  const charges = soldCharges(db, FROM, NO_END)
    .leftJoin('sites as s', 's.id', site)
    .select(
      db.raw('COALESCE(v.site_id, 1) AS site_id'),
      's.name as site',
      db.raw('NULL AS profile'),
      settled('c.created_at'),
      db.raw('0 AS n'),
      db.raw('SUM(c.amount) AS amount'),
    )
    .groupByRaw('1, 2, 3, 4')
    .toSQL();
  const plans = db('profiles as p')
    .where('p.archived', false)
    .select(
      'p.site_id as site_id',
      db.raw('NULL AS site'),
      'p.name as profile',
      db.raw(`${PLAN} AS settled`),
      db.raw('0 AS n'),
      db.raw('NULL AS amount'),
    )
    .toSQL();
  // SQLite compares its 0/1 booleans with numbers (the builder converts them itself, a prepared statement not).
  const pg = isPostgres(db);
  const params = [...vouchers.bindings, ...charges.bindings, ...plans.bindings] as Param[];
  return {
    sql: `${vouchers.sql} UNION ALL ${charges.sql} UNION ALL ${plans.sql}`,
    bindings: params.map((b) => (typeof b === 'boolean' && !pg ? Number(b) : b)),
  };
}

export class SalesTally {
  /** Sales made before this are in `settled` and never read again. */
  private settledTo: number;
  private settled = empty();
  /** What the database said at the last read, and what the counters show (the same, but never lower). */
  private lastRead = empty();
  private shown = empty();
  private reading?: Promise<SalesTotals & { onSale: OnSale[] }>;
  private readonly statement: Compiled;

  constructor(
    private readonly db: Db,
    since: number,
    private readonly now: () => number,
  ) {
    this.settledTo = since;
    this.statement = salesStatement(db);
  }

  /**
   * The totals the counters show now; two scrapes at once share one read. `oldestPoll`: the oldest of the sites'
   * last polls (a sale before it may still be booked by the next poll of that site).
   */
  read(oldestPoll: number): Promise<SalesTotals & { onSale: OnSale[] }> {
    this.reading ??= this.readNow(oldestPoll).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readNow(oldestPoll: number): Promise<SalesTotals & { onSale: OnSale[] }> {
    const from = this.settledTo;
    const now = this.now();
    const line = Math.max(Math.min(now, oldestPoll) - SETTLE_MS, now - LATE_MAX_MS);
    const fold = Math.max(from, line);
    const { sql, bindings } = this.statement;
    const all = await statements(this.db).all<SaleRow>(
      sql,
      bindings.map((b) => (b === FROM ? from : b === FOLD ? fold : b)),
    );
    const rows = all.filter((r) => Number(r.settled) !== PLAN);
    addRows(this.settled, rows, true);
    this.settledTo = fold;
    const totals = copy(this.settled);
    addRows(totals, rows, false);
    this.show(totals);
    const onSale = all
      .filter((r) => Number(r.settled) === PLAN)
      .map((r) => ({ siteId: r.site_id === null ? null : Number(r.site_id), profile: String(r.profile) }));
    return { ...this.shown, onSale };
  }

  /** Each total grows by what it grew in the database since the last read; a total that fell stays. */
  private show(now: SalesTotals): void {
    grow(this.shown.vouchers, now.vouchers, this.lastRead.vouchers, 'count');
    grow(this.shown.centavos, now.centavos, this.lastRead.centavos, 'amount');
    this.lastRead = now;
  }
}
