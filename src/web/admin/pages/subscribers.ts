/**
 * The owner's Subscribers pages: customers on monthly plans, listed (status, plan, this cycle's usage, what is
 * owed), one on its own page, added and changed by form, suspended with a reason, resumed, ended, and let sign in
 * on the portal again at once after wrong passwords held the account back. A cashier may list and look (never
 * the password); the changes are the owner's (src/domain/roles.ts). Every change goes through the subscriber
 * service, so the pages keep the same bounds as the API and the terminal.
 */
import { Router, type Request, type Response } from 'express';
import { CREATE_KEYS, UPDATE_KEYS } from '../../../domain/subscriber-fields';
import { SUBSCRIBER_STATUSES } from '../../../domain/subscriber-status';
import { formatMoney } from '../../../domain/quantities';
import { isMonthly } from '../../../services/shop/profiles/billing';
import type { SubscriberView } from '../../../services/subscriptions/subscribers/types';
import { BUDGETS } from '../../../services/business/login-delays';
import type { WebContext } from '../../context';
import { waitText } from '../login';
import { actorOf, field, flash, formFailure, page, statusFilter, type FieldErrors } from './common';
import { billingLocals, subscriberPaymentRoute, type BillingForms } from './subscriber-payments';
import { subscriberPaymentVoidRoute } from './subscriber-payment-void';
import { demoAsLink } from '../../portal/demo-as';
import { subscriberImportRoutes } from './subscriber-import';
import { auditActorName } from './audit-details';
import { localMobile } from '../../../services/business/settings/shop-contact';

/** Counted bytes of the cycle as a share of the cap, 0–100 (null: no cap). */
const usedPercent = (s: SubscriberView): number | null =>
  s.usage.capBytes ? Math.min(100, Math.round((s.usage.countedBytes / s.usage.capBytes) * 100)) : null;

/** The form's fields as the service takes them: an empty optional field is "not given". */
function formInput(body: unknown, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const password = (body as Record<string, unknown> | undefined)?.password;
  for (const k of keys) {
    const v = k !== 'password' ? field(body, k) : typeof password === 'string' ? password : '';
    // An emptied address or fixed address is cleared; any other empty field is left as it is (a password kept,
    // a default used).
    if (v !== '' || k === 'address' || k === 'static_ip') out[k] = v;
  }
  return out;
}

const idOf = (req: Request): string => String(req.params.id);
const isOwner = (req: Request) => (req.role ?? 'owner') === 'owner';

export function subscriberRoutes(ctx: WebContext): Router {
  const router = Router();
  const { subscribers } = ctx.services;
  const action = (name: StatusAction, done: string) =>
    router.post(`/subscribers/:id/${name}`, (req, res) => changeStatus(ctx, name, done, req, res));
  router.get('/subscribers', (req, res) => listSubscribers(ctx, req, res));
  // Before `/subscribers/:id`, which would match it.
  router.use(subscriberImportRoutes(ctx));
  router.get('/subscribers/new', (_req, res) => renderForm(ctx, res, null));
  router.post('/subscribers', (req, res) => addSubscriber(ctx, req, res));
  router.get('/subscribers/:id', async (req, res) =>
    renderDetail(ctx, req, res, await subscribers.get(idOf(req))),
  );
  subscriberPaymentRoute(ctx, router, (...a) => renderDetail(ctx, ...a));
  subscriberPaymentVoidRoute(ctx, router, (req, res, s, form, status) =>
    renderDetail(ctx, req, res, s, { void: form }, status),
  );
  // Demo only: the portal as this subscriber's CPE sees it, through a signed link a few minutes long (demo-as.ts).
  router.get('/subscribers/:id/open-as', async (req, res) => {
    const s = await subscribers.get(idOf(req));
    res.redirect(303, demoAsLink(ctx, s.id));
  });
  router.get('/subscribers/:id/edit', async (req, res) =>
    renderForm(ctx, res, await subscribers.get(idOf(req))),
  );
  router.post('/subscribers/:id', (req, res) => saveSubscriber(ctx, req, res));
  action('suspend', 'suspended: the reason is kept with it');
  action('resume', 'resumed');
  action('activate', 'activated: billed from today');
  action('end', 'ended: the record and its history stay');
  router.post('/subscribers/:id/unlock', (req, res) => unlockSignIn(ctx, req, res));
  return router;
}

