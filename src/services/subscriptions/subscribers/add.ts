/**
 * A subscriber added: the fields read and bounded, the site, plan and dates checked (every problem named at once),
 * then one transaction with billing's hook inside it (the first invoice, an opening balance) and its fixed address
 * picked there, then the audit entry and the change told to the router work. A batch (the CSV import) checks each
 * with checkNewSubscriber and writes them all with insertSubscriberIn in its one transaction.
 */
import type { Knex } from 'knex';
import { insertedId, isUniqueViolation } from '../../../db/knex';
import { addDays } from '../../../domain/billing-cycle';
import { dateAheadProblem, serviceStart, startsLater } from '../../../domain/billing-start';
import { ErrorCollector } from '../../../domain/error-collector';
import { AppError } from '../../../domain/errors';
import { formatMoney } from '../../../domain/quantities';
import { NO_MOBILE, readSubscriberFields, type SubscriberFields } from '../../../domain/subscriber-fields';
import type { Actor } from '../../business/audit/actor';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import { findSite } from '../../business/sites/lookup';
import { newSubscriberPassword } from './password';
import { placeStatic, withStaticIp, type StaticPlacing } from './static-ip';
import { accountNo } from './store';
import type { CreateOptions, SubscriberView } from './types';
import { monthlyPlan, type ChangeDeps, type Plan } from './changes';

/** A new subscriber read and checked, ready to be written (a batch holds many). */
export interface NewSubscriber {
  f: SubscriberFields;
  site: SiteRef;
  plan: Plan;
  /** "Customer since" as given (default today), and the day its service starts here (today or later). */
  startsOn: string;
  start: string;
  status: 'active' | 'scheduled';
  /** The opening balance's invoice (null: none brought). */
  opening: { amount: number; dueOn: string } | null;
  today: string;
  password: string;
  username: string;
  /** Its fixed address, picked in the inserting transaction. */
  placing?: StaticPlacing;
  /** The router's `.id` of the PPP secret it is adopted from (adopt.ts); absent: a secret of ours is made. */
  adoptedSecret?: string;
  /** Starts suspended by hand (a disabled secret adopted): the reason and who adds it. */
  suspension?: { reason: string; by: string };
}

/**
 * The lookups a batch of new subscribers shares (its site, its plans, the site's time zone), each made once:
 * a key's promise is kept, a refusal too. A single add has its own.
 */
export type Lookups = Map<string, Promise<unknown>>;

function once<T>(memo: Lookups, key: string, load: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) memo.set(key, (p = load()));
  return p;
}

/** The dates a new subscriber is given, bounded from its site's today: typos a year ahead are refused. */
function checkDates(f: SubscriberFields, today: string, c: ErrorCollector): void {
  const check = (field: string, date: string | undefined, notBeforeToday = false) => {
    const problem = date === undefined ? null : dateAheadProblem(date, today, { notBeforeToday });
    if (problem) c.add(field, `${date} ${problem}`);
  };
  check('starts_on', f.startsOn);
  check('paid_until', f.paidUntil);
  check('opening_due_on', f.openingDueOn, true);
}

/** The site named (the default one when none is), its problem added to `c`. */
async function siteOf(
  d: ChangeDeps,
  f: SubscriberFields,
  c: ErrorCollector,
  memo: Lookups,
): Promise<SiteRef | undefined> {
  if (f.site === undefined) return DEFAULT_SITE;
  type Found = { site?: SiteRef; problem?: string };
  const found = await once(memo, `site:${JSON.stringify(f.site)}`, () =>
    findSite(d.db, f.site, 'site').then(
      (site): Found => ({ site }),
      (e: unknown): Found => {
        if (!(e instanceof AppError)) throw e;
        return { problem: e.message };
      },
    ),
  );
  if (found.problem !== undefined) c.add('site', found.problem);
  return found.site;
}

/**
 * The fields, the site and the plan of a new subscriber, every problem added to `c` (undefined when there is
 * any), and the dates in the site's today; a password is made when none is given.
 */
