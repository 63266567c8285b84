/**
 * A subscriber's own page on the portal (`/portal/account`): plan, speeds, status, this cycle's dates and usage,
 * what is owed, in English or Filipino. Found by the PPPoE session's address (the request's source address,
 * through the subscriber service's `atAddress`), else by username and password: a wrong pair counts as a wrong
 * voucher code does (the portal's guess limits) and against the login delays per account and per address (429
 * with Retry-After past them), and the page never says which of the two was wrong. In the demo, a browser opened
 * "as this subscriber" from the admin stands in for its CPE (demo-as.ts). Signed in,
 * the browser keeps a signed, httpOnly cookie scoped to this page (secure when the portal is on https). A router
 * that cannot say whose session an address is (down, too slow) gets the sign-in form with a line saying so.
 */
import { addDays } from '../../domain/billing-cycle';
import type { Profile } from '../../domain/profile-types';
import { subscriberSpeeds } from '../../domain/subscriber-policy';
import crypto from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { AppError, RateLimitedError } from '../../domain/errors';
import { formatBytes, formatMoney, formatRateHuman } from '../../domain/units';
import { pickLanguage, registerMessages, translator, type Translator } from '../../i18n';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import { shopBranding } from '../../services/shop/vouchers/sheet';
import type { WebContext } from '../context';
import { safeEqual } from '../middleware/auth';
import { browserToken, cookieOf, cookieSecure, peerAddress } from './device-proof';
import { portalFormToken, portalFormTokenValid } from './form-token';
import { accountPayRoutes, type Asker } from './account-pay';
import { waitWords } from './login-page';
import { demoCpeOf, forgetDemoCpe, subscriberAtRequest } from './demo-as';
import { accountBills, accountPayments } from './account-payments';
import { payChoices, shopToContact, suspensionFacts } from './suspension-facts';
import en from './account.en.json';
import fil from './account.fil.json';

registerMessages('en', en);
registerMessages('fil', fil);

const PATH = '/portal/account';
const COOKIE = 'pisonet_account';
/** How long a sign-in lasts on this browser. */
const ACCOUNT_SESSION_MS = 12 * 3600 * 1000;

const sign = (secret: string, text: string) =>
  crypto.createHmac('sha256', secret).update(`account:${text}`).digest('base64url');

/** The subscriber id a valid, unexpired cookie names, or null. */
function signedIn(req: Request, secret: string, now: number): number | null {
  const m = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(cookieOf(req, COOKIE) ?? '');
  if (!m || Number(m[2]) <= now) return null;
  return safeEqual(m[3], sign(secret, `${m[1]}.${m[2]}`)) ? Number(m[1]) : null;
}

/**
 * Who asks for an account page or its Pay: the signed-in subscriber (its cookie), else the subscriber whose PPPoE
 * session has the request's address; `unchecked` when the router cannot say whose session the address is. An
 * ended subscriber's sign-in is forgotten (its cookie cleared).
 */
async function whoIsAsking(ctx: WebContext, req: Request, res: Response): Promise<Asker> {
  const { services, clock } = ctx;
  // The demo's stand-in for a CPE (demo-as.ts) is asked as the address is, before any sign-in of this browser.
  const id = demoCpeOf(ctx, req) === null ? signedIn(req, ctx.deviceSecret ?? '', clock.now()) : null;
  if (id !== null) {
    const s = await services.subscribers.get(id).catch(() => null);
    if (s && s.status !== 'ended') return { kind: 'found', s, byAddress: false };
    res.clearCookie(COOKIE, { path: PATH });
  }
  let found: SubscriberView | null = null;
  try {
    found = await subscriberAtRequest(ctx, req);
  } catch (err) {
    ctx.log.warn({ module: 'portal', err: (err as Error).message }, 'account page: address not checked');
    return { kind: 'unchecked' };
  }
  return found && found.status !== 'ended' ? { kind: 'found', s: found, byAddress: true } : { kind: 'none' };
}

export function accountRoutes(ctx: WebContext, r: Router): void {
  r.get(PATH, (req, res) => showAccount(ctx, req, res));
  r.post(PATH, (req, res) => signIn(ctx, req, res));
  accountPayRoutes(ctx, r, {
    common: (req, res, t) => common(ctx, req, res, t),
    langOf,
    whoIsAsking: (req, res) => whoIsAsking(ctx, req, res),
  });
  r.post(`${PATH}/logout`, signOut);
}

const langOf = (req: Request) =>
  translator(
    pickLanguage(req.query.lang ?? (req.body as Record<string, unknown>)?.lang, req.get('accept-language')),
  );

async function common(ctx: WebContext, req: Request, res: Response, t: Translator) {
  return {
    t: t.t,
    lang: t.lang,
    ...(await shopBranding(ctx.services.settings, ctx.config.wifiName)),
    switchUrl: `${PATH}?lang=${t.lang === 'fil' ? 'en' : 'fil'}`,
    csrf: portalFormToken(req, res),
  };
}

async function renderLogin(
  ctx: WebContext,
  req: Request,
  res: Response,
  t: Translator,
  status = 200,
  message = '',
  username = '',
  unchecked = false,
) {
  res
    .status(status)
    .render('portal/account-login', { ...(await common(ctx, req, res, t)), message, username, unchecked });
}

