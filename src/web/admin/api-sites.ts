/**
 * Admin JSON API for sites (auth and CSRF as for every /admin/api route). A router's password is accepted, never
 * answered: replies say `password_set`. Times ISO-8601. Money as in the voucher API: pesos and `_centavos`.
 */
import { Router, type Request } from 'express';
import { SiteHasVouchersError, ValidationError } from '../../domain/errors';
import { errorJson } from '../../lib/error-reply';
import { siteJson } from '../../services/business/sites/json';
import { addressesJson } from '../../services/subscriptions/subscribers/json';
import type { WebContext } from '../context';
import { actorOf, bodyOf as body } from './api-common';

/** `?force=true` or a JSON body `{"force": true}`; anything else but absent/false is refused (400). */
function forceOf(req: Request): boolean {
  const q = req.query.force;
  const b = (req.body as { force?: unknown } | undefined)?.force;
  const read = (v: unknown, where: string): boolean => {
    if (v === undefined || v === false || v === 'false' || v === '0' || v === '') return false;
    if (v === true || v === 'true' || v === '1') return true;
    throw new ValidationError('force', 'not true or false', `force: use true or false (${where})`);
  };
  return read(q, 'query') || read(b, 'body');
}

export function siteApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { sites } = ctx.services;

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
  // The fixed addresses its subscribers hold, and what is left of its static pool.
  r.get('/sites/:id/addresses', async (req, res) => {
    const site = await sites.get(req.params.id);
    const a = await ctx.services.subscribers.addresses(site.id);
    res.json({ success: true, site: { id: site.id, name: site.name }, ...addressesJson(a) });
  });
  // Ends the site's safe mode: the router connected at its address now is its router (503 when not connected).
  r.post('/sites/:id/adopt', async (req, res) => {
    const out = await sites.adopt(req.params.id, actorOf(req));
    res.json({ success: true, site: out.site, identity: out.identity });
  });
  // Refused (409 SITE_HAS_VOUCHERS, with `open`) while the site has unused or active vouchers, unless forced.
  r.delete('/sites/:id', async (req, res) => {
    try {
      const out = await sites.remove(req.params.id, actorOf(req), { force: forceOf(req) });
      res.json({ success: true, site: { id: out.id, name: out.name }, ended: out.ended });
    } catch (err) {
      if (!(err instanceof SiteHasVouchersError)) throw err;
      res.status(err.status).json({ ...errorJson(err), open: err.open });
    }
  });
  return r;
}
