/**
 * Adopting the router's own PPP secrets (not ours: no `pisonet` in their comment) as subscribers, the pure part:
 * the request read (every problem named at once), the subscriber each entry becomes (the same JSON a
 * `POST /admin/api/subscribers` takes), and what adopting changes on the router, per secret. The service
 * (src/services/subscriptions/subscribers/adopt.ts) reads the router and the database around it; the PPP room writes the secret.
 */
import { ErrorCollector } from './error-collector';
import { describeValue, ValidationError } from './errors';
import { pppProfileName, sessionsToRestart, type PppSecretHave } from './ppp-plan';
import { MAX_NAME, parsePassword, parseUsername } from './subscriber-fields';

/**
 * The reason a subscriber adopted from a disabled secret starts suspended by hand: a secret the owner turned off
 * stays off (only the owner resumes it), never online for free because it was adopted.
 */
const DISABLED_ON_ROUTER = 'Disabled on the router before it was adopted';

/** At most this many secrets in one request (a shop of 500 customers, with room). */
const MAX_ADOPT = 2000;

const ENTRY_KEYS = [
  'name',
  'plan',
  'billing_day',
  'paid_until',
  'opening_balance',
  'customer_name',
  'mobile',
  'language',
] as const;

/** One secret to adopt, as sent (its fields are checked by the subscribers' create path, named per entry). */
export type AdoptEntry = Partial<Record<(typeof ENTRY_KEYS)[number], unknown>> & { name: string };

interface AdoptRequest {
  /** The request itself is malformed (not its entries): nothing more to check. */
  malformed: boolean;
  site: unknown;
  dryRun: boolean;
  /** Opening balances that look like typos were asked about and are meant. */
  confirm: boolean;
  entries: AdoptEntry[];
}

/** `secrets[2].plan`: an entry's field, as every answer names it. */
export const entryField = (i: number, field: string): string => `secrets[${i}].${field}`;

/** The request's shape: a site, `dry_run`, and 1–MAX_ADOPT entries each naming a secret once. */
export function readAdoptRequest(body: unknown, c: ErrorCollector): AdoptRequest {
  const o = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  for (const k of Object.keys(o))
    if (!['site', 'dry_run', 'confirm', 'secrets'].includes(k))
      c.add(k, 'unknown field; allowed: site, dry_run, confirm, secrets');
  for (const k of ['dry_run', 'confirm'])
    if (o[k] !== undefined && typeof o[k] !== 'boolean')
      c.add(k, `${describeValue(o[k])} is not true or false`);
  const list = o.secrets;
  const entries: AdoptEntry[] = [];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADOPT)
    c.add(
      'secrets',
      `send 1–${MAX_ADOPT} secrets, like [{"name": "juan", "plan": "HOME10", "billing_day": 5}]`,
    );
  const malformed = !c.ok;
  if (Array.isArray(list) && !malformed) list.forEach((e, i) => entries.push(readEntry(e, i, c)));
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const first = seen.get(e.name);
    if (e.name && first !== undefined)
      c.add(entryField(i, 'name'), `${e.name} is named twice (also secrets[${first}])`);
    else seen.set(e.name, i);
  });
  return { malformed, site: o.site, dryRun: o.dry_run === true, confirm: o.confirm === true, entries };
}

function readEntry(e: unknown, i: number, c: ErrorCollector): AdoptEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) {
    c.add(`secrets[${i}]`, `${describeValue(e)} is not a secret; send {"name", "plan", "billing_day"}`);
    return { name: '' };
  }
  const o = e as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(ENTRY_KEYS as readonly string[]).includes(k))
      c.add(entryField(i, k), `unknown field; allowed: ${ENTRY_KEYS.join(', ')}`);
  if (typeof o.name !== 'string' || o.name === '') {
    c.add(entryField(i, 'name'), `${describeValue(o.name)} is not a secret's name`);
    return { ...o, name: '' };
  }
  return { ...o, name: o.name };
}

/**
 * The subscriber an entry becomes, as the create path takes it: the secret's name as its username, the router's
 * password, `plan` as `profile`, `customer_name` as its name (default: the secret's name).
 */
