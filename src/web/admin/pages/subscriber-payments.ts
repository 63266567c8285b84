/**
 * A subscriber's billing on its page: its invoices, its payments (with the invoices each paid), its credit and
 * what it owes, the counter's "Record payment" form (owner and cashier: src/domain/roles.ts) and each standing
 * payment's Void (the owner's: subscriber-payment-void.ts). The form posts
 * through the invoice service, as the API does: the same bounds, the same audit. Each form carries its own
 * random Idempotency-Key, so a double tap records once; an amount above what is owed comes back as a question
 * ("record the rest as credit?"), and so does a reference already on one of its payments; the question's button
 * sends the same key with `confirm`.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { formatMoney } from '../../../domain/units';
import {
  IdempotencyKeyReusedError,
  PAYMENT_METHODS,
  AboveOwedError,
  SameReferenceError,
} from '../../../services/subscriptions/billing/payments';
import type { SubscriberView } from '../../../services/subscriptions/subscribers/types';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, type FieldErrors } from './common';
import { paymentReceiptPath } from './payment-receipt';
import type { VoidForm } from './subscriber-payment-void';

/** The question a payment not confirmed asks (above what is owed, or its reference seen); null: another error. */
function confirmQuestion(err: unknown): PayForm['confirm'] {
  if (err instanceof SameReferenceError) return { amount: err.amount, question: err.question };
  if (!(err instanceof AboveOwedError)) return null;
  const credit = formatMoney(err.amount - err.owed);
  return {
    amount: err.amount,
    question: `${formatMoney(err.amount)} is more than the ${formatMoney(err.owed)} owed; record ${credit} as credit?`,
  };
}

/** What the payment form shows again after a refusal or a question. */
export interface PayForm {
  values: Record<string, string>;
  errors: FieldErrors;
  formError: string | null;
  /** Above what is owed, or a reference recorded already: the question, and the amount its button records. */
  confirm: { amount: number; question: string } | null;
}

const freshPayForm = (): PayForm => ({
  values: { amount: '', method: 'cash', reference: '', key: randomUUID() },
  errors: {},
  formError: null,
  confirm: null,
});

/** The billing forms' state after a refusal or a question: the payment form's, a payment's void form's. */
export interface BillingForms {
  pay?: PayForm;
  void?: VoidForm;
}

/**
 * The locals of the subscriber page's billing part. `receipt` (the page's `?receipt=`, where a recorded payment
 * leads): that payment's receipt is offered at the top, to print for the customer at once.
 */
export async function billingLocals(
  ctx: WebContext,
  s: SubscriberView,
  forms: BillingForms,
  receipt?: unknown,
) {
  const { invoices } = ctx.services;
  const [list, paid] = await Promise.all([invoices.list({ subscriberId: s.id }), invoices.payments(s.id)]);
  const just = typeof receipt === 'string' ? paid.payments.find((p) => String(p.id) === receipt) : undefined;
  return {
    invoices: [...list].reverse(),
    payments: [...paid.payments].reverse(),
    balance: { credit: paid.credit, owed: paid.owed },
    methods: PAYMENT_METHODS,
    payForm: forms.pay ?? freshPayForm(),
    voidForm: forms.void ?? null,
    receiptOf: (paymentId: number) => paymentReceiptPath(s.id, paymentId),
    justPaid: just ? { id: just.id, amount: just.amount, href: paymentReceiptPath(s.id, just.id) } : null,
  };
}

function said(out: {
  payment: { amount: number; allocations: Array<{ invoice: string; amount: number }> };
  credit: number;
  owed: number;
}): string {
  const to = out.payment.allocations.map((a) => `${a.invoice} ${formatMoney(a.amount)}`);
  return [
    `${formatMoney(out.payment.amount)} recorded`,
    to.length ? `paid into ${to.join(', ')}` : 'nothing was owed',
    `credit ${formatMoney(out.credit)}`,
    `still owed ${formatMoney(out.owed)}.`,
  ].join('; ');
}

/** A form sent again (the browser's Back) with another amount: what its first sending recorded, and what now. */
function sentBefore(err: IdempotencyKeyReusedError): string {
  const first = err.first ? `${formatMoney(err.first.amount)} ${err.first.method}` : 'another payment';
  return `This form was already sent for ${first}; this payment was not recorded. Check the payments below; sending the form again records it as a new payment.`;
}

/** POST /subscribers/:id/payments; `render` shows the subscriber page again with the form's state. */
export function subscriberPaymentRoute(
  ctx: WebContext,
  router: Router,
  render: (
    req: Request,
    res: Response,
    s: SubscriberView,
    forms: BillingForms,
    status: number,
  ) => Promise<void>,
): void {
  const { subscribers, invoices } = ctx.services;
  router.post('/subscribers/:id/payments', async (req, res) => {
    const s = await subscribers.get(String(req.params.id));
    const values = {
      amount: field(req.body, 'amount'),
      method: field(req.body, 'method'),
      reference: field(req.body, 'reference'),
      key: field(req.body, 'key'),
    };
    try {
      const out = await invoices.pay(
        s.id,
        {
          amount: values.amount,
          method: values.method,
          reference: values.reference,
          confirm: field(req.body, 'confirm') === 'true',
        },
        { idempotencyKey: values.key, actor: actorOf(req) },
      );
      flash(
        req,
        'ok',
        out.recorded
          ? said(out)
          : `This payment was recorded already (the form was sent twice): ${said(out)} Nothing new was recorded.`,
      );
      // The page offers the receipt to print at once (billingLocals' `receipt`).
      res.redirect(303, `/admin/subscribers/${s.id}?receipt=${out.payment.id}#pay`);
    } catch (err) {
      const question = confirmQuestion(err);
      if (question)
        return render(req, res, s, { pay: { values, errors: {}, formError: null, confirm: question } }, 409);
      const f = formFailure(err, (k) => (k === 'Idempotency-Key' ? 'amount' : k));
      // A refused form gets a new key: the next try is a new payment.
      const form: PayForm = {
        values: { ...values, key: randomUUID() },
        errors: err instanceof IdempotencyKeyReusedError ? {} : f.fields,
        formError:
          err instanceof IdempotencyKeyReusedError ? sentBefore(err) : 'The payment was not recorded.',
        confirm: null,
      };
      await render(req, res, s, { pay: form }, f.status);
    }
  });
}
