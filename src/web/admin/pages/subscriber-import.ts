/**
 * The owner's import of customers from a CSV: choose the file (read in the browser into the form; pasting the
 * text works without JavaScript), see the dry run (rows that would be added, rows that exist, each problem with
 * its row and column), then Import. The subscriber service does the checking and the writing, as for the API and
 * `pisonet subscribers import`.
 */
import { Router, type Request, type Response } from 'express';
import { IMPORT_COLUMNS, IMPORT_REQUIRED } from '../../../services/subscriptions/subscribers/import';
import type { ImportReport } from '../../../services/subscriptions/subscribers/types';
import type { WebContext } from '../../context';
import { actorOf, field, formFailure, page } from './common';

type View = { csv?: string; site?: string; report?: ImportReport | null; formError?: string | null };

export function subscriberImportRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/subscribers/import', (_req, res) => renderImport(ctx, res, {}));
  router.post('/subscribers/import', (req, res) => runImport(ctx, req, res));
  return router;
}

async function renderImport(ctx: WebContext, res: Response, v: View, status = 200): Promise<void> {
  const sites = await ctx.services.sites.list();
  const report = v.report ?? null;
  page(
    res,
    'subscribers/import',
    'subscribers',
    'Import customers',
    {
      columns: IMPORT_COLUMNS,
      required: IMPORT_REQUIRED,
      sites: sites.map((x) => ({ value: x.name, label: x.name })),
      values: { csv: v.csv ?? '', site: v.site ?? '' },
      report,
      okRows: report ? report.rows.filter((r) => r.outcome === 'ok').length : 0,
      formError: v.formError ?? null,
      scripts: ['/public/js/admin-subscriber-import.js'],
    },
    status,
  );
}

/** `step=check`: the dry run; `step=import`: the import itself (every row checked again first). */
async function runImport(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const body = req.body as Record<string, unknown> | undefined;
  const csv = typeof body?.csv === 'string' ? body.csv : '';
  const site = field(body, 'site');
  const dryRun = field(body, 'step') !== 'import';
  try {
    const report = await ctx.services.subscribers.importCsv(
      csv,
      { dryRun, site: site || undefined },
      actorOf(req),
    );
    await renderImport(ctx, res, { csv, site, report }, report.problems.length ? 400 : 200);
  } catch (err) {
    const f = formFailure(err);
    await renderImport(ctx, res, { csv, site, formError: f.message }, f.status);
  }
}
