/**
 * Admin JSON API for subscribers' invoices (auth and CSRF as for every /admin/api route; who may call what:
 * src/domain/roles.ts). Thin: the invoice service issues, numbers, voids and audits.
 */
import { Router, type Request } from 'express';
import { invoiceJson } from '../../services/invoices';
import { subscriberNotFound } from '../../services/subscribers/store';
import type { Actor } from '../../services/types';
import type { WebContext } from '../context';
import { parseRecordId } from './record-scope';

const actorOf = (req: Request): Actor => req.actor ?? { name: 'unknown', via: 'api' };

export function invoiceApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { invoices, subscribers } = ctx.services;

  r.get('/invoices', async (req, res) => {
    const status = (req.query as Record<string, unknown>).status;
    const list = await invoices.list({ status: status === '' ? undefined : status });
    res.json({ success: true, invoices: list.map(invoiceJson) });
  });
  r.get('/invoices/:number', async (req, res) => {
    res.json({ success: true, invoice: invoiceJson(await invoices.get(req.params.number)) });
  });
  r.post('/invoices/:number/void', async (req, res) => {
    const reason = ((req.body ?? {}) as Record<string, unknown>).reason;
    res.json({
      success: true,
      invoice: invoiceJson(await invoices.void(req.params.number, reason, actorOf(req))),
    });
  });
  r.get('/subscribers/:id/invoices', async (req, res) => {
    const s = await subscribers.get(parseRecordId(req.params.id, subscriberNotFound));
    res.json({ success: true, invoices: (await invoices.list({ subscriberId: s.id })).map(invoiceJson) });
  });
  // What the midnight run does, now: every invoice owed by today; a repeat issues nothing.
  r.post('/billing/run', async (_req, res) => {
    res.json({ success: true, ...(await invoices.run()) });
  });
  return r;
}