export function subscriberInputOf(
  e: AdoptEntry,
  secret: Pick<PppSecretHave, 'name' | 'password'>,
  site: number,
): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: e.customer_name ?? secret.name,
    mobile: e.mobile,
    profile: e.plan,
    billing_day: e.billing_day,
    username: secret.name,
    password: secret.password,
    site,
  };
  for (const k of ['language', 'paid_until', 'opening_balance'] as const)
    if (e[k] !== undefined) input[k] = e[k];
  return input;
}

/** A create-path problem as adopting names it: the router's password is never repeated, only refused. */
export function adoptProblem(v: ValidationError): string {
  return v.field === 'password'
    ? "the router's password is not one a subscriber can have (8–64 letters, digits or symbols, no spaces); change it on the router first"
    : v.problem;
}

/**
 * Why a secret can never be adopted as the router has it (its name is not a username a subscriber can have, its
 * password not a password one can have: the router must change first), or null.
 */
export function cannotAdopt(secret: Pick<PppSecretHave, 'name' | 'password'>): string | null {
  const c = new ErrorCollector();
  c.field(() => parseUsername(secret.name));
  c.field(() => parsePassword(secret.password));
  return c.errors.length ? c.errors.map(adoptProblem).join('; ') : null;
}

/**
 * A secret's comment as its customer's name, for the owner to edit (often it is one: "Maria, Purok 3"): on one
 * line, at most a name's length; '' when it has none.
 */
export function nameFromComment(comment: string): string {
  // eslint-disable-next-line no-control-regex -- control characters (a name is one line) become spaces
  const line = comment.replace(/[\x00-\x1f\x7f\s]+/g, ' ').trim();
  let out = '';
  for (const ch of line) {
    if (out.length + ch.length > MAX_NAME) break;
    out += ch;
  }
  return out.trim();
}

/** A create-path field named as the adopt request names it (`profile` is the entry's `plan`, …). */
export function adoptFieldOf(field: string): string {
  const names: Record<string, string> = {
    profile: 'plan',
    name: 'customer_name',
    username: 'name',
    password: 'name',
    subscriber: 'name',
  };
  return names[field] ?? field;
}

/** What happens to a secret's running session: none, kept (already at the plan's speeds), ended once to redial. */
export type AdoptSession = 'offline' | 'kept' | 'ended';

export interface AdoptChange {
  name: string;
  comment: { from: string; to: string };
  profile: { from: string; to: string };
  /**
   * Only when they change: a secret for any service becomes a PPPoE one; a disabled one is enabled, and its
   * subscriber starts suspended by hand (`suspended`, the reason), so its customer sees the suspension page.
   */
  service?: { from: string; to: string };
  disabled?: { from: boolean; to: boolean };
  suspended?: string;
  /**
   * Only for a secret with its own fixed address (`remote-address`): kept as its subscriber's `static_ip` (`to`
   * the same), or taken off (`to` null) for the reason in `why`.
   */
  remoteAddress?: { from: string; to: string | null; why?: string };
  session: AdoptSession;
  /** Its session's address when it is online. */
  address: string | null;
}

/**
 * What adopting a secret onto `plan` changes on the router: the PPP room's writer makes exactly these (comment,
 * profile, service, enabled; the password stays the router's), and ends a running session only when its queue
 * does not run at the plan's speeds (the rule of every speed change: domain/ppp-plan.ts sessionsToRestart).
 */
export function adoptChange(
  secret: PppSecretHave,
  o: {
    plan: string;
    accountNo: string;
    /** The plan's `max-limit` (upload/download bits/s). */
    maxLimit: string;
    /** Its running session, when it has one: its address and its queue's max-limit (null: no queue). */
    session?: { address: string | null; maxLimit: string | null };
  },
): AdoptChange {
  const out: AdoptChange = {
    name: secret.name,
    comment: { from: secret.comment, to: `pisonet subscriber ${o.accountNo}` },
    profile: { from: secret.profile, to: pppProfileName(o.plan) },
    session: 'offline',
    address: o.session?.address ?? null,
  };
  if (secret.service !== 'pppoe') out.service = { from: secret.service, to: 'pppoe' };
  if (secret.disabled) {
    out.disabled = { from: true, to: false };
    out.suspended = DISABLED_ON_ROUTER;
  }
  if (o.session) {
    const restart = sessionsToRestart(
      [{ name: secret.name, maxLimit: o.session.maxLimit }],
      [{ name: secret.name, maxLimit: o.maxLimit }],
      new Map(),
    );
    out.session = restart.length ? 'ended' : 'kept';
  }
  return out;
}
