/**
 * The owner's page for adopting the router's own PPP secrets (/admin/subscribers/adopt): the site's secrets that
 * are not ours, chosen by checkbox, one plan, billing day and optional paid-until for all the chosen ones, each with
 * its customer's mobile; "Preview" shows the dry run (what changes on the router, which sessions end), "Adopt"
 * does it. Everything is the adopt service's (src/services/subscriptions/subscribers/adopt.ts), as the API and the terminal.
 */
import { Router, type Request, type Response } from 'express';
import { isMonthly } from '../../../services/shop/profiles/billing';
import type { AdoptResult } from '../../../services/subscriptions/subscribers/adopt';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, page } from './common';

/** What the form sent: the chosen names, the shared plan, day and date, each row's mobile and customer name. */
interface AdoptForm {
  site: string;
  chosen: string[];
  plan: string;
  billingDay: string;
  paidUntil: string;
  mobiles: Record<string, string>;
  names: Record<string, string>;
}

function readForm(req: Request): AdoptForm {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  const byName = (prefix: string) =>
    Object.fromEntries(
      Object.keys(b)
        .filter((k) => k.startsWith(prefix))
        .map((k) => [k.slice(prefix.length), field(b, k)]),
    );
  return {
    site: field(b, 'site') || String(req.query.site ?? ''),
    chosen: list(b.secret),
    plan: field(b, 'plan'),
    billingDay: field(b, 'billing_day'),
    paidUntil: field(b, 'paid_until'),
    mobiles: byName('mobile:'),
    names: byName('customer:'),
  };
}

/** The form as the service's request: one entry per chosen secret. */
function requestOf(f: AdoptForm, dryRun: boolean) {
  return {
    site: f.site || undefined,
    dry_run: dryRun,
    secrets: f.chosen.map((name) => {
      const e: Record<string, unknown> = {
        name,
        plan: f.plan,
        billing_day: f.billingDay,
        mobile: f.mobiles[name] ?? '',
      };
      if (f.names[name]) e.customer_name = f.names[name];
      if (f.paidUntil) e.paid_until = f.paidUntil;
      return e;
    }),
  };
}

/** The service's `secrets[i].field` problems: the shared fields' first one each, the rest by secret name. */
function splitErrors(form: AdoptForm, errors: Record<string, string>) {
  const shared: Record<string, string> = {};
  const rows: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^secrets\[(\d+)\]\.(.+)$/.exec(k);
    const name = m ? form.chosen[Number(m[1])] : undefined;
    if (m && ['plan', 'billing_day', 'paid_until'].includes(m[2])) shared[m[2]] ??= v;
    else if (name !== undefined) (rows[name] ??= []).push(m![2] === 'name' ? v : `${m![2]}: ${v}`);
    else shared[k] = v;
  }
  return { shared, rows };
}

async function render(
  ctx: WebContext,
  res: Response,
  form: AdoptForm,
  extra: { preview?: AdoptResult; errors?: Record<string, string>; formError?: string | null } = {},
  status = 200,
) {
  const [listed, plans, sites] = await Promise.all([
    ctx.services.subscriberAdopt.adoptable(form.site || undefined),
    ctx.services.profiles.list(),
    ctx.services.sites.names(),
  ]);
  page(
    res,
    'subscribers/adopt',
    'subscribers',
    'Adopt PPP secrets',
    {
      site: listed.site,
      sites,
      secrets: listed.secrets,
      plans: plans
        .filter((p) => isMonthly(p) && !p.archived && (!p.site || p.site.id === listed.site.id))
        .map((p) => ({ name: p.name, price: p.price })),
      form,
      preview: extra.preview ?? null,
      values: { plan: form.plan, billing_day: form.billingDay, paid_until: form.paidUntil },
      errors: splitErrors(form, extra.errors ?? {}).shared,
      rowErrors: splitErrors(form, extra.errors ?? {}).rows,
      formError: extra.formError ?? null,
    },
    status,
  );
}

async function submit(ctx: WebContext, req: Request, res: Response) {
  const form = readForm(req);
  const dryRun = field(req.body, 'action') !== 'adopt';
  if (!form.chosen.length)
    return render(ctx, res, form, { formError: 'Tick the secrets to adopt first.' }, 400);
  try {
    const out = await ctx.services.subscriberAdopt.adopt(requestOf(form, dryRun), actorOf(req));
    if (dryRun) return await render(ctx, res, form, { preview: out });
    const ended = out.secrets.filter((s) => s.session === 'ended').length;
    const off = out.secrets.filter((s) => s.suspended).length;
    const kept = off
      ? ` ${off} that the router had disabled start suspended (resume them when they pay).`
      : '';
    flash(
      req,
      'ok',
      `${out.secrets.length} secret(s) adopted as subscribers on ${form.plan}; ${ended} session(s) ended to take the plan's speeds.${kept}`,
    );
    res.redirect(303, '/admin/subscribers');
  } catch (err) {
    const f = formFailure(err);
    await render(ctx, res, form, { errors: f.fields, formError: f.message }, f.status);
  }
}

export function adoptRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/subscribers/adopt', (req, res) =>
    render(ctx, res, { ...readForm(req), site: String(req.query.site ?? '') }),
  );
  router.post('/subscribers/adopt', (req, res) => submit(ctx, req, res));
  return router;
}
