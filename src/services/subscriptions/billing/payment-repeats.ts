/**
 * A payment that repeats one recorded (payments.ts): its Idempotency-Key seen before (the same payment: answered as
 * the first; another one: refused), or its reference already on one of the subscriber's standing payments (asked
 * first: the same transfer typed twice). An amount above what is owed is domain/errors' AboveOwedError. The web and
 * the terminal show each refusal with what to do next.
 */
import type { Knex } from 'knex';
import { AppError, ValidationError } from '../../../domain/errors';
import { formatMoney } from '../../../domain/quantities';

/** What a payment is, as a request names it: what a repeat of the request must name again. */
export interface PaymentFields {
  amount: number;
  method: string;
  reference: string | null;
}

/**
 * An Idempotency-Key sent again with another payment (another amount, method or reference, or for another
 * subscriber): nothing recorded. `first`: what the key recorded (null: another subscriber's, not told here).
 */
export class IdempotencyKeyReusedError extends AppError {
  constructor(readonly first: { amount: number; method: string; reference: string | null } | null) {
    const what = first
      ? `another payment (${formatMoney(first.amount)} ${first.method}${first.reference ? `, reference ${first.reference}` : ''})`
      : "another subscriber's payment";
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `This Idempotency-Key was used for ${what}; this payment was not recorded. Send a new key for a new payment.`,
      422,
      'Idempotency-Key',
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * A reference (a GCash or bank transfer's number) already on a standing payment of the same subscriber, not
 * confirmed: likely the same money typed twice (a reload, a second cashier, the customer's screenshot sent twice).
 * 409 CONFIRM_REQUIRED under `reference`, nothing recorded; `question` is what a face asks before it confirms.
 */
export class SameReferenceError extends AppError {
  readonly question: string;

  constructor(
    readonly earlier: { id: number; amount: number; method: string; reference: string },
    readonly amount: number,
    readonly owed: number,
  ) {
    const seen = `${earlier.reference} is on payment No. ${earlier.id} already (${formatMoney(earlier.amount)} ${earlier.method})`;
    const above =
      amount > owed
        ? ` ${formatMoney(amount)} is also more than the ${formatMoney(owed)} owed: the rest would be credit.`
        : '';
    const message = `${seen}: the same money recorded twice?${above} Check it, or confirm it.`;
    super('CONFIRM_REQUIRED', message, 409, 'reference', { reference: message });
    this.name = 'SameReferenceError';
    this.question = `${seen}.${above} Record ${formatMoney(amount)} with it again?`;
  }
}

/** The Idempotency-Key as sent (trimmed), checked; undefined when none was sent. */
export function readKey(sent: string | undefined): string | undefined {
  const key = sent?.trim();
  if (key !== undefined && (key.length < 8 || key.length > 100 || !/^[\x21-\x7e]+$/.test(key)))
    throw new ValidationError('Idempotency-Key', 'must be 8 to 100 visible characters (a UUID is good)');
  return key || undefined;
}

/**
 * The payment this key recorded, when this request repeats it (the same subscriber, amount, method and
 * reference): its id, to answer as the first did. The key on another payment: 422 IDEMPOTENCY_KEY_REUSED, so
 * the cashier who sends ₱500 with the key of a ₱3 payment is not told the ₱500 was taken. Undefined: a new key.
 */
export async function repeatOf(
  q: Knex,
  key: string,
  subscriberId: number,
  p: PaymentFields,
): Promise<number | undefined> {
  const row = (await q('subscriber_payments')
    .where({ idempotency_key: key })
    .first('id', 'subscriber_id', 'amount', 'method', 'reference')) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const first: PaymentFields = {
    amount: Number(row.amount),
    method: row.method as string,
    reference: (row.reference as string | null) ?? null,
  };
  if (Number(row.subscriber_id) !== subscriberId) throw new IdempotencyKeyReusedError(null);
  if (first.amount !== p.amount || first.method !== p.method || first.reference !== p.reference)
    throw new IdempotencyKeyReusedError(first);
  return Number(row.id);
}

/** The subscriber's standing payment (not voided, not a reversal) with this reference, any case; undefined: none. */
export async function paymentWith(q: Knex, subscriberId: number, reference: string) {
  const row = (await q('subscriber_payments as p')
    .where('p.subscriber_id', subscriberId)
    .where('p.amount', '>', 0)
    .whereRaw('LOWER(p.reference) = ?', [reference.toLowerCase()])
    .whereNotExists(q('subscriber_payment_voids as v').whereRaw('v.payment_id = p.id'))
    .orderBy('p.id', 'desc')
    .first('p.id', 'p.amount', 'p.method', 'p.reference')) as
    { id: number; amount: unknown; method: string; reference: string } | undefined;
  return (
    row && { id: Number(row.id), amount: Number(row.amount), method: row.method, reference: row.reference }
  );
}
