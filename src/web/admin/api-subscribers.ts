/**
 * Admin JSON API for subscribers on monthly plans (auth and CSRF as for every /admin/api route; who may call
 * what: src/domain/roles.ts). Thin: the subscriber service checks, stores, audits and tells the router work.
 * The password is in the owner's replies only.
 */
import { Router, type Request } from 'express';
import { subscriberJson } from '../../services/subscribers/json';
import type { SubscriberView } from '../../services/subscribers/types';
import type { Actor } from '../../services/types';
import type { WebContext } from '../context';
import { parseRecordId } from './record-scope';
import { subscriberNotFound } from '../../services/subscribers/store';

const actorOf = (req: Request): Actor => req.actor ?? { name: 'unknown', via: 'api' };
const json = (req: Request, s: SubscriberView) =>
  subscriberJson(s, { withPassword: req.actor?.account === undefined });
const idOf = (req: Request) => parseRecordId(req.params.id, subscriberNotFound);

export function subscriberApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { subscribers } = ctx.services;
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  r.get('/subscribers', async (req, res) => {
    const status = (req.query as Record<string, unknown>).status;
    const list = await subscribers.list({ status: status === '' ? undefined : status });
    res.json({ success: true, subscribers: list.map((s) => json(req, s)) });
  });
  r.post('/subscribers', async (req, res) => {
    const s = await subscribers.create(req.body, actorOf(req));
    res.status(201).json({ success: true, subscriber: json(req, s) });
  });
  r.get('/subscribers/:id', async (req, res) => {
    res.json({ success: true, subscriber: json(req, await subscribers.get(idOf(req))) });
  });
  r.put('/subscribers/:id', async (req, res) => {
    const s = await subscribers.update(idOf(req), req.body, actorOf(req));
    res.json({ success: true, subscriber: json(req, s) });
  });
  r.post('/subscribers/:id/suspend', async (req, res) => {
    const b = body(req);
    const s = await subscribers.suspend(idOf(req), b.reason, actorOf(req), b.until_paid);
    res.json({ success: true, subscriber: json(req, s) });
  });
  r.post('/subscribers/:id/resume', async (req, res) => {
    res.json({ success: true, subscriber: json(req, await subscribers.resume(idOf(req), actorOf(req))) });
  });
  // A scheduled subscriber's service starts now (installed early), billed from today.
  r.post('/subscribers/:id/activate', async (req, res) => {
    res.json({ success: true, subscriber: json(req, await subscribers.activate(idOf(req), actorOf(req))) });
  });
  // The subscriber's waits after wrong passwords on the portal's account page end now.
  r.post('/subscribers/:id/unlock', async (req, res) => {
    res.json({ success: true, cleared: await subscribers.unlockSignIn(idOf(req), actorOf(req)) });
  });
  // The service ends; the record and its history stay (status `ended`).
  r.delete('/subscribers/:id', async (req, res) => {
    res.json({ success: true, subscriber: json(req, await subscribers.end(idOf(req), actorOf(req))) });
  });
  return r;
}
