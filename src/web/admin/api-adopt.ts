/**
 * Admin JSON API for adopting an API site's own PPP secrets as subscribers (the owner's only: src/domain/roles.ts).
 * Thin: src/services/subscriptions/subscribers/adopt.ts checks every entry, creates the subscribers and has the router brought
 * in line. Mounted before the subscribers' `/subscribers/:id` routes, which would take `adoptable` for an id.
 */
import { Router } from 'express';
import { adoptableJson, adoptResultJson } from '../../services/subscriptions/subscribers/adopt-json';
import type { WebContext } from '../context';
import { actorOf } from './api-common';

export function adoptApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { subscriberAdopt } = ctx.services;
  r.get('/subscribers/adoptable', async (req, res) => {
    const out = await subscriberAdopt.adoptable(req.query.site);
    res.json({ success: true, site: out.site, secrets: out.secrets.map(adoptableJson) });
  });
  r.post('/subscribers/adopt', async (req, res) => {
    const out = await subscriberAdopt.adopt(req.body ?? {}, actorOf(req));
    res.status(out.dryRun ? 200 : 201).json({ success: true, ...adoptResultJson(out) });
  });
  return r;
}
