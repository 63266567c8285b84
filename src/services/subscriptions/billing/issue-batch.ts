/**
 * The billing run's invoices issued a batch at a time: a billing day of 10,000 subscribers is 10,000 invoices
 * that one transaction each (nine statements) took over a minute to write (docs/performance.md). A batch is one
 * transaction of a few statements, with the same rules as issue.ts:
 *
 * - the `invoice_numbers` row is locked first (an update), so every issuer (the run, a new subscriber's first
 *   invoice, a plan change, a second controller) still takes turns on it, in the same lock order;
 * - under that lock the batch's invoices that exist already (a repeat, another controller) are looked up by
 *   what they are for and left out; the rest take the next numbers in the batch's order, and the counter moves
 *   by exactly that many, so numbers keep no gap and no repeat;
 * - the unique (subscriber, issue_key) stands behind the lookup: a batch that broke it would roll back whole,
 *   numbers and all;
 * - credit each subscriber holds pays what it can of its new invoice, as at a single issue.
 *
 * A crash mid-run loses no invoice and doubles none: a batch commits whole or not at all, and the next run
 * issues what is still missing.
 */
import type { Knex } from 'knex';
import { addDays } from '../../../domain/billing-cycle';
import { invoiceRow, lineRows, type IssueOpts, type NewInvoice } from './issue';

/** Invoices per transaction: 12 columns each stays under SQLite's oldest bound-parameter limit (999). */
export const ISSUE_BATCH = 80;

export async function issueInvoiceBatch(
  trx: Knex.Transaction,
  batch: readonly NewInvoice[],
  o: IssueOpts,
): Promise<string[]> {
  if (batch.length === 0) return [];
  // The lock first, as issueInvoice takes it: an update of the row (by nothing yet).
  await trx('invoice_numbers').where({ id: 1 }).increment('last', 0);
  const ids = [...new Set(batch.map((b) => b.subscriberId))];
  const have = new Set(
    (
      (await trx('invoices')
        .whereIn('subscriber_id', ids)
        .whereIn('issue_key', [...new Set(batch.map((b) => b.issueKey))])
        .select('subscriber_id', 'issue_key')) as Array<{ subscriber_id: number; issue_key: string }>
    ).map((r) => `${Number(r.subscriber_id)}\n${r.issue_key}`),
  );
  const fresh = batch.filter((b) => !have.has(`${b.subscriberId}\n${b.issueKey}`));
  if (fresh.length === 0) return [];
  const { last } = (await trx('invoice_numbers').where({ id: 1 }).first('last')) as { last: number };
  await trx('invoice_numbers').where({ id: 1 }).increment('last', fresh.length);
  const rows = fresh.map((inv, i) =>
    invoiceRow(inv, Number(last) + 1 + i, o, addDays(inv.issuedOn, o.dueDays)),
  );
  const idOf = new Map(
    ((await trx('invoices').insert(rows).returning(['id', 'seq'])) as Array<{ id: number; seq: number }>).map(
      (r) => [Number(r.seq), Number(r.id)],
    ),
  );
  await trx('invoice_lines').insert(fresh.flatMap((inv, i) => lineRows(idOf.get(rows[i].seq), inv.lines)));
  // Credit held (an earlier payment's surplus) pays what it can of each new invoice, in number order.
  const held = new Map(
    (
      (await trx('subscriber_credit')
        .whereIn('subscriber_id', [...new Set(fresh.map((f) => f.subscriberId))])
        .groupBy('subscriber_id')
        .select('subscriber_id', trx.raw('SUM(amount) AS n'))) as Array<{ subscriber_id: number; n: unknown }>
    ).map((r) => [Number(r.subscriber_id), Number(r.n)]),
  );
  const applied = [];
  for (const r of rows) {
    const take = Math.min(held.get(r.subscriber_id) ?? 0, r.amount);
    if (take <= 0) continue;
    held.set(r.subscriber_id, (held.get(r.subscriber_id) ?? 0) - take);
    applied.push({
      subscriber_id: r.subscriber_id,
      amount: -take,
      kind: 'applied',
      invoice_id: idOf.get(r.seq),
      created_at: o.now,
    });
  }
  if (applied.length) await trx('subscriber_credit').insert(applied);
  return rows.map((r) => r.number);
}