export async function checkNewSubscriber(
  d: ChangeDeps,
  input: unknown,
  c: ErrorCollector,
  memo: Lookups = new Map(),
): Promise<NewSubscriber | undefined> {
  const before = c.errors.length;
  const f: SubscriberFields = readSubscriberFields(input, false, c);
  const site = await siteOf(d, f, c, memo);
  const profiles = { get: (name: string) => once(memo, `plan:${name}`, () => d.profiles.get(name)) };
  const plan = f.profile === undefined ? undefined : await monthlyPlan(profiles, f.profile, site, c);
  const siteTz = site
    ? await once(
        memo,
        `tz:${site.id}`,
        async () =>
          (await d.db('sites').where({ id: site.id }).first('tz')) as { tz: string | null } | undefined,
      )
    : undefined;
  const today = d.today({ site_tz: siteTz?.tz ?? null });
  checkDates(f, today, c);
  if (c.errors.length > before) return undefined;
  const startsOn = f.startsOn ?? today;
  const placing = await placeStatic(d.db, d.addressing, site as SiteRef, f.staticIp, f.username);
  return {
    placing,
    f,
    site: site as SiteRef,
    plan: plan!,
    startsOn,
    start: serviceStart(startsOn, today),
    status: startsLater(startsOn, today) ? 'scheduled' : 'active',
    opening: f.openingBalance
      ? { amount: f.openingBalance, dueOn: f.openingDueOn ?? addDays(today, d.dueDays()) }
      : null,
    today,
    password: f.password ?? newSubscriberPassword(),
    username: f.username as string,
  };
}

/** checkNewSubscriber, every problem named at once (400). */
async function readNewSubscriber(d: ChangeDeps, input: unknown): Promise<NewSubscriber> {
  const c = new ErrorCollector();
  const n = await checkNewSubscriber(d, input, c);
  c.throwIfAny('Invalid subscriber');
  return n!;
}

/**
 * Inside the given transaction: its account number, the row, billing's first invoice and the change's event.
 * A taken username fails on the unique key (subscriberExists names it).
 */
