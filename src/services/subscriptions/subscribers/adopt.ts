/**
 * Adopting an API site's own PPP secrets (on its router before us, not ours) as subscribers: listed without their
 * passwords; each checked first (every bad entry named, nothing written); then each one created through the
 * subscribers' create path (the one road) with the router's username and password, marked with the secret it
 * came from, and with the secret's own fixed address when that passes the checks a typed one passes
 * (adopt-address.ts; else taken off, and said so). The secret itself is written by its one owner, the PPP room
 * (src/services/network/ppp-subscribers), whose next check makes that secret ours in place (comment, profile) and
 * ends its running session only when it does not already run at the plan's speeds. A dry run answers what would
 * change on the router and changes nothing.
 */
import type { Knex } from 'knex';
import { ErrorCollector } from '../../../domain/error-collector';
import { AppError, ValidationError, ValidationErrors, type ErrorCode } from '../../../domain/errors';
import {
  adoptChange,
  adoptFieldOf,
  adoptProblem,
  cannotAdopt,
  entryField,
  readAdoptRequest,
  subscriberInputOf,
  type AdoptChange,
  type AdoptEntry,
} from '../../../domain/ppp-adopt';
import { pppMaxLimit, type PppSecretHave } from '../../../domain/ppp-plan';
import { isRadiusClient } from '../../../domain/site-mode';
import type { Actor } from '../../business/audit/actor';
import type { AdoptableSecret, AdoptDeps, AdoptResult, SitePpp, SubscriberAdopt } from './adopt-types';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import { findSiteRow } from '../../business/sites/lookup';
import { accountNo } from './store';
import { adoptedAddresses, type AdoptedAddress } from './adopt-address';

/** The API site named (400/404 for none); a RADIUS site: 409 SITE_MODE, pointing to the CSV import. */
async function apiSite(db: Knex, ref: unknown): Promise<SiteRef> {
  const row = await findSiteRow(db, ref === undefined || ref === '' ? DEFAULT_SITE.id : ref, 'site');
  if (isRadiusClient(row))
    throw new AppError(
      'SITE_MODE',
      `Site ${row.name} asks FreeRADIUS at each login: its subscribers' logins are not the router's PPP secrets, so there are none to adopt. Bring them over with the CSV import (POST /admin/api/subscribers/import, pisonet subscribers import FILE).`,
      409,
      'site',
    );
  return { id: Number(row.id), name: row.name };
}

/** What the router holds now: the secrets, the sessions' addresses and their queues' speeds. */
async function readHeld(sp: SitePpp) {
  const { secrets, sessions } = await sp.held();
  const online = new Map(sessions.map((s) => [s.name, s.address]));
  const limits = new Map(sessions.map((s) => [s.name, s.maxLimit]));
  return { secrets, online, limits };
}

/**
 * The site's subscribers by username (lower case), ended ones too (an ended subscriber keeps its username): their
 * account, whether they are ended and the secret they came from.
 */
async function subscribersBy(db: Knex, siteId: number) {
  const rows = (await db('subscribers')
    .where({ site_id: siteId })
    .select('username_key', 'seq', 'status', 'adopted_secret')) as Array<{
    username_key: string;
    seq: number;
    status: string;
    adopted_secret: string | null;
  }>;
  return new Map(
    rows.map((r) => [
      r.username_key,
      { accountNo: accountNo(Number(r.seq)), ended: r.status === 'ended', adopted: r.adopted_secret },
    ]),
  );
}

type Subscribers = Awaited<ReturnType<typeof subscribersBy>>;

/** The subscriber in service this secret was adopted as already (it stays in the adoptable list no more). */
function adoptedAs(ours: Subscribers, secret: { id: string; name: string }) {
  const sub = ours.get(secret.name.toLowerCase());
  return sub && !sub.ended && sub.adopted === secret.id ? sub : undefined;
}

