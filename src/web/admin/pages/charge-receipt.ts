import { Router } from 'express';
import { parseSheetLayout, type SheetLayout } from '../../../domain/cards';
import { AppError } from '../../../domain/errors';
import type { WebContext } from '../../context';
import { receiptPath } from '../../../services/shop/vouchers/json';
import { parseRecordId } from '../record-scope';

/** The printed page of each paper (a thermal roll's width and a receipt's length, or A4), in toolbar order. */
const PAPERS: { layout: SheetLayout; label: string; page: string }[] = [
  { layout: 'thermal58', label: '58 mm', page: '58mm 95mm' },
  { layout: 'thermal80', label: '80 mm', page: '80mm 95mm' },
  { layout: 'a4', label: 'A4', page: 'A4' },
];

/** A printed page's paper choices (its toolbar): each paper's address, the one in use marked. */
export const paperLinks = (layout: string, href: (layout: SheetLayout) => string) =>
  PAPERS.map((p) => ({ label: p.label, href: href(p.layout), current: p.layout === layout }));

/**
 * A charge's (or credit's) receipt: the owner's counter copy of a plan change, on a 58 or 80 mm thermal roll
 * (default) or A4 (`?format=`, as the voucher cards take it). A page of its own like the card sheets: the
 * printer gets the receipt and nothing of the admin around it.
 */
export function chargeReceiptRoutes(ctx: WebContext): Router {
  const router = Router();

  router.get('/vouchers/:code/charges/:id/receipt', async (req, res) => {
    const id = parseRecordId(
      req.params.id,
      () => new AppError('NOT_FOUND', 'No such charge on this voucher', 404),
    );
    const layout = parseSheetLayout(req.query.format ?? 'thermal58');
    const charge = await ctx.services.vouchers.charge(String(req.params.code), id);
    const self = receiptPath(charge.code, charge.id);
    res.render('admin/vouchers/receipt', {
      charge,
      layout,
      pageSize: PAPERS.find((p) => p.layout === layout)!.page,
      papers: paperLinks(layout, (paper) => `${self}?format=${paper}`),
      backUrl: `/admin/vouchers/${encodeURIComponent(charge.code)}`,
      // With more than one site, the receipt names the branch it was made for.
      showSite: charge.site !== null && (await ctx.services.sites.names()).length > 1,
    });
  });

  return router;
}
