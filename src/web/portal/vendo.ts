/**
 * The portal's coin window (views/portal/_vendo.ejs, public/js/portal-vendo.js): pick a vendo, reserve it for
 * this device, watch coins land, Done. A window belongs to the browser that started it: start sets a signed
 * cookie naming the window, and reading or finishing a window needs that cookie, so nobody else on the WiFi
 * can watch or spend another customer's coins.
 */
import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { formatBytes, formatRouterDuration, normaliseMac } from '../../domain/units';
import { AppError } from '../../domain/errors';
import type { WebContext } from '../context';
import { sendJsonError } from '../middleware/errors';
import { safeEqual } from '../middleware/auth';
import { cookieOf, cookieSecure, peerAddress, provenDevice, rememberDevice } from './device-proof';
import './vendo-messages';
import { pickLanguage, translator } from '../../i18n';
import { portalSiteId } from './portal-site';

const COOKIE = 'pisonet_vendo';
const str = (v: unknown, max = 64): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** What the coin window's routes share: the vendos service, the device secret and the cookie's signature. */
type VendoDeps = ReturnType<typeof vendoDeps>;

function vendoDeps(ctx: WebContext) {
  const secret = ctx.deviceSecret ?? '';
  return {
    ctx,
    vendos: ctx.services.vendos,
    secret,
    sign: (id: string) => crypto.createHmac('sha256', secret).update(`vendo:${id}`).digest('base64url'),
    secure: (req: Request) => cookieSecure(ctx, req),
  };
}