async function adoptable(d: AdoptDeps, ref: unknown) {
  const site = await apiSite(d.db, ref);
  const { secrets, online } = await readHeld(await d.sitePpp(site));
  const ours = await subscribersBy(d.db, site.id);
  const list = secrets
    .filter((s) => !s.ours && !adoptedAs(ours, s))
    .map((s): AdoptableSecret => ({
      name: s.name,
      profile: s.profile,
      service: s.service,
      disabled: s.disabled,
      comment: s.comment,
      online: online.has(s.name),
      address: online.get(s.name) ?? null,
      remoteAddress: s.remoteAddress || null,
      takenBy: ours.get(s.name.toLowerCase())?.accountNo ?? null,
      cannotAdopt: cannotAdopt(s),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { site, secrets: list };
}

interface Checked {
  entry: AdoptEntry;
  secret: PppSecretHave;
  input: Record<string, unknown>;
  /** What becomes of the secret's own fixed address, when it has one. */
  address?: AdoptedAddress;
}

/** What one entry is checked with: the router's secrets, our subscribers, the fixed addresses' decider. */
interface EntryContext {
  site: SiteRef;
  byName: Map<string, PppSecretHave>;
  ours: Subscribers;
  addressOf: ReturnType<typeof adoptedAddresses>;
}

/** An entry's problems found so far: 400 per field, 409 a repeat (`again`) or an amount to confirm (`asks`). */
interface EntryProblems {
  c: ErrorCollector;
  again: Record<string, string>;
  asks: Record<string, string>;
}

/** The secret an entry names, unless it is unknown, ours already, or its name is a subscriber's (into `p`). */
function secretOf(i: number, e: AdoptEntry, x: EntryContext, p: EntryProblems): PppSecretHave | undefined {
  const field = entryField(i, 'name');
  const secret = x.byName.get(e.name);
  const sub = x.ours.get(e.name.toLowerCase());
  if (sub?.adopted && !sub.ended && (!secret || secret.id === sub.adopted)) {
    p.again[field] = `${e.name} was adopted already, as ${sub.accountNo}`;
    return undefined;
  }
  if (!secret)
    return void p.c.add(field, `there is no PPP secret ${e.name} on the router of site ${x.site.name}`);
  if (secret.ours) return void p.c.add(field, `${e.name} is ours already (its comment says pisonet)`);
  if (sub?.ended)
    return void p.c.add(
      field,
      `the ended subscriber ${sub.accountNo} keeps the username ${e.name} (usernames stay with ended subscribers); rename the secret on the router first`,
    );
  if (sub) return void p.c.add(field, `the subscriber ${sub.accountNo} already has the username ${e.name}`);
  return secret;
}

/** The subscriber an entry becomes, checked by the create path: its problems named per entry and field. */
async function checkInput(
  d: AdoptDeps,
  i: number,
  input: Record<string, unknown>,
  p: EntryProblems,
): Promise<boolean> {
  try {
    await d.subscribers.checkNew(input);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFIRM_REQUIRED') {
      p.asks[entryField(i, adoptFieldOf(err.field ?? 'opening_balance'))] =
        `${String(input.username)}: ${err.message}`;
      return true;
    }
    const errors =
      err instanceof ValidationErrors ? err.errors : err instanceof ValidationError ? [err] : null;
    if (!errors) throw err;
    for (const v of errors) p.c.add(entryField(i, adoptFieldOf(v.field)), adoptProblem(v));
    return false;
  }
}

/** One entry against the router and our subscribers, its problems into `p`. */
async function checkEntry(
  d: AdoptDeps,
  i: number,
  e: AdoptEntry,
  x: EntryContext,
  p: EntryProblems,
): Promise<Checked | undefined> {
  const secret = secretOf(i, e, x, p);
  if (!secret) return undefined;
  const input = subscriberInputOf(e, secret, x.site.id);
  if (!(await checkInput(d, i, input, p))) return undefined;
  return { entry: e, secret, input, address: await x.addressOf(secret) };
}

/** 409 `code` naming each entry's problem (repeats; opening balances that look like typos), when there is any. */
function refuse(code: ErrorCode, problems: Record<string, string>): void {
  const [field] = Object.keys(problems);
  const text = `Nothing adopted: ${Object.values(problems).join('; ')}`;
  if (field !== undefined) throw new AppError(code, text, 409, field, problems);
}

/**
 * Every entry checked before anything is written: 400 naming each bad entry and field, 409 for repeats, 409
 * CONFIRM_REQUIRED for opening balances that look like typos (unless `confirm`).
 */
async function checkAll(d: AdoptDeps, body: unknown) {
  const c = new ErrorCollector();
  const req = readAdoptRequest(body, c);
  // A bad request's shape stops here; a bad entry is checked with the others, every problem named at once.
  if (req.malformed) c.throwIfAny('Nothing adopted');
  const site = await apiSite(d.db, req.site);
  const sp = await d.sitePpp(site);
  const held = await readHeld(sp);
  const x: EntryContext = {
    site,
    byName: new Map(held.secrets.map((s) => [s.name, s])),
    ours: await subscribersBy(d.db, site.id),
    addressOf: adoptedAddresses(d.db, sp, site),
  };
  const p: EntryProblems = { c, again: {}, asks: {} };
  const checked: Checked[] = [];
  const first = new Map<string, number>();
  for (const [i, e] of req.entries.entries()) if (!first.has(e.name)) first.set(e.name, i);
  for (const [i, e] of req.entries.entries()) {
    if (!e.name || first.get(e.name) !== i) continue; // named as such by readAdoptRequest
    const ok = await checkEntry(d, i, e, x, p);
    if (ok) checked.push(ok);
  }
  c.throwIfAny('Nothing adopted');
  refuse('SUBSCRIBER_ADOPTED', p.again);
  if (!req.confirm) refuse('CONFIRM_REQUIRED', p.asks);
  return { req, site, sp, held, checked };
}

/** What each checked secret's adoption changes on the router (account numbers as they would be drawn). */
async function plannedChanges(
  d: AdoptDeps,
  checked: Checked[],
  held: Awaited<ReturnType<typeof readHeld>>,
): Promise<AdoptChange[]> {
  const { last } = ((await d.db('subscriber_numbers').where({ id: 1 }).first('last')) ?? { last: 0 }) as {
    last: number;
  };
  const plans = new Map<string, string>();
  const out: AdoptChange[] = [];
  for (const [n, x] of checked.entries()) {
    const plan = String(x.input.profile).trim();
    let maxLimit = plans.get(plan);
    if (maxLimit === undefined)
      plans.set(plan, (maxLimit = pppMaxLimit((await d.profiles.get(plan)).profile, 'plan')));
    const name = x.secret.name;
    const session = held.online.has(name)
      ? { address: held.online.get(name) ?? null, maxLimit: held.limits.get(name) ?? null }
      : undefined;
    const change = adoptChange(x.secret, {
      plan,
      accountNo: accountNo(Number(last) + n + 1),
      maxLimit,
      session,
    });
    out.push(x.address ? { ...change, remoteAddress: x.address } : change);
  }
  return out;
}

async function adopt(d: AdoptDeps, body: unknown, actor: Actor): Promise<AdoptResult> {
  const { req, site, sp, held, checked } = await checkAll(d, body);
  const changes = await plannedChanges(d, checked, held);
  if (req.dryRun) return { site, dryRun: true, secrets: changes, applied: 'unchanged' };
  const secrets: AdoptResult['secrets'] = [];
  for (const [n, x] of checked.entries()) {
    const change = changes[n];
    const s = await d.subscribers.create(x.input, actor, {
      adoptedSecret: x.secret.id,
      suspendedBecause: change.suspended,
      staticIp: x.address?.to ?? undefined,
      // Its opening balance was asked about by checkAll (and confirmed, or no typo).
      confirmed: true,
      // The secret's comment is replaced by ours: its audit entry keeps it (often the customer's name, place).
      audited: x.secret.comment ? { secret_comment: x.secret.comment } : undefined,
    });
    change.comment.to = `pisonet subscriber ${s.accountNo}`;
    secrets.push({ ...change, subscriber: { id: s.id, accountNo: s.accountNo } });
  }
  await d.audit.record(actor, 'subscriber.adopt', site.name, {
    secrets: secrets.length,
    names: secrets.slice(0, 50).map((s) => s.name),
    ended: secrets.filter((s) => s.session === 'ended').length,
    suspended: secrets.filter((s) => s.suspended).map((s) => s.name),
  });
  let state: AdoptResult['applied'] = 'pending';
  if (sp.check)
    state = await sp.check().then(
      (r) => (r.failed ? 'pending' : 'done'),
      () => 'pending' as const,
    );
  return { site, dryRun: false, secrets, applied: state };
}

export type { AdoptableSecret, AdoptResult, SitePpp } from './adopt-types';

export function createSubscriberAdopt(d: AdoptDeps): SubscriberAdopt {
  return {
    adoptable: (site) => adoptable(d, site),
    adopt: (body, actor) => adopt(d, body, actor),
  };
}
