/** The invoice service's contract (index.ts). */
import type { Knex } from 'knex';
import type { Actor } from '../../business/audit/actor';
import type { IssuedInvoice } from './issue';
import type { InvoiceView } from './view';
import type { PaymentInput, PaymentOutcome, PaymentReceipt, PaymentView } from './payments';
import type { FirstInvoiceInput, PlanChangeInput } from '../subscribers/types';

export type { FirstInvoiceInput, PlanChangeInput } from '../subscribers/types';

/**
 * What a subscriber owes changed, committed: a payment recorded (not a repeat of one) or one of its invoices
 * voided (`payment`/`void`: owed less), or a payment voided (`void`: what it paid is owed again). Billing's
 * suspension listens, to lift a suspension at once when nothing is past due any more (or suspend, when past due).
 */
export interface PaymentEvent {
  subscriberId: number;
  kind: 'payment' | 'void';
}

export interface InvoiceService {
  /**
   * Inside the transaction that creates or activates a subscriber: its opening balance's invoice, when it brought
   * one, then its first invoice when its billing starts today (null: it starts later, or it is scheduled).
   */
  issueFirst(trx: Knex.Transaction, s: FirstInvoiceInput): Promise<IssuedInvoice | null>;
  /**
   * A plan changed mid-cycle, inside the changing transaction: an invoice of two lines (the old plan's remaining
   * days credited, the new one's charged, each rounded) when the net is above zero, else the net added to credit.
   */
  planChanged(trx: Knex.Transaction, c: PlanChangeInput): Promise<IssuedInvoice | null>;
  /** Issues every invoice owed by now, oldest billing day first; returns the numbers issued (none on a repeat). */
  run(): Promise<{ issued: string[] }>;
  list(opts?: { status?: unknown; subscriberId?: number }): Promise<InvoiceView[]>;
  get(number: unknown): Promise<InvoiceView>;
  /** Voids an open invoice (409 INVOICE_VOIDED a second time, INVOICE_PAID once paid); its number stays. */
  void(number: unknown, reason: unknown, actor: Actor): Promise<InvoiceView>;
  /**
   * Money in for a subscriber: into its oldest open invoices, the rest kept as credit. Bad fields: 400 naming
   * each; above what is owed without `confirm`: 409 CONFIRM_REQUIRED, nothing recorded; a repeated
   * Idempotency-Key: the first answer, nothing new (`recorded: false`), when it is the same payment (subscriber,
   * amount, method, reference), else 422 IDEMPOTENCY_KEY_REUSED, nothing recorded. Audited `subscriber.payment`.
   */
  pay(
    subscriberId: number,
    input: PaymentInput,
    o: { idempotencyKey?: string; actor: Actor },
  ): Promise<PaymentOutcome>;
  /**
   * What is past its last day to pay now (its due date plus the grace days, in the subscriber's site's today),
   * centavos: what billing suspends for and what paying lifts a suspension for.
   */
  pastDue(subscriberId: number): Promise<number>;
  /** Called after each committed payment (not a repeat) and void; returns the way to stop listening. */
  onPayment(listener: (e: PaymentEvent) => void): () => void;
  /**
   * Voids a payment (payment-void.ts): a reversal entry reopens what it paid and takes back its credit. Unknown:
   * 404 PAYMENT_NOT_FOUND; a second void: 409 PAYMENT_VOIDED. Audited `subscriber.payment.void`.
   */
  voidPayment(
    subscriberId: number,
    paymentId: number,
    reason: unknown,
    actor: Actor,
  ): Promise<{ payment: PaymentView; reversal: PaymentView; credit: number; owed: number }>;
  /**
   * A payment's (or a void's reversal entry's) receipt: the subscriber, the invoices it paid, and the balance
   * right after it. 404 PAYMENT_NOT_FOUND for an id that is not this subscriber's.
   */
  receipt(subscriberId: number, paymentId: number): Promise<PaymentReceipt>;
  /** A subscriber's payments, oldest first, with its credit and what it owes (centavos). */
  payments(subscriberId: number): Promise<{ payments: PaymentView[]; credit: number; owed: number }>;
}
