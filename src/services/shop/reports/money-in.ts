/**
 * What counts as money in, in one place: every report, the dashboard, the Sites page, the CSV exports and the
 * terminal read sales through these queries. A sale is a voucher's first use (at its price; staff vouchers are
 * free by design) or a charge on a running voucher of any kind (voucher_charges.amount: a plan upgrade, extra
 * data bought at the cap).
 * Credits (voucher_charges.credit: a plan downgrade) are noted apart and never taken off the sales. A voided
 * charge or credit counts nowhere; voidedCharges lists them, with who voided them and why.
 */
import type { Knex } from 'knex';
import type { Db } from '../../../db/knex';
import { PAYMENT_METHODS } from '../../subscriptions/billing/payments';

/** Narrows a query on `vouchers as v` to one site's vouchers (none: every site). */
export const onSite = (siteId: number | undefined) => (q: Knex.QueryBuilder) => {
  if (siteId !== undefined) q.where('v.site_id', siteId);
};

/**
 * The vouchers sold in [from, to), as `v`: first used in the range (activated_at), staff vouchers left out.
 * `siteId` narrows to one site's vouchers (vouchers.site_id).
 */
export function soldVouchers(db: Db, from: number, to: number, siteId?: number): Knex.QueryBuilder {
  return db('vouchers as v')
    .whereNotNull('v.activated_at')
    .where('v.activated_at', '>=', from)
    .where('v.activated_at', '<', to)
    .where('v.staff', false)
    .modify(onSite(siteId));
}

/**
 * voucher_charges as `c` joined to its voucher `v`, made in [from, to), of one site's vouchers or all. A voided
 * charge (a sale undone) is no money in: left out here, so out of every total (only the voided, `voided`).
 */
function charges(db: Db, from: number, to: number, siteId?: number, voided = false): Knex.QueryBuilder {
  return db('voucher_charges as c')
    .join('vouchers as v', 'v.id', 'c.voucher_id')
    .modify((q) => (voided ? q.whereNotNull('c.voided_at') : q.whereNull('c.voided_at')))
    .where('c.created_at', '>=', from)
    .where('c.created_at', '<', to)
    .modify(onSite(siteId));
}

/**
 * Charges that are sales, as `c` (with its voucher `v`): an amount above zero, of every kind, on the day they
 * were made. A new kind counts here without new report code.
 */
export function soldCharges(db: Db, from: number, to: number, siteId?: number): Knex.QueryBuilder {
  return charges(db, from, to, siteId).where('c.amount', '>', 0);
}

/**
 * The profile a charge's sale belongs to: a plan change's, the plan it moved to; extra time or data, the plan the
 * voucher was on when it was sold (`from_profile_id`); else (none recorded) the voucher's own.
 */
export const CHARGE_PROFILE = 'COALESCE(c.to_profile_id, c.from_profile_id, v.profile_id)';

/** Words for the kinds known today; another kind is named after itself (`late_fee` → `Late fee charges`). */
const KIND_LABELS: Record<string, { sales: string; credits: string }> = {
  plan_change: { sales: 'Plan changes', credits: 'Credits (plan downgrades)' },
  overage: { sales: 'Extra data', credits: 'Credits (extra data)' },
  extension: { sales: 'More time at the counter', credits: 'Credits (more time)' },
  coin_topup: { sales: 'Coin top-ups', credits: 'Credits (coin top-ups)' },
};

const kindWords = (kind: string) => kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The "by source" column of a kind's sales. */
export function chargeSalesLabel(kind: string): string {
  return KIND_LABELS[kind]?.sales ?? `${kindWords(kind)} charges`;
}

/** The line of a kind's credits. */
function chargeCreditsLabel(kind: string): string {
  return KIND_LABELS[kind]?.credits ?? `Credits (${kindWords(kind).toLowerCase()})`;
}

/** The "by source" key of a kind's sales. */
export const chargeSourceKey = (kind: string): string => `charge:${kind}`;

/** Credits given in a range, by kind: what the reports show as credits. */
export type CreditsGiven = Awaited<ReturnType<typeof creditsByKind>>[number];

