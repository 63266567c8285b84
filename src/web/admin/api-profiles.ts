/**
 * Admin JSON API for profiles (mounted with the vouchers', src/web/admin/api-vouchers.ts): list, create, import a
 * profiles.json list, archive and restore, update.
 */
import type { Request, Response, Router } from 'express';
import { profileJson } from '../../services/shop/profiles/json';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import { actorOf } from './api-common';

export function profileApiRoutes(ctx: WebContext, r: Router): void {
  const { profiles } = ctx.services;
  r.get('/profiles', async (req, res) => {
    // `?site=`: what that site sells (shared profiles and its own).
    const siteId = await apiSiteId(ctx, req);
    const list = await profiles.list({ includeArchived: req.query.archived === 'true', siteId });
    res.json({ success: true, profiles: list.map(profileJson) });
  });
  r.post('/profiles', (req, res) => createProfiles(ctx, req, res));
  r.post('/profiles/import', (req, res) => importProfiles(ctx, req, res));
  for (const [action, archived] of Object.entries({ archive: true, restore: false }))
    r.post(`/profiles/:name/${action}`, async (req, res) => {
      const p = await profiles.setArchived(req.params.name, archived, actorOf(req));
      res.json({ success: true, profile: profileJson(p) });
    });
  r.put('/profiles/:name', async (req, res) => {
    const p = await profiles.update(req.params.name, req.body, actorOf(req));
    res.json({ success: true, profile: profileJson(p) });
  });
}

async function createProfiles(ctx: WebContext, req: Request, res: Response) {
  const { profiles } = ctx.services;
  if (Array.isArray(req.body)) {
    // A whole profiles.json list, as the original PisoNet's file holds it: imported in one step.
    const result = await profiles.importProfiles(req.body, {}, actorOf(req));
    res.status(result.applied ? 201 : 200).json({ success: true, ...result });
    return;
  }
  res
    .status(201)
    .json({ success: true, profile: profileJson(await profiles.create(req.body, actorOf(req))) });
}

async function importProfiles(ctx: WebContext, req: Request, res: Response) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const list = Array.isArray(body) ? body : body.profiles;
  const dryRun = !Array.isArray(body) && (body.dry_run === true || body.dry_run === 'true');
  // `site`: every profile in the list is for that site only; absent: new ones shared, others keep theirs.
  const site = Array.isArray(body) ? undefined : body.site;
  const result = await ctx.services.profiles.importProfiles(list, { dryRun, site }, actorOf(req));
  res.json({ success: true, dry_run: dryRun, ...result });
}
