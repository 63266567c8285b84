/**
 * A subscriber's payment voided (a cash payment typed on the wrong subscriber, a transfer that bounced): a
 * correction is a new entry, never an edit. In one transaction, the subscriber's row locked first as for a
 * payment:
 *
 * - a reversal: a `subscriber_payments` entry of the opposite amount, same method, with the actor;
 * - each invoice the payment paid gets the opposite allocation from the reversal, so it is open again;
 * - the credit the payment left is taken back. When some of that credit was already applied to later invoices
 *   (the credit balance is below it), those invoices give back what they took, newest first, so the balance
 *   never goes below zero: they become partly unpaid. `owed`, `credit` and each invoice's `paid` and
 *   `credit_applied` stay the sums of their entries, with no figure edited.
 * - credit the subscriber still holds (another payment's surplus) then pays the invoices reopened, oldest first;
 * - the void itself: a `subscriber_payment_voids` row, unique per payment, so a second void (also one racing
 *   this one) records nothing and answers 409 PAYMENT_VOIDED.
 */
import type { Knex } from 'knex';
import { insertedId, isUniqueViolation } from '../../../db/knex';
import { AppError, ValidationError } from '../../../domain/errors';
import type { Actor } from '../../business/audit/actor';
import type { ShopDeps } from '../../deps';
import { noOf } from '../subscribers/store';
import { applyCredit } from './credit';
import { creditBalance } from './issue';
import { balanceOf, paymentsOf, type PaymentView } from './payments';

export const paymentNotFound = () => new AppError('PAYMENT_NOT_FOUND', 'No such payment', 404, 'payment');
const alreadyVoided = (id: number) =>
  new AppError('PAYMENT_VOIDED', `Payment ${id} is void already`, 409, 'payment');

/** A void's reason (a payment's or an invoice's), as the audit log keeps it: 3 to 200 characters on one line. */
export function readVoidReason(reason: unknown): string {
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (why.length < 3 || why.length > 200 || [...why].some((ch) => ch < ' '))
    throw new ValidationError('reason', 'say why, in 3 to 200 characters on one line');
  return why;
}

/** Credit each invoice of the subscriber took and still holds, newest invoice first. */
async function creditHeld(trx: Knex.Transaction, subscriberId: number) {
  const rows = (await trx('subscriber_credit as c')
    .join('invoices as i', 'i.id', 'c.invoice_id')
    .where('c.subscriber_id', subscriberId)
    .where('c.kind', 'applied')
    .groupBy('i.id', 'i.number', 'i.seq')
    .orderBy('i.seq', 'desc')
    .select('i.id', 'i.number', trx.raw('SUM(c.amount) AS n'))) as Array<{
    id: number;
    number: string;
    n: unknown;
  }>;
  return rows
    .map((r) => ({ id: Number(r.id), number: r.number, held: -Number(r.n) }))
    .filter((r) => r.held > 0);
}

