/**
 * An invoice as the services, the admin API and the terminal read it: its lines, and what is settled of it.
 * Payments (`payment_allocations`) and credit (`subscriber_credit` entries `applied` to it) are their own rows;
 * `due` is the amount less both.
 * Amounts are centavos here; the JSON shape (pesos with `_centavos` beside) is json().
 */
import type { InvoiceKind } from './issue';
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';

export type InvoiceStatus = 'open' | 'paid' | 'void';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['open', 'paid', 'void'];

export interface InvoiceView {
  number: string;
  subscriberId: number;
  accountNo: string;
  subscriberName: string;
  kind: InvoiceKind;
  issuedOn: string;
  periodStart: string;
  periodEnd: string;
  dueOn: string;
  lines: Array<{ description: string; amount: number }>;
  amount: number;
  creditApplied: number;
  paid: number;
  due: number;
  status: InvoiceStatus;
  voided: { at: number; by: string; reason: string } | null;
}

interface Row {
  id: number;
  seq: number;
  number: string;
  subscriber_id: number;
  sub_seq: number;
  sub_name: string;
  kind: InvoiceKind;
  period_start: string;
  period_end: string;
  issued_on: string;
  due_on: string;
  amount: number | string;
  voided_at: number | string | null;
  voided_by: string | null;
  void_reason: string | null;
}

export const invoiceNotFound = () => new AppError('INVOICE_NOT_FOUND', 'No such invoice', 404, 'invoice');

/** Adds `n` to the sum `m` keeps for `id` (an invoice's, as the database gives ids and sums). */
export const addTo = (m: Map<number, number>, id: unknown, n: unknown) =>
  m.set(Number(id), (m.get(Number(id)) ?? 0) + Number(n));

/** Invoices with their lines, `where` narrowing them, in number order. */
export async function loadInvoices(db: Knex, where: (q: Knex.QueryBuilder) => void): Promise<InvoiceView[]> {
  const rows = (await db('invoices as i')
    .join('subscribers as s', 's.id', 'i.subscriber_id')
    .select('i.*', 's.seq as sub_seq', 's.name as sub_name')
    .modify(where)
    .orderBy('i.seq')) as Row[];
  if (rows.length === 0) return [];
  const lines = new Map<number, Array<{ description: string; amount: number }>>();
  const paid = new Map<number, number>();
  const credit = new Map<number, number>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const l of (await db('invoice_lines')
      .whereIn('invoice_id', ids)
      .orderBy(['invoice_id', 'position'])) as Array<{
      invoice_id: number;
      description: string;
      amount: number | string;
    }>) {
      const list = lines.get(Number(l.invoice_id)) ?? [];
      list.push({ description: l.description, amount: Number(l.amount) });
      lines.set(Number(l.invoice_id), list);
    }
    for (const a of (await db('payment_allocations')
      .whereIn('invoice_id', ids)
      .groupBy('invoice_id')
      .select('invoice_id', db.raw('SUM(amount) AS n'))) as Array<{ invoice_id: number; n: unknown }>)
      addTo(paid, a.invoice_id, a.n);
    for (const c of (await db('subscriber_credit')
      .whereIn('invoice_id', ids)
      .where({ kind: 'applied' })
      .groupBy('invoice_id')
      .select('invoice_id', db.raw('SUM(amount) AS n'))) as Array<{ invoice_id: number; n: unknown }>)
      addTo(credit, c.invoice_id, -Number(c.n));
  }
  return rows.map((r) => {
    const amount = Number(r.amount);
    const voided =
      r.voided_at == null
        ? null
        : { at: Number(r.voided_at), by: r.voided_by ?? '', reason: r.void_reason ?? '' };
    const paidIn = paid.get(Number(r.id)) ?? 0;
    const creditApplied = credit.get(Number(r.id)) ?? 0;
    const due = voided ? 0 : Math.max(0, amount - paidIn - creditApplied);
    return {
      number: r.number,
      subscriberId: Number(r.subscriber_id),
      accountNo: `S-${String(r.sub_seq).padStart(6, '0')}`,
      subscriberName: r.sub_name,
      kind: r.kind,
      issuedOn: r.issued_on,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      dueOn: r.due_on,
      lines: lines.get(Number(r.id)) ?? [],
      amount,
      creditApplied,
      paid: paidIn,
      due,
      status: voided ? 'void' : due === 0 ? 'paid' : 'open',
      voided,
    };
  });
}

