/**
 * The owner's import of customers from a CSV: choose the file (read in the browser into the form; pasting the
 * text works without JavaScript), see the dry run (rows that would be added with their plan and opening balance,
 * rows that exist, each problem with its row and column, an opening balance that looks like a typo flagged), then
 * Import (a box to tick for the flagged ones). The subscriber service does the checking and the writing, as for
 * the API and `pisonet subscribers import`.
 */
import { Router, type Request, type Response } from 'express';
import { IMPORT_COLUMNS, IMPORT_REQUIRED } from '../../../services/subscriptions/subscribers/import';
import type { ImportReport } from '../../../services/subscriptions/subscribers/types';
import type { WebContext } from '../../context';
import { AppError } from '../../../domain/errors';
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
      asked: report ? report.rows.filter((r) => r.question !== undefined).length : 0,
      formError: v.formError ?? null,
      scripts: ['/public/js/admin-subscriber-import.js'],
    },
    status,
  );
}

const TYPO_ASKED =
  'Nothing was imported: the opening balances flagged below look like a typo. Check the file, or tick the box if they are right.';

/**
 * `step=check`: the dry run; `step=import`: the import itself (every row checked again first), `confirm` its box
 * for the opening balances flagged as a likely typo. Refused for those: the dry run again, the box beside Import.
 */
async function runImport(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const body = req.body as Record<string, unknown> | undefined;
  const csv = typeof body?.csv === 'string' ? body.csv : '';
  const site = field(body, 'site');
  const run = (dryRun: boolean) =>
    ctx.services.subscribers.importCsv(
      csv,
      { dryRun, site: site || undefined, confirmed: field(body, 'confirm') === 'true' },
      actorOf(req),
    );
  try {
    const report = await run(field(body, 'step') !== 'import');
    await renderImport(ctx, res, { csv, site, report }, report.problems.length ? 400 : 200);
  } catch (err) {
    const f = formFailure(err);
    const asked = err instanceof AppError && err.code === 'CONFIRM_REQUIRED';
    const report = asked ? await run(true) : null;
    await renderImport(ctx, res, { csv, site, report, formError: asked ? TYPO_ASKED : f.message }, f.status);
  }
}
