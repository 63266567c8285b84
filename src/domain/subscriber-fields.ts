/**
 * A subscriber's fields as the API, the admin and the terminal send them, checked in one place: every bad field
 * is reported at once, named. The password is never repeated in a message (it will be the router's PPPoE secret).
 */
import { ErrorCollector } from './error-collector';
import { ValidationError, describeValue } from './errors';
import { MAX_BILLING_DAY, MIN_BILLING_DAY } from './billing-cycle';
import { formatMoney, parseMoney, parseWholeNumber } from './quantities';
import { parseStaticIp } from './ip-pool';
import { isLocalDate } from './calendar';

export const SUBSCRIBER_LANGUAGES = ['en', 'fil'] as const;
export type SubscriberLanguage = (typeof SUBSCRIBER_LANGUAGES)[number];

const USERNAME_RE = /^[A-Za-z0-9._@-]{3,32}$/;
/** Printable ASCII without the space: what a PPPoE client and a RouterOS secret both take as typed. */
const PASSWORD_RE = /^[\x21-\x7e]{8,64}$/;
/** The longest customer's name. */
export const MAX_NAME = 100;
const MAX_ADDRESS = 200;

export interface SubscriberFields {
  name?: string;
  /** `+639XXXXXXXXX`. */
  mobile?: string;
  profile?: string;
  billingDay?: number;
  username?: string;
  password?: string;
  site?: unknown;
  startsOn?: string;
  language?: SubscriberLanguage;
  address?: string | null;
  /** The last day paid before it came over: no invoice covers a day on or before it. */
  paidUntil?: string;
  /** What it owed when it came over, centavos (0 is none): one invoice "Balance brought forward". */
  openingBalance?: number;
  /** That invoice's due date (the service's default: today + BILLING_DUE_DAYS). */
  openingDueOn?: string;
  /** A fixed address, `auto` (the lowest free one of its site's static pool), or null (none: the plan's pool). */
  staticIp?: string | null;
}

/** What `static_ip` asks for an address from the site's static pool. */
export const AUTO_STATIC_IP = 'auto';

/** The most an opening balance may be: ₱100,000 (more is a typo of a few digits). */
const MAX_OPENING_BALANCE = 100_000_00;

/** The fields a new subscriber is made from, and those a change may name (every face reads them here). */
export const CREATE_KEYS: readonly string[] = [
  'name',
  'mobile',
  'profile',
  'billing_day',
  'username',
  'password',
  'site',
  'starts_on',
  'language',
  'address',
  'paid_until',
  'opening_balance',
  'opening_due_on',
  'static_ip',
];
export const UPDATE_KEYS: readonly string[] = [
  'name',
  'mobile',
  'password',
  'profile',
  'language',
  'address',
  'billing_day',
  'static_ip',
];

/** A subscriber without a mobile on file, as stored (the column holds text; an empty one is none). */
export const NO_MOBILE = '';

/** A Philippine mobile number, `09XXXXXXXXX` or `+639XXXXXXXXX` (spaces and dashes ignored), kept as `+639…`. */
export function parseMobile(v: unknown, field = 'mobile'): string {
  const s = typeof v === 'string' ? v.replace(/[\s-]/g, '') : '';
  const m = /^(?:0|\+63)(9\d{9})$/.exec(s);
  if (!m)
    throw ValidationError.invalid(field, v, 'a Philippine mobile number', 'use 09XXXXXXXXX or +639XXXXXXXXX');
  return `+63${m[1]}`;
}

export function parseUsername(v: unknown, field = 'username'): string {
  if (typeof v !== 'string' || !USERNAME_RE.test(v))
    throw ValidationError.invalid(
      field,
      v,
      'a username',
      'use 3–32 letters, digits, or . _ @ -, like juan.delacruz',
    );
  return v;
}

/** Never echoes the value: it is a secret. */
export function parsePassword(v: unknown, field = 'password'): string {
  if (typeof v !== 'string' || !PASSWORD_RE.test(v))
    throw new ValidationError(
      field,
      `${v === undefined ? 'missing' : 'not a usable password'}; use 8–64 letters, digits or symbols, without spaces, or leave it out to have one made`,
    );
  return v;
}

function parseBillingDay(v: unknown, field = 'billing_day'): number {
  const hint = `use a day of the month from ${MIN_BILLING_DAY} to ${MAX_BILLING_DAY} (every month has it)`;
  return parseWholeNumber(v, field, [MIN_BILLING_DAY, MAX_BILLING_DAY], 'a billing day', hint);
}

/** `static_ip`: an IPv4 address, `auto`, or empty/null for none. */
function parseStaticIpField(v: unknown, field = 'static_ip'): string | null {
  if (v === null || (typeof v === 'string' && v.trim() === '')) return null;
  if (typeof v === 'string' && v.trim().toLowerCase() === AUTO_STATIC_IP) return AUTO_STATIC_IP;
  try {
    return parseStaticIp(v, field);
  } catch {
    throw ValidationError.invalid(
      field,
      v,
      'a fixed address',
      "give an IPv4 address like 10.20.0.15, auto for the lowest free one of the site's static pool, or leave it empty for none",
    );
  }
}

/** A calendar date `YYYY-MM-DD` that exists. */
function parseDate(v: unknown, field: string): string {
  if (isLocalDate(v)) return v;
  throw ValidationError.invalid(field, v, 'a date', 'use YYYY-MM-DD, like 2026-12-01');
}

