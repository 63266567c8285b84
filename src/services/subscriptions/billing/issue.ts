/**
 * Issuing one invoice, inside the caller's transaction: the number drawn from `invoice_numbers` first (its row
 * lock orders every issuer, on PostgreSQL across controllers), then the invoice looked up by what it is for
 * (`issue_key`) under that lock: one that exists already is returned and the number given back, so a repeat
 * issues nothing and numbers keep no gap. The unique key (subscriber, issue_key) stands behind the lookup.
 */
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { addDays } from '../../../domain/billing-cycle';

/** A billing cycle's invoice, a plan change's, or the balance a subscriber brought when it came over. */
export type InvoiceKind = 'cycle' | 'change' | 'opening';

export interface NewInvoice {
  subscriberId: number;
  /** What the invoice is for, unique per subscriber: `cycle:<start>`, `change:<at>`, `opening`. */
  issueKey: string;
  kind: InvoiceKind;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
  /** Its due date when not the shop's days to pay after `issuedOn` (an opening balance's own). */
  dueOn?: string;
  lines: ReadonlyArray<{ description: string; amount: number }>;
}

/** What an invoice is numbered and dated with: the shop's prefix, its days to pay, the time it is issued. */
export interface IssueOpts {
  prefix: string;
  dueDays: number;
  now: number;
}

export interface IssuedInvoice {
  id: number;
  number: string;
  /** False: it existed already (a repeat), nothing was issued. */
  issued: boolean;
}

/** What the subscriber's credit holds now (centavos, never below zero by construction). */
export async function creditBalance(db: Knex, subscriberId: number): Promise<number> {
  const row = (await db('subscriber_credit')
    .where({ subscriber_id: subscriberId })
    .first(db.raw('COALESCE(SUM(amount), 0) AS n'))) as { n: unknown };
  return Number(row.n);
}

const invoiceNumber = (prefix: string, seq: number): string => `${prefix}${String(seq).padStart(6, '0')}`;

/** The `invoices` row of a new invoice numbered `seq`, due on `dueOn`, its amount the sum of its lines. */
export function invoiceRow(inv: NewInvoice, seq: number, o: IssueOpts, dueOn: string) {
  return {
    seq,
    number: invoiceNumber(o.prefix, seq),
    subscriber_id: inv.subscriberId,
    issue_key: inv.issueKey,
    kind: inv.kind,
    period_start: inv.periodStart,
    period_end: inv.periodEnd,
    issued_on: inv.issuedOn,
    due_on: dueOn,
    amount: inv.lines.reduce((n, l) => n + l.amount, 0),
    created_at: o.now,
  };
}

/** An invoice's `invoice_lines` rows, in its lines' order from position 1. */
export const lineRows = (invoiceId: number | undefined, lines: NewInvoice['lines']) =>
  lines.map((l, i) => ({
    invoice_id: invoiceId,
    position: i + 1,
    description: l.description,
    amount: l.amount,
  }));

export async function issueInvoice(
  trx: Knex.Transaction,
  inv: NewInvoice,
  o: IssueOpts,
): Promise<IssuedInvoice> {
  await trx('invoice_numbers').where({ id: 1 }).increment('last', 1);
  const existing = (await trx('invoices')
    .where({ subscriber_id: inv.subscriberId, issue_key: inv.issueKey })
    .first('id', 'number')) as { id: number; number: string } | undefined;
  if (existing) {
    await trx('invoice_numbers').where({ id: 1 }).decrement('last', 1);
    return { id: Number(existing.id), number: existing.number, issued: false };
  }
  const { last } = (await trx('invoice_numbers').where({ id: 1 }).first('last')) as { last: number };
  const row = invoiceRow(inv, Number(last), o, inv.dueOn ?? addDays(inv.issuedOn, o.dueDays));
  const id = insertedId(await trx('invoices').insert(row).returning('id'));
  await trx('invoice_lines').insert(lineRows(id, inv.lines));
  // Credit the subscriber holds (an earlier payment's surplus) pays what it can of the new invoice.
  const applied = Math.min(await creditBalance(trx, inv.subscriberId), row.amount);
  if (applied > 0)
    await trx('subscriber_credit').insert({
      subscriber_id: inv.subscriberId,
      amount: -applied,
      kind: 'applied',
      invoice_id: id,
      created_at: o.now,
    });
  return { id, number: row.number, issued: true };
}
