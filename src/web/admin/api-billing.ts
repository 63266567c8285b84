/**
 * Admin JSON API for subscribers' billing figures and corrections (auth and CSRF as for every /admin/api route;
 * who may call what: src/domain/roles.ts): a subscriber's usage per cycle. Thin: the services read and write.
 */
import { Router } from 'express';
import { usageCycleJson } from '../../services/reports/billing';
import { subscriberNotFound } from '../../services/subscribers/store';
import type { WebContext } from '../context';
import { parseRecordId } from './record-scope';

export function billingApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { billingReports } = ctx.services;

  r.get('/subscribers/:id/usage', async (req, res) => {
    const cycles = await billingReports.usage(parseRecordId(req.params.id, subscriberNotFound));
    res.json({ success: true, cycles: cycles.map(usageCycleJson) });
  });
  return r;
}
