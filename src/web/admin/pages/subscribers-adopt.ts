/**
 * The owner's page for adopting the router's own PPP secrets (/admin/subscribers/adopt): the site's secrets that
 * are not ours, chosen by checkbox (one that can never be adopted as it is: shown why, no box), one plan, billing
 * day and optional paid-until for all the chosen ones, each with its customer's name (the secret's comment to
 * start with), mobile and what they still owe; "Preview" shows the dry run (what changes on the router, which
 * sessions end), "Adopt" does it (an amount owed that looks like a typo: a box to tick that it is right).
 * Everything is the adopt service's (src/services/subscriptions/subscribers/adopt.ts), as the API and the terminal.
 */
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../../domain/errors';
import { nameFromComment } from '../../../domain/ppp-adopt';
import { MAX_NAME } from '../../../domain/subscriber-fields';
import { isMonthly } from '../../../services/shop/profiles/billing';
import type { AdoptableSecret, AdoptResult } from '../../../services/subscriptions/subscribers/adopt';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, page } from './common';

/**
 * What the form sent: the chosen names, the shared plan, day and date, each row's customer name, mobile and amount
 * owed (by secret name), and the box saying the amounts flagged as a likely typo are right.
 */
interface AdoptForm {
  site: string;
  chosen: string[];
  plan: string;
  billingDay: string;
  paidUntil: string;
  mobiles: Record<string, string>;
  names: Record<string, string>;
  owed: Record<string, string>;
  confirm: boolean;
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
    owed: byName('owes:'),
    confirm: field(b, 'confirm') === 'true',
  };
}

/** The form as the service's request: one entry per chosen secret. */
function requestOf(f: AdoptForm, dryRun: boolean) {
  return {
    site: f.site || undefined,
    dry_run: dryRun,
    confirm: f.confirm,
    secrets: f.chosen.map((name) => {
      const e: Record<string, unknown> = {
        name,
        plan: f.plan,
        billing_day: f.billingDay,
        mobile: f.mobiles[name] ?? '',
      };
      if (f.names[name]) e.customer_name = f.names[name];
      if (f.paidUntil) e.paid_until = f.paidUntil;
      if (f.owed[name]) e.opening_balance = f.owed[name];
      return e;
    }),
  };
}

/** A row's boxes, by the request's field each one sends. */
const ROW_BOXES = ['customer_name', 'mobile', 'opening_balance'];

/** The service's `secrets[i].field` problems: the shared fields' first one each, the rest by secret name. */
function splitErrors(form: AdoptForm, errors: Record<string, string>) {
  const shared: Record<string, string> = {};
  // One row's problems: each under the box it is about; the others (its name, its password…) the secret's own.
  const rows: Record<string, { boxes: Record<string, string>; secret: string[] }> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^secrets\[(\d+)\]\.(.+)$/.exec(k);
    const name = m ? form.chosen[Number(m[1])] : undefined;
    if (m && ['plan', 'billing_day', 'paid_until'].includes(m[2])) shared[m[2]] ??= v;
    else if (m && name !== undefined) {
      const row = (rows[name] ??= { boxes: {}, secret: [] });
      if (ROW_BOXES.includes(m[2])) row.boxes[m[2]] ??= v;
      else row.secret.push(m[2] === 'name' ? v : `${m[2]}: ${v}`);
    } else shared[k] = v;
  }
  return { shared, rows };
}

/** A listed secret with what its row's boxes hold: as sent, else its customer's name from its comment. */
function rowOf(form: AdoptForm, s: AdoptableSecret) {
  const has = (m: Record<string, string>) => Object.prototype.hasOwnProperty.call(m, s.name);
  return {
    ...s,
    customerName: has(form.names) ? form.names[s.name] : nameFromComment(s.comment),
    mobile: form.mobiles[s.name] ?? '',
    owes: form.owed[s.name] ?? '',
    // A secret that cannot be ticked: taken by a subscriber, or never adoptable as the router has it.
    closed: s.takenBy !== null || s.cannotAdopt !== null,
  };
}

async function render(
  ctx: WebContext,
  res: Response,
  form: AdoptForm,
  extra: {
    preview?: AdoptResult;
    errors?: Record<string, string>;
    formError?: string | null;
    /** Amounts owed that look like a typo were asked about: the box saying they are right is shown. */
    asked?: boolean;
  } = {},
  status = 200,
) {
  const split = splitErrors(form, extra.errors ?? {});
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
      secrets: listed.secrets.map((s) => rowOf(form, s)),
      maxName: MAX_NAME,
      plans: plans
        .filter((p) => isMonthly(p) && !p.archived && (!p.site || p.site.id === listed.site.id))
        .map((p) => ({ name: p.name, price: p.price })),
      form,
      preview: extra.preview ?? null,
      values: { plan: form.plan, billing_day: form.billingDay, paid_until: form.paidUntil },
      errors: split.shared,
      rowErrors: split.rows,
      formError: extra.formError ?? null,
      askOwed: extra.asked === true || form.confirm,
    },
    status,
  );
}

const TYPO_ASKED =
  'Nothing adopted: the amounts owed marked below look like a typo. Check them, or tick the box below if they are right.';

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
    const asked = err instanceof AppError && err.code === 'CONFIRM_REQUIRED';
    const formError = asked ? TYPO_ASKED : f.message;
    await render(ctx, res, form, { errors: f.fields, formError, asked }, f.status);
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
