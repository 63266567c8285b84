/**
 * Admin JSON API for subscribers' invoices (auth and CSRF as for every /admin/api route; who may call what:
 * src/domain/roles.ts). Thin: the invoice service issues, numbers, voids and audits.
 */
import { Router, type Request, type Response } from 'express';
import { invoiceJson } from '../../services/subscriptions/billing/invoices';
import { runBilling } from '../../services/subscriptions/billing/schedule';
import { paymentJson, paymentsJson } from '../../services/subscriptions/billing/json';
import { AboveOwedError, type PaymentInput } from '../../services/subscriptions/billing/payments';
import { subscriberNotFound } from '../../services/subscriptions/subscribers/store';
import type { WebContext } from '../context';
import { parseRecordId } from './record-scope';
import { aboveOwed, actorOf, bodyOf, money } from './api-common';

export function invoiceApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { invoices, subscribers, suspensions } = ctx.services;

  r.get('/invoices', async (req, res) => {
    const status = (req.query as Record<string, unknown>).status;
    const list = await invoices.list({ status: status === '' ? undefined : status });
    res.json({ success: true, invoices: list.map(invoiceJson) });
  });
  r.get('/invoices/:number', async (req, res) => {
    res.json({ success: true, invoice: invoiceJson(await invoices.get(req.params.number)) });
  });
  r.post('/invoices/:number/void', async (req, res) => {
    const voided = await invoices.void(req.params.number, bodyOf(req).reason, actorOf(req));
    res.json({ success: true, invoice: invoiceJson(voided) });
  });
  r.get('/subscribers/:id/invoices', async (req, res) => {
    const s = await subscribers.get(parseRecordId(req.params.id, subscriberNotFound));
    res.json({ success: true, invoices: (await invoices.list({ subscriberId: s.id })).map(invoiceJson) });
  });
  r.get('/subscribers/:id/payments', async (req, res) => {
    const s = await subscribers.get(parseRecordId(req.params.id, subscriberNotFound));
    res.json({ success: true, ...paymentsJson(await invoices.payments(s.id)) });
  });
  r.post('/subscribers/:id/payments', (req, res) => recordPayment(ctx, req, res));
  // What the midnight run does, now: scheduled subscribers whose day has come started, every invoice owed by today, then suspensions for unpaid invoices and their
  // lifts; a repeat issues and changes nothing.
  r.post('/billing/run', async (_req, res) => {
    const { issued } = await runBilling({ subscribers, invoices, suspensions, log: ctx.log });
    res.json({ success: true, issued });
  });
  return r;
}

/** A payment at the counter (an Idempotency-Key makes a repeat credit nothing); above what is owed: 409. */
async function recordPayment(ctx: WebContext, req: Request<{ id: string }>, res: Response) {
  const { invoices, subscribers } = ctx.services;
  const s = await subscribers.get(parseRecordId(req.params.id, subscriberNotFound));
  const key = req.get('idempotency-key');
  try {
    const out = await invoices.pay(s.id, (req.body ?? {}) as PaymentInput, {
      idempotencyKey: key,
      actor: actorOf(req),
    });
    res.status(201).json({
      success: true,
      payment: paymentJson(out.payment),
      allocations: paymentJson(out.payment).allocations,
      ...money('credit', out.credit),
      ...money('owed', out.owed),
    });
  } catch (err) {
    if (!(err instanceof AboveOwedError)) throw err;
    aboveOwed(res, err);
  }
}
