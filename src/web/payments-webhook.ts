/**
 * `POST /api/payments/paymongo/webhook`: PayMongo's signed events. The signature covers the exact bytes, so this
 * router reads the raw body itself and comes before the JSON parser (like the vendo boards'). What an event
 * proves is decided by the payments service, which reads the session from PayMongo's API: never the body. The
 * service says what the delivery came to; the answer to the sender is chosen here.
 */
import express, { Router } from 'express';
import type { WebhookOutcome } from '../services/shop/payments';
import type { WebContext } from './context';

/**
 * The HTTP answer to a delivery. Every signed event is answered 200, acted on or not (`acted`: its session was
 * read), so the gateway keeps the webhook enabled; a refused one is 404 (payments off) or 401 (its signature).
 */
function webhookAnswer(out: WebhookOutcome): { status: number; body: Record<string, unknown> } {
  switch (out.kind) {
    case 'credited':
    case 'already-credited':
      return { status: 200, body: { success: true, acted: true, outcome: out.kind } };
    case 'ignored':
      if (out.reason === 'not-a-payment') return { status: 200, body: { success: true, acted: false } };
      if (out.reason === 'retry-later')
        return { status: 200, body: { success: true, acted: false, outcome: 'retry-later' } };
      return { status: 200, body: { success: true, acted: true, outcome: out.reason } };
    case 'refused':
      if (out.reason === 'payments-off')
        return { status: 404, body: { success: false, code: 'PAYMENTS_OFF' } };
      return {
        status: 401,
        body: { success: false, code: 'PAYMENT_SIGNATURE', error: `signature ${out.reason}` },
      };
  }
}

export function paymentsWebhookRouter(ctx: WebContext): Router {
  const r = Router();
  r.post(
    '/api/payments/paymongo/webhook',
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res, next) => {
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const out = webhookAnswer(await ctx.services.payments.webhook((name) => req.get(name), raw));
        res.status(out.status).json(out.body);
      } catch (err) {
        next(err);
      }
    },
  );
  return r;
}
