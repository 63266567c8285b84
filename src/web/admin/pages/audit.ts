import { Router } from 'express';
import type { WebContext } from '../../context';
import { page, pager, query } from './common';
import { auditActorText, auditDetailText } from './audit-details';

const PER_PAGE = 50;

/** The audit log: every admin change, newest first, paginated, filterable by action. */
export function auditRoutes(ctx: WebContext): Router {
  const router = Router();
  const { audit, accounts } = ctx.services;

  router.get('/audit', async (req, res) => {
    const action = query(req, 'action').slice(0, 64) || undefined;
    const { total } = await audit.list({ action, limit: 1 });
    const p = pager(req, total, PER_PAGE);
    const { entries } = await audit.list({ action, limit: PER_PAGE, offset: p.offset });
    // The logins named on this page as they are now (the owner's too), by name.
    const names = [...new Set(entries.map((e) => /^(.*) \((?:admin|api)\)$/.exec(e.actor)?.[1]))];
    const roles = new Map<string, string>();
    for (const name of names) {
      const a = name ? await accounts.find(name) : undefined;
      if (a) roles.set(a.username, a.role);
    }
    page(res, 'audit', 'audit', 'Audit log', {
      entries: entries.map((e) => ({
        ...e,
        actorText: auditActorText(e.actor, roles),
        detailText: auditDetailText(e.action, e.details),
      })),
      pager: p,
      action: action ?? '',
    });
  });

  return router;
}
