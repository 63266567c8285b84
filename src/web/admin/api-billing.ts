/**
 * Admin JSON API for subscribers' billing figures and corrections (auth and CSRF as for every /admin/api route;
 * who may call what: src/domain/roles.ts): a subscriber's usage per cycle, a payment's void (the owner's). Thin: the services read and write.
 */
import { Router } from 'express';
import { paymentNotFound } from '../../services/subscriptions/billing/payment-void';
import { paymentVoidJson } from '../../services/subscriptions/billing/json';
import {
  countsJson,
  moneyInJson,
  owedByAgeJson,
  usageCycleJson,
} from '../../services/subscriptions/billing/reports';
import { localDate } from '../../domain/calendar';
import { subscriberNotFound } from '../../services/subscriptions/subscribers/store';
import type { WebContext } from '../context';
import { parseRecordId } from './record-scope';
import { actorOf, bodyOf } from './api-common';

export function billingApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { billingReports, billingSettings, invoices, subscribers } = ctx.services;

  r.get('/subscribers/:id/usage', async (req, res) => {
    const cycles = await billingReports.usage(parseRecordId(req.params.id, subscriberNotFound));
    res.json({ success: true, cycles: cycles.map(usageCycleJson) });
  });
  // Subscribers' billing: what is owed by age, money in by method and shop day (from, to: default this month).
  r.get('/reports/billing', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const today = localDate(ctx.clock.now(), ctx.config.tz);
    // The range first: a bad one answers 400 before any other query starts (none left running after the answer).
    const moneyIn = await billingReports.moneyIn({
      from: q.from ?? `${today.slice(0, 8)}01`,
      to: q.to ?? today,
    });
    const [owed, counts] = await Promise.all([billingReports.owedByAge(), billingReports.counts()]);
    res.json({
      success: true,
      owed_by_age: owedByAgeJson(owed),
      money_in: moneyInJson(moneyIn),
      subscribers: countsJson(counts),
    });
  });
  // A payment undone by a reversal entry (never an edit): what it paid is open again, its credit taken back.
  r.post('/subscribers/:id/payments/:paymentId/void', async (req, res) => {
    const s = await subscribers.get(parseRecordId(req.params.id, subscriberNotFound));
    const paymentId = parseRecordId(req.params.paymentId, paymentNotFound);
    const out = await invoices.voidPayment(s.id, paymentId, bodyOf(req).reason, actorOf(req));
    res.json({ success: true, ...paymentVoidJson(out) });
  });
  // Monthly billing's settings (the Settings page's "Monthly billing"): what applies, .env's, the owner's own.
  r.get('/billing/settings', async (_req, res) => {
    res.json({ success: true, settings: await billingSettings.view() });
  });
  // Every field is checked first: 400 INVALID_INPUT lists every bad one in `fields`, nothing saved; '' resets one.
  r.put('/billing/settings', async (req, res) => {
    const changed = await billingSettings.update(bodyOf(req), actorOf(req));
    res.json({ success: true, changed, settings: await billingSettings.view() });
  });
  return r;
}
