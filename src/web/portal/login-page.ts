/**
 * The portal's login page and what its routes share: the fields a login page brings, the asker a request
 * stands for (device-proof.ts), the customer's words for a refusal, and the page itself.
 */
import type { Request, Response } from 'express';
import { toAppError } from '../../lib/error-reply';
import { CodeInUseError, MoveLimitError, RateLimitedError, WrongSiteError } from '../../domain/errors';
import { shopBranding } from '../../services/shop/vouchers/sheet';
import type { PortalCodeEntry } from '../../services/shop/vouchers/code-style';
import type { Asker } from '../../services/shop/self-service';
import { pickLanguage, translator, type Translator } from '../../i18n';
import type { WebContext } from '../context';
import { planViews } from './view-model';
import { portalSiteId } from './portal-site';
import { portalFormToken } from './form-token';
import { payMessage, payOffers, safeLink, str } from './pay';
import { allowConnectTo, CHECKOUT_REACH_PATH } from './checkout-reach';
import { browserToken, cookieSecure, ensureBrowserToken, peerAddress, provenDevice } from './device-proof';

export type LoginFields = ReturnType<typeof fields>;

export function fields(src: Record<string, unknown>) {
  return {
    mac: str(src.mac, 64),
    ip: str(src.ip, 64),
    linkOrig: safeLink(src['link-orig'] ?? src.dst),
    linkLoginOnly: safeLink(src['link-login-only']),
    code: str(src.code, 64),
    // The voucher's separate password, typed or brought by a card's QR code ('' for none).
    password: str(src.password, 64),
    error: str(src.error, 200),
    // The site whose login page sent the customer (its id or name), passed on with the code.
    site: str(src.site, 64),
  };
}

/** "1 second", "45 seconds", "2 minutes": a wait in the customer's language. */
export function waitWords(t: Translator, seconds: number): string {
  if (seconds < 60) return t.t(seconds === 1 ? 'time.second' : 'time.seconds', { n: seconds });
  const n = Math.ceil(seconds / 60);
  return t.t(n === 1 ? 'time.minute' : 'time.minutes', { n });
}

export function errorText(
  t: Translator,
  err: unknown,
  withPassword = false,
): { status: number; code: string; message: string; retryAfter?: number } {
  const e = toAppError(err);
  const retryAfter = err instanceof RateLimitedError ? err.retryAfterSeconds : undefined;
  if (err instanceof WrongSiteError) {
    // Where the code works, in the customer's language ("main" for the .env router).
    const place = err.place ?? t.t('error.WRONG_SITE_MAIN');
    return { status: e.status, code: e.code, message: t.t('error.WRONG_SITE_AT', { place, wifi: err.wifi }) };
  }
  if (err instanceof CodeInUseError) {
    const n = err.waitMinutes;
    const message =
      n === null
        ? t.t('error.CODE_IN_USE_NO_MOVES')
        : t.t('error.CODE_IN_USE', { wait: t.t(n === 1 ? 'time.minute' : 'time.minutes', { n }) });
    return { status: e.status, code: e.code, message };
  }
  if (err instanceof MoveLimitError) {
    const limit = t.t(err.limit === 1 ? 'time.times_one' : 'time.times', { n: err.limit });
    const message =
      err.waitMinutes === null
        ? t.t('error.MOVE_LIMIT_NOW', { limit })
        : t.t('error.MOVE_LIMIT', { limit, wait: waitWords(t, err.waitMinutes * 60) });
    return { status: e.status, code: e.code, message };
  }
  // With a password field on the form, a wrong code and a wrong password get one answer (nothing tells which).
  const key = `error.${e.code === 'INVALID_CODE' && withPassword ? 'INVALID_CODE_OR_PASSWORD' : e.code}`;
  const translated = t.t(key, { wait: retryAfter === undefined ? '' : waitWords(t, retryAfter) });
  const message =
    translated === key
      ? e.status >= 500 && e.code === 'INTERNAL'
        ? t.t('error.generic')
        : e.message
      : translated;
  return { status: e.status, code: e.code, message, retryAfter };
}