type SubscriberForm = {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  formError?: string | null;
  /** An opening balance that looks like a typo was asked about: the form offers to confirm it. */
  askOpening?: boolean;
};

/** The stored subscriber as the form's fields (a new one: English, billed on the 1st). */
function formValues(s: SubscriberView | null): Record<string, unknown> {
  return s
    ? {
        name: s.name,
        mobile: s.mobile,
        profile: s.profile,
        billing_day: String(s.billingDayNext?.day ?? s.billingDay),
        language: s.language,
        address: s.address ?? '',
        static_ip: s.staticIp ?? '',
      }
    : { language: 'en', billing_day: '1' };
}

async function renderForm(
  ctx: WebContext,
  res: Response,
  s: SubscriberView | null,
  form: SubscriberForm = {},
  status = 200,
) {
  const [plans, siteList, quotes] = await Promise.all([
    ctx.services.profiles.list(),
    ctx.services.sites.list(),
    s && s.status !== 'ended' ? ctx.services.subscribers.planChangeQuotes(s.id) : [],
  ]);
  page(
    res,
    'subscribers/form',
    'subscribers',
    s ? `Edit ${s.accountNo}` : 'New subscriber',
    {
      s,
      ...form,
      plans: plans
        .filter((p) => isMonthly(p) && !p.archived)
        .map((p) => ({ name: p.name, price: p.price, site: p.site?.name ?? null })),
      sites: siteList.map((x) => ({ id: x.id, name: x.name })),
      values: form.values ?? formValues(s),
      askOpening: form.askOpening === true,
      planChangeNote: planChangeNote(quotes),
    },
    status,
  );
}

/** What a plan change today bills, said under the Plan field of the edit form (null: no other plan). */
function planChangeNote(quotes: Array<{ plan: string; net: number | null }>): string | null {
  if (!quotes.length) return null;
  if (quotes[0].net === null)
    return 'Its billing has not started: its first invoice bills the plan it is on then.';
  const said = quotes.map(({ plan, net }) =>
    net! > 0
      ? `to ${plan}, ${formatMoney(net!)} billed now (an invoice for the rest of this cycle)`
      : net! < 0
        ? `to ${plan}, ${formatMoney(-net!)} back as credit`
        : `to ${plan}, nothing to pay`,
  );
  return `Changed today: ${said.join('; ')}.`;
}

/** GET /subscribers: the list, narrowed by status and a search over account, name, username and mobile. */
async function listSubscribers(ctx: WebContext, req: Request, res: Response) {
  const { status, search: q, filterValues, filterErrors } = statusFilter(req, SUBSCRIBER_STATUSES);
  const all = await ctx.services.subscribers.list(status ? { status } : {});
  const list = q
    ? all.filter((s) => [s.accountNo, s.name, s.username, s.mobile].some((v) => v.toLowerCase().includes(q)))
    : all;
  page(res, 'subscribers/index', 'subscribers', 'Subscribers', {
    list,
    statuses: SUBSCRIBER_STATUSES,
    filterValues,
    filterErrors,
    owedNow: (s: SubscriberView) => s.owed,
    usedPercent,
    owner: isOwner(req),
  });
}

/** The form again with what was typed (never the password) and the service's problems. */
async function renderFormFailure(
  ctx: WebContext,
  res: Response,
  s: SubscriberView | null,
  input: Record<string, unknown>,
  err: unknown,
) {
  const f = formFailure(err);
  const { password: _password, ...values } = input;
  const askOpening = f.status === 409 && f.fields.opening_balance !== undefined;
  await renderForm(ctx, res, s, { values, errors: f.fields, formError: f.message, askOpening }, f.status);
}

async function addSubscriber(ctx: WebContext, req: Request, res: Response) {
  const input = formInput(req.body, CREATE_KEYS);
  try {
    const s = await ctx.services.subscribers.create(input, actorOf(req), {
      confirmed: field(req.body, 'confirm') === 'true',
    });
    flash(req, 'ok', `Subscriber ${s.accountNo} (${s.name}) added on ${s.profile}.`);
    res.redirect(303, `/admin/subscribers/${s.id}`);
  } catch (err) {
    await renderFormFailure(ctx, res, null, input, err);
  }
}

