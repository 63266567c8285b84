/**
 * The captive portal: the router's login page forwards here (docs/router-login.html) with the device's MAC
 * and IP; the customer types a code; the controller logs the device in over the API. Works without
 * JavaScript (plain form POST + redirect), in English and Filipino.
 */
import { alertEventKind } from '../../domain/usage-summary';
import { Router, type Request, type Response } from 'express';
import { toAppError } from '../../lib/error-reply';
import { CodeInUseError, MoveLimitError, RateLimitedError, WrongSiteError } from '../../domain/errors';
import { shopBranding } from '../../services/vouchers/sheet';
import type { PortalCodeEntry } from '../../services/vouchers/code-style';
import { pickLanguage, translator, type Translator } from '../../i18n';
import type { WebContext } from '../context';
import { sendJsonError } from '../middleware/errors';
import { planViews, statusViewModel } from './view-model';
import { extraDataJson, extraDataVendo } from './extra-data';
import { portalSiteId } from './portal-site';
import { accountRoutes } from './account';
import { demoAsRoutes } from './demo-as';
import { portalFormToken, portalFormTokenValid } from './form-token';
import { payMessage, payOffers, payStatus } from './pay';
import { allowConnectTo, CHECKOUT_REACH_PATH } from './checkout-reach';
import { browserToken, ensureBrowserToken, peerAddress, provenDevice, rememberDevice } from './device-proof';
import {
  confirmMoveMessage,
  redeemJson,
  redeemNotice,
  selfServiceRoutes,
  selfServiceView,
  siteOf,
} from './self-service';

const str = (v: unknown, max = 2048): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** Only http(s) links may be offered back to the customer (link-orig comes from the query string). */
export function safeLink(v: unknown): string {
  const s = str(v);
  return /^https?:\/\//i.test(s) ? s : '';
}

interface LoginFields {
  mac: string;
  ip: string;
  linkOrig: string;
  linkLoginOnly: string;
  code: string;
  /** The voucher's separate password, typed or brought by a card's QR code ('' for none). */
  password: string;
  error: string;
  /** The site whose login page sent the customer (its id or name), passed on with the code. */
  site: string;
}

function fields(src: Record<string, unknown>): LoginFields {
  return {
    mac: str(src.mac, 64),
    ip: str(src.ip, 64),
    linkOrig: safeLink(src['link-orig'] ?? src.dst),
    linkLoginOnly: safeLink(src['link-login-only']),
    code: str(src.code, 64),
    password: str(src.password, 64),
    error: str(src.error, 200),
    site: str(src.site, 64),
  };
}

/** "1 second", "45 seconds", "2 minutes": a wait in the customer's language. */
function waitWords(t: Translator, seconds: number): string {
  if (seconds < 60) return t.t(seconds === 1 ? 'time.second' : 'time.seconds', { n: seconds });
  const n = Math.ceil(seconds / 60);
  return t.t(n === 1 ? 'time.minute' : 'time.minutes', { n });
}