/** What the portal's routes share: the context, the device secret and the request's asker. */
export type PortalDeps = ReturnType<typeof portalDeps>;

export function portalDeps(ctx: WebContext) {
  const secret = ctx.deviceSecret ?? '';
  return {
    ctx,
    services: ctx.services,
    secret,
    cookieSecure: (req: Request) => cookieSecure(ctx, req),
    askerOf: (req: Request): Asker => ({
      provenMac: provenDevice(req, secret),
      peerIp: peerAddress(req),
      browser: browserToken(req, secret),
    }),
    // Name and logo, read (and the logo re-checked) on every page: the admin may change them at any time.
    branding: () => shopBranding(ctx.services.settings, ctx.config.wifiName),
  };
}

/**
 * A page opened from the status page, or from a bookmark, may not carry the device's address (only the router's
 * login page adds it): the device's own browser gets it filled in from the router (device-address.ts).
 */
export async function withDeviceIp(d: PortalDeps, req: Request, f: LoginFields): Promise<LoginFields> {
  if (f.ip || !f.mac) return f;
  const ip = await d.services.selfService.deviceAddress(f.mac, d.askerOf(req), f.site || undefined);
  return ip ? { ...f, ip } : f;
}

/** A page view gives the browser its portal token (device-proof.ts), so a code it types later is its own. */
export function greet(d: PortalDeps, req: Request, res: Response) {
  const device = { mac: str(req.query.mac, 64), ip: str(req.query.ip, 64) };
  return ensureBrowserToken(
    req,
    res,
    d.secret,
    (address) => d.services.guesses.mayMint(address, device.mac && device.ip ? device : null),
    d.cookieSecure(req),
  );
}

export async function renderLogin(
  d: PortalDeps,
  req: Request,
  res: Response,
  f: LoginFields,
  status = 200,
  message = '',
  autoRedeem = false,
  /** How the form asks for a code (read once per request by a caller that needed it already). */
  entry?: PortalCodeEntry,
) {
  const { ctx, services } = d;
  const lang = pickLanguage(req.query.lang ?? req.body?.lang, req.get('accept-language'));
  const t = translator(lang);
  const other = lang === 'fil' ? 'en' : 'fil';
  const q = new URLSearchParams({
    mac: f.mac,
    ip: f.ip,
    'link-orig': f.linkOrig,
    'link-login-only': f.linkLoginOnly,
    ...(f.site ? { site: f.site } : {}),
    lang: other,
  });
  // While payments are on, the page tries the checkout's address and reports whether it answered (checkout-reach.ts).
  const checkoutOrigin = await services.payments.checkoutOrigin();
  if (checkoutOrigin) allowConnectTo(res, checkoutOrigin);
  res.status(status).render('portal/login', {
    t: t.t,
    lang: t.lang,
    entry: entry ?? (await services.vouchers.codeEntry()),
    ...(await d.branding()),
    // Shared profiles and the site's own (src/web/portal/portal-site.ts).
    plans: planViews(await services.profiles.list({ siteId: await portalSiteId(services, f) }), t),
    f,
    // A Pay that failed, or a checkout the customer cancelled, comes back here saying so (pay.ts).
    message: message || payMessage(t, req.query as Record<string, unknown>),
    pay: await payOffers(ctx, req, res, t, f),
    csrf: portalFormToken(req, res),
    routerError: f.error,
    switchUrl: `/portal?${q.toString()}`,
    autoRedeem,
    checkoutReach: checkoutOrigin ? { origin: checkoutOrigin, report: CHECKOUT_REACH_PATH } : null,
    scripts: checkoutOrigin ? ['/public/js/portal-checkout-reach.js'] : [],
  });
}
