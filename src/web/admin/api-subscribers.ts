/**
 * Admin JSON API for subscribers on monthly plans (auth and CSRF as for every /admin/api route; who may call
 * what: src/domain/roles.ts). Thin: the subscriber service checks, stores, audits and tells the router work.
 * The password is in the owner's replies only.
 */
import { Router, type Request } from 'express';
import { importJson, importProblemsJson } from '../../services/subscriptions/subscribers/import-json';
import { subscriberJson } from '../../services/subscriptions/subscribers/json';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import type { WebContext } from '../context';
import { AppError } from '../../domain/errors';
import { parseRecordId } from './record-scope';
import { subscriberNotFound } from '../../services/subscriptions/subscribers/store';
import { actorOf, bodyOf as body } from './api-common';

const json = (req: Request, s: SubscriberView) =>
  subscriberJson(s, { withPassword: req.actor?.account === undefined });
const idOf = (req: Request) => parseRecordId(req.params.id, subscriberNotFound);

/** A yes/no in the query (`1`, `true`, `0`, `false`, absent: no); anything else: 400 naming it. */
function queryFlag(q: Record<string, unknown>, name: string, yes: string): boolean {
  const v = String(q[name] ?? '');
  if (!['', '0', '1', 'true', 'false'].includes(v))
    throw new AppError('INVALID_INPUT', `${name}: use 1 (${yes}) or 0`, 400, name);
  return v === '1' || v === 'true';
}

export function subscriberApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { subscribers } = ctx.services;

  r.get('/subscribers', async (req, res) => {
    const status = (req.query as Record<string, unknown>).status;
    const list = await subscribers.list({ status: status === '' ? undefined : status });
    res.json({ success: true, subscribers: list.map((s) => json(req, s)) });
  });
  r.post('/subscribers', async (req, res) => {
    // `confirm`: an opening balance that looks like a typo was asked about and meant (not a subscriber's field).
    const body = req.body as unknown;
    const asked = typeof body === 'object' && body !== null && !Array.isArray(body);
    const { confirm, ...input } = (asked ? body : {}) as Record<string, unknown>;
    const s = await subscribers.create(asked ? input : body, actorOf(req), { confirmed: confirm === true });
    res.status(201).json({ success: true, subscriber: json(req, s) });
  });
  // Customers from a CSV (text/csv): every row checked first; ?dry_run=1 writes nothing; ?site= names the site;
  // ?confirm=1: the opening balances that look like a typo (the dry run's `question`s) are meant.
  r.post('/subscribers/import', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    if (!req.is('text/csv'))
      throw new AppError(
        'UNSUPPORTED_BODY',
        'Send the CSV as the body with Content-Type: text/csv',
        415,
        'csv',
      );
    const report = await subscribers.importCsv(
      req.body,
      {
        dryRun: queryFlag(q, 'dry_run', 'check only'),
        site: q.site,
        confirmed: queryFlag(q, 'confirm', 'the flagged opening balances are meant'),
      },
      actorOf(req),
    );
    if (report.problems.length) return void res.status(400).json(importProblemsJson(report.problems));
    res.status(report.dryRun || !report.created ? 200 : 201).json({
      success: true,
      ...importJson(report, { withPassword: req.actor?.account === undefined }),
    });
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
