import { Router } from 'express';
import type { WebContext } from '../../context';
import { page, pager, query } from './common';
import { auditDetailText } from './audit-details';

const PER_PAGE = 50;

/** The audit log: every admin change, newest first, paginated, filterable by action. */
export function auditRoutes(ctx: WebContext): Router {
  const router = Router();
  const { audit } = ctx.services;

  router.get('/audit', async (req, res) => {
    const action = query(req, 'action').slice(0, 64) || undefined;
    const { total } = await audit.list({ action, limit: 1 });
    const p = pager(req, total, PER_PAGE);
    const { entries } = await audit.list({ action, limit: PER_PAGE, offset: p.offset });
    page(res, 'audit', 'audit', 'Audit log', {
      entries: entries.map((e) => ({ ...e, detailText: auditDetailText(e.action, e.details) })),
      pager: p,
      action: action ?? '',
    });
  });

  return router;
}
