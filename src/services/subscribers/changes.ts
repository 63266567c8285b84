/**
 * A subscriber added or changed (the record, not its status): the fields read and bounded, the plan checked, one
 * transaction with billing's hook inside it (the first invoice, a plan change's invoice or credit), then the audit
 * entry and the change told to the router work. Each is a short list of the named steps below.
 */
import type { Knex } from 'knex';
import { insertedId, isUniqueViolation } from '../../db/knex';
import { addDays, billingDayOn, cycleOn } from '../../domain/billing-cycle';
import { dateAheadProblem, firstBilledDay, serviceStart, startsLater } from '../../domain/billing-start';
import { ErrorCollector } from '../../domain/error-collector';
import { AppError } from '../../domain/errors';
import { readSubscriberFields, type SubscriberFields } from '../../domain/subscriber-fields';
import type { Actor } from '../audit/actor';
import { DEFAULT_SITE, type ShopDeps, type SiteRef } from '../deps';
import { isMonthly } from '../profiles/billing';
import type { ProfileService } from '../profiles/types';
import type { CredentialsBox } from '../sites/credentials';
import { findSite } from '../sites/lookup';
import { billingDayChange } from './billing-day';
import { newSubscriberPassword } from './password';
import { accountNo, termsOf, type LoadedRow } from './store';
import type { BillingHooks, SubscriberChange, SubscriberChanged, SubscriberView } from './types';

/** What adding and changing a subscriber need of the service around them (index.ts). */
export interface ChangeDeps extends Pick<ShopDeps, 'db' | 'clock' | 'audit'> {
  profiles: ProfileService;
  box: Pick<CredentialsBox, 'seal' | 'open'>;
  billing?: Partial<Pick<BillingHooks, 'afterCreate' | 'afterPlanChange' | 'afterActivate'>>;
  /** Today where a subscriber's site is (its time zone, else the shop's). */
  today(row?: { site_tz: string | null }): string;
  /** The days an invoice gives to pay (BILLING_DUE_DAYS or the owner's setting), read when used. */
  dueDays(): number;
  loadOne(ref: number | string): Promise<LoadedRow>;
  viewOf(id: number): Promise<SubscriberView>;
  changed(trx: Knex, id: number, change: SubscriberChange, message: string): Promise<void>;
  emit(e: SubscriberChanged): void;
}

type Plan = Awaited<ReturnType<ProfileService['get']>>;

/** The plan a subscriber may be on: a monthly plan, not archived, sold on its site. Problems go to `c`. */
async function monthlyPlan(
  profiles: ProfileService,
  name: string,
  site: SiteRef | undefined,
  c: ErrorCollector,
): Promise<Plan | undefined> {
  let plan;
  try {
    plan = await profiles.get(name);
  } catch (e) {
    if (e instanceof AppError && e.code === 'PROFILE_NOT_FOUND') return void c.add('profile', e.message);
    throw e;
  }
  if (!isMonthly(plan)) c.add('profile', `${plan.name} is a prepaid profile (vouchers); pick a monthly plan`);
  else if (plan.archived) c.add('profile', `${plan.name} is archived; pick a plan you sell`);
  else if (site && plan.site && plan.site.id !== site.id)
    c.add('profile', `${plan.name} is sold on the site ${plan.site.name} only, not on ${site.name}`);
  else return plan;
  return undefined;
}

// ---- Adding a subscriber ----

interface NewSubscriber {
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
  /** The router's `.id` of the PPP secret it is adopted from (adopt.ts); absent: a secret of ours is made. */
  adoptedSecret?: string;
}

/** The site named (the default one when none is), its problem added to `c`. */
async function siteOf(d: ChangeDeps, f: SubscriberFields, c: ErrorCollector): Promise<SiteRef | undefined> {
  if (f.site === undefined) return DEFAULT_SITE;
  try {
    return await findSite(d.db, f.site, 'site');
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    c.add('site', e.message);
    return undefined;
  }
}

