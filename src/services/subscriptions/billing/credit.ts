/**
 * Credit that arises while invoices are open, in the caller's transaction. Credit is a ledger (`subscriber_credit`):
 * a cheaper plan's remaining days, or the money of an invoice voided after something was paid into it, is added;
 * then it pays the open invoices at once, oldest first (`applied`, negative, naming each invoice), so a subscriber
 * never holds credit and owes at the same time: the amount due, the pay page and a suspension all read what is
 * really owed.
 */
import type { Knex } from 'knex';
import { creditBalance } from './issue';
import { openInvoices, type InvoiceView } from './view';

/**
 * `amount` spread over the open invoices, oldest first, each taking what it still asks: their ids and shares (the
 * invoices' ids read in one query). What is left over is `amount` less the shares' sum.
 */
export async function oldestFirst(
  trx: Knex.Transaction,
  amount: number,
  open: readonly InvoiceView[],
): Promise<Array<{ invoiceId: number; take: number }>> {
  const shares: Array<{ number: string; take: number }> = [];
  let left = amount;
  for (const inv of open) {
    if (left <= 0) break;
    const take = Math.min(left, inv.due);
    shares.push({ number: inv.number, take });
    left -= take;
  }
  if (!shares.length) return [];
  const ids = (await trx('invoices')
    .whereIn(
      'number',
      shares.map((x) => x.number),
    )
    .select('id', 'number')) as Array<{ id: number; number: string }>;
  const idOf = new Map(ids.map((r) => [r.number, Number(r.id)]));
  return shares.map((x) => ({ invoiceId: idOf.get(x.number)!, take: x.take }));
}

/** The subscriber's credit paid into its open invoices, oldest first; returns the centavos applied. */
export async function applyCredit(trx: Knex.Transaction, subscriberId: number, now: number): Promise<number> {
  const credit = await creditBalance(trx, subscriberId);
  if (credit <= 0) return 0;
  const shares = await oldestFirst(trx, credit, await openInvoices(trx, subscriberId));
  if (shares.length)
    await trx('subscriber_credit').insert(
      shares.map((x) => ({
        subscriber_id: subscriberId,
        amount: -x.take,
        kind: 'applied',
        invoice_id: x.invoiceId,
        created_at: now,
      })),
    );
  return shares.reduce((n, x) => n + x.take, 0);
}

/**
 * What was paid into an invoice being voided, back to the subscriber: each payment's share as credit naming that
 * payment (`released`, so voiding the payment later takes it back), and the credit it had taken given back (an
 * `applied` entry of the opposite sign). The payments' allocations stay as they were: a receipt reprinted still
 * says what it paid on its day. Returns the centavos released.
 */
export async function releaseVoided(
  trx: Knex.Transaction,
  invoiceId: number,
  subscriberId: number,
  now: number,
): Promise<number> {
  const paid = (await trx('payment_allocations as a')
    .join('subscriber_payments as p', 'p.id', 'a.payment_id')
    .where('a.invoice_id', invoiceId)
    .where('p.amount', '>', 0)
    .whereNotExists(trx('subscriber_payment_voids as v').whereRaw('v.payment_id = p.id'))
    .groupBy('a.payment_id')
    .select('a.payment_id', trx.raw('SUM(a.amount) AS n'))) as Array<{ payment_id: number; n: unknown }>;
  const [applied] = (await trx('subscriber_credit')
    .where({ invoice_id: invoiceId, kind: 'applied' })
    .select(trx.raw('COALESCE(SUM(amount), 0) AS n'))) as Array<{ n: unknown }>;
  const held = -Number(applied.n);
  const base = { subscriber_id: subscriberId, invoice_id: invoiceId, created_at: now };
  const rows = [
    ...paid
      .filter((p) => Number(p.n) > 0)
      .map((p) => ({ ...base, amount: Number(p.n), kind: 'released', payment_id: Number(p.payment_id) })),
    ...(held > 0 ? [{ ...base, amount: held, kind: 'applied', payment_id: null }] : []),
  ];
  if (rows.length) await trx('subscriber_credit').insert(rows);
  return rows.reduce((n, r) => n + r.amount, 0);
}
