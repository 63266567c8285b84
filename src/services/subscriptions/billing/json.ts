/**
 * A subscriber's payment as the admin API and the terminal's `--json` answer it (snake_case, the time ISO-8601,
 * money in pesos with `_centavos` beside it); an invoice's shape is invoiceJson (view.ts).
 */
import type { PaymentView } from './payments';
import { money } from './view';

export function paymentJson(p: PaymentView) {
  return {
    id: p.id,
    subscriber_id: p.subscriberId,
    ...money('amount', p.amount),
    method: p.method,
    reference: p.reference,
    at: new Date(p.at).toISOString(),
    actor: p.actor,
    allocations: p.allocations.map((a) => ({ invoice: a.invoice, ...money('amount', a.amount) })),
    voided_at: p.voided ? new Date(p.voided.at).toISOString() : null,
    voided_by: p.voided?.by ?? null,
    void_reason: p.voided?.reason ?? null,
    reverses: p.reverses,
  };
}

/** A payment's answer: the payment, where it went, the credit left and what is still owed. */
export function paymentOutcomeJson(out: { payment: PaymentView; credit: number; owed: number }) {
  const payment = paymentJson(out.payment);
  return {
    payment,
    allocations: payment.allocations,
    ...money('credit', out.credit),
    ...money('owed', out.owed),
  };
}

/** A subscriber's payments, oldest first, with its credit and what it owes (GET …/subscribers/:id/payments). */
export function paymentsJson(list: { payments: PaymentView[]; credit: number; owed: number }) {
  return {
    payments: list.payments.map(paymentJson),
    ...money('credit', list.credit),
    ...money('owed', list.owed),
  };
}

/** A payment's void: the payment (voided now), its reversal entry, the credit left and what is owed again. */
export function paymentVoidJson(out: {
  payment: PaymentView;
  reversal: PaymentView;
  credit: number;
  owed: number;
}) {
  return {
    payment: paymentJson(out.payment),
    reversal: paymentJson(out.reversal),
    ...money('credit', out.credit),
    ...money('owed', out.owed),
  };
}