function text(v: unknown, field: string, max: number, what: string): string {
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s !== undefined && /[\r\n]/.test(s))
    throw new ValidationError(field, `${describeValue(v)} has a line break; ${what} is one line`);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (s === undefined || s === '' || s.length > max || /[\x00-\x1f\x7f]/.test(s))
    throw ValidationError.invalid(field, v, what, `use 1–${max} characters`);
  return s;
}

/** An amount owed when the subscriber came over, pesos (`1500`, `1,500.50`, `₱1500`) to centavos, 0 to ₱100,000. */
function parseOpeningBalance(v: unknown, field = 'opening_balance'): number {
  const hint = 'use an amount in pesos from 0 to ₱100,000, like 1500 or 1,500.50';
  let n: number;
  try {
    n = parseMoney(v, field);
  } catch {
    throw ValidationError.invalid(field, v, 'an amount', hint);
  }
  if (n > MAX_OPENING_BALANCE)
    throw new ValidationError(field, `${formatMoney(n)} is more than an opening balance may be; ${hint}`);
  return n;
}

/** The opening fields of a new subscriber: a due date only with a balance to be due. */
function readOpening(o: Record<string, unknown>, out: SubscriberFields, c: ErrorCollector): void {
  const given = (k: string) => o[k] !== undefined && o[k] !== null && o[k] !== '';
  if (given('paid_until')) out.paidUntil = c.field(() => parseDate(o.paid_until, 'paid_until'));
  if (given('opening_balance')) out.openingBalance = c.field(() => parseOpeningBalance(o.opening_balance));
  if (given('opening_due_on')) {
    out.openingDueOn = c.field(() => parseDate(o.opening_due_on, 'opening_due_on'));
    if (!given('opening_balance'))
      c.add(
        'opening_due_on',
        'is the due date of an opening balance; give opening_balance too, or leave it out',
      );
  }
}

function language(v: unknown): SubscriberLanguage {
  if (typeof v !== 'string' || !(SUBSCRIBER_LANGUAGES as readonly string[]).includes(v))
    throw ValidationError.invalid('language', v, 'a language', 'use en or fil');
  return v as SubscriberLanguage;
}

/**
 * The fields of a new subscriber (`update` false) or of a change (`update` true: only what is sent, and only
 * the fields a change may touch). Every bad field goes into `c`; `profile` and `site` are only checked for shape
 * here (the service looks them up and adds its findings to the same collector).
 */
export function readSubscriberFields(input: unknown, update: boolean, c: ErrorCollector): SubscriberFields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    c.add('subscriber', `${describeValue(input)} is not a subscriber; send an object like {"name": …}`);
    return {};
  }
  const o = input as Record<string, unknown>;
  const allowed = update ? UPDATE_KEYS : CREATE_KEYS;
  for (const key of Object.keys(o))
    if (!allowed.includes(key))
      c.add(
        key,
        CREATE_KEYS.includes(key)
          ? 'cannot be changed on an existing subscriber'
          : `unknown field; allowed: ${allowed.join(', ')}`,
      );
  const given = (k: string) => !update || o[k] !== undefined;
  const out: SubscriberFields = {};
  if (given('name')) out.name = c.field(() => text(o.name, 'name', MAX_NAME, 'a name'));
  // A mobile is optional (a customer moved over may have none on file): none given, or an empty one, is none; on
  // a change, an empty one takes it away. Without one, the customer gets no SMS.
  if (
    o.mobile === undefined ||
    o.mobile === null ||
    (typeof o.mobile === 'string' && o.mobile.trim() === '')
  ) {
    if (update && o.mobile !== undefined) out.mobile = NO_MOBILE;
  } else out.mobile = c.field(() => parseMobile(o.mobile));
  if (given('profile')) {
    if (typeof o.profile !== 'string' || o.profile.trim() === '')
      c.add('profile', `${describeValue(o.profile)} is not a profile; name a monthly plan`);
    else out.profile = o.profile.trim();
  }
  if (given('billing_day')) out.billingDay = c.field(() => parseBillingDay(o.billing_day));
  if (!update) out.username = c.field(() => parseUsername(o.username));
  if (o.password !== undefined) out.password = c.field(() => parsePassword(o.password));
  if (!update && o.site !== undefined && o.site !== null && o.site !== '') out.site = o.site;
  if (!update && o.starts_on !== undefined && o.starts_on !== '')
    out.startsOn = c.field(() => parseDate(o.starts_on, 'starts_on'));
  if (o.language !== undefined) out.language = c.field(() => language(o.language));
  if (o.address === null || o.address === '') out.address = null;
  else if (o.address !== undefined)
    out.address = c.field(() => text(o.address, 'address', MAX_ADDRESS, 'an address'));
  if (!update) readOpening(o, out, c);
  if (o.static_ip !== undefined) out.staticIp = c.field(() => parseStaticIpField(o.static_ip));
  return out;
}

/** readSubscriberFields, throwing ValidationErrors with every bad field. */
export function parseSubscriberFields(input: unknown, update: boolean): SubscriberFields {
  const c = new ErrorCollector();
  const out = readSubscriberFields(input, update, c);
  c.throwIfAny('Invalid subscriber');
  return out;
}

/** A suspension's reason: 1–200 characters. */
export function parseReason(v: unknown, field = 'reason'): string {
  return text(v, field, 200, 'a reason');
}