async function voidPayment(
  db: Knex,
  d: { now: number; subscriberId: number; paymentId: number; actor: Actor },
  reason: unknown,
) {
  const why = readVoidReason(reason);
  try {
    return await db.transaction(async (trx) => {
      await trx('subscribers')
        .where({ id: d.subscriberId })
        .update({ updated_at: trx.ref('updated_at') });
      const p = (await trx('subscriber_payments')
        .where({ id: d.paymentId, subscriber_id: d.subscriberId })
        .where('amount', '>', 0)
        .first('id', 'amount', 'method', 'reference')) as
        { id: number; amount: unknown; method: string; reference: string | null } | undefined;
      if (!p) throw paymentNotFound();
      if (await trx('subscriber_payment_voids').where({ payment_id: d.paymentId }).first('id'))
        throw alreadyVoided(d.paymentId);
      const amount = Number(p.amount);
      const actor = d.actor.name.slice(0, 64);
      const reversalId = insertedId(
        await trx('subscriber_payments')
          .insert({
            subscriber_id: d.subscriberId,
            amount: -amount,
            method: p.method,
            reference: p.reference,
            actor,
            created_at: d.now,
          })
          .returning('id'),
      );
      await trx('subscriber_payment_voids').insert({
        payment_id: d.paymentId,
        reversal_id: reversalId,
        reason: why,
        actor,
        created_at: d.now,
      });
      const paid = (await trx('payment_allocations as a')
        .join('invoices as i', 'i.id', 'a.invoice_id')
        .where('a.payment_id', d.paymentId)
        .orderBy('i.seq')
        .select('a.invoice_id', 'a.amount', 'i.number')) as Array<{
        invoice_id: number;
        amount: unknown;
        number: string;
      }>;
      if (paid.length)
        await trx('payment_allocations').insert(
          paid.map((a) => ({ payment_id: reversalId, invoice_id: a.invoice_id, amount: -Number(a.amount) })),
        );
      // Its surplus, and what a voided invoice gave back of it (released): the payment's own credit.
      const left = (await trx('subscriber_credit')
        .where({ payment_id: d.paymentId })
        .whereIn('kind', ['payment', 'released'])
        .first(trx.raw('COALESCE(SUM(amount), 0) AS n'))) as { n: unknown };
      const creditTaken = Number(left.n);
      const unapplied: Array<{ invoice: string; amount: number }> = [];
      if (creditTaken > 0) {
        let short = creditTaken - (await creditBalance(trx, d.subscriberId));
        for (const inv of short > 0 ? await creditHeld(trx, d.subscriberId) : []) {
          if (short <= 0) break;
          const back = Math.min(short, inv.held);
          await trx('subscriber_credit').insert({
            subscriber_id: d.subscriberId,
            amount: back,
            kind: 'applied',
            invoice_id: inv.id,
            payment_id: reversalId,
            created_at: d.now,
          });
          unapplied.push({ invoice: inv.number, amount: back });
          short -= back;
        }
        await trx('subscriber_credit').insert({
          subscriber_id: d.subscriberId,
          amount: -creditTaken,
          kind: 'reversal',
          payment_id: reversalId,
          created_at: d.now,
        });
      }
      // Another payment's credit pays what this one reopened: never credit held beside a debt.
      await applyCredit(trx, d.subscriberId, d.now);
      return {
        paymentId: d.paymentId,
        reversalId,
        amount,
        // Invoices it had paid (numbers), open again for what it paid of them.
        reopened: paid.map((a) => a.number),
        // Credit taken back from the balance, and what later invoices gave back of the credit they had taken.
        creditTaken,
        unapplied,
      };
    });
  } catch (e) {
    // Two voids at once: the second lost the race to the unique key, and wrote nothing.
    if (isUniqueViolation(e, 'subscriber_payment_voids', 'payment_id')) throw alreadyVoided(d.paymentId);
    throw e;
  }
}

/** voidPayment, then the audit entry and the payment, its reversal and the balances as they are now. */
export async function voidPaymentAudited(
  deps: Pick<ShopDeps, 'db' | 'clock' | 'audit'>,
  d: { subscriberId: number; paymentId: number; actor: Actor },
  reason: unknown,
): Promise<{ payment: PaymentView; reversal: PaymentView; credit: number; owed: number }> {
  const { db } = deps;
  const out = await voidPayment(db, { ...d, now: deps.clock.now() }, reason);
  await deps.audit.record(d.actor, 'subscriber.payment.void', await noOf(db, d.subscriberId), {
    payment: out.paymentId,
    amount: out.amount,
    reason: readVoidReason(reason),
    reopened: out.reopened.join(' '),
    credit_taken: out.creditTaken,
    unapplied: out.unapplied.map((u) => `${u.invoice} ${u.amount}`).join(', '),
  });
  const [payment] = await paymentsOf(db, d.subscriberId, out.paymentId);
  const [reversal] = await paymentsOf(db, d.subscriberId, out.reversalId);
  return { payment, reversal, ...(await balanceOf(db, d.subscriberId)) };
}