/** What the subscriber owes now: the open invoices' `due`, oldest first. */
export async function openInvoices(db: Knex, subscriberId: number): Promise<InvoiceView[]> {
  return (
    await loadInvoices(db, (q) => q.where('i.subscriber_id', subscriberId).whereNull('i.voided_at'))
  ).filter((v) => v.due > 0);
}

/** An amount under `name` in pesos and under `<name>_centavos` in centavos (the JSON shape of money here). */
export const money = (name: string, c: number) => ({ [name]: c / 100, [`${name}_centavos`]: c });

export function invoiceJson(v: InvoiceView) {
  return {
    number: v.number,
    subscriber_id: v.subscriberId,
    account_no: v.accountNo,
    subscriber: v.subscriberName,
    kind: v.kind,
    issued_on: v.issuedOn,
    period_start: v.periodStart,
    period_end: v.periodEnd,
    due_on: v.dueOn,
    lines: v.lines.map((l) => ({ description: l.description, ...money('amount', l.amount) })),
    ...money('amount', v.amount),
    ...money('credit_applied', v.creditApplied),
    ...money('paid', v.paid),
    ...money('due', v.due),
    status: v.status,
    voided_at: v.voided ? new Date(v.voided.at).toISOString() : null,
    voided_by: v.voided?.by ?? null,
    void_reason: v.voided?.reason ?? null,
  };
}

/**
 * The balance once the entry `p` was written: every invoice issued by then and not voided by then, less what
 * payments up to this one (reversals included) and credit applied by then settled of it; the credit ledger up
 * to then. The receipt and the payment's SMS both tell this.
 */
export async function balanceAfter(
  db: Knex,
  p: { id: number; subscriberId: number; at: number },
): Promise<{ credit: number; owed: number }> {
  const t = p.at;
  const [credit] = (await db('subscriber_credit')
    .where({ subscriber_id: p.subscriberId })
    .where(
      (q) =>
        void q
          .where('created_at', '<', t)
          .orWhere((w) => w.where('created_at', t).where('payment_id', '<=', p.id)),
    )
    .select(db.raw('COALESCE(SUM(amount), 0) AS n'))) as Array<{ n: unknown }>;
  const invoices = (await db('invoices')
    .where({ subscriber_id: p.subscriberId })
    .where('created_at', '<=', t)
    .where((q) => void q.whereNull('voided_at').orWhere('voided_at', '>', t))
    .select('id', 'amount')) as Array<{ id: number; amount: unknown }>;
  const settled = new Map<number, number>();
  for (const a of (await db('payment_allocations as a')
    .join('subscriber_payments as p', 'p.id', 'a.payment_id')
    .where('p.subscriber_id', p.subscriberId)
    .where('p.id', '<=', p.id)
    .groupBy('a.invoice_id')
    .select('a.invoice_id', db.raw('SUM(a.amount) AS n'))) as Array<{ invoice_id: number; n: unknown }>)
    addTo(settled, a.invoice_id, a.n);
  for (const c of (await db('subscriber_credit')
    .where({ subscriber_id: p.subscriberId, kind: 'applied' })
    .whereNotNull('invoice_id')
    .where('created_at', '<=', t)
    .groupBy('invoice_id')
    .select('invoice_id', db.raw('SUM(amount) AS n'))) as Array<{ invoice_id: number; n: unknown }>)
    addTo(settled, c.invoice_id, -Number(c.n));
  const owed = invoices.reduce(
    (n, i) => n + Math.max(0, Number(i.amount) - (settled.get(Number(i.id)) ?? 0)),
    0,
  );
  return { credit: Number(credit.n), owed };
}