export function vendoPortalRouter(ctx: WebContext): Router {
  const d = vendoDeps(ctx);
  const r = Router();
  // Every failure is answered as the coin window's (fail).
  const call =
    (run: (d: VendoDeps, req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) =>
      run(d, req, res).catch((err: unknown) => fail(d, req, res, err));
  r.get('/api/portal/vendos', call(listVendos));
  r.post('/api/portal/vendo/start', call(startWindow));
  r.get('/api/portal/vendo/session/:id', call(readWindow));
  r.post('/api/portal/vendo/finish', call(finishWindow));
  // Demo only: the simulated vendo in this process drops a coin, which travels the real signed protocol.
  r.post('/api/portal/vendo/demo-coin', call(demoCoin));
  return r;
}

/** The window this browser started, if it is `id`. */
function owns(d: VendoDeps, req: Request, id: string): boolean {
  const v = cookieOf(req, COOKIE);
  const dot = v?.lastIndexOf('.') ?? -1;
  if (!v || dot < 0 || !d.secret || v.slice(0, dot) !== id) return false;
  return safeEqual(v.slice(dot + 1), d.sign(id));
}

/**
 * Saved credit is told only to the device itself: its portal cookie (a redemption), a coin-window cookie of
 * that device, or asking from an address it opened a window from. Anyone else on the WiFi learns nothing.
 */
async function provesDevice(d: VendoDeps, req: Request, macInput: string): Promise<boolean> {
  let mac: string;
  try {
    mac = normaliseMac(macInput);
  } catch {
    return false;
  }
  if (provenDevice(req, d.secret) === mac) return true;
  const v = cookieOf(req, COOKIE);
  const id = v ? v.slice(0, v.lastIndexOf('.')) : '';
  if (id && owns(d, req, id)) {
    // A window proves its device only if the device proved itself when opening it.
    const owner = await d.vendos.ownerOf(id);
    if (owner?.mac === mac && owner.proven) return true;
  }
  const peer = peerAddress(req);
  return peer !== null && (await d.vendos.usedAddress(mac, peer));
}

const notYours = () =>
  new AppError('VENDO_SESSION_NOT_FOUND', 'That coin window is not open on this device', 404, 'session');

/**
 * The service's message is English; a Filipino page gets the catalog's wording for the code when there is
 * one, the coin box's own first (src/web/portal/vendo-messages.ts, then src/i18n/fil.json), else the English one.
 */
function fail(d: VendoDeps, req: Request, res: Response, err: unknown): void {
  const lang = pickLanguage(req.query.lang, req.get('accept-language'));
  sendJsonError(res, err, d.ctx.log, 'portal vendo call', (e) => {
    if (lang === 'en' || (e.status >= 500 && e.code === 'INTERNAL')) return e.message;
    // The coin box's own words first (coins kept, where a redemption's say "your code was not used").
    const t = translator(lang);
    const said = [`vendo.error.${e.code}`, `error.${e.code}`]
      .map((k) => [k, t.t(k)])
      .find(([k, v]) => v !== k);
    return said ? said[1] : e.message;
  });
}

async function listVendos(d: VendoDeps, req: Request, res: Response) {
  // The vendos that sell on the device's site: shared ones and the site's own.
  const siteId = await portalSiteId(d.ctx.services, {
    site: str(req.query.site),
    mac: str(req.query.mac),
    ip: str(req.query.ip),
  });
  const list = await d.vendos.portalList(siteId);
  const demo = d.ctx.demoVendo?.();
  const mac = str(req.query.mac);
  res.json({
    success: true,
    vendos: list.map((v) => ({ ...v, minimum: v.minimum / 100, demo: demo?.vendoId === v.id })),
    saved_credit: mac && (await provesDevice(d, req, mac)) ? (await d.vendos.savedCredit(mac)) / 100 : 0,
  });
}

async function startWindow(d: VendoDeps, req: Request, res: Response) {
  const b = (req.body ?? {}) as Record<string, unknown>;
  // Asked before the new window's cookie exists: the device proves itself as for the list; the service also
  // accepts a request from the address the hotspot gives that MAC (asked of the router, not of the body).
  const provenMac = (await provesDevice(d, req, str(b.mac))) ? normaliseMac(str(b.mac)) : null;
  const s = await d.vendos.start(
    { vendo: str(b.vendo), mac: str(b.mac), ip: str(b.ip) },
    { peerIp: peerAddress(req), provenMac },
  );
  res.cookie(COOKIE, `${s.session}.${d.sign(s.session)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: d.secure(req),
    maxAge: 24 * 3600 * 1000,
    path: '/',
  });
  res.json({
    success: true,
    session: s.session,
    expires_in: s.expiresIn,
    saved_credit: s.savedCredit / 100,
  });
}

async function readWindow(d: VendoDeps, req: Request, res: Response) {
  const id = str(req.params.id);
  if (!owns(d, req, id)) throw notYours();
  const s = await d.vendos.session(id);
  res.json({
    success: true,
    state: s.state,
    credit: s.credit / 100,
    saved_credit: s.savedCredit / 100,
    validity: formatRouterDuration(s.seconds),
    seconds: s.seconds,
    // Only for a device waiting at its cap: what Done buys is its extra data, not `validity`.
    ...(s.extraData
      ? {
          extra_data: {
            offers: s.extraData.offers,
            bytes: s.extraData.bytes,
            price: s.extraData.price / 100,
            text: formatBytes(s.extraData.bytes),
          },
        }
      : {}),
    expires_in: s.expiresIn,
  });
}

async function finishWindow(d: VendoDeps, req: Request, res: Response) {
  const id = str(((req.body ?? {}) as Record<string, unknown>).session);
  if (!owns(d, req, id)) throw notYours();
  const out = await d.vendos.finish(id);
  const owner = await d.vendos.ownerOf(id);
  if (owner) rememberDevice(res, d.secret, owner.mac, d.secure(req));
  res.json({
    success: true,
    code: out.code,
    profile: out.profile,
    expires_at: out.expiresAt === null ? null : new Date(out.expiresAt).toISOString(),
    rate_up: out.rateUp,
    rate_down: out.rateDown,
    relogin: out.relogin,
    credit: out.credit / 100,
    validity: formatRouterDuration(out.seconds),
    seconds: out.seconds,
    top_up: out.topUp,
    ...(out.extraData
      ? {
          extra_data: {
            offers: out.extraData.offers,
            bytes: out.extraData.bytes,
            amount: out.extraData.amount / 100,
            saved_credit: out.extraData.left / 100,
          },
        }
      : {}),
  });
}

async function demoCoin(d: VendoDeps, req: Request, res: Response) {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const demo = d.ctx.demoVendo?.();
  if (!demo) throw new AppError('NOT_FOUND', 'No demo vendo is running', 404);
  const id = str(b.session);
  if (!owns(d, req, id)) throw notYours();
  const amount = Number(b.amount);
  if (![1, 5, 10, 20].includes(amount))
    throw new AppError('INVALID_INPUT', 'amount: use a coin of 1, 5, 10 or 20 pesos', 400, 'amount');
  await demo.insert(amount);
  res.json({ success: true });
}
