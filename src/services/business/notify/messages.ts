/**
 * What each notification says, in the shop's language (English or Filipino: messages.*.json), and the
 * language-neutral `data` a webhook receiver reads. Plain text (no Telegram parse_mode), so nothing needs
 * escaping. No message ever holds a voucher code, a password or a secret.
 */
import { formatShopTime } from '../../../domain/clock';
import { formatMoney } from '../../../domain/quantities';
import type { SubscriberTakings } from '../../shop/reports/money-in';
import en from './messages.en.json';
import fil from './messages.fil.json';
import type { NewMessage, NotifyKind, NotifyLanguage } from './types';

type Key = keyof typeof en;
const CATALOGS: Record<NotifyLanguage, Record<Key, string>> = { en, fil };

/** The shop's name, language and time zone: what every message is written for. */
export interface Voice {
  shop: string;
  language: NotifyLanguage;
  tz: string;
}

function say(v: Voice, key: Key, vars: Record<string, string | number> = {}): string {
  const text = CATALOGS[v.language][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (vars[name] !== undefined ? String(vars[name]) : m));
}

/** `5 min`, `1 h 20 min`, `2 d 3 h` (Filipino: `5 minuto`, `1 oras 20 minuto`). */
function durationText(v: Voice, ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d) parts.push(say(v, 'unit_d', { n: d }));
  if (h) parts.push(say(v, 'unit_h', { n: h }));
  if (m && !d) parts.push(say(v, 'unit_min', { n: m }));
  return parts.join(' ');
}

const time = (v: Voice, ms: number, now: number) => formatShopTime(ms, v.tz, now);

function dateText(v: Voice, ms: number): string {
  return new Intl.DateTimeFormat(v.language === 'fil' ? 'fil-PH' : 'en-PH', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: v.tz,
  }).format(ms);
}

/** A message whose text is its kind's line in the catalog, said for the shop. */
function told(
  v: Voice,
  kind: NotifyKind & Key,
  vars: Record<string, string | number>,
  rest: Omit<NewMessage, 'kind' | 'text'>,
): NewMessage {
  return { kind, ...rest, text: say(v, kind, { shop: v.shop, ...vars }) };
}

/** `one`'s words for 1, else `many`'s with the number. */
const plural = (v: Voice, n: number, one: Key, many: Key) => (n === 1 ? say(v, one) : say(v, many, { n }));

const vouchers = (v: Voice, n: number) => plural(v, n, 'vouchers_one', 'vouchers_many');

export function routerDown(
  v: Voice,
  site: { id: number; name: string },
  since: number,
  reason: string,
  now: number,
): NewMessage {
  const minutes = Math.max(1, Math.floor((now - since) / 60_000));
  const vars = { site: site.name, since: time(v, since, now), minutes, reason };
  return told(v, 'router_down', vars, {
    subject: `site:${site.id}`,
    site: site.name,
    data: { site_id: site.id, since: new Date(since).toISOString(), reason },
  });
}

export function routerUp(
  v: Voice,
  site: { id: number; name: string },
  since: number,
  now: number,
): NewMessage {
  const vars = { site: site.name, since: time(v, since, now), duration: durationText(v, now - since) };
  return told(v, 'router_up', vars, {
    subject: `site:${site.id}`,
    site: site.name,
    data: {
      site_id: site.id,
      since: new Date(since).toISOString(),
      down_seconds: Math.round((now - since) / 1000),
    },
  });
}

interface VendoFacts {
  id: string;
  name: string;
  site: string | null;
  lastSeenAt: number;
}

/** ` at SITE` for a vendo that sells on one site, else nothing. */
const where = (v: Voice, vendo: VendoFacts) => (vendo.site ? say(v, 'at_site', { site: vendo.site }) : '');

export function vendoSilent(v: Voice, vendo: VendoFacts, now: number): NewMessage {
  const minutes = Math.floor((now - vendo.lastSeenAt) / 60_000);
  const vars = { vendo: vendo.name, where: where(v, vendo), since: time(v, vendo.lastSeenAt, now), minutes };
  return told(v, 'vendo_silent', vars, {
    subject: `vendo:${vendo.id}`,
    site: vendo.site,
    data: { vendo_id: vendo.id, vendo: vendo.name, last_seen_at: new Date(vendo.lastSeenAt).toISOString() },
  });
}

export function vendoBack(v: Voice, vendo: VendoFacts, silentSince: number, now: number): NewMessage {
  const vars = { vendo: vendo.name, where: where(v, vendo), duration: durationText(v, now - silentSince) };
  return told(v, 'vendo_back', vars, {
    subject: `vendo:${vendo.id}`,
    site: vendo.site,
    data: {
      vendo_id: vendo.id,
      vendo: vendo.name,
      silent_since: new Date(silentSince).toISOString(),
      silent_seconds: Math.round((now - silentSince) / 1000),
    },
  });
}