/** Today where the site is (the shop's when the site is unknown). */
async function siteToday(d: ChangeDeps, site: SiteRef | undefined): Promise<string> {
  const row = site
    ? ((await d.db('sites').where({ id: site.id }).first('tz')) as { tz: string | null } | undefined)
    : undefined;
  return d.today({ site_tz: row?.tz ?? null });
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

/** The fields, the site and the plan, every problem named at once (400), and the dates in the site's today. */
async function readNewSubscriber(d: ChangeDeps, input: unknown): Promise<NewSubscriber> {
  const c = new ErrorCollector();
  const f: SubscriberFields = readSubscriberFields(input, false, c);
  const site = await siteOf(d, f, c);
  const plan = f.profile === undefined ? undefined : await monthlyPlan(d.profiles, f.profile, site, c);
  const today = await siteToday(d, site);
  checkDates(f, today, c);
  c.throwIfAny('Invalid subscriber');
  const startsOn = f.startsOn ?? today;
  return {
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

/** The row, its account number and billing's first invoice in one transaction; a taken username: 409. */
async function insertSubscriber(d: ChangeDeps, n: NewSubscriber): Promise<{ id: number; seq: number }> {
  const { f, site, plan, username } = n;
  const now = d.clock.now();
  try {
    return await d.db.transaction(async (trx) => {
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
            mobile: f.mobile,
            username,
            username_key: username.toLowerCase(),
            password_enc: d.box.seal(n.password),
            billing_day: f.billingDay,
            billing_anchor: n.start,
            status: n.status,
            starts_on: n.startsOn,
            language: f.language ?? 'en',
            address: f.address ?? null,
            paid_until: f.paidUntil ?? null,
            opening_balance: n.opening?.amount ?? null,
            opening_due_on: n.opening?.dueOn ?? null,
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
      await d.changed(trx, newId, 'create', `Subscriber ${accountNo(Number(last))} added`);
      return { id: newId, seq: Number(last) };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'subscribers', 'username_key'))
      throw new AppError(
        'SUBSCRIBER_EXISTS',
        `The username ${username} is already used on the site ${site.name} (ignoring case)`,
        409,
        'username',
        { username: 'already used on this site' },
      );
    throw e;
  }
}

/** What adding needs beyond the fields (adopt.ts): the router's secret it takes over. */
export interface CreateOptions {
  adoptedSecret?: string;
}

/** A new subscriber's input checked as createSubscriber checks it (every problem at once, 400), nothing written. */
export async function checkNewSubscriber(d: ChangeDeps, input: unknown): Promise<void> {
  await readNewSubscriber(d, input);
}

export async function createSubscriber(
  d: ChangeDeps,
  input: unknown,
  actor: Actor,
  opts: CreateOptions = {},
): Promise<SubscriberView> {
  const n = { ...(await readNewSubscriber(d, input)), adoptedSecret: opts.adoptedSecret };
  const { id, seq } = await insertSubscriber(d, n);
  await d.audit.record(actor, 'subscriber.create', accountNo(seq), {
    username: n.username,
    profile: n.plan.name,
    site: n.site.name,
    billing_day: n.f.billingDay,
    starts_on: n.startsOn,
    status: n.status,
    ...(n.f.paidUntil ? { paid_until: n.f.paidUntil } : {}),
    ...(n.opening ? { opening_balance: n.opening.amount, opening_due_on: n.opening.dueOn } : {}),
    password: n.f.password === undefined ? 'generated' : n.adoptedSecret ? "the router's" : 'given',
  });
  d.emit({ id, change: 'create' });
  return d.viewOf(id);
}

// ---- Changing a subscriber ----

interface Changes {
  set: Record<string, unknown>;
  /** In words, for the audit entry. */
  changes: string[];
  plan?: Plan;
}

/** The fields that differ from the row, each said in words (a password only as changed). */
function diffFields(d: ChangeDeps, row: LoadedRow, f: SubscriberFields, plan: Plan | undefined): Changes {
  const set: Record<string, unknown> = {};
  const changes: string[] = [];
  const old = row as unknown as Record<string, unknown>;
  const field = (key: string, col: string, value: unknown) => {
    if (value === undefined || value === old[col]) return;
    set[col] = value;
    changes.push(`${key}: ${String(old[col])} → ${String(value)}`);
  };
  field('name', 'name', f.name);
  field('mobile', 'mobile', f.mobile);
  field('language', 'language', f.language);
  field('address', 'address', f.address);
  if (plan && plan.id !== Number(row.profile_id)) {
    set.profile_id = plan.id;
    changes.push(`profile: ${row.profile_row.name} → ${plan.name}`);
  }
  if (f.password !== undefined && f.password !== d.box.open(row.password_enc, row.site_name)) {
    set.password_enc = d.box.seal(f.password);
    changes.push('password changed');
  }
  if (f.billingDay !== undefined && row.status === 'scheduled')
    field('billing_day', 'billing_day', f.billingDay);
  else if (f.billingDay !== undefined)
    Object.assign(set, billingDayChange(row, f.billingDay, d.today(row), changes));
  return { set, changes, plan };
}

/** What the input changes of a subscriber not ended (409 SUBSCRIBER_ENDED), every problem named at once. */
async function readChanges(d: ChangeDeps, row: LoadedRow, input: unknown): Promise<Changes> {
  const c = new ErrorCollector();
  const f = readSubscriberFields(input, true, c);
  if (row.status === 'ended')
    throw new AppError(
      'SUBSCRIBER_ENDED',
      "This subscriber's service has ended; its record is kept as it was",
      409,
      'status',
    );
  const site = { id: Number(row.site_id), name: row.site_name };
  const plan = f.profile === undefined ? undefined : await monthlyPlan(d.profiles, f.profile, site, c);
  c.throwIfAny('Invalid subscriber');
  return diffFields(d, row, f, plan);
}

/** Whether a subscriber's billing has started by `today` (its first billed day has come). */
function billingStarted(row: LoadedRow, today: string): boolean {
  return row.status !== 'scheduled' && firstBilledDay(row.billing_anchor, row.paid_until) <= today;
}

/** The changes in one transaction from the plan read, a plan change told to billing inside it. */
async function writeChanges(d: ChangeDeps, row: LoadedRow, ch: Changes): Promise<void> {
  await d.db.transaction(async (trx) => {
    // From the plan read: two plan changes at once cannot both bill their days.
    const n = await trx('subscribers')
      .where({ id: row.id, profile_id: row.profile_id })
      .update({ ...ch.set, updated_at: d.clock.now() });
    if (n !== 1)
      throw new AppError(
        'SUBSCRIBER_STATUS',
        'This subscriber was changed meanwhile; try again',
        409,
        'profile',
      );
    // Before its billing starts (scheduled, or paid until a later day) nothing of the old plan was billed: its
    // first invoice bills the plan in force on its first day.
    if (ch.set.profile_id !== undefined && billingStarted(row, d.today(row)))
      await d.billing?.afterPlanChange?.(trx, {
        subscriberId: Number(row.id),
        from: { plan: row.profile_row.name, price: Number(row.profile_row.price) },
        to: { plan: ch.plan!.name, price: Number(ch.plan!.price) },
        cycle: cycleOn(termsOf(row), d.today(row)),
        billingDay: billingDayOn(termsOf(row), d.today(row)),
        on: d.today(row),
      });
    await d.changed(trx, Number(row.id), 'update', `Subscriber ${accountNo(Number(row.seq))} changed`);
  });
}

export async function updateSubscriber(
  d: ChangeDeps,
  ref: number | string,
  input: unknown,
  actor: Actor,
): Promise<SubscriberView> {
  const row = await d.loadOne(ref);
  const ch = await readChanges(d, row, input);
  if (!ch.changes.length) return d.viewOf(Number(row.id));
  await writeChanges(d, row, ch);
  await d.audit.record(actor, 'subscriber.update', accountNo(Number(row.seq)), { changes: ch.changes });
  d.emit({ id: Number(row.id), change: 'update' });
  return d.viewOf(Number(row.id));
}
