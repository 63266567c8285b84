/**
 * Router → Setup: what the product needs of the site's router (src/services/router-setup), each item with its
 * state, the RouterOS command that fixes it and a Fix button; "Fix all" applies every fixable item. The POSTs
 * carry the CSRF token; every change is audited by the service.
 */
import { Router } from 'express';
import { toAppError } from '../../../lib/error-reply';
import { REPORT_ONLY_ITEMS, type SetupReport } from '../../../services/router-setup';
import type { WebContext } from '../../context';
import { actorOf, field, flash, page } from './common';
import { routerHref, routerLocals, routerSite } from './router';

export function routerSetupRoutes(ctx: WebContext): Router {
  const router = Router();
  const setup = ctx.services.routerSetup;

  router.get('/router/setup', async (req, res) => {
    const { site, scope } = await routerSite(ctx, req);
    let report: SetupReport | null = null;
    let error: string | undefined;
    const client = setup.routerFor(site.id);
    if (!client || !client.status.connected)
      error = 'The router is not connected: its setup cannot be read now.';
    else
      try {
        report = await setup.service.check(client, await setup.wantsFor(site.id));
      } catch (err) {
        error = toAppError(err).message;
      }
    page(res, 'router/setup', 'router', 'Setup · Router', {
      ...routerLocals('setup', site, scope),
      report,
      error,
      action: routerHref('/admin/router/setup', scope),
      reportOnly: REPORT_ONLY_ITEMS,
    });
  });

  router.post('/router/setup', async (req, res) => {
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
      // The router banner (FastTrack) follows at once rather than at the next hourly check.
      if (site.id === 1) await ctx.services.routerChecks.check();
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
    } catch (err) {
      flash(req, 'error', toAppError(err).message);
    }
    res.redirect(303, back);
  });

  return router;
}
