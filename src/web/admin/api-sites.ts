/**
 * Admin JSON API for sites (auth and CSRF as for every /admin/api route). A router's password is accepted, never
 * answered: replies say `password_set`. Times ISO-8601.
 */
import { Router, type Request } from 'express';
import { isoInstant } from '../../domain/units';
import type { Actor } from '../../services/types';
import type { SiteView } from '../../services/sites/types';
import type { WebContext } from '../context';

const actorOf = (req: Request): Actor => req.actor ?? { name: 'unknown', via: 'api' };

export function siteJson(s: SiteView) {
  return {
    id: s.id,
    name: s.name,
    default: s.isDefault,
    host: s.host,
    port: s.port,
    user: s.user,
    tls: s.tls,
    password_set: s.passwordSet,
    hotspot_server: s.hotspotServer,
    hotspot_user_profile: s.hotspotUserProfile,
    tz: s.tz,
    connected: s.status.connected,
    identity: s.status.identity,
    online: s.status.online,
    last_poll_at: isoInstant(s.status.lastPollAt),
    error: s.status.error,
    live: s.status.live,
  };
}

export function siteApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { sites } = ctx.services;
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  r.get('/sites', async (_req, res) => {
    res.json({ success: true, sites: (await sites.list()).map(siteJson) });
  });
  r.post('/sites', async (req, res) => {
    const s = await sites.add(body(req), actorOf(req));
    res.status(201).json({ success: true, site: siteJson(s) });
  });
  r.get('/sites/:id', async (req, res) => {
    res.json({ success: true, site: siteJson(await sites.get(req.params.id)) });
  });
  r.put('/sites/:id', async (req, res) => {
    res.json({ success: true, site: siteJson(await sites.update(req.params.id, body(req), actorOf(req))) });
  });
  r.delete('/sites/:id', async (req, res) => {
    res.json({ success: true, site: await sites.remove(req.params.id, actorOf(req)) });
  });
  return r;
}