export async function insertSubscriberIn(
  d: ChangeDeps,
  trx: Knex.Transaction,
  n: NewSubscriber,
): Promise<{ id: number; seq: number }> {
  const { f, site, plan, username } = n;
  const now = d.clock.now();
  // The number is drawn in this transaction: a refused insert gives it back (account numbers have no gaps).
  await trx('subscriber_numbers').where({ id: 1 }).increment('last', 1);
  const { last } = (await trx('subscriber_numbers').where({ id: 1 }).first('last')) as { last: number };
  const newId = insertedId(
    await trx('subscribers')
      .insert({
        seq: Number(last),
        site_id: site.id,
        profile_id: plan.id,
        name: f.name,
        mobile: f.mobile ?? NO_MOBILE,
        username,
        username_key: username.toLowerCase(),
        password_enc: d.box.seal(n.password),
        billing_day: f.billingDay,
        billing_anchor: n.start,
        status: n.suspension ? 'suspended' : n.status,
        status_reason: n.suspension?.reason ?? null,
        starts_on: n.startsOn,
        language: f.language ?? 'en',
        address: f.address ?? null,
        paid_until: f.paidUntil ?? null,
        opening_balance: n.opening?.amount ?? null,
        opening_due_on: n.opening?.dueOn ?? null,
        static_ip: n.placing ? await n.placing.pick(trx) : null,
        adopted_secret: n.adoptedSecret ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id'),
  );
  await d.billing?.afterCreate?.(trx, {
    subscriberId: newId,
    plan: plan.name,
    price: Number(plan.price),
    billingDay: f.billingDay as number,
    startsOn: n.start,
    status: n.status,
    paidUntil: f.paidUntil ?? null,
    opening: n.opening,
    today: n.today,
  });
  if (n.suspension)
    await trx('subscriber_suspensions').insert({
      subscriber_id: newId,
      cause: 'manual',
      reason: n.suspension.reason,
      until_paid: false,
      started_at: now,
      started_by: n.suspension.by,
    });
  await d.changed(trx, newId, 'create', `Subscriber ${accountNo(Number(last))} added`);
  return { id: newId, seq: Number(last) };
}

/** A taken username (the unique key refused it) as the 409 the faces show; anything else as it was. */
export function subscriberExists(e: unknown, n: Pick<NewSubscriber, 'username' | 'site'>): unknown {
  if (!isUniqueViolation(e, 'subscribers', 'username_key')) return e;
  return new AppError(
    'SUBSCRIBER_EXISTS',
    `The username ${n.username} is already used on the site ${n.site.name} (ignoring case)`,
    409,
    'username',
    { username: 'already used on this site' },
  );
}

/** The row, its account number and billing's first invoice in one transaction; a taken username: 409. */
async function insertSubscriber(d: ChangeDeps, n: NewSubscriber): Promise<{ id: number; seq: number }> {
  try {
    return await d.db.transaction((trx) => insertSubscriberIn(d, trx, n));
  } catch (e) {
    throw subscriberExists(e, n);
  }
}

/** The audit entry of a subscriber added (its password only as given or made). */
export async function auditCreated(
  d: ChangeDeps,
  actor: Actor,
  n: NewSubscriber,
  seq: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await d.audit.record(actor, 'subscriber.create', accountNo(seq), {
    username: n.username,
    profile: n.plan.name,
    site: n.site.name,
    billing_day: n.f.billingDay,
    starts_on: n.startsOn,
    status: n.status,
    ...(n.f.paidUntil ? { paid_until: n.f.paidUntil } : {}),
    ...(n.opening ? { opening_balance: n.opening.amount, opening_due_on: n.opening.dueOn } : {}),
    ...(n.placing ? { static_ip: n.placing.wish } : {}),
    password: n.f.password === undefined ? 'generated' : n.adoptedSecret ? "the router's" : 'given',
    ...(n.suspension ? { suspended: n.suspension.reason } : {}),
    ...extra,
  });
}

/** Months of its fee above which an opening balance is asked about first: one digit too many on a month owed. */
const OPENING_MONTHS_ASKED = 6;

/** The question an opening balance of more than OPENING_MONTHS_ASKED months of the plan's fee asks, or undefined. */
export function typoOpening(n: NewSubscriber): string | undefined {
  const price = n.plan.price;
  if (!n.opening || price <= 0 || n.opening.amount <= price * OPENING_MONTHS_ASKED) return undefined;
  const months = Math.floor(n.opening.amount / price);
  return (
    `${formatMoney(n.opening.amount)} brought forward is ${months} months of ${n.plan.name} ` +
    `(${formatMoney(price)} a month): a typo?`
  );
}

/** 409 CONFIRM_REQUIRED when the opening balance looks like a typo (typoOpening). */
function askTypoOpening(n: NewSubscriber): void {
  const question = typoOpening(n);
  if (question === undefined) return;
  const message = `${question} Check it, or confirm it.`;
  throw new AppError('CONFIRM_REQUIRED', message, 409, 'opening_balance', { opening_balance: message });
}

/**
 * A new subscriber's input checked as createSubscriber checks it (every problem at once, 400; an opening balance
 * that looks like a typo, unless `confirmed`: 409), nothing written.
 */
export async function checkNewInput(
  d: ChangeDeps,
  input: unknown,
  opts: Pick<CreateOptions, 'confirmed'> = {},
): Promise<void> {
  const n = await readNewSubscriber(d, input);
  if (!opts.confirmed) askTypoOpening(n);
}

export async function createSubscriber(
  d: ChangeDeps,
  input: unknown,
  actor: Actor,
  opts: CreateOptions = {},
): Promise<SubscriberView> {
  const n: NewSubscriber = {
    ...(await readNewSubscriber(d, input)),
    adoptedSecret: opts.adoptedSecret,
    suspension: opts.suspendedBecause ? { reason: opts.suspendedBecause, by: actor.name } : undefined,
  };
  const ip = opts.staticIp;
  if (ip !== undefined) n.placing = { wish: ip, pick: async () => ip };
  if (!opts.confirmed) askTypoOpening(n);
  const { id, seq } = await withStaticIp(d.db, n.site, n.placing, () => insertSubscriber(d, n));
  await auditCreated(d, actor, n, seq, opts.audited);
  d.emit({ id, change: 'create' });
  return d.viewOf(id);
}
