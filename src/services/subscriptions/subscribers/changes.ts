/**
 * A subscriber changed (the record, not its status): the fields read and bounded, the plan checked, one
 * transaction with billing's hook inside it (a plan change's invoice or credit), then the audit entry and the
 * change told to the router work. What adding and changing share (their dependencies, the plan a subscriber may
 * be on) is here too; adding is add.ts.
 */
import type { Knex } from 'knex';
import { billingDayOn, cycleOn } from '../../../domain/billing-cycle';
import { firstBilledDay } from '../../../domain/billing-start';
import { planChangeLines } from '../../../domain/invoice-math';
import { ErrorCollector } from '../../../domain/error-collector';
import { AppError } from '../../../domain/errors';
import {
  AUTO_STATIC_IP,
  readSubscriberFields,
  type SubscriberFields,
} from '../../../domain/subscriber-fields';
import type { Actor } from '../../business/audit/actor';
import type { ShopDeps, SiteRef } from '../../deps';
import { isMonthly } from '../../shop/profiles/billing';
import type { ProfileService } from '../../shop/profiles/types';
import type { CredentialsBox } from '../../business/sites/credentials';
import { billingDayChange } from './billing-day';
import {
  keepsItsAddress,
  placeStatic,
  withStaticIp,
  type SiteAddressing,
  type StaticPlacing,
} from './static-ip';
import { accountNo, changedMeanwhile, termsOf, type LoadedRow } from './store';
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
  /** The site's router's pools and own addresses, read when a fixed address is given (absent: not checked). */
  addressing?: SiteAddressing;
}

export type Plan = Awaited<ReturnType<ProfileService['get']>>;

/** The plan a subscriber may be on: a monthly plan, not archived, sold on its site. Problems go to `c`. */
export async function monthlyPlan(
  profiles: Pick<ProfileService, 'get'>,
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

// ---- Changing a subscriber ----

interface Changes {
  set: Record<string, unknown>;
  /** In words, for the audit entry. */
  changes: string[];
  plan?: Plan;
  /** A fixed address to pick in the writing transaction (`auto` for one it does not hold yet). */
  placing?: StaticPlacing;
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
  if (f.staticIp === null && row.static_ip !== null) {
    set.static_ip = null;
    changes.push(`static_ip: ${row.static_ip} → none`);
  }
  return { set, changes, plan };
}

/** A fixed address asked that the subscriber does not hold yet: checked, to be picked when written. */
async function staticChange(
  d: ChangeDeps,
  row: LoadedRow,
  wish: string | null | undefined,
): Promise<StaticPlacing | undefined> {
  if (wish === null || wish === undefined || wish === row.static_ip) return undefined;
  if (wish === AUTO_STATIC_IP && (await keepsItsAddress(d.db, Number(row.site_id), row.static_ip)))
    return undefined;
  const site = { id: Number(row.site_id), name: row.site_name };
  return placeStatic(d.db, d.addressing, site, wish, row.username);
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
  const ch = diffFields(d, row, f, plan);
  ch.placing = await staticChange(d, row, f.staticIp);
  if (ch.placing) ch.changes.push(`static_ip: ${row.static_ip ?? 'none'} → ${ch.placing.wish}`);
  return ch;
}

/** Whether a subscriber's billing has started by `today` (its first billed day has come). */
function billingStarted(row: LoadedRow, today: string): boolean {
  return row.status !== 'scheduled' && firstBilledDay(row.billing_anchor, row.paid_until) <= today;
}

/** The changes in one transaction from the plan read, a plan change told to billing inside it. */
async function writeChanges(d: ChangeDeps, row: LoadedRow, ch: Changes): Promise<void> {
  await d.db.transaction(async (trx) => {
    if (ch.placing) {
      const ip = await ch.placing.pick(trx, Number(row.id));
      ch.set.static_ip = ip;
      ch.changes[ch.changes.length - 1] = `static_ip: ${row.static_ip ?? 'none'} → ${ip}`;
    }
    // From the plan read: two plan changes at once cannot both bill their days.
    const n = await trx('subscribers')
      .where({ id: row.id, profile_id: row.profile_id })
      .update({ ...ch.set, updated_at: d.clock.now() });
    if (n !== 1) throw changedMeanwhile('profile');
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
  const site = { id: Number(row.site_id), name: row.site_name };
  await withStaticIp(d.db, site, ch.placing, () => writeChanges(d, row, ch));
  await d.audit.record(actor, 'subscriber.update', accountNo(Number(row.seq)), { changes: ch.changes });
  d.emit({ id: Number(row.id), change: 'update' });
  return d.viewOf(Number(row.id));
}

/**
 * What changing the plan today would bill, for each other monthly plan on sale at the subscriber's site (centavos):
 * above 0 an invoice for the rest of the cycle, below 0 credit, 0 nothing; `null` before its billing starts (its
 * first invoice bills the plan in force then). The figures the change itself takes (planChangeLines).
 */
export async function planChangeQuotes(
  d: ChangeDeps,
  ref: number | string,
): Promise<Array<{ plan: string; net: number | null }>> {
  const row = await d.loadOne(ref);
  const today = d.today(row);
  const plans = (await d.profiles.list({ siteId: Number(row.site_id) })).filter(
    (p) => isMonthly(p) && p.id !== Number(row.profile_id),
  );
  const started = billingStarted(row, today);
  const terms = termsOf(row);
  return plans.map((p) => ({
    plan: p.name,
    net: started
      ? planChangeLines(
          Number(row.profile_row.price),
          p.price,
          billingDayOn(terms, today),
          cycleOn(terms, today),
          today,
        ).net
      : null,
  }));
}
