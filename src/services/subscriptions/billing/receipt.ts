/**
 * A subscriber payment's receipt: the payment (or a void's reversal entry) with the invoices it paid, and the
 * subscriber's balance right after it, read from the ledgers as they stood then (a reprint next month still says
 * what the customer owed on the day), never from today's figures.
 */
import type { Knex } from 'knex';
import { accountNo } from '../subscribers/store';
import { paymentsOf, type PaymentReceipt } from './payments';
import { paymentNotFound } from './payment-void';
import { balanceAfter } from './view';

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
