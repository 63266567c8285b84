/**
 * Printable voucher sheets (A4 grid or 58 mm thermal roll) with a QR code per card that opens the portal
 * with the code filled in, and the CSV export. Mounted under /admin after authentication.
 */
import { Router, type Request } from 'express';
import { AppError } from '../../lib/errors';
import { buildSheet } from '../../services/vouchers/sheet';
import type { WebContext } from '../context';
import { parseFilter } from './api-vouchers';

/** PORTAL_URL when set (the address customers reach), else the origin this request came in on. */
function portalBase(ctx: WebContext, req: Request): string {
  if (ctx.config.portalUrl) return ctx.config.portalUrl;
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function sheetRouter(ctx: WebContext): Router {
  const r = Router();
  const { vouchers } = ctx.services;

  r.get('/vouchers/batches/:id/print', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id < 1)
      throw new AppError('BATCH_NOT_FOUND', `No batch #${req.params.id}`, 404);
    const format = req.query.format === 'thermal' ? 'thermal' : 'a4';
    const sheet = await buildSheet(ctx.services, id, portalBase(ctx, req));
    res.render('sheets/batch', { ...sheet, format });
  });

  r.get('/vouchers/export.csv', async (req, res) => {
    const csv = await vouchers.csv({
      ...parseFilter(req.query as Record<string, unknown>),
      limit: undefined,
      offset: undefined,
    });
    const name = req.query.batch ? `vouchers-batch-${Number(req.query.batch)}.csv` : 'vouchers.csv';
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${name}"`)
      .send(csv);
  });

  return r;
}
