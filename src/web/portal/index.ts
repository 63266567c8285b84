/**
 * The captive portal: the router's login page forwards here (docs/router-login.html) with the device's MAC
 * and IP; the customer types a code; the controller logs the device in over the API. Works without
 * JavaScript (plain form POST + redirect), in English and Filipino.
 */
import { alertEventKind } from '../../domain/usage-summary';
import { AppError } from '../../domain/errors';
import { Router, type Request, type Response } from 'express';
import { toAppError } from '../../lib/error-reply';
import type { PortalStatus } from '../../services/shop/redemption/types';
import type { SelfServiceStatus } from '../../services/shop/self-service';
import { pickLanguage, translator } from '../../i18n';
import type { WebContext } from '../context';
import { sendJsonError } from '../middleware/errors';
import { statusViewModel } from './view-model';
import { extraDataJson, extraDataVendo } from './extra-data';
import { accountRoutes } from './account';
import { demoAsRoutes } from './demo-as';
import { portalFormTokenValid } from './form-token';
import { payOffers, payStatus, safeLink, str } from './pay';
import { rememberDevice } from './device-proof';
import {
  errorText,
  fields,
  greet,
  portalDeps,
  renderLogin,
  withDeviceIp,
  type LoginFields,
  type PortalDeps,
} from './login-page';
import {
  confirmMoveMessage,
  redeemJson,
  redeemNotice,
  selfServiceRoutes,
  selfServiceView,
  siteOf,
} from './self-service';

export function portalRouter(ctx: WebContext): Router {
  const d = portalDeps(ctx);
  const r = Router();
  // A body the parsers do not read (text/plain, say) would arrive as no fields at all and be answered as an
  // unknown device: name what is wrong instead.
  r.post('/api/portal/*path', (req, _res, next) => {
    if (req.is(['json', 'urlencoded']) === false)
      throw new AppError('UNSUPPORTED_BODY', 'Send JSON (Content-Type: application/json) or a form', 415);
    next();
  });
  r.get('/portal', (req, res) => showLogin(d, req, res));
  r.post('/portal/redeem', (req, res) => redeemFromForm(d, req, res));
  r.get('/portal/status', (req, res) => showStatus(d, req, res));
  r.post('/api/portal/redeem', (req, res) => redeemFromApi(d, req, res));
  r.get('/api/portal/status', (req, res) => statusFromApi(d, req, res));
  selfServiceRoutes(ctx, r);
  accountRoutes(ctx, r);
  demoAsRoutes(ctx, r);
  return r;
}

async function showLogin(d: PortalDeps, req: Request, res: Response) {
  const f = await withDeviceIp(d, req, fields(req.query as Record<string, unknown>));
  // A scanned voucher card: the router's login page forwarded the code with the phone's MAC and IP. The page
  // sends our own form at once (public/js/portal.js), with its CSRF token, so a GET never redeems anything.
  // A card with a separate password brings it too (card-link.ts); a code without one waits for the customer to
  // type it when the shop asks for passwords (an older login page drops it), rather than count as a wrong guess.
  const entry = await d.services.vouchers.codeEntry();
  const needsPassword = f.password === '' && entry.password;
  const autoRedeem = f.code !== '' && f.mac !== '' && f.ip !== '' && f.error === '' && !needsPassword;
  await greet(d, req, res);
  await renderLogin(d, req, res, f, 200, '', autoRedeem, entry);
}

async function redeemFromForm(d: PortalDeps, req: Request, res: Response) {
  const f = await withDeviceIp(d, req, fields((req.body ?? {}) as Record<string, unknown>));
  const lang = pickLanguage(req.body?.lang ?? req.query.lang, req.get('accept-language'));
  if (!portalFormTokenValid(req)) {
    // Not sent from our own form (or the cookie expired): nothing is redeemed; show the form again.
    return renderLogin(d, req, res, { ...f, error: '' }, 403, translator(lang).t('error.FORM_EXPIRED'));
  }
  try {
    const out = await d.services.selfService.redeem(
      {
        code: f.code,
        ...(f.password ? { password: f.password } : {}),
        mac: f.mac,
        ip: f.ip,
        ...(f.site ? { site: f.site } : {}),
        confirmMove: req.body?.confirm_move === '1',
      },
      d.askerOf(req),
    );
    if (out.kind === 'confirm-move') {
      res.locals.confirmMove = { code: f.code, message: confirmMoveMessage(lang) };
      return await renderLogin(d, req, res, { ...f, error: '' }, 409);
    }
    rememberDevice(res, d.secret, f.mac, d.cookieSecure(req));
    if (out.kind === 'redeemed' && out.result.handoff)
      return await showHandoff(d, req, res, f, lang, out.result.handoff);
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
    await showRedeemError(d, req, res, f, lang, err);
  }
}

