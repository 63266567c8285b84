/**
 * What the Router pages' scripts poll (mounted at /admin/api behind requireAdmin + CSRF; GETs only, read-only):
 *  - `GET /router/traffic?interface=NAME`: one sample of the traffic through that interface (the live graph);
 *  - `GET /router/presence?sent=MS`: whether the router is connected and since when; with `sent` (when a reboot
 *    was sent), where the reboot is: `waiting`, `down` or `back`.
 * Both take `site=<id or name>` (src/web/admin/site-scope.ts; default: the site `default`).
 */
import { Router, type Request } from 'express';
import { AppError } from '../../domain/errors';
import { errorJson } from '../../lib/error-reply';
import { DEFAULT_SITE, type SiteRef } from '../../services/deps';
import type { WebContext } from '../context';
import { rebootPhase } from './pages/router-reboot';
import { apiSiteId } from './site-scope';

/** The site asked for (an unknown one is a 400), else `default`, with its name. */
async function siteOf(ctx: WebContext, req: Request): Promise<SiteRef> {
  const id = (await apiSiteId(ctx, req)) ?? DEFAULT_SITE.id;
  const names = await ctx.services.sites.names();
  return names.find((s) => s.id === id) ?? DEFAULT_SITE;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export function routerApiRouter(ctx: WebContext): Router {
  const r = Router();
  const hk = ctx.services.housekeeping;

  r.get('/router/traffic', async (req, res) => {
    const site = await siteOf(ctx, req);
    let read;
    try {
      read = await hk.traffic(site, text(req.query.interface));
    } catch (err) {
      // A router that is down or refuses is the graph's to show, every 2 s while it lasts: not an error to log.
      if (!(err instanceof AppError)) throw err;
      return res.status(err.status).json(errorJson(err));
    }
    const t = read.data;
    res.set('Cache-Control', 'no-store').json({
      success: true,
      site: { id: site.id, name: site.name },
      interface: t.name,
      rx_bps: t.rxBps,
      tx_bps: t.txBps,
      rx_pps: t.rxPps,
      tx_pps: t.txPps,
      read_at: new Date(read.readAt).toISOString(),
    });
  });

  r.get('/router/presence', async (req, res) => {
    const site = await siteOf(ctx, req);
    const p = await hk.presence(site);
    const sentText = text(req.query.sent);
    const sent = /^\d{1,15}$/.test(sentText) ? Number(sentText) : null;
    res.set('Cache-Control', 'no-store').json({
      success: true,
      site: { id: site.id, name: site.name },
      connected: p.connected,
      identity: p.identity,
      uptime_seconds: p.uptimeSeconds,
      error: p.error,
      ...(sent !== null ? { phase: rebootPhase(p, sent, ctx.clock.now()) } : {}),
    });
  });

  return r;
}
