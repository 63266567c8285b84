/**
 * Subscribers on monthly plans: the one owner of the `subscribers` table. Every face (the admin API, the terminal)
 * comes through here, so the bounds, the audit and the change events are the same whichever sent the change.
 * The PPPoE password is sealed at rest (the credentials key, as the sites' router passwords) and never written to
 * the audit log, an event or an error. Nothing here writes the router: the router work listens to onChange.
 * Billing is told of a new subscriber and a plan change, and asked what is owed, through the hooks it is given
 * (BillingHooks): this room imports nothing of billing's.
 */
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { AppError, ValidationError } from '../../../domain/errors';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../../domain/subscriber-status';
import { recordEvent } from '../../business/events';
import { localDate } from '../../../domain/calendar';
import type { ShopDeps } from '../../deps';
import { createLoginDelays, type LoginDelays } from '../../business/login-delays';
import {
  createSubscriberSignIn,
  noPppSessionsRead,
  type SignInLimiter,
  type SubscriberAtAddress,
} from './sign-in';
import { checkNewInput, createSubscriber } from './add';
import { planChangeQuotes, updateSubscriber, type ChangeDeps } from './changes';
import { activateNow, startScheduled } from './activate';
import { importSubscribers } from './import';
import { openSuspensions, statusChanges } from './status';
import { siteAddresses } from './static-ip';
import { accountNo, loadRows, subscriberNotFound, toView, usageOf, type LoadedRow } from './store';
import type {
  BillingHooks,
  SubscriberChange,
  SubscriberChanged,
  SubscriberService,
  SubscriberView,
} from './types';
import {
  OFFLINE,
  sessionFreshMs,
  subscriberSessions,
  subscribersOnline,
} from '../../network/usage/subscriber-online';

const SUBSCRIBER_CHANGED = 'subscriber.changed';

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit'> &
  Pick<ChangeDeps, 'profiles' | 'box' | 'addressing'> & {
    /** The portal's wrong-code limits, which a wrong account login counts against too. */
    limiter?: SignInLimiter;
    /** The login delays a wrong account login counts against too (per account, per address); its own when none. */
    loginDelays?: LoginDelays;
    /** Which subscriber an address belongs to (the PPP sessions); none known until they are read. */
    atAddress?: SubscriberAtAddress;
    /** Billing, told of changes and asked what is owed (src/services/subscriptions/billing/index.ts); absent: nothing billed. */
    billing?: Partial<BillingHooks>;
  };

/** Subscribers' rows as the faces read them: with this cycle's usage, what they owe, their session and hold. */
function subscriberViews(deps: Deps, today: ChangeDeps['today']) {
  const { db, clock, box } = deps;
  return async function views(rows: LoadedRow[]): Promise<SubscriberView[]> {
    const shaped = rows.map((r) => ({ row: r, view: toView(r, today(r), 0, box) }));
    const usage = await usageOf(
      db,
      shaped.map((s) => ({ id: s.view.id, start: s.view.cycle.start })),
    );
    const ids = shaped.map((s) => s.view.id);
    const money = deps.billing?.balances
      ? await deps.billing.balances(ids)
      : new Map<number, { credit: number; owed: number }>();
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
  };
}

/** One subscriber by its id or its username (a username on two sites: 400, name it by id). */
async function loadOne(db: Knex, ref: number | string): Promise<LoadedRow> {
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

/** The listing, by status (400 for an unknown one) and site. */
async function listRows(db: Knex, opts: { status?: unknown; siteId?: number }): Promise<LoadedRow[]> {
  const status = opts.status;
  if (status !== undefined && !SUBSCRIBER_STATUSES.includes(status as SubscriberStatus))
    throw ValidationError.invalid('status', status, 'a status', `use ${SUBSCRIBER_STATUSES.join(', ')}`);
  return loadRows(db, (q) => {
    if (status !== undefined) q.where('s.status', status as string);
    if (opts.siteId !== undefined) q.where('s.site_id', opts.siteId);
  });
}

/** The account's sign-in on the portal, its wait and the owner's unlock. */
function signInParts(deps: Deps, viewOf: (id: number) => Promise<SubscriberView>) {
  const { db, clock, audit } = deps;
  const signIn = createSubscriberSignIn({
    ...deps,
    delays: deps.loginDelays ?? createLoginDelays(db, clock),
  });
  const atAddress = deps.atAddress ?? noPppSessionsRead;
  return {
    async signIn(username, password, asker) {
      return viewOf(await signIn.signIn(username, password, asker));
    },
    async signInWait(ref) {
      return signIn.wait((await loadOne(db, ref)).username);
    },
    async unlockSignIn(ref, actor) {
      const row = await loadOne(db, ref);
      const cleared = await signIn.unlock(row.username);
      await audit.record(actor, 'subscriber.unlock', accountNo(Number(row.seq)), { cleared });
      return cleared;
    },
    async atAddress(address) {
      const id = await atAddress(address);
      return id === null ? null : ((await viewOf(id)) ?? null);
    },
  } satisfies Pick<SubscriberService, 'signIn' | 'signInWait' | 'unlockSignIn' | 'atAddress'>;
}

export function createSubscriberService(deps: Deps): SubscriberService {
  const { db, clock } = deps;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  // Today in the subscriber's site's time zone, else the shop's: read when used (either may change while running).
  const today: ChangeDeps['today'] = (row) => localDate(clock.now(), row?.site_tz || deps.config.tz);
  const views = subscriberViews(deps, today);
  const viewOf = async (id: number) => (await views(await loadRows(db, (q) => q.where('s.id', id))))[0];
  const changed = async (trx: Knex, id: number, change: SubscriberChange, message: string) =>
    recordEvent(trx, clock, { kind: SUBSCRIBER_CHANGED, message, data: { id, change } });
  const emit = (e: SubscriberChanged) => void bus.emit('change', e);
  const edits: ChangeDeps = {
    ...deps,
    today,
    dueDays: () => deps.config.billing.dueDays,
    loadOne: (ref: number | string) => loadOne(db, ref),
    viewOf,
    changed,
    emit,
  };

  return {
    list: async (opts = {}) => views(await listRows(db, opts)),
    get: async (ref) => (await views([await loadOne(db, ref)]))[0],
    onlineCount: (siteId) =>
      subscribersOnline(db, clock.now(), sessionFreshMs(deps.config.usagePollSeconds), siteId),
    create: (input, actor, opts) => createSubscriber(edits, input, actor, opts),
    checkNew: (input, opts) => checkNewInput(edits, input, opts),
    update: (ref, input, actor) => updateSubscriber(edits, ref, input, actor),
    planChangeQuotes: (ref) => planChangeQuotes(edits, ref),
    importCsv: (csv, opts, actor) => importSubscribers(edits, csv, opts, actor),
    ...signInParts(deps, viewOf),
    ...statusChanges({ ...edits, pastDue: deps.billing?.pastDue }),
    activate: (ref, actor) => activateNow(edits, ref, actor),
    startScheduled: () => startScheduled(edits),
    addresses: (siteId) => siteAddresses(db, siteId, deps.addressing),
    onChange(listener: (e: SubscriberChanged) => void) {
      bus.on('change', listener);
      return () => void bus.off('change', listener);
    },
  };
}