export function guessing(v: Voice, at: number, now: number): NewMessage {
  return told(
    v,
    'guessing',
    { at: time(v, at, now) },
    { subject: 'guessing', data: { at: new Date(at).toISOString() } },
  );
}

export interface SiteSales {
  site: string;
  /** Vouchers sold (first used). */
  count: number;
  /** Charges on running vouchers (plan changes, extra data). */
  charges: number;
  /** Centavos. */
  amount: number;
}

/** The subscribers' payments of the day, shop-wide (subscribers belong to no site), as Reports counts them. */
type SubscriberSales = Pick<SubscriberTakings, 'count' | 'reversals' | 'amount'>;

const chargesText = (v: Voice, n: number) =>
  n === 0 ? '' : plural(v, n, 'daily_charge_one', 'daily_charges');

/** `• Subscribers' payments: ₱999.00 · 2 payments, 1 voided`, or nothing on a day without one. */
function subscriberLine(v: Voice, subs: SubscriberSales): string[] {
  if (subs.count + subs.reversals === 0) return [];
  const voided = subs.reversals ? plural(v, subs.reversals, 'daily_voided_one', 'daily_voided') : '';
  return [
    say(v, 'daily_subscribers', {
      amount: formatMoney(subs.amount),
      count: plural(v, subs.count, 'daily_payment_one', 'daily_payments') + voided,
    }),
  ];
}

/**
 * A line per site, then the subscribers' line. One site's line only repeats the vouchers' part of the total:
 * it is left out unless the subscribers' line needs it beside it (then it reads "Vouchers").
 */
function detailLines(v: Voice, sites: SiteSales[], vouchersSold: number, subs: string[]): string[] {
  const alone = sites.length === 1;
  const siteLines =
    vouchersSold === 0 || (alone && !subs.length)
      ? []
      : sites.map(
          (s) =>
            say(v, 'daily_site', {
              site: alone ? say(v, 'daily_vouchers') : s.site,
              amount: formatMoney(s.amount),
              count: vouchers(v, s.count),
            }) + chargesText(v, s.charges),
        );
  const lines = [...siteLines, ...subs];
  return lines.length || alone ? lines : [say(v, 'daily_none')];
}

/**
 * The day's sales: the total is Reports' Income (every site's voucher sales and the subscribers' payments, net
 * of voids), then a line per site and one for the subscribers. `data.total` stays the vouchers' (every site).
 */
export function dailySummary(
  v: Voice,
  date: string,
  at: number,
  sites: SiteSales[],
  subs: SubscriberSales,
): NewMessage {
  const total = sites.reduce(
    (t, s) => ({ count: t.count + s.count, charges: t.charges + s.charges, amount: t.amount + s.amount }),
    { count: 0, charges: 0, amount: 0 },
  );
  const head = say(v, 'daily_summary', {
    shop: v.shop,
    date: dateText(v, at),
    time: formatShopTime(at, v.tz),
    amount: formatMoney(total.amount + subs.amount),
    count: vouchers(v, total.count),
  });
  const paid = subs.count ? plural(v, subs.count, 'daily_paid_one', 'daily_paid') : '';
  const lines = detailLines(v, sites, total.count + total.charges, subscriberLine(v, subs));
  return {
    kind: 'daily_summary',
    subject: `daily:${date}`,
    text: [head + chargesText(v, total.charges) + paid, ...lines].join('\n'),
    data: dailyData(date, at, sites, total, subs),
  };
}

function dailyData(
  date: string,
  at: number,
  sites: SiteSales[],
  total: Omit<SiteSales, 'site'>,
  subs: SubscriberSales,
): Record<string, unknown> {
  return {
    date,
    until: new Date(at).toISOString(),
    currency: 'PHP',
    total: { amount: total.amount / 100, vouchers: total.count, charges: total.charges },
    sites: sites.map((s) => ({
      site: s.site,
      amount: s.amount / 100,
      vouchers: s.count,
      charges: s.charges,
    })),
    subscribers: { amount: subs.amount / 100, payments: subs.count, voided: subs.reversals },
    income: (total.amount + subs.amount) / 100,
  };
}

export function lowStock(
  v: Voice,
  profile: { id: number; name: string },
  count: number,
  threshold: number,
): NewMessage {
  return told(
    v,
    'low_stock',
    { profile: profile.name, count, threshold },
    {
      subject: `stock:${profile.id}`,
      data: { profile: profile.name, unused: count, threshold },
    },
  );
}

export function testMessage(v: Voice, now: number): NewMessage {
  return told(v, 'test', { at: formatShopTime(now, v.tz) }, { data: {} });
}
