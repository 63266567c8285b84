/**
 * Admin JSON API for coin vendos (auth and CSRF as for every /admin/api route). Amounts in pesos, validity as
 * duration text with seconds beside it, times ISO-8601. The secret is in the replies of create and
 * rotate-secret only.
 */
import { Router } from 'express';
import { collectionJson, ledgerJson, vendoJson } from '../../services/shop/vendos/json';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import { actorOf, bodyOf as body } from './api-common';
import { optionalInt } from './api-vouchers';

export function vendoApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { vendos } = ctx.services;

  r.get('/vendos', async (req, res) => {
    // `?site=`: the vendos selling there (shared ones and the site's own).
    const siteId = await apiSiteId(ctx, req);
    res.json({ success: true, vendos: (await vendos.list({ siteId })).map(vendoJson) });
  });
  r.post('/vendos', async (req, res) => {
    const out = await vendos.create(body(req), actorOf(req));
    res.status(201).json({ success: true, vendo: { ...vendoJson(out.vendo), secret: out.secret } });
  });
  r.get('/vendos/:id', async (req, res) => {
    res.json({ success: true, vendo: vendoJson(await vendos.get(req.params.id)) });
  });
  r.put('/vendos/:id', async (req, res) => {
    res.json({
      success: true,
      vendo: vendoJson(await vendos.update(req.params.id, body(req), actorOf(req))),
    });
  });
  // Only a vendo never used (VENDO_HAS_HISTORY, 409, otherwise: switch it off with PUT enabled=false).
  r.delete('/vendos/:id', async (req, res) => {
    res.json({ success: true, removed: vendoJson(await vendos.remove(req.params.id, actorOf(req))) });
  });
  r.post('/vendos/:id/rotate-secret', async (req, res) => {
    const out = await vendos.rotateSecret(req.params.id, actorOf(req));
    res.json({ success: true, vendo: { ...vendoJson(out.vendo), secret: out.secret } });
  });
  r.get('/vendos/:id/ledger', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const out = await vendos.ledger(req.params.id, {
      limit: optionalInt(q.limit, 'limit', 1, 1000) ?? 100,
      offset: optionalInt(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    });
    res.json({ success: true, total: out.total, coins: out.rows.map(ledgerJson) });
  });
  r.get('/vendos/:id/collections', async (req, res) => {
    res.json({ success: true, collections: (await vendos.collections(req.params.id)).map(collectionJson) });
  });
  r.post('/vendos/:id/collections', async (req, res) => {
    const b = body(req);
    const c = await vendos.collect(req.params.id, { counted: b.counted, note: b.note }, actorOf(req));
    res.status(201).json({ success: true, collection: collectionJson(c) });
  });
  return r;
}
