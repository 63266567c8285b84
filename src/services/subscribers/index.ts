/**
 * Subscribers on monthly plans: the one owner of the `subscribers` table. Every face (the admin API, the terminal)
 * comes through here, so the bounds, the audit and the change events are the same whichever sent the change.
 * The PPPoE password is sealed at rest (the credentials key, as the sites' router passwords) and never written to
 * the audit log, an event or an error. Nothing here writes the router: the router work listens to onChange.
 */
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { insertedId, isUniqueViolation } from '../../db/knex';
import { billingDayOn, cycleOn } from '../../domain/billing-cycle';
import { ErrorCollector } from '../../domain/error-collector';
import { AppError, ValidationError } from '../../domain/errors';
import { readSubscriberFields, type SubscriberFields } from '../../domain/subscriber-fields';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../domain/subscriber-status';
import { recordEvent } from '../events';
import { localDate } from '../../domain/calendar';
import { DEFAULT_SITE, type ShopDeps, type SiteRef } from '../deps';
import { isMonthly } from '../profiles/billing';
import type { ProfileService } from '../profiles/types';
import type { CredentialsBox } from '../sites/credentials';
import { findSite } from '../sites/lookup';
import type { Actor } from '../audit/actor';
import type { FirstInvoiceInput, PlanChangeInput } from '../invoices/types';
import { balancesOf } from '../invoices/payments';
import { createLoginDelays, type LoginDelays } from '../login-delays';
import { newSubscriberPassword } from './password';
import {
  createSubscriberSignIn,
  noPppSessionsRead,
  type SignInLimiter,
  type SubscriberAtAddress,
} from './sign-in';
import { billingDayChange } from './billing-day';
import { openSuspensions, statusChanges } from './status';
import { accountNo, loadRows, subscriberNotFound, termsOf, toView, usageOf, type LoadedRow } from './store';
import type { SubscriberChange, SubscriberChanged, SubscriberService, SubscriberView } from './types';
import { OFFLINE, sessionFreshMs, subscriberSessions, subscribersOnline } from '../usage/subscriber-online';

export type { SubscriberService, SubscriberView, SubscriberChanged } from './types';

export const SUBSCRIBER_CHANGED = 'subscriber.changed';

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit'> & {
  profiles: ProfileService;
  box: Pick<CredentialsBox, 'seal' | 'open'>;
  /** The portal's wrong-code limits, which a wrong account login counts against too. */
  limiter?: SignInLimiter;
  /** The login delays a wrong account login counts against too (per account, per address); its own when none. */
  loginDelays?: LoginDelays;
  /** Which subscriber an address belongs to (the PPP sessions); none known until they are read. */
  atAddress?: SubscriberAtAddress;
  /** Inside the creating transaction, after the row is written (the first invoice): a failure refuses the create. */
  afterCreate?: (trx: Knex.Transaction, s: FirstInvoiceInput) => Promise<void>;
  /** Inside the changing transaction, when the plan changes (the plan-change invoice or credit). */
  afterPlanChange?: (trx: Knex.Transaction, c: PlanChangeInput) => Promise<void>;
  /** What a subscriber has past due now (centavos): a suspension by hand until paid needs some. */
  pastDue?: (id: number) => Promise<number>;
};

