/**
 * Router → Setup: what the product needs of the site's router (src/services/network/router-setup), each item with its
 * state, the RouterOS command that fixes it and a Fix button; "Fix all" applies every fixable item. The POSTs
 * carry the CSRF token; every change is audited by the service.
 */
import { Router, type Request, type Response } from 'express';
import { toAppError } from '../../../lib/error-reply';
import { REPORT_ONLY_ITEMS, type SetupApplyResult } from '../../../services/network/router-setup';
import type { WebContext } from '../../context';
import { actorOf, field, flash, page } from './common';
import { routerHref, routerLocals, routerSite } from './router';

export function routerSetupRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/router/setup', (req, res) => setupPage(ctx, req, res));
  router.post('/router/setup', (req, res) => fixSetup(ctx, req, res));
  return router;
}

/** The site's router checked against what the product needs; an error instead when it cannot be read. */
async function setupReport(ctx: WebContext, siteId: number) {
  const setup = ctx.services.routerSetup;
  const client = setup.routerFor(siteId);
  if (!client || !client.status.connected)
    return { report: null, error: 'The router is not connected: its setup cannot be read now.' };
  try {
    return { report: await setup.service.check(client, await setup.wantsFor(siteId)), error: undefined };
  } catch (err) {
    return { report: null, error: toAppError(err).message };
  }
}

async function setupPage(ctx: WebContext, req: Request, res: Response) {
  const { site, scope } = await routerSite(ctx, req);
  const { report, error } = await setupReport(ctx, site.id);
  page(res, 'router/setup', 'router', 'Setup · Router', {
    ...routerLocals('setup', site, scope),
    report,
    error,
    action: routerHref('/admin/router/setup', scope),
    reportOnly: REPORT_ONLY_ITEMS,
  });
}

/** What a fix did, as the flash: the item the router refused, a missing hotspot, or how many changes. */
function fixOutcome(req: Request, result: SetupApplyResult): void {
  const done = result.changes.filter((c) => c.ok).length;
  const refused = result.changes.find((c) => !c.ok && c.item === result.failed);
  if (result.failed)
    flash(
      req,
      'error',
      `${result.failed} was not fixed${refused?.error ? `: the router said “${refused.error}”` : ''}. ${done} change${done === 1 ? '' : 's'} made before it (each in the audit log).`,
    );
  else if (result.items.some((i) => i.id === 'hotspot' && i.state !== 'ok'))
    flash(
      req,
      'error',
      'The router has no hotspot server: set it up first (/ip hotspot setup). Nothing was changed.',
    );
  else
    flash(
      req,
      'ok',
      done
        ? `${done} change${done === 1 ? '' : 's'} made on the router (each in the audit log).`
        : 'Nothing to change.',
    );
}

/** POST /router/setup: one item fixed (`item`), or every fixable one ("all"). */
async function fixSetup(ctx: WebContext, req: Request, res: Response) {
  const setup = ctx.services.routerSetup;
  const { site, scope } = await routerSite(ctx, req);
  const back = routerHref('/admin/router/setup', scope);
  const item = field(req.body, 'item');
  try {
    const client = setup.routerFor(site.id);
    if (!client || !client.status.connected)
      throw new Error('The router is not connected: nothing was changed.');
    const result = await setup.service.apply(client, await setup.wantsFor(site.id), {
      actor: actorOf(req),
      site: site.name,
      only: item && item !== 'all' ? [item] : undefined,
    });
    // The router banners (FastTrack, the setup) follow at once rather than at the next check.
    if (site.id === 1) await ctx.services.routerChecks.check();
    fixOutcome(req, result);
  } catch (err) {
    flash(req, 'error', toAppError(err).message);
  }
  res.redirect(303, back);
}
