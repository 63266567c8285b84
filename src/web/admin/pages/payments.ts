/**
 * Payments (admin): every online payment, newest first (time, amount, method, state, voucher, what went wrong),
 * and the PayMongo settings. The payments service owns the bounds (src/services/payments); this page passes
 * what was typed. A secret field left empty keeps the saved secret; its "remove" box resets it to .env's.
 */
import { Router, type Response } from 'express';
import type { WebContext } from '../../context';
import { paymentWalledGardenHosts } from '../../../payments/walled-garden';
import { REPORTS_SHOWN } from '../../../services/payments/checkout-reach';
import { actorOf, field, flash, formFailure, type FieldErrors } from './common';

export function paymentRoutes(ctx: WebContext): Router {
  const router = Router();
  const { payments } = ctx.services;

  async function render(
    res: Response,
    extra: { values?: Record<string, string>; errors?: FieldErrors; formError?: string } = {},
    status = 200,
  ) {
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

  router.get('/payments', async (_req, res) => render(res));

  router.post('/payments/settings', async (req, res) => {
    const b = req.body as Record<string, unknown>;
    const input: Record<string, string> = { api_url: field(b, 'api_url'), methods: field(b, 'methods') };
    // A secret box left empty keeps what is saved; "remove" resets it to .env's value.
    for (const f of ['secret_key', 'webhook_secret']) {
      if (field(b, `${f}_remove`) === '1') input[f] = '';
      else if (field(b, f) !== '') input[f] = field(b, f);
    }
    try {
      const changed = await payments.updateSettings(input, actorOf(req));
      flash(
        req,
        'ok',
        changed.length ? `Saved: ${changed.join(', ').replace(/_/g, ' ')}.` : 'Nothing changed.',
      );
      res.redirect(303, '/admin/payments');
    } catch (err) {
      const f = formFailure(err);
      await render(
        res,
        {
          values: { api_url: input.api_url, methods: input.methods },
          errors: f.fields,
          formError: f.message,
        },
        f.status,
      );
    }
  });
  return router;
}
