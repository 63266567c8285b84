import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../../domain/errors';
import { toAppError } from '../../../lib/error-reply';
import type { WebContext } from '../../context';
import type { Actor } from '../../../services/types';
import {
  isValidInstant,
  formatBytes,
  formatDurationHuman,
  formatLimitHuman,
  formatMoneyText,
  formatRateHuman,
} from '../../../domain/units';
import { localDate } from '../../../domain/calendar';
import { shopName } from '../../../services/business/settings';
import { isUtcZone, TIME_FORMATS, timeFormatter, type TimeFormatName } from '../../../domain/clock';
import { percentText } from '../../../domain/plan-change';

declare module 'express-session' {
  interface SessionData {
    flash?: Flash[];
  }
}

interface Flash {
  type: 'ok' | 'error' | 'info';
  message: string;
}

/** Field name → message, shown under each form field. */
export type FieldErrors = Record<string, string>;

/** A message for the next page the owner sees (the POST-redirect-GET pattern). */
export function flash(req: Request, type: Flash['type'], message: string): void {
  req.session.flash = [...(req.session.flash ?? []), { type, message }].slice(-5);
}

/**
 * A redirect that carries a flash message waits until the session is stored. express-session otherwise
 * sends the redirect's headers before its save finishes, and a browser that follows the redirect at once
 * can read the old session: the message is lost and, worse, that page's own save writes the old session
 * back over the new one.
 */
export function saveBeforeRedirect(req: Request, res: Response, log: WebContext['log']): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session.flash) return redirect(...args);
    req.session.save((err) => {
      if (err) log.error({ err: (err as Error).message }, 'could not store the session before a redirect');
      redirect(...args);
    });
  }) as Response['redirect'];
}

/** The acting admin for the audit log (set by requireAdmin). */
export function actorOf(req: Request): Actor {
  return req.actor ?? { name: req.session.admin?.username ?? 'admin', via: 'admin' };
}

/** A form value as a trimmed string ('' when missing or not a string). */
export function field(body: unknown, name: string): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

/** Query value as a string, ignoring arrays (`?a=1&a=2`) so handlers never see surprises. */
export function query(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * A failure a form can show: field messages (service AppError.fields or ValidationErrors) and a summary.
 * Anything else (router down, bug) is rethrown to the error page.
 */
export function formFailure(
  err: unknown,
  fieldMap: (key: string) => string = (k) => k,
): { message: string; fields: FieldErrors; status: number } {
  const e = toAppError(err);
  if (e.status >= 500 && e.code === 'INTERNAL') throw err;
  const fields: FieldErrors = {};
  for (const [k, v] of Object.entries(e.fields ?? {})) fields[fieldMap(k)] = v;
  if (e.field && !e.fields) fields[fieldMap(e.field)] = e.message;
  return {
    message:
      e.status === 400 && Object.keys(fields).length ? 'Please correct the fields marked below.' : e.message,
    fields,
    status: e.status,
  };
}

/** A refused form shown again: its values, the field messages and the summary (formFailure), and the status. */
export function refusedForm<V>(err: unknown, values: V, fieldMap?: (key: string) => string) {
  const f = formFailure(err, fieldMap);
  return [{ values, errors: f.fields, formError: f.message }, f.status] as const;
}

/** Throws a 400 with field messages when any were collected (server-side form validation). */
export function failIfAny(fields: FieldErrors): void {
  const keys = Object.keys(fields);
  if (keys.length)
    throw new AppError('INVALID_INPUT', 'Please correct the fields marked below.', 400, keys[0], fields);
}

/**
 * A list's status filter and search box (`?status=`, `?q=`): an unknown status is named under its field and
 * ignored; `search` is the lowercased text to look for.
 */
export function statusFilter(req: Request, statuses: readonly string[]) {
  const status = query(req, 'status');
  const valid = statuses.includes(status);
  return {
    status: valid ? status : null,
    search: query(req, 'q').toLowerCase(),
    filterValues: { status: valid ? status : '', q: query(req, 'q') },
    filterErrors: status && !valid ? { status: `use ${statuses.join(', ')}` } : {},
  };
}

export function pager(req: Request, total: number, perPage = 50) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const asked = Number.parseInt(query(req, 'page'), 10);
  const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query))
    if (k !== 'page' && typeof v === 'string' && v !== '') params.set(k, v);
  const qs = params.toString();
  // `base`: the `?a=b&` prefix for page links, keeping the other filters.
  return { page, pages, perPage, offset: (page - 1) * perPage, total, base: `?${qs}${qs ? '&' : ''}` };
}

/** RouterOS writes pairs upload/download; people read download first. */
function routerPair(v: string, f: (n: number) => string): string {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  return m ? `${f(Number(m[2]))} ↓ / ${f(Number(m[1]))} ↑` : v || '—';
}

