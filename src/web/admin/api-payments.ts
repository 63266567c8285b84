/**
 * Admin JSON API for online payments (auth and CSRF as for every /admin/api route): the payments, newest first,
 * and the PayMongo settings. The secret key and the webhook secret are accepted, never answered: replies say
 * `secret_key_set` and `webhook_secret_set`. Amounts in pesos (and centavos), times ISO-8601.
 */
import { Router } from 'express';
import type { PaymentView } from '../../services/shop/payments';
import type { WebContext } from '../context';
import { actorOf, iso, money } from './api-common';

function paymentJson(p: PaymentView) {
  return {
    id: p.id,
    gateway: p.gateway,
    reference: p.reference,
    session_id: p.sessionId,
    state: p.state,
    profile: p.profile,
    mac: p.mac,
    ...money('amount', p.amount),
    method: p.method,
    livemode: p.livemode,
    voucher: p.voucherCode,
    voucher_used: p.voucherUsed,
    online: p.onlineAt !== null,
    problem: p.problem,
    login_error: p.loginError,
    created_at: iso(p.createdAt),
    credited_at: iso(p.creditedAt),
    online_at: iso(p.onlineAt),
    joined: p.joined,
    purpose: p.purpose,
    subscriber_id: p.subscriberId,
    subscriber: p.subscriberName,
  };
}

export function paymentsApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { payments } = ctx.services;
  const num = (v: unknown, dflt: number) => {
    const n = Number(typeof v === 'string' ? v : dflt);
    return Number.isInteger(n) && n >= 0 ? n : dflt;
  };
  r.get('/payments', async (req, res) => {
    const out = await payments.list({ limit: num(req.query.limit, 100), offset: num(req.query.offset, 0) });
    res.json({ success: true, total: out.total, payments: out.rows.map(paymentJson) });
  });
  r.get('/payments/settings', async (_req, res) => {
    res.json({ success: true, settings: await payments.settingsView() });
  });
  // Every given field is checked (400 naming each bad one); '' resets a field to .env's value.
  r.put('/payments/settings', async (req, res) => {
    const changed = await payments.updateSettings((req.body ?? {}) as Record<string, unknown>, actorOf(req));
    res.json({ success: true, changed, settings: await payments.settingsView() });
  });
  return r;
}
