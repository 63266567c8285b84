/**
 * Paying online from the portal (src/services/shop/payments): the "Pay with GCash / Maya" offers on the login and
 * status pages (views/portal/_pay.ejs), the form POST that starts a checkout and sends the phone to the gateway's
 * page, and the two addresses the gateway sends the phone back to. A failure comes back to the login page as a
 * code (`pay_error`) the page says in the customer's language; nothing is bought.
 */
import { Router, type Request, type Response } from 'express';
import { toAppError } from '../../lib/error-reply';
import { RateLimitedError } from '../../domain/errors';
import { formatMoney } from '../../domain/units';
import { pickLanguage, type Translator } from '../../i18n';
import type { PaymentView } from '../../services/shop/payments';
import type { WebContext } from '../context';
import { portalFormToken, portalFormTokenValid } from './form-token';
import { portalSiteId } from './portal-site';
import { ownAddress } from '../own-address';
import { cookieSecure, peerAddress, provenDevice, rememberDevice } from './device-proof';

export const str = (v: unknown, max = 2048): string => (typeof v === 'string' ? v.slice(0, max) : '');
/** Only http(s) links may be offered back to the customer (link-orig comes from the query string). */
export const safeLink = (v: unknown): string => (/^https?:\/\//i.test(str(v)) ? str(v) : '');

/** The codes a failed Pay may bring back to the login page (anything else is not shown). */
const PAY_ERRORS = new Set([
  'PAYMENTS_OFF',
  'PAYMENT_NO_DEVICE',
  'PAYMENT_PROFILE_NOT_FOR_SALE',
  'PAYMENT_GATEWAY_UNREACHABLE',
  'PAYMENT_GATEWAY_REFUSED',
  'PAYMENT_GATEWAY_FAILED',
  'FORM_EXPIRED',
  'PAYMENT_TOO_MANY',
]);

interface PayDevice {
  mac: string;
  ip: string;
  site: string;
  linkOrig: string;
}

/** The offers for this device's page, or null when payments are off or the page does not know the device. */
export async function payOffers(
  ctx: WebContext,
  req: Request,
  res: Response,
  t: Translator,
  device: PayDevice,
) {
  const { payments } = ctx.services;
  if (!device.mac || !device.ip) return null;
  const siteId = await portalSiteId(ctx.services, device);
  const list = await payments.offers(siteId);
  if (!list.length) return null;
  return {
    offers: list.map((o) => ({
      id: o.id,
      name: o.name,
      price: formatMoney(o.price),
      button: t.t('pay.button', { price: formatMoney(o.price) }),
    })),
    device,
    lang: t.lang,
    csrf: portalFormToken(req, res),
  };
}

/**
 * What the page says of a payment the phone came back from. `ownDevice`: the browser is the paying device (its
 * cookie, or its address: isPayingDevice); anyone else is told it was paid and where to look, never its code.
 */
function payNotice(
  t: Translator,
  p: PaymentView | undefined,
  ownDevice: boolean,
): { kind: string; text: string } | null {
  if (!p) return null;
  const price = formatMoney(p.amount);
  // A link to the page leaks (shared, a screenshot, the history): its code is time anyone could use.
  if (p.state === 'paid' && !ownDevice) return { kind: 'ok', text: t.t('pay.paid_elsewhere', { price }) };
  if (p.state === 'paid' && p.joined)
    return {
      kind: 'ok',
      text: t.t(p.joined.mode === 'add' ? 'pay.paid_added' : 'pay.paid_queued', {
        price,
        code: p.joined.into,
      }),
    };
  if (p.state === 'paid')
    return p.onlineAt !== null
      ? { kind: 'ok', text: t.t('pay.paid_online', { price }) }
      : { kind: 'code', text: t.t('pay.paid_code', { price, code: p.voucherCode ?? '' }) };
  if (p.state === 'pending') return { kind: 'waiting', text: t.t('pay.waiting') };
  if (p.state === 'rejected') return { kind: 'error', text: t.t('pay.rejected') };
  return { kind: 'error', text: t.t('pay.expired') };
}

/** The login page's line for a failed Pay or a cancelled checkout, in the customer's language. */
export function payMessage(t: Translator, query: Record<string, unknown>): string {
  const code = str(query.pay_error, 40);
  if (PAY_ERRORS.has(code)) return t.t(`error.${code}`);
  return query.pay === 'cancelled' ? t.t('pay.cancelled') : '';
}

/**
 * Whether this browser is the device a payment was made for: it proved that MAC before (its device cookie), or
 * it asks from the address the payment was started at and the hotspot reports that MAC there now.
 */
async function isPayingDevice(
  ctx: WebContext,
  req: Request,
  row: { mac: string; ip: string; site: string | null },
): Promise<boolean> {
  if (provenDevice(req, ctx.deviceSecret ?? '') === row.mac) return true;
  const peer = peerAddress(req);
  if (peer === null || peer !== row.ip) return false;
  const at = await ctx.services.selfService.deviceAddress(
    row.mac,
    { provenMac: null, peerIp: peer },
    row.site ?? undefined,
  );
  return at === peer;
}

export function payPortalRoutes(ctx: WebContext): Router {
  const r = Router();
  r.post('/portal/pay', (req, res) => startPay(ctx, req, res));
  // The gateway's success_url: the session is read at once, then the status page shows the time (or the code).
  r.get('/portal/pay/done', (req, res) => payDone(ctx, req, res));
  // The gateway's cancel_url: back to the login page, nothing bought (unless it was paid after all).
  r.get('/portal/pay/cancel', (req, res) => payCancelled(ctx, req, res));
  return r;
}

const back = (res: Response, path: string, q: Record<string, string>) =>
  res.redirect(
    303,
    `${path}?${new URLSearchParams(Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')))}`,
  );

async function startPay(ctx: WebContext, req: Request, res: Response) {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const lang = pickLanguage(b.lang ?? req.query.lang, req.get('accept-language'));
  const device = { mac: str(b.mac, 64), ip: str(b.ip, 64), site: str(b.site, 64) };
  const q = { ...device, lang, 'link-orig': safeLink(b['link-orig']) };
  if (!portalFormTokenValid(req)) return back(res, '/portal', { ...q, pay_error: 'FORM_EXPIRED' });
  try {
    const { checkoutUrl } = await ctx.services.payments.start({
      profileId: Number(str(b.profile, 12)),
      mac: device.mac,
      ip: device.ip,
      site: device.site || undefined,
      siteId: await portalSiteId(ctx.services, device),
      lang,
      // Back to this portal (the gateway sends the phone there after paying): the controller's own address, never
      // the request's Host (own-address.ts).
      returnBase: ownAddress(ctx, req),
    });
    res.redirect(303, checkoutUrl);
  } catch (err) {
    const e = err instanceof RateLimitedError ? { code: 'PAYMENT_TOO_MANY' } : toAppError(err);
    back(res, '/portal', { ...q, pay_error: PAY_ERRORS.has(e.code) ? e.code : 'PAYMENT_GATEWAY_FAILED' });
  }
}

async function payDone(ctx: WebContext, req: Request, res: Response, read?: PaymentView) {
  const { payments } = ctx.services;
  const ref = str(req.query.ref, 40);
  const p = read ?? (await payments.returned(ref));
  if (!p) return res.redirect(303, '/portal');
  const row = await payments.device(ref);
  // A link to this page may leak (history, a screenshot): anyone else holding it gets a receipt, not the device.
  if (!row || !(await isPayingDevice(ctx, req, row)))
    return back(res, '/portal/status', { lang: row?.lang ?? 'en', pay: ref });
  // Logged in for its device as a typed code is: this browser may see that device's status (as after a redeem).
  if (p.state === 'paid' && p.onlineAt !== null) {
    rememberDevice(res, ctx.deviceSecret ?? '', row.mac, cookieSecure(ctx, req));
  }
  back(res, '/portal/status', {
    mac: row.mac,
    ip: row.ip,
    site: row.site ?? '',
    lang: row.lang,
    pay: ref,
  });
}

/**
 * Back by the checkout's cancel address. The session is read first, as on the way back after paying: a phone may
 * come back this way after paying in its wallet app, and is never told "nothing was charged" for a paid one.
 */
async function payCancelled(ctx: WebContext, req: Request, res: Response) {
  const ref = str(req.query.ref, 40);
  const read = await ctx.services.payments.returned(ref);
  if (read?.state === 'paid') return payDone(ctx, req, res, read);
  const row = await ctx.services.payments.device(ref);
  back(res, '/portal', {
    mac: row?.mac ?? '',
    ip: row?.ip ?? '',
    site: row?.site ?? '',
    lang: row?.lang ?? 'en',
    pay: 'cancelled',
  });
}

/**
 * The payment a status page names (`pay=`), as this browser is told of it: in full only on the device that paid
 * (not any device that proves itself to the page: the link may carry another device's address).
 */
export async function payStatus(ctx: WebContext, req: Request, t: Translator, ref: string) {
  if (!ref) return null;
  const p = await ctx.services.payments.returned(ref);
  if (!p) return null;
  const row = await ctx.services.payments.device(ref);
  return payNotice(t, p, row !== undefined && (await isPayingDevice(ctx, req, row)));
}