/** Who recorded an entry, as people read it: a payment gateway's name is the customer paying online, not a cashier. */
const GATEWAY_ACTORS: Record<string, string> = { paymongo: 'Online (PayMongo)' };
/** A payment's method as customers know it: the ledger's, and PayMongo's names (its `paymaya` is Maya). */
const PAY_METHODS: Record<string, string> = {
  cash: 'Cash',
  bank: 'Bank transfer',
  other: 'Other',
  gcash: 'GCash',
  paymaya: 'Maya',
  maya: 'Maya',
  qrph: 'QR Ph',
  grab_pay: 'GrabPay',
  card: 'Card',
};

/** Formatters the views use; times in the shop's zone and locale (src/domain/clock.ts timeFormatter). */
export function formatters(tz: string) {
  const times = timeFormatter(tz);
  const at = (ms: number | null, name: TimeFormatName) =>
    ms === null ? '—' : isValidInstant(ms) ? times.format(ms, name) : 'invalid';
  return {
    tz,
    /** The shop runs on UTC: "today" is likely hours off (views/partials/tz-warning.ejs). */
    tzIsUtc: isUtcZone(tz),
    locale: times.locale,
    /** TIME_FORMATS for public/js/admin-time.js, so the page's scripts format times as the server does. */
    formatsJson: JSON.stringify(TIME_FORMATS),
    /** Negative money with the true minus sign (−₱5.00), on every page and paper alike. */
    money: (c: number) => formatMoneyText(c),
    bytes: (n: number) => formatBytes(n),
    actor: (name: string) => GATEWAY_ACTORS[name] ?? name,
    payMethod: (m: string | null) => (m ? (PAY_METHODS[m] ?? m) : '—'),
    rate: (bps: number) => formatRateHuman(bps),
    /** A speed limit: 0 is RouterOS's "no limit". */
    limit: (bps: number) => formatLimitHuman(bps),
    duration: (s: number | null) => (s === null ? '—' : formatDurationHuman(s)),
    /** A share 0–1 as `50%`, `33.3%`; null → `—`. */
    percent: (f: number | null) => (f === null ? '—' : percentText(f)),
    time: (ms: number | null) => at(ms, 'short'),
    fullTime: (ms: number | null) => at(ms, 'full'),
    /** `7:44:35 AM`, as public/js/admin-time.js writes it on refresh. */
    clock: (ms: number | null) => at(ms, 'clock'),
    /** For `<time datetime>`: an ISO instant, or '' for none. */
    iso: (ms: number | null) => (ms !== null && isValidInstant(ms) ? new Date(ms).toISOString() : ''),
    date: (ms: number) => localDate(ms, tz),
    /** A router `upload/download` rate pair (`1200/56000`) → `56 kbps ↓ / 1.2 kbps ↑`. */
    ratePair: (v: string) => routerPair(v, formatRateHuman),
    /** A router `upload/download` byte counter pair → `15.2 MB ↓ / 1.1 MB ↑`. */
    bytesPair: (v: string) => routerPair(v, formatBytes),
    /** `512000/1000000` (router form, upload/download) → `1 Mbps ↓ / 512 kbps ↑`; `0/0` → `unlimited`. */
    maxLimit: (v: string) => {
      const m = /^(\d+)\/(\d+)$/.exec(v);
      if (!m) return v || '—';
      const [up, down] = [Number(m[1]), Number(m[2])];
      if (up === 0 && down === 0) return 'unlimited';
      return `${down ? formatRateHuman(down) : '∞'} ↓ / ${up ? formatRateHuman(up) : '∞'} ↑`;
    },
  };
}

export type Formatters = ReturnType<typeof formatters>;

/**
 * Per-request locals every admin page uses: formatters, the shop name, the flash messages (consumed),
 * (Templates are compiled once outside development: the app's view cache, src/web/app.ts.)
 */
export function pageLocals(ctx: WebContext) {
  // Made again when the owner changes the shop's time zone in Settings (src/services/business/settings/shop.ts).
  let fmt = formatters(ctx.config.tz);
  return async (req: Request, res: Response, next: NextFunction) => {
    if (fmt.tz !== ctx.config.tz) fmt = formatters(ctx.config.tz);
    res.locals.fmt = fmt;
    res.locals.admin = req.session.admin ?? null;
    res.locals.flashes = req.session.flash ?? [];
    if (req.session.flash) delete req.session.flash;
    saveBeforeRedirect(req, res, ctx.log);
    res.locals.shopName = await shopName(ctx.services.settings);
    res.locals.values = {};
    res.locals.errors = {};
    res.locals.formError = null;
    res.locals.scripts = [];
    next();
  };
}

/** Renders a page with its title and active nav item. */
export function page(
  res: Response,
  view: string,
  nav: string,
  title: string,
  locals: Record<string, unknown> = {},
  status = 200,
): void {
  res.status(status).render(`admin/${view}`, { nav, title, ...locals });
}
