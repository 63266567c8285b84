/**
 * Printable voucher sheets (A4 sheet of 24, or 58/80 mm thermal roll) with a QR code per card that opens the
 * hotspot's login page with the code (src/services/shop/vouchers/card-link.ts), and the CSV export. Mounted under
 * /admin after authentication.
 */
import { Router, type Request, type Response } from 'express';
import {
  parseCardDesign,
  parseSheetFrom,
  parseSheetInclude,
  parseSheetLayout,
  type SheetLayout,
} from '../../domain/cards';
import { AppError } from '../../domain/errors';
import { cardLinkTarget, type CardLinkTarget, type CardPlace } from '../../services/shop/vouchers/card-link';
import { buildSheet } from '../../services/shop/vouchers/sheet';
import { sheetPageLocals, type SheetChoice } from '../../services/shop/vouchers/sheet-page';
import { ownVouchersOf } from '../middleware/roles';
import { batchNotFound, parseRecordId, requireOwnBatch, requireOwnVoucher } from './record-scope';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import { parseFilter } from './api-vouchers';
import { ownAddress } from '../own-address';

/**
 * Where the cards of `place` point: through the login page of the router(s) they are used on (card-link.ts),
 * else the controller's own address (own-address.ts: never the request's Host header).
 */
export async function cardTarget(ctx: WebContext, req: Request, place: CardPlace): Promise<CardLinkTarget> {
  return cardLinkTarget(ctx, ownAddress(ctx, req), await ctx.cardRouters?.(place));
}

/** The paper asked for (`?format=`), or undefined: the card design's own paper. */
function paperAsked(req: Request): SheetLayout | undefined {
  return req.query.format === undefined ? undefined : parseSheetLayout(req.query.format);
}

export function sheetRouter(ctx: WebContext): Router {
  const r = Router();
  r.get('/vouchers/batches/:id/print', (req, res) => printBatch(ctx, req, res));
  // One voucher's card, e.g. on the thermal printer at the moment of sale.
  r.get('/vouchers/:code/print', (req, res) => printVoucher(ctx, req, res));
  r.get('/vouchers/export.csv', (req, res) => exportCsv(ctx, req, res));
  return r;
}

async function printBatch(ctx: WebContext, req: Request<{ id: string }>, res: Response) {
  const id = parseRecordId(req.params.id, batchNotFound);
  await requireOwnBatch(ctx.services.accounts, req, id);
  const chosenLayout = paperAsked(req);
  const sheet = await buildSheet(ctx.services, id, {
    include: parseSheetInclude(req.query.include),
    design: parseCardDesign(req.query.design),
    from: parseSheetFrom(req.query.from),
    wifiName: ctx.config.wifiName,
    target: await cardTarget(ctx, req, { batchId: id }),
  });
  const hrefFor = (c: SheetChoice) =>
    `/admin/vouchers/batches/${id}/print?${new URLSearchParams({ format: c.layout, include: c.include, design: c.design, ...(c.from > 1 ? { from: String(c.from) } : {}) }).toString()}`;
  res.render(
    'sheets/batch',
    sheetPageLocals(sheet, chosenLayout ?? sheet.template.paper, {
      hrefFor,
      backUrl: `/admin/vouchers/batches/${id}`,
      editUrl: `/admin/cards?batch=${id}`,
    }),
  );
}

async function printVoucher(ctx: WebContext, req: Request<{ code: string }>, res: Response) {
  const voucher = await ctx.services.vouchers.get(String(req.params.code));
  await requireOwnVoucher(ctx.services.accounts, req, voucher);
  if (voucher.status !== 'unused' && voucher.status !== 'active')
    throw new AppError(
      'VOUCHER_ENDED',
      `This voucher is ${voucher.status}; only unused or active vouchers print`,
      409,
    );
  if (voucher.batchId === null)
    throw new AppError('BATCH_NOT_FOUND', 'This voucher belongs to no batch any more', 404);
  const chosenLayout = paperAsked(req);
  const sheet = await buildSheet(ctx.services, voucher.batchId, {
    design: parseCardDesign(req.query.design),
    wifiName: ctx.config.wifiName,
    target: await cardTarget(ctx, req, { code: voucher.code }),
    only: voucher.code,
  });
  const page = `/admin/vouchers/${encodeURIComponent(voucher.code)}`;
  const hrefFor = (c: SheetChoice) =>
    `${page}/print?${new URLSearchParams({ format: c.layout, design: c.design }).toString()}`;
  res.render(
    'sheets/batch',
    sheetPageLocals(sheet, chosenLayout ?? sheet.template.paper, {
      hrefFor,
      backUrl: page,
      editUrl: `/admin/cards?batch=${voucher.batchId}`,
    }),
  );
}

async function exportCsv(ctx: WebContext, req: Request, res: Response) {
  const csv = await ctx.services.vouchers.csv({
    ...parseFilter(req.query as Record<string, unknown>),
    siteId: await apiSiteId(ctx, req),
    accountId: ownVouchersOf(req),
    limit: undefined,
    offset: undefined,
  });
  const name = req.query.batch ? `vouchers-batch-${Number(req.query.batch)}.csv` : 'vouchers.csv';
  res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}"`).send(csv);
}
