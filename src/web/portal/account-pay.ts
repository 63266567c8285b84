/**
 * A subscriber paying what it owes online from its account page, or from the suspension page's buttons: the form
 * POST that starts the checkout (for exactly what is owed now, or with `part=past-due` what is past due now, GCash
 * or Maya; src/services/shop/payments/subscriber.ts)
 * and the page the gateway sends the phone back to, which reads the checkout at once and says paid, waiting
 * (reloading itself) or cancelled. The subscriber is found as the account page finds it (its sign-in cookie, else
 * the PPPoE session's address), so a suspended subscriber's phone needs nothing but the form's token. Every
 * refusal is a page in the customer's language; nothing is charged.
 */
import type { Request, Response, Router } from 'express';
import { AppError, RateLimitedError } from '../../domain/errors';
import { formatMoney } from '../../domain/units';
import { pickLanguage, translator, type Translator } from '../../i18n';
import { BILL_MIN_AMOUNT } from '../../services/subscriptions/billing/bill-payment';
import type { WebContext } from '../context';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import { ownAddress } from '../own-address';
import { portalFormTokenValid } from './form-token';

const PATH = '/portal/account/pay';
/** How often the return page reloads itself while the gateway has not confirmed the payment. */
const RELOAD_SECONDS = 5;

/** Who asks for the account page or its Pay (account.ts `whoIsAsking`). */
export type Asker =
  { kind: 'found'; s: SubscriberView; byAddress: boolean } | { kind: 'unchecked' } | { kind: 'none' };

interface Faces {
  common(req: Request, res: Response, t: Translator): Promise<Record<string, unknown>>;
  langOf(req: Request): Translator;
  /** The subscriber asking, as the account page finds it (account.ts). */
  whoIsAsking(req: Request, res: Response): Promise<Asker>;
}

/** What a refusal to start a checkout is called on the page (its message), and its HTTP status. */
const REFUSALS: Record<string, [number, string]> = {
  PAYMENTS_OFF: [404, 'account.pay.off'],
  BILL_NOTHING_OWED: [409, 'account.pay.nothing_owed'],
  PAYMENT_GATEWAY_UNREACHABLE: [503, 'account.pay.gateway'],
};

function refusalOf(t: Translator, err: AppError, amount: number): { status: number; text: string } {
  if (err.code === 'BILL_BELOW_MINIMUM')
    return {
      status: 409,
      text: t.t('account.pay_at_shop', { amount: formatMoney(amount), min: formatMoney(BILL_MIN_AMOUNT) }),
    };
  const [status, key] = REFUSALS[err.code] ?? [502, 'account.pay.gateway_failed'];
  return { status, text: t.t(key) };
}

export function accountPayRoutes(ctx: WebContext, r: Router, faces: Faces): void {
  const d: PayDeps = { ...faces, ctx };
  r.post(PATH, (req, res) => startPay(d, req, res));
  r.get(`${PATH}/return`, (req, res) => payReturned(d, req, res));
}

/** What the Pay routes share: the context and the account page's faces. */
type PayDeps = Faces & { ctx: WebContext };

async function page(
  d: PayDeps,
  req: Request,
  res: Response,
  t: Translator,
  status: number,
  o: { kind: 'ok' | 'warn' | 'error'; text: string; reload?: boolean; switchUrl?: string },
) {
  const common = await d.common(req, res, t);
  res.status(status).render('portal/account-pay', {
    ...common,
    ...(o.switchUrl ? { switchUrl: o.switchUrl } : {}),
    refreshSeconds: o.reload ? RELOAD_SECONDS : 0,
    notice: { kind: o.kind, text: o.text },
    backUrl: `/portal/account?lang=${t.lang}`,
  });
}

async function startPay(d: PayDeps, req: Request, res: Response) {
  const t = d.langOf(req);
  if (!portalFormTokenValid(req))
    return page(d, req, res, t, 403, { kind: 'error', text: t.t('account.expired') });
  const asker = await d.whoIsAsking(req, res);
  if (asker.kind === 'unchecked')
    return page(d, req, res, t, 503, { kind: 'error', text: t.t('account.address_unchecked') });
  if (asker.kind === 'none')
    return page(d, req, res, t, 401, { kind: 'error', text: t.t('account.pay.not_found') });
  const part = (req.body as Record<string, unknown>)?.part === 'past-due' ? 'past-due' : 'all';
  try {
    const { checkoutUrl } = await d.ctx.services.payments.startBill({
      subscriberId: asker.s.id,
      part,
      lang: t.lang,
      // Back to this controller's own address, never the request's Host (as the voucher checkout does).
      returnBase: ownAddress(d.ctx, req),
    });
    res.redirect(303, checkoutUrl);
  } catch (err) {
    if (err instanceof RateLimitedError) {
      res.set('Retry-After', String(err.retryAfterSeconds));
      return page(d, req, res, t, 429, { kind: 'error', text: t.t('account.pay.too_many') });
    }
    if (!(err instanceof AppError)) throw err;
    const amount = part === 'all' ? asker.s.owed : await d.ctx.services.invoices.pastDue(asker.s.id);
    const { status, text } =
      part === 'past-due' && err.code === 'BILL_NOTHING_OWED'
        ? { status: 409, text: t.t('suspension.nothing_past_due') }
        : refusalOf(t, err, amount);
    return page(d, req, res, t, status, { kind: 'error', text });
  }
}

async function payReturned(d: PayDeps, req: Request, res: Response) {
  const ref = typeof req.query.ref === 'string' ? req.query.ref.slice(0, 40) : '';
  const p = await d.ctx.services.payments.billReturned(ref);
  const t = translator(pickLanguage(req.query.lang ?? p?.lang, req.get('accept-language')));
  if (!p) return page(d, req, res, t, 404, { kind: 'error', text: t.t('account.pay.unknown') });
  const q = new URLSearchParams({ ref, lang: t.lang === 'fil' ? 'en' : 'fil' });
  if (req.query.cancelled === '1') q.set('cancelled', '1');
  const switchUrl = `${PATH}/return?${q}`;
  const amount = formatMoney(p.amount);
  if (p.state === 'paid')
    return page(d, req, res, t, 200, { kind: 'ok', text: t.t('account.pay.paid', { amount }), switchUrl });
  if (p.state === 'pending' && req.query.cancelled !== '1')
    return page(d, req, res, t, 200, {
      kind: 'warn',
      text: t.t('account.pay.pending', { amount }),
      reload: true,
      switchUrl,
    });
  const text = t.t(p.state === 'pending' ? 'account.pay.cancelled' : 'account.pay.not_paid');
  return page(d, req, res, t, 200, { kind: 'error', text, switchUrl });
}
