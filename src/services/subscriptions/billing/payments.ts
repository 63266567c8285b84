/**
 * A subscriber's payments: money in at the counter (cash, GCash to the shop's phone, a bank transfer), paid into
 * the oldest open invoices first, what is left kept as credit for the next invoice. One transaction per payment,
 * the subscriber's row locked first so two payments at once never pay the same centavo twice; the request's
 * Idempotency-Key is unique shop-wide, so a retried request records nothing and answers as the first did, and the
 * key sent with another payment is refused (422 IDEMPOTENCY_KEY_REUSED), nothing recorded. An
 * amount above what is owed is asked about first (409 CONFIRM_REQUIRED unless `confirm`): a typo'd ₱9,990 for
 * ₱999 would otherwise sit as credit for ten months. So is a reference already on one of the subscriber's standing
 * payments (the same transfer typed twice).
 */
import type { Knex } from 'knex';
import { insertedId, isUniqueViolation } from '../../../db/knex';
import { AboveOwedError, ValidationError } from '../../../domain/errors';
import { formatMoney, parseMoney } from '../../../domain/quantities';
import type { Actor } from '../../business/audit/actor';
import { oldestFirst } from './credit';
import { creditBalance } from './issue';
import { addTo, openInvoices } from './view';
import { paymentWith, readKey, repeatOf, SameReferenceError, type PaymentFields } from './payment-repeats';

export { IdempotencyKeyReusedError, SameReferenceError } from './payment-repeats';
export { AboveOwedError } from '../../../domain/errors';