export async function creditsByKind(db: Db, from: number, to: number, siteId?: number) {
  // Credits given to customers (a downgrade), as `c` with its voucher `v`.
  const rows = (await charges(db, from, to, siteId)
    .where('c.credit', '>', 0)
    .groupBy('c.kind')
    .orderBy('c.kind')
    .select('c.kind', db.raw('COUNT(*) AS n'), db.raw('SUM(c.credit) AS amount'))) as {
    kind: string;
    n: number | string;
    amount: number | string | null;
  }[];
  return rows.map((r) => ({
    kind: r.kind,
    label: chargeCreditsLabel(r.kind),
    count: Number(r.n),
    amount: Number(r.amount ?? 0),
  }));
}

/** A voided charge or credit, as the reports list it (struck through, with who and why). */
export type VoidedCharge = Awaited<ReturnType<typeof voidedCharges>>[number];

/**
 * The charges made in [from, to) that were voided since, newest first (at most `limit`): of one site's vouchers,
 * or made by one login (`actor`, its shift slip), or all.
 */
export async function voidedCharges(
  db: Db,
  f: { from: number; to: number; siteId?: number; actor?: string; limit?: number },
) {
  const { from, to, siteId, actor, limit = 200 } = f;
  const rows = (await charges(db, from, to, siteId, true)
    .modify((q) => {
      if (actor !== undefined) q.where('c.actor', actor);
    })
    .orderBy('c.id', 'desc')
    .limit(limit)
    .select(
      'c.id',
      'v.code',
      'c.kind',
      'c.amount',
      'c.credit',
      'c.created_at',
      'c.actor',
      'c.voided_at',
      'c.voided_by',
      'c.void_reason',
    )) as Array<Record<string, string | number | null>>;
  return rows.map((r) => ({
    id: Number(r.id),
    code: String(r.code),
    kind: String(r.kind),
    amount: Number(r.amount),
    credit: Number(r.credit),
    createdAt: Number(r.created_at),
    actor: String(r.actor),
    voidedAt: Number(r.voided_at),
    voidedBy: String(r.voided_by ?? ''),
    reason: String(r.void_reason ?? ''),
  }));
}

/**
 * Subscribers' payments taken by one login (`actor`, the name it records) in [from, to): its shift's money from
 * subscribers. A void is a new entry (a negative amount, the voider as actor, at the void's time), so it counts
 * in the shift it is made, against the login that made it. Cash is the drawer's; GCash, Maya, a bank transfer
 * and other methods are money in that never passed through the drawer.
 */
export interface SubscriberTakings {
  /** Payments taken (entries above zero). */
  count: number;
  /** Voids made (entries below zero). */
  reversals: number;
  /** Net of both, every method (centavos). */
  amount: number;
  /** Net cash: what belongs in the drawer. */
  cash: number;
  /** Net of the other methods (not in the drawer). */
  other: number;
  /** Net by method, the methods with an entry only, in the order of PAYMENT_METHODS. */
  byMethod: Array<{ method: string; count: number; reversals: number; amount: number }>;
}

const METHOD_ORDER: readonly string[] = PAYMENT_METHODS;

export async function subscriberTakings(
  db: Db,
  f: { from: number; to: number; actor?: string },
): Promise<SubscriberTakings> {
  const rows = (await db('subscriber_payments')
    .where('created_at', '>=', f.from)
    .where('created_at', '<', f.to)
    .modify((q) => {
      if (f.actor !== undefined) q.where('actor', f.actor);
    })
    .groupBy('method')
    .select(
      'method',
      db.raw('SUM(CASE WHEN amount > 0 THEN 1 ELSE 0 END) AS n'),
      db.raw('SUM(CASE WHEN amount < 0 THEN 1 ELSE 0 END) AS r'),
      db.raw('COALESCE(SUM(amount), 0) AS amount'),
    )) as Array<{ method: string; n: unknown; r: unknown; amount: unknown }>;
  const byMethod = rows
    .map((r) => ({
      method: String(r.method),
      count: Number(r.n),
      reversals: Number(r.r),
      amount: Number(r.amount),
    }))
    .sort((a, b) => rank(a.method) - rank(b.method) || (a.method < b.method ? -1 : 1));
  const sum = (pick: (m: (typeof byMethod)[number]) => number) => byMethod.reduce((n, m) => n + pick(m), 0);
  const cash = sum((m) => (m.method === 'cash' ? m.amount : 0));
  const amount = sum((m) => m.amount);
  return {
    count: sum((m) => m.count),
    reversals: sum((m) => m.reversals),
    amount,
    cash,
    other: amount - cash,
    byMethod,
  };
}

function rank(method: string): number {
  const i = METHOD_ORDER.indexOf(method);
  return i < 0 ? METHOD_ORDER.length : i;
}