async function saveSubscriber(ctx: WebContext, req: Request, res: Response) {
  const before = await ctx.services.subscribers.get(idOf(req));
  const input = formInput(req.body, UPDATE_KEYS);
  try {
    const s = await ctx.services.subscribers.update(before.id, input, actorOf(req));
    flash(req, 'ok', `Subscriber ${s.accountNo} saved.`);
    res.redirect(303, `/admin/subscribers/${s.id}`);
  } catch (err) {
    await renderFormFailure(ctx, res, before, input, err);
  }
}

/** The portal sign-in's waits the owner may lift: shown once wrong passwords went past the free ones, or one waits. */
async function signInWait(ctx: WebContext, s: SubscriberView) {
  const w = s.status === 'ended' ? null : await ctx.services.subscribers.signInWait(s.id);
  if (!w || (w.failures <= BUDGETS.subscriber.free && w.waitSeconds === 0)) return null;
  return { failures: w.failures, text: w.waitSeconds > 0 ? waitText(w.waitSeconds) : '' };
}

/** Who suspended it and when: the audit log's latest entry for this account. */
async function lastSuspension(ctx: WebContext, s: SubscriberView) {
  const last =
    s.status === 'suspended'
      ? ((await ctx.services.audit.list({ action: 'subscriber.suspend', target: s.accountNo, limit: 1 }))
          .entries[0] ?? null)
      : null;
  return last ? { actor: auditActorName(last.actor), at: last.ts } : null;
}

async function renderDetail(
  ctx: WebContext,
  req: Request,
  res: Response,
  s: SubscriberView,
  forms: BillingForms = {},
  status = 200,
) {
  const owner = isOwner(req);
  page(
    res,
    'subscribers/detail',
    'subscribers',
    `${s.accountNo} · ${s.name}`,
    {
      s,
      password: owner ? s.password : null,
      owner,
      suspension: await lastSuspension(ctx, s),
      signInWait: owner ? await signInWait(ctx, s) : null,
      pastDue: s.status === 'active' ? await ctx.services.invoices.pastDue(s.id) : 0,
      contactMobile: localMobile((await ctx.services.shopSettings.view()).effective.contact_mobile),
      owed: s.owed,
      percent: usedPercent(s),
      cycles: await ctx.services.billingReports.usage(s.id),
      ...(await billingLocals(ctx, s, forms, req.query.receipt)),
    },
    status,
  );
}

type StatusAction = 'activate' | 'suspend' | 'resume' | 'end';

/** Suspend (with a reason), resume or end; the outcome or the problem as a flash on the subscriber's page. */
async function changeStatus(ctx: WebContext, name: StatusAction, done: string, req: Request, res: Response) {
  const { subscribers } = ctx.services;
  const ref = idOf(req);
  try {
    const s =
      name === 'suspend'
        ? await subscribers.suspend(
            ref,
            field(req.body, 'reason'),
            actorOf(req),
            field(req.body, 'until_paid'),
          )
        : await subscribers[name](ref, actorOf(req));
    flash(req, 'ok', `Subscriber ${s.accountNo} ${done}.`);
  } catch (err) {
    const f = formFailure(err);
    flash(req, 'error', f.fields.reason ? `Reason: ${f.fields.reason}` : f.message);
  }
  res.redirect(303, `/admin/subscribers/${encodeURIComponent(ref)}`);
}

/** The portal sign-in's wait lifted at once. */
async function unlockSignIn(ctx: WebContext, req: Request, res: Response) {
  const { subscribers } = ctx.services;
  const s = await subscribers.get(idOf(req));
  const cleared = await subscribers.unlockSignIn(s.id, actorOf(req));
  flash(
    req,
    'ok',
    cleared
      ? `${s.accountNo} may sign in on the portal again at once.`
      : `${s.accountNo} had no wait to lift.`,
  );
  res.redirect(303, `/admin/subscribers/${s.id}`);
}