export const PAYMENT_METHODS = ['cash', 'gcash', 'maya', 'bank', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** The most one payment may be: ₱1,000,000 (a typo of many digits, or a probe, beyond). */
const MAX_PAYMENT = 1_000_000_00;

export interface PaymentInput {
  amount: unknown;
  method: unknown;
  reference?: unknown;
  /** Above what is owed: meant (credit), not a typo. */
  confirm?: unknown;
}

export interface PaymentView {
  id: number;
  subscriberId: number;
  amount: number;
  method: PaymentMethod;
  reference: string | null;
  at: number;
  actor: string;
  allocations: Array<{ invoice: string; amount: number }>;
  /** Voided (payment-void.ts): when, by whom, why, and the reversal's id; null while it stands. */
  voided: { at: number; by: string; reason: string; reversalId: number } | null;
  /** A reversal (negative amount): the id of the payment it voids; null for a payment. */
  reverses: number | null;
}

/** A payment's receipt (receipt.ts): the payment, whose it is, and the balance right after it. */
export interface PaymentReceipt {
  payment: PaymentView;
  subscriber: { id: number; accountNo: string; name: string };
  /** Right after the payment (centavos): credit kept, and what its open invoices still asked. */
  after: { credit: number; owed: number };
}

export interface PaymentOutcome {
  payment: PaymentView;
  /** Credit left after it, and what is still owed (centavos). */
  credit: number;
  owed: number;
  /** False: the Idempotency-Key was seen before; nothing new was recorded. */
  recorded: boolean;
}

function readPayment(input: PaymentInput): PaymentFields {
  const problems: ValidationError[] = [];
  let amount = 0;
  try {
    amount = parseMoney(typeof input.amount === 'number' ? String(input.amount) : input.amount, 'amount');
    if (amount <= 0 || amount > MAX_PAYMENT)
      problems.push(new ValidationError('amount', 'must be more than ₱0.00 and at most ₱1,000,000.00'));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    problems.push(new ValidationError('amount', 'must be an amount in pesos, like 999 or 999.50'));
  }
  const method = typeof input.method === 'string' ? input.method.trim().toLowerCase() : '';
  if (!(PAYMENT_METHODS as readonly string[]).includes(method))
    problems.push(new ValidationError('method', `must be one of ${PAYMENT_METHODS.join(', ')}`));
  const ref = input.reference;
  let reference: string | null = null;
  if (ref !== undefined && ref !== null && ref !== '') {
    if (typeof ref !== 'string' || ref.trim().length > 100 || [...ref].some((ch) => ch < ' '))
      problems.push(new ValidationError('reference', 'must be text of at most 100 characters on one line'));
    else reference = ref.trim();
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1)
    throw new ValidationError(
      problems.map((p) => p.field).join(', '),
      problems.map((p) => p.message).join('; '),
    );
  return { amount, method: method as PaymentMethod, reference };
}

export async function balanceOf(db: Knex, subscriberId: number): Promise<{ credit: number; owed: number }> {
  const open = await openInvoices(db, subscriberId);
  return { credit: await creditBalance(db, subscriberId), owed: open.reduce((n, v) => n + v.due, 0) };
}

export async function paymentsOf(db: Knex, subscriberId: number, id?: number): Promise<PaymentView[]> {
  const rows = (await db('subscriber_payments')
    .where({ subscriber_id: subscriberId })
    .modify((q) => void (id === undefined ? q : q.where({ id })))
    .orderBy('id')) as Array<Record<string, unknown>>;
  const ids = rows.map((r) => Number(r.id));
  const allocations = rows.length
    ? ((await db('payment_allocations as a')
        .join('invoices as i', 'i.id', 'a.invoice_id')
        .whereIn('a.payment_id', ids)
        .orderBy('i.seq')
        .select('a.payment_id', 'i.number', 'a.amount')) as Array<{
        payment_id: number;
        number: string;
        amount: unknown;
      }>)
    : [];
  const voids = rows.length
    ? ((await db('subscriber_payment_voids')
        .whereIn('payment_id', ids)
        .orWhereIn('reversal_id', ids)) as Array<Record<string, unknown>>)
    : [];
  const voidOf = new Map(voids.map((v) => [Number(v.payment_id), v]));
  const reversed = new Map(voids.map((v) => [Number(v.reversal_id), Number(v.payment_id)]));
  return rows.map((r) => ({
    id: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    amount: Number(r.amount),
    method: r.method as PaymentMethod,
    reference: (r.reference as string | null) ?? null,
    at: Number(r.created_at),
    actor: String(r.actor),
    allocations: allocations
      .filter((a) => Number(a.payment_id) === Number(r.id))
      .map((a) => ({ invoice: a.number, amount: Number(a.amount) })),
    voided: voidOf.has(Number(r.id))
      ? {
          at: Number(voidOf.get(Number(r.id))!.created_at),
          by: String(voidOf.get(Number(r.id))!.actor),
          reason: String(voidOf.get(Number(r.id))!.reason),
          reversalId: Number(voidOf.get(Number(r.id))!.reversal_id),
        }
      : null,
    reverses: reversed.get(Number(r.id)) ?? null,
  }));
}

/** Into the oldest open invoices first, the rest as credit: the payment's rows, in the caller's transaction. */
async function insertPayment(
  trx: Knex.Transaction,
  d: { now: number; subscriberId: number; actor: Actor },
  p: PaymentFields & { key: string | undefined; confirmed: boolean },
): Promise<number> {
  const open = await openInvoices(trx, d.subscriberId);
  const owed = open.reduce((n, v) => n + v.due, 0);
  const same = p.reference && !p.confirmed ? await paymentWith(trx, d.subscriberId, p.reference) : undefined;
  if (same) throw new SameReferenceError(same, p.amount, owed);
  if (p.amount > owed && !p.confirmed)
    throw new AboveOwedError(
      'CONFIRM_REQUIRED',
      `${formatMoney(p.amount)} is more than the ${formatMoney(owed)} owed; the rest would be kept as credit. Check the amount, or confirm it.`,
      owed,
      p.amount,
    );
  const paymentId = insertedId(
    await trx('subscriber_payments')
      .insert({
        subscriber_id: d.subscriberId,
        amount: p.amount,
        method: p.method,
        reference: p.reference,
        idempotency_key: p.key ?? null,
        actor: d.actor.name.slice(0, 64),
        created_at: d.now,
      })
      .returning('id'),
  );
  const shares = await oldestFirst(trx, p.amount, open);
  if (shares.length)
    await trx('payment_allocations').insert(
      shares.map((x) => ({ payment_id: paymentId, invoice_id: x.invoiceId, amount: x.take })),
    );
  const left = p.amount - shares.reduce((n, x) => n + x.take, 0);
  if (left > 0)
    await trx('subscriber_credit').insert({
      subscriber_id: d.subscriberId,
      amount: left,
      kind: 'payment',
      payment_id: paymentId,
      created_at: d.now,
    });
  return paymentId;
}

export async function recordPayment(
  db: Knex,
  d: { now: number; subscriberId: number; idempotencyKey?: string; actor: Actor },
  input: PaymentInput,
): Promise<PaymentOutcome> {
  const p = readPayment(input);
  const key = readKey(d.idempotencyKey);
  let done: { id: number; recorded: boolean };
  try {
    done = await db.transaction(async (trx) => {
      // The subscriber's row first: payments for one subscriber take turns (PostgreSQL's row lock; SQLite has one
      // writer), so the key is looked up after any payment sent with it at the same moment has committed.
      await trx('subscribers')
        .where({ id: d.subscriberId })
        .update({ updated_at: trx.ref('updated_at') });
      const seen = key ? await repeatOf(trx, key, d.subscriberId, p) : undefined;
      if (seen !== undefined) return { id: seen, recorded: false };
      const id = await insertPayment(trx, d, { ...p, key, confirmed: input.confirm === true });
      return { id, recorded: true };
    });
  } catch (e) {
    // The same key at the same moment for another subscriber (whose row this one did not wait for): the unique
    // key decided; answer as that payment's repeat, or 422 when this is another payment.
    if (!key || !isUniqueViolation(e, 'subscriber_payments', 'idempotency_key')) throw e;
    const seen = await repeatOf(db, key, d.subscriberId, p);
    if (seen === undefined) throw e;
    done = { id: seen, recorded: false };
  }
  const [payment] = await paymentsOf(db, d.subscriberId, done.id);
  return { payment, ...(await balanceOf(db, d.subscriberId)), recorded: done.recorded };
}

/** Each subscriber's credit and what it owes (its open invoices' `due`), centavos, for a list of them at once. */
export async function balancesOf(
  db: Knex,
  ids: readonly number[],
): Promise<Map<number, { credit: number; owed: number }>> {
  const out = new Map<number, { credit: number; owed: number }>(
    ids.map((id) => [id, { credit: 0, owed: 0 }]),
  );
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const invoices = (await db('invoices')
      .whereIn('subscriber_id', part)
      .whereNull('voided_at')
      .select('id', 'subscriber_id', 'amount')) as Array<{
      id: number;
      subscriber_id: number;
      amount: unknown;
    }>;
    const settled = new Map<number, number>();
    for (const a of (await db('payment_allocations as a')
      .join('invoices as i', 'i.id', 'a.invoice_id')
      .whereIn('i.subscriber_id', part)
      .groupBy('a.invoice_id')
      .select('a.invoice_id', db.raw('SUM(a.amount) AS n'))) as Array<{ invoice_id: number; n: unknown }>)
      addTo(settled, a.invoice_id, a.n);
    for (const c of (await db('subscriber_credit')
      .whereIn('subscriber_id', part)
      .groupBy('subscriber_id', 'kind', 'invoice_id')
      .select('subscriber_id', 'kind', 'invoice_id', db.raw('SUM(amount) AS n'))) as Array<{
      subscriber_id: number;
      kind: string;
      invoice_id: number | null;
      n: unknown;
    }>) {
      out.get(Number(c.subscriber_id))!.credit += Number(c.n);
      if (c.kind === 'applied' && c.invoice_id != null) addTo(settled, c.invoice_id, -Number(c.n));
    }
    for (const inv of invoices)
      out.get(Number(inv.subscriber_id))!.owed += Math.max(
        0,
        Number(inv.amount) - (settled.get(Number(inv.id)) ?? 0),
      );
  }
  return out;
}
