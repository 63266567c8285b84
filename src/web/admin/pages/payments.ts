/**
 * Payments (admin): every online payment, newest first (time, amount, method, state, voucher, what went wrong),
 * and the PayMongo settings. The payments service owns the bounds (src/services/shop/payments); this page passes
 * what was typed. A secret field left empty keeps the saved secret; its "remove" box resets it to .env's.
 */
import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import { paymentWalledGardenHosts } from '../../../payments/walled-garden';
import { REPORTS_SHOWN } from '../../../services/shop/payments/checkout-reach';
import { actorOf, field, flash, refusedForm, type FieldErrors } from './common';

export function paymentRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/payments', async (_req, res) => render(ctx, res));
  router.post('/payments/settings', (req, res) => saveSettings(ctx, req, res));
  return router;
}

type SettingsForm = { values?: Record<string, string>; errors?: FieldErrors; formError?: string };

async function render(ctx: WebContext, res: Response, extra: SettingsForm = {}, status = 200) {
  const { payments } = ctx.services;
  const list = await payments.list({ limit: 200 });
  const settings = await payments.settingsView();
  res.status(status).render('admin/payments', {
    nav: 'payments',
    title: 'Payments',
    list,
    settings,
    // What phones not logged in yet reported of reaching the checkout (src/web/portal/checkout-reach.ts).
    reach: {
      origin: await payments.checkoutOrigin(),
      reports: payments.reach.recent(),
      shown: REPORTS_SHOWN,
    },
    hosts: paymentWalledGardenHosts(),
    webhookPath: '/api/payments/paymongo/webhook',
    values: extra.values ?? {
      api_url: settings.overridden.includes('api_url') ? settings.api_url : '',
      methods: settings.overridden.includes('methods') ? settings.methods.join(',') : '',
    },
    errors: extra.errors ?? {},
    formError: extra.formError ?? '',
  });
}

/** POST /payments/settings. A secret box left empty keeps what is saved; "remove" resets it to .env's value. */
async function saveSettings(ctx: WebContext, req: Request, res: Response) {
  const b = req.body as Record<string, unknown>;
  const input: Record<string, string> = { api_url: field(b, 'api_url'), methods: field(b, 'methods') };
  for (const f of ['secret_key', 'webhook_secret']) {
    if (field(b, `${f}_remove`) === '1') input[f] = '';
    else if (field(b, f) !== '') input[f] = field(b, f);
  }
  try {
    const changed = await ctx.services.payments.updateSettings(input, actorOf(req));
    flash(
      req,
      'ok',
      changed.length ? `Saved: ${changed.join(', ').replace(/_/g, ' ')}.` : 'Nothing changed.',
    );
    res.redirect(303, '/admin/payments');
  } catch (err) {
    await render(ctx, res, ...refusedForm(err, { api_url: input.api_url, methods: input.methods }));
  }
}
