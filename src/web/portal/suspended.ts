/**
 * The suspension page: every HTTP request from a suspended subscriber's PPPoE address (the router's
 * `suspended-redirect` dst-nats its TCP 80 to us whatever the site asked for, so any Host and any path) is
 * answered with one page: who it is, why (suspension-facts.ts: billing's reason in the reader's language, the
 * shop's as typed, and whether paying brings the service back or the shop restores it, with the shop's contact),
 * what is owed and what of it is past due, since when, and a way to pay (the "Pay with GCash / Maya" forms to
 * `/portal/account/pay`, for what is past due and for the whole balance, when online payments are on, else "Pay at
 * the shop"). English, or Filipino with `?lang=fil` or `Accept-Language: fil`; never cached by the browser.
 *
 * Left to go through: the pay route and the rest of `/portal/account` (the subscriber's own page), the payment
 * return pages (`/portal/pay/...`), the portal's static files (`/public`, mounted before this) and the PayMongo
 * webhook (mounted before this). The admin is not exempt: a suspended customer's device is not where the shop is
 * run from, and it must get this page whatever it asks for.
 *
 * The lookup costs no router call per request (docs/subscribers.md "The suspension page"): nothing at all while
 * no subscriber is suspended (a flag dropped at each subscriber change, re-read at most every 5 s for changes
 * made by another process), and otherwise the address's subscriber kept for 30 s, its status read fresh, so a
 * payment's restore takes effect on the very next request.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { formatMoney } from '../../domain/quantities';
import { pickLanguage, registerMessages, translator, type Translator } from '../../i18n';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import { shopBranding } from '../../services/shop/vouchers/sheet';
import type { WebContext } from '../context';
import { peerAddress } from './device-proof';
import { portalFormToken } from './form-token';
import { demoCpeOf, subscriberAtRequest } from './demo-as';
import { payChoices, shopToContact, suspensionFacts } from './suspension-facts';
import en from './suspended.en.json';
import fil from './suspended.fil.json';

registerMessages('en', en);
registerMessages('fil', fil);

/** How long an address's subscriber (or that it is none) is kept: a session dialled anew is met within it. */
const ADDRESS_KEEP_MS = 30_000;
/** How long "someone is suspended" is believed without a change seen in this process. */
const ANY_KEEP_MS = 5_000;
/** More addresses than this kept: all are dropped (a scan of the network cannot fill the memory). */
const MAX_ADDRESSES = 10_000;

const ADMIN = /^\/admin(\/|$|\?)/;
const EXEMPT = [/^\/portal\/account(\/|$|\?)/, /^\/portal\/pay\/(done|cancel)(\/|$|\?)/, /^\/public\//];

type Services = Pick<
  WebContext['services'],
  'subscribers' | 'invoices' | 'payments' | 'settings' | 'shopSettings'
>;

/** Which suspended subscriber (if any) an address is, without asking a router per request. */
function suspendedAtAddress(services: Pick<Services, 'subscribers'>) {
  const { subscribers } = services;
  let any: { at: number; value: Promise<boolean> } | undefined;
  const kept = new Map<string, { at: number; id: Promise<number | null> }>();
  subscribers.onChange(() => (any = undefined));

  const anySuspended = () => {
    if (!any || Date.now() - any.at > ANY_KEEP_MS) {
      const value = subscribers.list({ status: 'suspended' }).then((l) => l.length > 0);
      value.catch(() => (any = undefined));
      any = { at: Date.now(), value };
    }
    return any.value;
  };

  return async (address: string): Promise<SubscriberView | null> => {
    if (!(await anySuspended())) return null;
    const hit = kept.get(address);
    if (hit && Date.now() - hit.at <= ADDRESS_KEEP_MS) {
      const id = await hit.id;
      if (id === null) return null;
      const s = await subscribers.get(id).catch(() => null);
      return s?.status === 'suspended' ? s : null;
    }
    if (kept.size >= MAX_ADDRESSES) kept.clear();
    const found = subscribers.atAddress(address).catch(() => null);
    const entry = { at: Date.now(), id: found.then((s) => s?.id ?? null) };
    kept.set(address, entry);
    // A router that could not say: asked again at the next request after a few seconds, not after 30.
    void found.then((s) => {
      if (s === null && kept.get(address) === entry) entry.at = Date.now() - ADDRESS_KEEP_MS + ANY_KEEP_MS;
    });
    const s = await found;
    return s?.status === 'suspended' ? s : null;
  };
}

/** The page's facts: why, what is owed and past due, the oldest open due date, which Pay buttons are offered. */
async function pageOf(services: Services, t: Translator, s: SubscriberView, shop: string) {
  const open = await services.invoices.list({ subscriberId: s.id, status: 'open' });
  const oldest = open.map((i) => i.dueOn).sort()[0] ?? null;
  const facts = suspensionFacts(t, s, await shopToContact(services.shopSettings, shop));
  // Under a suspension by hand that paying does not end, only the whole balance is offered.
  const offer = s.owed > 0 ? await services.payments.billOffer(s.id) : null;
  const pay = offer && payChoices(t, offer, { pastDue: facts.paymentLifts });
  const pastDue = s.owed > 0 ? await services.invoices.pastDue(s.id) : 0;
  return {
    name: s.name,
    accountNo: s.accountNo,
    owed: formatMoney(s.owed),
    owes: s.owed > 0,
    pastDue: pastDue > 0 && pastDue < s.owed ? formatMoney(pastDue) : null,
    dueOn: oldest,
    ...facts,
    buttons: pay && 'buttons' in pay ? pay.buttons : null,
  };
}

export function suspensionPage(ctx: WebContext): RequestHandler {
  const { services } = ctx;
  const lookup = suspendedAtAddress(services);
  return (req: Request, res: Response, next: NextFunction) => {
    if (EXEMPT.some((re) => re.test(req.originalUrl))) return next();
    const address = peerAddress(req);
    // The demo's stand-in for a CPE (demo-as.ts) is asked fresh, as the address would be; not for the admin, which
    // the owner's browser that opened it keeps using.
    const found =
      demoCpeOf(ctx, req) !== null && !ADMIN.test(req.originalUrl)
        ? subscriberAtRequest(ctx, req).then((s) => (s?.status === 'suspended' ? s : null))
        : address
          ? lookup(address)
          : null;
    if (!found) return next();
    found
      .then(async (s) => {
        if (!s) return next();
        const t = translator(pickLanguage(req.query.lang, req.get('accept-language')));
        const branding = await shopBranding(services.settings, ctx.config.wifiName);
        const page = await pageOf(services, t, s, branding.shop);
        res.set('Cache-Control', 'no-store');
        res.render('portal/suspended', {
          t: t.t,
          lang: t.lang,
          ...branding,
          switchUrl: `/?lang=${t.lang === 'fil' ? 'en' : 'fil'}`,
          csrf: portalFormToken(req, res),
          p: page,
        });
      })
      .catch(next);
  };
}
