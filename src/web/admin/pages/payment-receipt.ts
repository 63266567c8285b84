import { Router } from 'express';
import { parseSheetLayout } from '../../../domain/cards';
import { paymentNotFound } from '../../../services/subscriptions/billing/payment-void';
import { localMobile, shopContact } from '../../../services/business/settings/shop-contact';
import type { WebContext } from '../../context';
import { parseRecordId } from '../record-scope';
import { paperLinks } from './charge-receipt';

/** The receipt's address: printable at once from the payment form's "recorded" note. */
export const paymentReceiptPath = (subscriberId: number, paymentId: number): string =>
  `/admin/subscribers/${subscriberId}/payments/${paymentId}/receipt`;

/**
 * A subscriber payment's receipt, the customer's to keep: the shop and its contact, when (shop time), who took
 * it, how much and how, the invoices it paid and the balance right after. On a 58 or 80 mm thermal roll (as long
 * as it needs) or A4 (`?format=`, as the shift slip takes it). Whoever may see the subscriber's payments may
 * see their receipts (src/domain/roles.ts).
 */
export function paymentReceiptRoutes(ctx: WebContext): Router {
  const router = Router();
  const { subscribers, invoices, shopSettings } = ctx.services;

  router.get('/subscribers/:id/payments/:paymentId/receipt', async (req, res) => {
    const s = await subscribers.get(String(req.params.id));
    const paymentId = parseRecordId(req.params.paymentId, paymentNotFound);
    const layout = parseSheetLayout(req.query.format ?? 'thermal58');
    const receipt = await invoices.receipt(s.id, paymentId);
    const self = paymentReceiptPath(s.id, paymentId);
    const width = layout === 'thermal58' ? '58mm' : '80mm';
    res.render('admin/subscribers/receipt', {
      ...receipt,
      contact: await shopContact(shopSettings),
      localMobile,
      layout,
      pageSize: layout === 'a4' ? 'A4' : `${width} auto`,
      papers: paperLinks(layout, (paper) => `${self}?format=${paper}`),
      backUrl: `/admin/subscribers/${s.id}#payments`,
    });
  });

  return router;
}