export function createSubscriberService(deps: Deps): SubscriberService {
  const { db, clock, audit, box } = deps;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  // Today in the subscriber's site's time zone, else the shop's: read when used (either may change while running).
  const today = (row?: { site_tz: string | null }) => localDate(clock.now(), row?.site_tz || deps.config.tz);

  async function views(rows: LoadedRow[]): Promise<SubscriberView[]> {
    const shaped = rows.map((r) => ({ row: r, view: toView(r, today(r), 0, box) }));
    const usage = await usageOf(
      db,
      shaped.map((s) => ({ id: s.view.id, start: s.view.cycle.start })),
    );
    const ids = shaped.map((s) => s.view.id);
    const money = await balancesOf(db, ids);
    const sessions = await subscriberSessions(
      db,
      ids,
      clock.now(),
      sessionFreshMs(deps.config.usagePollSeconds),
    );
    const held = await openSuspensions(
      db,
      shaped.filter((s) => s.view.status === 'suspended').map((s) => s.view.id),
    );
    return shaped.map(({ row, view }) => ({
      ...toView(row, today(row), usage.get(view.id) ?? 0, box),
      ...money.get(view.id),
      session: sessions.get(view.id) ?? OFFLINE,
      suspension: held.get(view.id) ?? null,
    }));
  }

  async function loadOne(ref: number | string): Promise<LoadedRow> {
    const s = String(ref).trim();
    const rows = /^[1-9][0-9]{0,15}$/.test(s)
      ? await loadRows(db, (q) => q.where('s.id', Number(s)))
      : await loadRows(db, (q) => q.where('s.username_key', s.toLowerCase()));
    if (rows.length > 1)
      throw new AppError(
        'INVALID_INPUT',
        `Subscribers on ${rows.length} sites have the username ${s}; name the one you mean by its id`,
        400,
        'subscriber',
      );
    if (!rows[0]) throw subscriberNotFound();
    return rows[0];
  }

  const signIn = createSubscriberSignIn({
    db,
    box,
    limiter: deps.limiter,
    delays: deps.loginDelays ?? createLoginDelays(db, clock),
  });
  const atAddress = deps.atAddress ?? noPppSessionsRead;

  const viewOf = async (id: number) => (await views(await loadRows(db, (q) => q.where('s.id', id))))[0];

  /** The plan a subscriber may be on: a monthly plan, not archived, sold on its site. Problems go to `c`. */
  async function monthlyPlan(name: string, site: SiteRef | undefined, c: ErrorCollector) {
    let plan;
    try {
      plan = await deps.profiles.get(name);
    } catch (e) {
      if (e instanceof AppError && e.code === 'PROFILE_NOT_FOUND') return void c.add('profile', e.message);
      throw e;
    }
    if (!isMonthly(plan))
      c.add('profile', `${plan.name} is a prepaid profile (vouchers); pick a monthly plan`);
    else if (plan.archived) c.add('profile', `${plan.name} is archived; pick a plan you sell`);
    else if (site && plan.site && plan.site.id !== site.id)
      c.add('profile', `${plan.name} is sold on the site ${plan.site.name} only, not on ${site.name}`);
    else return plan;
    return undefined;
  }

  async function changed(trx: Knex, id: number, change: SubscriberChange, message: string) {
    await recordEvent(trx, clock, { kind: SUBSCRIBER_CHANGED, message, data: { id, change } });
  }

  async function create(input: unknown, actor: Actor): Promise<SubscriberView> {
    const c = new ErrorCollector();
    const f: SubscriberFields = readSubscriberFields(input, false, c);
    let site: SiteRef | undefined = DEFAULT_SITE;
    if (f.site !== undefined) {
      try {
        site = await findSite(db, f.site, 'site');
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        c.add('site', e.message);
        site = undefined;
      }
    }
    const plan = f.profile === undefined ? undefined : await monthlyPlan(f.profile, site, c);
    c.throwIfAny('Invalid subscriber');
    const siteTz = (await db('sites')
      .where({ id: (site as SiteRef).id })
      .first('tz')) as { tz: string | null };
    const startsOn = f.startsOn ?? today({ site_tz: siteTz?.tz ?? null });
    const password = f.password ?? newSubscriberPassword();
    const username = f.username as string;
    const now = clock.now();
    let id: number;
    let seq: number;
    try {
      ({ id, seq } = await db.transaction(async (trx) => {
        // The number is drawn in this transaction: a refused insert gives it back (account numbers have no gaps).
        await trx('subscriber_numbers').where({ id: 1 }).increment('last', 1);
        const { last } = (await trx('subscriber_numbers').where({ id: 1 }).first('last')) as { last: number };
        const newId = insertedId(
          await trx('subscribers')
            .insert({
              seq: Number(last),
              site_id: (site as SiteRef).id,
              profile_id: plan!.id,
              name: f.name,
              mobile: f.mobile,
              username,
              username_key: username.toLowerCase(),
              password_enc: box.seal(password),
              billing_day: f.billingDay,
              billing_anchor: startsOn,
              status: 'active',
              starts_on: startsOn,
              language: f.language ?? 'en',
              address: f.address ?? null,
              created_at: now,
              updated_at: now,
            })
            .returning('id'),
        );
        await deps.afterCreate?.(trx, {
          subscriberId: newId,
          plan: plan!.name,
          price: Number(plan!.price),
          billingDay: f.billingDay as number,
          startsOn,
          today: today({ site_tz: siteTz?.tz ?? null }),
        });
        await changed(trx, newId, 'create', `Subscriber ${accountNo(Number(last))} added`);
        return { id: newId, seq: Number(last) };
      }));
    } catch (e) {
      if (isUniqueViolation(e, 'subscribers', 'username_key'))
        throw new AppError(
          'SUBSCRIBER_EXISTS',
          `The username ${username} is already used on the site ${(site as SiteRef).name} (ignoring case)`,
          409,
          'username',
          { username: 'already used on this site' },
        );
      throw e;
    }
    await audit.record(actor, 'subscriber.create', accountNo(seq), {
      username,
      profile: plan!.name,
      site: (site as SiteRef).name,
      billing_day: f.billingDay,
      starts_on: startsOn,
      password: f.password === undefined ? 'generated' : 'given',
    });
    bus.emit('change', { id, change: 'create' });
    return viewOf(id);
  }

  async function update(ref: number | string, input: unknown, actor: Actor): Promise<SubscriberView> {
    const row = await loadOne(ref);
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
    const plan = f.profile === undefined ? undefined : await monthlyPlan(f.profile, site, c);
    c.throwIfAny('Invalid subscriber');
    const set: Record<string, unknown> = {};
    const changes: string[] = [];
    const field = (key: string, col: string, value: unknown, shown = true) => {
      if (value === undefined || value === (row as unknown as Record<string, unknown>)[col]) return;
      set[col] = value;
      changes.push(
        shown
          ? `${key}: ${String((row as unknown as Record<string, unknown>)[col])} → ${String(value)}`
          : `${key} changed`,
      );
    };
    field('name', 'name', f.name);
    field('mobile', 'mobile', f.mobile);
    field('language', 'language', f.language);
    field('address', 'address', f.address);
    if (plan && plan.id !== Number(row.profile_id)) {
      set.profile_id = plan.id;
      changes.push(`profile: ${row.profile_row.name} → ${plan.name}`);
    }
    if (f.password !== undefined && f.password !== box.open(row.password_enc, row.site_name)) {
      set.password_enc = box.seal(f.password);
      changes.push('password changed');
    }
    if (f.billingDay !== undefined)
      Object.assign(set, billingDayChange(row, f.billingDay, today(row), changes));
    if (!changes.length) return viewOf(Number(row.id));
    await db.transaction(async (trx) => {
      // From the plan read: two plan changes at once cannot both bill their days.
      const n = await trx('subscribers')
        .where({ id: row.id, profile_id: row.profile_id })
        .update({ ...set, updated_at: clock.now() });
      if (n !== 1)
        throw new AppError(
          'SUBSCRIBER_STATUS',
          'This subscriber was changed meanwhile; try again',
          409,
          'profile',
        );
      if (set.profile_id !== undefined)
        await deps.afterPlanChange?.(trx, {
          subscriberId: Number(row.id),
          from: { plan: row.profile_row.name, price: Number(row.profile_row.price) },
          to: { plan: plan!.name, price: Number(plan!.price) },
          cycle: cycleOn(termsOf(row), today(row)),
          billingDay: billingDayOn(termsOf(row), today(row)),
          on: today(row),
        });
      await changed(trx, Number(row.id), 'update', `Subscriber ${accountNo(Number(row.seq))} changed`);
    });
    await audit.record(actor, 'subscriber.update', accountNo(Number(row.seq)), { changes });
    bus.emit('change', { id: Number(row.id), change: 'update' });
    return viewOf(Number(row.id));
  }

  const moves = statusChanges({
    db,
    clock,
    audit,
    loadOne,
    viewOf,
    changed,
    emit: (e) => void bus.emit('change', e),
    pastDue: deps.pastDue,
  });

  return {
    async list(opts = {}) {
      const status = opts.status;
      if (status !== undefined && !SUBSCRIBER_STATUSES.includes(status as SubscriberStatus))
        throw ValidationError.invalid('status', status, 'a status', `use ${SUBSCRIBER_STATUSES.join(', ')}`);
      return views(
        await loadRows(db, (q) => {
          if (status !== undefined) q.where('s.status', status as string);
          if (opts.siteId !== undefined) q.where('s.site_id', opts.siteId);
        }),
      );
    },
    async get(ref) {
      return (await views([await loadOne(ref)]))[0];
    },
    onlineCount(siteId) {
      return subscribersOnline(db, clock.now(), sessionFreshMs(deps.config.usagePollSeconds), siteId);
    },
    create,
    update,
    suspend: moves.suspend,
    suspendUnpaid: moves.suspendUnpaid,
    liftUnpaid: moves.liftUnpaid,
    async signIn(username, password, asker) {
      return viewOf(await signIn.signIn(username, password, asker));
    },

    async signInWait(ref) {
      return signIn.wait((await loadOne(ref)).username);
    },

    async unlockSignIn(ref, actor) {
      const row = await loadOne(ref);
      const cleared = await signIn.unlock(row.username);
      await audit.record(actor, 'subscriber.unlock', accountNo(Number(row.seq)), { cleared });
      return cleared;
    },
    async atAddress(address) {
      const id = await atAddress(address);
      return id === null ? null : ((await viewOf(id)) ?? null);
    },
    resume: moves.resume,
    end: moves.end,
    onChange(listener: (e: SubscriberChanged) => void) {
      bus.on('change', listener);
      return () => void bus.off('change', listener);
    },
  };
}