/** A RADIUS site this controller cannot log the device in at: its phone logs in on the router's own page. */
async function showHandoff(
  d: PortalDeps,
  req: Request,
  res: Response,
  f: LoginFields,
  lang: string,
  handoff: { username: string; password: string },
) {
  const t = translator(lang);
  if (!f.linkLoginOnly)
    return await renderLogin(d, req, res, { ...f, error: '' }, 409, t.t('handoff.no_link'));
  return res.render('portal/handoff', {
    t: t.t,
    lang: t.lang,
    ...(await d.branding()),
    action: f.linkLoginOnly,
    username: handoff.username,
    password: handoff.password,
    dst: f.linkOrig,
    // The other language's page would redeem again: the switch leads back to the login page.
    switchUrl: `/portal?${new URLSearchParams({ mac: f.mac, ip: f.ip, lang: lang === 'fil' ? 'en' : 'fil', 'link-login-only': f.linkLoginOnly, 'link-orig': f.linkOrig, ...(f.site ? { site: f.site } : {}) }).toString()}`,
    scripts: ['/public/js/portal-handoff.js'],
  });
}

async function showRedeemError(
  d: PortalDeps,
  req: Request,
  res: Response,
  f: LoginFields,
  lang: string,
  err: unknown,
) {
  const entry = await d.services.vouchers.codeEntry();
  const e = errorText(translator(lang), err, entry.password);
  if (e.retryAfter) res.set('Retry-After', String(e.retryAfter));
  // A phone back with another (randomised) WiFi address looks like a new device: say why, in one line.
  if (['DEVICE_LIMIT', 'MOVE_LIMIT', 'CODE_IN_USE'].includes(e.code)) res.locals.macHint = true;
  await renderLogin(d, req, res, { ...f, error: '' }, e.status, e.message, false, entry);
}

/** The device's status; a site the shop renamed or removed since its login page was uploaded: found from the device. */
async function deviceStatus(d: PortalDeps, req: Request, mac: string, site: string) {
  try {
    return await d.services.selfService.status(mac, d.askerOf(req), site || undefined);
  } catch (err) {
    if (!['SITE_NOT_FOUND', 'SITE_INVALID'].includes(toAppError(err).code)) throw err;
    return await d.services.selfService.status(mac, d.askerOf(req));
  }
}

async function showStatus(d: PortalDeps, req: Request, res: Response) {
  const { ctx, services } = d;
  await greet(d, req, res);
  const lang = pickLanguage(req.query.lang, req.get('accept-language'));
  const t = translator(lang);
  const mac = str(req.query.mac, 64);
  const site = str(req.query.site, 64);
  const status = await deviceStatus(d, req, mac, site);
  const other = lang === 'fil' ? 'en' : 'fil';
  const linkOrig = safeLink(req.query['link-orig']);
  // Every link and form on the page carries the device's address, so "Enter another code" opens a login page
  // that takes a code and coins (a phone already online never sees the router's login page again).
  const ip =
    str(req.query.ip, 64) ||
    (status.identified
      ? ((await services.selfService.deviceAddress(mac, d.askerOf(req), site || undefined)) ?? '')
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
    ...(await d.branding()),
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
      now: ctx.clock.now(),
    }),
  });
}

async function redeemFromApi(d: PortalDeps, req: Request, res: Response) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const device = await withDeviceIp(d, req, fields(body));
    const out = await d.services.selfService.redeem(
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
      d.askerOf(req),
    );
    if (out.kind === 'confirm-move') {
      res.status(409).json({ success: false, code: 'CONFIRM_MOVE', confirm_move: true, error: out.message });
      return;
    }
    rememberDevice(res, d.secret, str(body.mac, 64), d.cookieSecure(req));
    res.json(redeemJson(out));
  } catch (err) {
    sendJsonError(res, err, d.ctx.log, 'portal redeem');
  }
}

async function statusFromApi(d: PortalDeps, req: Request, res: Response) {
  let s;
  try {
    s = await d.services.selfService.status(str(req.query.mac, 64), d.askerOf(req), siteOf(req));
  } catch (err) {
    sendJsonError(res, err, d.ctx.log, 'portal status');
    return;
  }
  res.json(statusJson(s));
}

/** A code that moved from this device to another phone in the last day: masked, and when (ISO). */
const movedAwayJson = (m: SelfServiceStatus['movedAway']) =>
  m ? { code: m.code, at: new Date(m.at).toISOString() } : null;

function statusJson(s: PortalStatus & { self: SelfServiceStatus }) {
  return {
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
    moved_away: movedAwayJson(s.self.movedAway),
  };
}
