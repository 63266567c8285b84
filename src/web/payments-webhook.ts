/**
 * `POST /api/payments/paymongo/webhook`: PayMongo's signed events. The signature covers the exact bytes, so this
 * router reads the raw body itself and comes before the JSON parser (like the vendo boards'). What an event
 * proves is decided by the payments service, which reads the session from PayMongo's API: never the body.
 */
import express, { Router } from 'express';
import type { WebContext } from './context';

export function paymentsWebhookRouter(ctx: WebContext): Router {
  const r = Router();
  r.post(
    '/api/payments/paymongo/webhook',
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res, next) => {
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const out = await ctx.services.payments.webhook(req.get('paymongo-signature'), raw);
        res.status(out.status).json(out.body);
      } catch (err) {
        next(err);
      }
    },
  );
  return r;
}
