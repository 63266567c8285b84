/**
 * A subscriber's payment voided from its page (the owner's: src/domain/roles.ts), through the invoice service as
 * `POST /admin/api/subscribers/:id/payments/:paymentId/void` is: the same reason's bounds, a reversal entry, the
 * same audit. A refused reason shows under the field on the payment's row, what was typed kept; a payment
 * already voided (a second tap) or unknown comes back as a message at the top.
 */
import type { Request, Response, Router } from 'express';
import { formatMoney } from '../../../domain/units';
import { paymentNotFound } from '../../../services/subscriptions/billing/payment-void';
import type { PaymentView } from '../../../services/subscriptions/billing/payments';
import type { SubscriberView } from '../../../services/subscriptions/subscribers/types';
import type { WebContext } from '../../context';
import { parseRecordId } from '../record-scope';
import { actorOf, field, flash, formFailure, type FieldErrors } from './common';

/** The void form of one payment's row, shown again after a refused reason. */
export interface VoidForm {
  paymentId: number;
  values: { reason: string };
  errors: FieldErrors;
}

/** What the void did, in the words of the page's message. */
function voidSaid(out: { payment: PaymentView; reversal: PaymentView; owed: number }): string {
  const p = out.payment;
  const again = out.reversal.allocations.map((a) => `${a.invoice} ${formatMoney(-a.amount)}`);
  const back = -out.reversal.amount + out.reversal.allocations.reduce((n, a) => n + a.amount, 0);
  return [
    `Payment No. ${p.id} (${formatMoney(p.amount)} ${p.method}) voided by No. ${out.reversal.id}`,
    again.length ? `owed again ${again.join(', ')}` : 'no invoice is reopened',
    back > 0 ? `credit taken back ${formatMoney(back)}` : '',
    `still owed ${formatMoney(out.owed)}.`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** POST /subscribers/:id/payments/:paymentId/void; `render` shows the subscriber page again with the form. */
export function subscriberPaymentVoidRoute(
  ctx: WebContext,
  router: Router,
  render: (req: Request, res: Response, s: SubscriberView, form: VoidForm, status: number) => Promise<void>,
): void {
  const { subscribers, invoices } = ctx.services;
  router.post('/subscribers/:id/payments/:paymentId/void', async (req, res) => {
    const s = await subscribers.get(String(req.params.id));
    const paymentId = parseRecordId(req.params.paymentId, paymentNotFound);
    const reason = field(req.body, 'reason');
    try {
      const out = await invoices.voidPayment(s.id, paymentId, reason, actorOf(req));
      flash(req, 'ok', voidSaid(out));
      res.redirect(303, `/admin/subscribers/${s.id}#payments`);
    } catch (err) {
      const f = formFailure(err);
      if (f.fields.reason)
        return render(req, res, s, { paymentId, values: { reason }, errors: f.fields }, f.status);
      flash(req, 'error', `${f.message}; nothing was voided.`);
      res.redirect(303, `/admin/subscribers/${s.id}#payments`);
    }
  });
}