function errorText(
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

export function portalRouter(ctx: WebContext): Router {
  const secret = ctx.deviceSecret ?? '';
  const cookieSecure = (req: Request): boolean =>
    ctx.config.admin.cookieSecure === 'auto' ? req.secure : ctx.config.admin.cookieSecure;
  const askerOf = (req: Request) => ({
    provenMac: provenDevice(req, secret),
    peerIp: peerAddress(req),
    browser: browserToken(req, secret),
  });
  // A page opened from the status page, or from a bookmark, may not carry the device's address (only the router's
  // login page adds it): the device's own browser gets it filled in from the router (device-address.ts).
  const withDeviceIp = async (req: Request, f: LoginFields): Promise<LoginFields> => {
    if (f.ip || !f.mac) return f;
    const ip = await services.selfService.deviceAddress(f.mac, askerOf(req), f.site || undefined);
    return ip ? { ...f, ip } : f;
  };
  // A page view gives the browser its portal token (device-proof.ts), so a code it types later is its own.
  const greet = (req: Request, res: Response) => {
    const device = { mac: str(req.query.mac, 64), ip: str(req.query.ip, 64) };
    return ensureBrowserToken(
      req,
      res,
      secret,
      (address) => services.guesses.mayMint(address, device.mac && device.ip ? device : null),
      cookieSecure(req),
    );
  };
  const r = Router();
  const { services } = ctx;
  // Name and logo, read (and the logo re-checked) on every page: the admin may change them at any time.
  const branding = () => shopBranding(services.settings, ctx.config.wifiName);

  async function renderLogin(
    req: Request,
    res: Response,
    f: LoginFields,
    status = 200,
    message = '',
    autoRedeem = false,
    /** How the form asks for a code (read once per request by a caller that needed it already). */
    entry?: PortalCodeEntry,
  ) {
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
      ...(await branding()),
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

  r.get('/portal', async (req, res) => {
    const f = await withDeviceIp(req, fields(req.query as Record<string, unknown>));
    // A scanned voucher card: the router's login page forwarded the code with the phone's MAC and IP. The page
    // sends our own form at once (public/js/portal.js), with its CSRF token, so a GET never redeems anything.
    // A card with a separate password brings it too (card-link.ts); a code without one waits for the customer to
    // type it when the shop asks for passwords (an older login page drops it), rather than count as a wrong guess.
    const entry = await services.vouchers.codeEntry();
    const needsPassword = f.password === '' && entry.password;
    const autoRedeem = f.code !== '' && f.mac !== '' && f.ip !== '' && f.error === '' && !needsPassword;
    await greet(req, res);
    await renderLogin(req, res, f, 200, '', autoRedeem, entry);
  });

  r.post('/portal/redeem', async (req, res) => {
    const f = await withDeviceIp(req, fields((req.body ?? {}) as Record<string, unknown>));
    const lang = pickLanguage(req.body?.lang ?? req.query.lang, req.get('accept-language'));
    if (!portalFormTokenValid(req)) {
      // Not sent from our own form (or the cookie expired): nothing is redeemed; show the form again.
      return renderLogin(req, res, { ...f, error: '' }, 403, translator(lang).t('error.FORM_EXPIRED'));
    }
    try {
      const out = await services.selfService.redeem(
        {
          code: f.code,
          ...(f.password ? { password: f.password } : {}),
          mac: f.mac,
          ip: f.ip,
          ...(f.site ? { site: f.site } : {}),
          confirmMove: req.body?.confirm_move === '1',
        },
        askerOf(req),
      );
      if (out.kind === 'confirm-move') {
        res.locals.confirmMove = { code: f.code, message: confirmMoveMessage(lang) };
        return await renderLogin(req, res, { ...f, error: '' }, 409);
      }
      rememberDevice(res, secret, f.mac, cookieSecure(req));
      // A RADIUS site this controller cannot log the device in at: its phone logs in on the router's own page.
      if (out.kind === 'redeemed' && out.result.handoff) {
        const t = translator(lang);
        if (!f.linkLoginOnly)
          return await renderLogin(req, res, { ...f, error: '' }, 409, t.t('handoff.no_link'));
        return res.render('portal/handoff', {
          t: t.t,
          lang: t.lang,
          ...(await branding()),
          action: f.linkLoginOnly,
          username: out.result.handoff.username,
          password: out.result.handoff.password,
          dst: f.linkOrig,
          // The other language's page would redeem again: the switch leads back to the login page.
          switchUrl: `/portal?${new URLSearchParams({ mac: f.mac, ip: f.ip, lang: lang === 'fil' ? 'en' : 'fil', 'link-login-only': f.linkLoginOnly, 'link-orig': f.linkOrig, ...(f.site ? { site: f.site } : {}) }).toString()}`,
          scripts: ['/public/js/portal-handoff.js'],
        });
      }
      const q = new URLSearchParams({
        mac: f.mac,
        ip: f.ip,
        lang,
        'link-orig': f.linkOrig,
        ...(f.site ? { site: f.site } : {}),
        ...redeemNotice(out),
      });
      res.redirect(303, `/portal/status?${q.toString()}`);
    } catch (err) {
      const entry = await services.vouchers.codeEntry();
      const e = errorText(translator(lang), err, entry.password);
      if (e.retryAfter) res.set('Retry-After', String(e.retryAfter));
      // A phone back with another (randomised) WiFi address looks like a new device: say why, in one line.
      if (['DEVICE_LIMIT', 'MOVE_LIMIT', 'CODE_IN_USE'].includes(e.code)) res.locals.macHint = true;
      await renderLogin(req, res, { ...f, error: '' }, e.status, e.message, false, entry);
    }
  });

  r.get('/portal/status', async (req, res) => {
    await greet(req, res);
    const lang = pickLanguage(req.query.lang, req.get('accept-language'));
    const t = translator(lang);
    const mac = str(req.query.mac, 64);
    const site = str(req.query.site, 64);
    let status;
    try {
      status = await services.selfService.status(mac, askerOf(req), site || undefined);
    } catch (err) {
      // A site the shop renamed or removed since its login page was uploaded: found from the device instead.
      if (!['SITE_NOT_FOUND', 'SITE_INVALID'].includes(toAppError(err).code)) throw err;
      status = await services.selfService.status(mac, askerOf(req));
    }
    const other = lang === 'fil' ? 'en' : 'fil';
    const linkOrig = safeLink(req.query['link-orig']);
    // Every link and form on the page carries the device's address, so "Enter another code" opens a login page
    // that takes a code and coins (a phone already online never sees the router's login page again).
    const ip =
      str(req.query.ip, 64) ||
      (status.identified
        ? ((await services.selfService.deviceAddress(mac, askerOf(req), site || undefined)) ?? '')
        : '');
    const device = { mac, ...(ip ? { ip } : {}) };
    const siteQ: Record<string, string> = site ? { site } : {};
    // Back from paying online (pay.ts): the payment's news stays on the page while it refreshes.
    const payRef = str(req.query.pay, 40);
    const here = new URLSearchParams({ ...device, lang, 'link-orig': linkOrig, ...siteQ }).toString();
    const selfQ = payRef ? `${here}&${new URLSearchParams({ pay: payRef }).toString()}` : here;
    // Data used up with extra data for sale: coins at a box of this site buy it too (extra-data.ts).
    const vendoForm = await extraDataVendo(services, status, { mac, ip, site, linkOrig });
    res.render('portal/status', {
      t: t.t,
      lang: t.lang,
      ...(await branding()),
      s: statusViewModel(status, t, { vendo: vendoForm !== null }),
      vendoForm,
      linkOrig,
      selfUrl: `/portal/status?${selfQ}`,
      payNotice: await payStatus(ctx, req, t, payRef),
      pay: await payOffers(ctx, req, res, t, { mac, ip, site, linkOrig }),
      scripts: ['/public/js/portal-status.js'],
      switchUrl: `/portal/status?${new URLSearchParams({ ...device, lang: other, 'link-orig': linkOrig, ...siteQ, ...(payRef ? { pay: payRef } : {}) }).toString()}`,
      loginUrl: `/portal?${here}`,
      self: selfServiceView(status.self, t, req, res, {
        mac,
        ip,
        site,
        lang: t.lang,
        linkOrig,
        tz: ctx.config.tz,
      }),
    });
  });

  r.post('/api/portal/redeem', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const device = await withDeviceIp(req, fields(body));
      const out = await services.selfService.redeem(
        {
          code: str(body.code, 64),
          ...(typeof body.password === 'string' && body.password !== ''
            ? { password: str(body.password, 64) }
            : {}),
          mac: device.mac,
          ip: device.ip,
          ...(typeof body.site === 'number' || (typeof body.site === 'string' && body.site !== '')
            ? { site: typeof body.site === 'number' ? body.site : str(body.site, 64) }
            : {}),
          confirmMove: body.confirm_move === true,
        },
        askerOf(req),
      );
      if (out.kind === 'confirm-move') {
        res
          .status(409)
          .json({ success: false, code: 'CONFIRM_MOVE', confirm_move: true, error: out.message });
        return;
      }
      rememberDevice(res, secret, str(body.mac, 64), cookieSecure(req));
      res.json(redeemJson(out));
    } catch (err) {
      sendJsonError(res, err, ctx.log, 'portal redeem');
    }
  });

  r.get('/api/portal/status', async (req, res) => {
    let s;
    try {
      s = await services.selfService.status(str(req.query.mac, 64), askerOf(req), siteOf(req));
    } catch (err) {
      sendJsonError(res, err, ctx.log, 'portal status');
      return;
    }
    res.json({
      success: true,
      active: s.active,
      code: s.code,
      profile: s.profile,
      remaining_seconds: s.remainingSeconds,
      used_bytes: s.usage.used,
      counted_bytes: s.usage.counted,
      left_bytes: s.usage.left,
      used_percent: s.usage.usedPercent,
      cap_bytes: s.usage.capBytes,
      fup_threshold_bytes: s.usage.fupThresholdBytes,
      throttled: s.throttled,
      rate_up: s.rateUp,
      rate_down: s.rateDown,
      free_data_until: s.freeDataUntil,
      alerts: s.usage.alerts.map((a) => ({ kind: alertEventKind(a), percent: a.percent })),
      state: s.active ? 'active' : (s.ended ?? 'none'),
      // Whether the router has this device logged in now (false after a restart logged it out: reconnect).
      online: s.online,
      ...extraDataJson(s),
      clock_running: s.clockRunning,
      pausable: s.self.pausable,
      paused: s.self.paused,
      pause_ends_at: s.self.pauseEndsAt === null ? null : new Date(s.self.pauseEndsAt).toISOString(),
      pauses_left: s.self.pausesLeft,
      queued: s.self.queued,
    });
  });

  selfServiceRoutes(ctx, r);
  accountRoutes(ctx, r);
  demoAsRoutes(ctx, r);
  return r;
}
