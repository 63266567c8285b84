/**
 * Router → Reboot: a confirmation naming the router (its identity) and its site, a POST with the CSRF token, and
 * then the router's way back watched on the page (public/js/admin-router-reboot.js asks
 * /admin/api/router/presence). The service checks the router is still the one confirmed, that an admin logged in
 * asked, and audits it.
 */
import { Router } from 'express';
import { toAppError } from '../../../lib/error-reply';
import type { RouterPresence } from '../../../services/network/router-housekeeping';
import type { WebContext } from '../../context';
import { actorOf, field, flash, page, query } from './common';
import { routerHref, routerLocals, routerSite } from './router';

/** `sent`: when the reboot was sent (ms), from the redirect after it; null when absent or not a moment. */
function sentAt(text: string, now: number): number | null {
  const n = Number(text);
  return /^\d{1,15}$/.test(text) && n <= now + 60_000 && n > now - 86_400_000 ? n : null;
}

/**
 * Where a reboot sent at `sent` is: the router still up as before (`waiting`), away (`down`), or connected again
 * with an uptime that started after it was sent (`back`; a little slack for the router's and our clocks).
 */
export function rebootPhase(p: RouterPresence, sent: number, now: number): 'waiting' | 'down' | 'back' {
  if (!p.connected) return 'down';
  const since = Math.max(0, (now - sent) / 1000);
  return p.uptimeSeconds !== null && p.uptimeSeconds <= since + 5 ? 'back' : 'waiting';
}

export function routerRebootRoutes(ctx: WebContext): Router {
  const router = Router();
  const hk = ctx.services.housekeeping;

  router.get('/router/reboot', async (req, res) => {
    const { site, scope } = await routerSite(ctx, req);
    const presence = await hk.presence(site);
    const sent = sentAt(query(req, 'sent'), ctx.clock.now());
    page(res, 'router/reboot', 'router', 'Reboot · Router', {
      ...routerLocals('reboot', site, scope),
      presence,
      sent,
      phase: sent === null ? null : rebootPhase(presence, sent, ctx.clock.now()),
      action: routerHref('/admin/router/reboot', scope),
      watchUrl: routerHref('/admin/router/reboot', scope, sent ? { sent: String(sent) } : {}),
      // While it is watched, the router banner at the top follows the connection too.
      scripts: sent ? ['/public/js/router-banner.js', '/public/js/admin-router-reboot.js'] : [],
    });
  });

  router.post('/router/reboot', async (req, res) => {
    const { site, scope } = await routerSite(ctx, req);
    const identity = field(req.body, 'identity');
    try {
      await hk.reboot(site, actorOf(req), { identity });
      const now = ctx.clock.now();
      flash(
        req,
        'ok',
        `Reboot sent to router “${identity || '?'}”${scope.choices.length > 1 ? ` (site ${site.name})` : ''}. Its customers are logged out; they can log in again with the same codes when it is back, usually within a minute or two.`,
      );
      res.redirect(303, routerHref('/admin/router/reboot', scope, { sent: String(now) }));
    } catch (err) {
      flash(req, 'error', toAppError(err).message);
      res.redirect(303, routerHref('/admin/router/reboot', scope));
    }
  });

  return router;
}
