/**
 * A payment refused before anything is recorded (payments.ts): an Idempotency-Key already used for another
 * payment (an amount above what is owed is domain/errors' AboveOwedError). The web and the terminal show each with what to do next.
 */
import { AppError } from '../../../domain/errors';
import { formatMoney } from '../../../domain/quantities';

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
