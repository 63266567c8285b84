/**
 * A subscriber payment's receipt: the payment (or a void's reversal entry) with the invoices it paid, and the
 * subscriber's balance right after it, read from the ledgers as they stood then (a reprint next month still says
 * what the customer owed on the day), never from today's figures.
 */
import type { Knex } from 'knex';
import { accountNo } from '../subscribers/store';
import { paymentsOf, type PaymentReceipt, type PaymentView } from './payments';
import { paymentNotFound } from './payment-void';
import { addTo } from './view';

/**
 * The balance once the entry `p` was written: every invoice issued by then and not voided by then, less what
 * payments up to this one (reversals included) and credit applied by then settled of it; the credit ledger up
 * to then. The receipt and the payment's SMS both tell this.
 */
export async function balanceAfter(
  db: Knex,
  p: Pick<PaymentView, 'id' | 'subscriberId' | 'at'>,
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

/** 404 PAYMENT_NOT_FOUND for an id that is not this subscriber's payment. */
export async function paymentReceipt(
  db: Knex,
  subscriberId: number,
  paymentId: number,
): Promise<PaymentReceipt> {
  const [payment] = await paymentsOf(db, subscriberId, paymentId);
  if (!payment) throw paymentNotFound();
  const s = (await db('subscribers').where({ id: subscriberId }).first('id', 'seq', 'name')) as {
    id: number;
    seq: number;
    name: string;
  };
  return {
    payment,
    subscriber: { id: Number(s.id), accountNo: accountNo(Number(s.seq)), name: s.name },
    after: await balanceAfter(db, payment),
  };
}
