/**
 * What pages that refresh themselves poll (mounted at /admin/api behind requireAdmin + CSRF; GETs only):
 *  - `GET /router-status`: the router's state and the banners every admin page shows at its top;
 *  - `GET /dashboard`: the dashboard's tiles (online now, income today and this month, unused stock) and the
 *    router's state;
 *  - `GET /events?after=<id>`: the activity feed's newer events, newest first.
 * Both take `site=<id or name>` (src/web/admin/site-scope.ts): one site's figures and events.
 */
import { Router } from 'express';
import { ValidationError } from '../../domain/errors';
import type { WebContext } from '../context';
import { routerStateOf, type RouterLiveState } from '../router-state';
import { isoInstant } from '../../domain/units';
import { dashboardFigures, FEED_LIMIT, feedItems } from './live';
import { apiSiteId } from './site-scope';

function routerJson(s: RouterLiveState) {
  return {
    connected: s.connected,
    stale_since: s.staleSince,
    last_seen: s.lastSeen,
    not_metered: s.notMetered,
    banners: s.banners,
  };
}

/** `after`: a non-negative whole event id (0 or absent: the newest events). */
function afterId(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new ValidationError(
      'after',
      'not a whole number',
      'after: use the id of the newest event you have (a whole number)',
    );
  return n;
}

export function liveApiRouter(ctx: WebContext): Router {
  const r = Router();

  r.get('/router-status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ success: true, router: routerJson(routerStateOf(ctx)) });
  });

  r.get('/dashboard', async (req, res) => {
    const f = await dashboardFigures(ctx, await apiSiteId(ctx, req));
    res.set('Cache-Control', 'no-store').json({
      success: true,
      online: f.online,
      throttled: f.throttled,
      subscribers_online: f.subscribersOnline,
      today: f.today,
      month: f.month,
      stock: f.stock,
      identity: f.identity,
      router: routerJson(f.router),
      ...(f.routers ? { routers: f.routers } : {}),
      ...(f.site
        ? {
            site: {
              id: f.site.id,
              name: f.site.name,
              connected: f.site.connected,
              identity: f.site.identity,
              last_read_at: isoInstant(f.site.lastReadAt),
            },
          }
        : {}),
    });
  });

  r.get('/events', async (req, res) => {
    const after = afterId(req.query.after);
    const siteId = await apiSiteId(ctx, req);
    const events = await ctx.services.events.list({ after, limit: FEED_LIMIT, siteId });
    res.set('Cache-Control', 'no-store').json({
      success: true,
      events: feedItems(events, ctx.config.tz, ctx.clock.now()),
      last_id: events[0]?.id ?? after ?? 0,
    });
  });

  return r;
}