/** The speed the subscriber has now, in the policy's words: its plan's, or slower past a FUP or a cap. */
function speedNow(ctx: WebContext, t: Translator, s: SubscriberView, profile: Profile): string {
  const now = subscriberSpeeds(
    { profile, status: s.status, countedBytes: s.usage.countedBytes, cycle: s.cycle },
    ctx.clock.now(),
    ctx.config.tz,
  );
  const back = addDays(s.cycle.end, 1);
  if (!now.service) return t.t('account.speed_blocked', { date: back });
  const speed = `${formatRateHuman(now.limits.rateDown)} ↓ / ${formatRateHuman(now.limits.rateUp)} ↑`;
  if (now.tier === 'cap') return t.t('account.speed_capped', { speed, date: back });
  if (now.tier === 'fup') return t.t('account.speed_fup', { speed, date: back });
  return speed;
}

/** The account's facts as the page shows them, in the reader's language. */
function accountFacts(ctx: WebContext, t: Translator, s: SubscriberView, profile: Profile) {
  const used = formatBytes(s.usage.countedBytes);
  return {
    accountNo: s.accountNo,
    name: s.name,
    plan: s.profile,
    fee: t.t('account.monthly_fee', { fee: formatMoney(s.price) }),
    speed: speedNow(ctx, t, s, profile),
    status: s.status,
    // Each date kept whole on a phone (a line may break between them, never inside one).
    cycleStart: s.cycle.start,
    cycleEnd: s.cycle.end,
    usage:
      s.usage.capBytes === null
        ? t.t('account.no_cap', { used })
        : t.t('account.used_of_cap', { used, cap: formatBytes(s.usage.capBytes) }),
    percent: s.usage.capBytes
      ? Math.min(100, Math.round((s.usage.countedBytes / s.usage.capBytes) * 100))
      : null,
    owed: formatMoney(s.owed),
    owesNothing: s.owed === 0,
  };
}

async function renderAccount(
  ctx: WebContext,
  req: Request,
  res: Response,
  t: Translator,
  s: SubscriberView,
  byAddress: boolean,
) {
  const { services } = ctx;
  const plan = await services.profiles.get(s.profile);
  const base = await common(ctx, req, res, t);
  // Suspended: why, in this reader's language, and whether paying or the shop brings the service back.
  const suspension =
    s.status === 'suspended'
      ? suspensionFacts(t, s, await shopToContact(services.shopSettings, String(base.shop)))
      : null;
  res.render('portal/account', {
    ...base,
    byAddress,
    suspension,
    a: accountFacts(ctx, t, s, plan.profile),
    pay: payChoices(t, await services.payments.billOffer(s.id), {
      pastDue: suspension?.paymentLifts ?? true,
    }),
    payments: await accountPayments(ctx, t, s.id),
    bills: s.owed > 0 ? await accountBills(ctx, t, s.id) : [],
  });
}

async function showAccount(ctx: WebContext, req: Request, res: Response) {
  const t = langOf(req);
  const asker = await whoIsAsking(ctx, req, res);
  if (asker.kind === 'found') return renderAccount(ctx, req, res, t, asker.s, asker.byAddress);
  // A router that is down cannot say whose session this is: the sign-in form, and why it is asked.
  return renderLogin(ctx, req, res, t, 200, '', '', asker.kind === 'unchecked');
}

async function signIn(ctx: WebContext, req: Request, res: Response) {
  const secret = ctx.deviceSecret ?? '';
  const t = langOf(req);
  const b = (req.body ?? {}) as Record<string, unknown>;
  const username = typeof b.username === 'string' ? b.username.slice(0, 64) : '';
  if (!portalFormTokenValid(req)) return renderLogin(ctx, req, res, t, 403, t.t('account.expired'), username);
  try {
    const s = await ctx.services.subscribers.signIn(username, b.password, {
      browser: browserToken(req, secret),
      peerIp: peerAddress(req),
    });
    const until = ctx.clock.now() + ACCOUNT_SESSION_MS;
    const value = `${s.id}.${until}`;
    res.cookie(COOKIE, `${value}.${sign(secret, value)}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: cookieSecure(ctx, req),
      path: PATH,
      maxAge: ACCOUNT_SESSION_MS,
    });
    res.redirect(303, `${PATH}?lang=${t.lang}`);
  } catch (err) {
    if (err instanceof RateLimitedError) {
      res.set('Retry-After', String(err.retryAfterSeconds));
      const wait = waitWords(t, err.retryAfterSeconds);
      return renderLogin(ctx, req, res, t, 429, t.t('account.rate_limited', { wait }), username);
    }
    if (err instanceof AppError && err.code === 'SUBSCRIBER_LOGIN')
      return renderLogin(ctx, req, res, t, 401, t.t('account.wrong'), username);
    throw err;
  }
}

function signOut(req: Request, res: Response) {
  const t = langOf(req);
  if (portalFormTokenValid(req)) {
    res.clearCookie(COOKIE, { path: PATH });
    forgetDemoCpe(res);
  }
  res.redirect(303, `${PATH}?lang=${t.lang}`);
}
