/**
 * Hotspot users: an API site's vouchers as users on its router (name = code), the room that owns them, as
 * src/services/network/radius/ owns FreeRADIUS's rows. Here and under src/router/ only are the router's users and active
 * sessions written: a batch's push (push.ts), the sync after each poll, the users check that puts back what a
 * reset router or a hand edit lost (check.ts), the site's logins (logins.ts: a change to one voucher's user) and
 * its sessions for self-service (sessions.ts). The site stack builds one room per API site (site-stack/parts.ts);
 * the voucher service knows only the site's `Logins`, never the router.
 */
import type { Knex } from 'knex';
import { RouterError } from '../../../domain/errors';
import { onReconnect } from '../../../jobs/check-runner';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { SiteRef } from '../../deps';
import { ProfileCache } from '../../shop/vouchers/queries';
import type { VoucherRow } from '../../shop/vouchers/state';
import { checkRouterUsers, UsersCheckSchedule } from './check';
import {
  batchRowsToPush,
  bindRouterUsers,
  pushRouterUsers,
  releaseQueuedBindings,
  voucherUsers,
} from './push';
import type { HotspotUsers, PushOutcome, UsersCheckOptions, UsersCheckReport } from './types';

export type { HotspotUsers } from './types';
export { routerLogins } from './logins';
export { routerSessions } from './sessions';

const SYNC_LIMIT = 20_000;

interface HotspotUsersDeps {
  db: Knex;
  clock: Clock;
  log: Logger;
  site: SiteRef;
  router: RouterClient;
  hotspot: ManagedHotspot;
}

interface SyncOptions extends UsersCheckOptions {
  /** Check the router's users now, for this reason, whether due or not; router errors are thrown. */
  check?: string;
}

interface SyncOutcome extends PushOutcome {
  check?: UsersCheckReport;
}

/** The room's state, shared by its steps. */
interface Room {
  d: HotspotUsersDeps;
  pushDeps: { db: Knex; router: RouterClient; hotspot: ManagedHotspot; now: () => number };
  syncing?: Promise<SyncOutcome>;
  /**
   * When a sync also reads the router's users and puts back what the vouchers call for (check.ts): at the first
   * sync, after every reconnect, after a reboot the poll saw, and every 10 minutes.
   */
  usersCheck: UsersCheckSchedule;
}

/** The room of one site's hotspot users, on its router. */
export function createHotspotUsers(d: HotspotUsersDeps): HotspotUsers {
  const { db, clock, router, hotspot } = d;
  const room: Room = {
    d,
    pushDeps: { db, router, hotspot, now: () => clock.now() },
    usersCheck: new UsersCheckSchedule(),
  };
  onReconnect(router, () => room.usersCheck.request('router reconnected'));
  return {
    async sync(opts = {}) {
      const { created, pending } = await startSync(room, opts);
      return { created, pending };
    },
    pushBatch: (batchId) => pushBatch(room, batchId),
    async check(opts = {}) {
      for (;;) {
        // A sync already running may be a plain push: wait for it, then run a check of our own.
        if (room.syncing) {
          await room.syncing.catch(() => undefined);
          continue;
        }
        const out = await startSync(room, { ...opts, check: 'asked for' });
        if (out.check) return out.check;
      }
    },
    requestCheck: (reason) => room.usersCheck.request(reason),
  };
}

/** One sync at a time: a batch's push, the poll job's sync and a check would otherwise race on the same rows. */
function startSync(room: Room, opts: SyncOptions): Promise<SyncOutcome> {
  room.syncing ??= syncOnce(room, opts).finally(() => (room.syncing = undefined));
  return room.syncing;
}

/** A users check when one is asked for or due; otherwise the vouchers not on the router yet pushed. */
async function syncOnce(room: Room, opts: SyncOptions): Promise<SyncOutcome> {
  const { router, clock } = room.d;
  const reason = opts.check ?? (router.status.connected ? room.usersCheck.due(clock.now()) : undefined);
  if (reason) {
    const checked = await checkedSync(room, reason, opts);
    if (checked) return checked;
  }
  return pushPending(room);
}

/** The users check, then the kept codes' marks released; undefined when the router failed a due check. */
async function checkedSync(room: Room, reason: string, opts: SyncOptions): Promise<SyncOutcome | undefined> {
  const { db, hotspot, clock, site, log } = room.d;
  try {
    const check = await runUsersCheck(room, reason, opts);
    // The check gave started codes their own binding already; only their "kept for" mark is left.
    await releaseQueuedBindings(db, hotspot, new ProfileCache(db), clock.now(), site.id);
    return { created: check.created, pending: check.pending, check };
  } catch (err) {
    // Still due: the next sync (the poll's, or the reconnect's) checks again.
    if (opts.check || !(err instanceof RouterError)) throw err;
    log.warn({ module: 'vouchers', reason, err: err.message }, 'router users not checked; will retry');
    return undefined;
  }
}

async function pushPending(room: Room): Promise<SyncOutcome> {
  const { db, router, hotspot, clock, site } = room.d;
  // Roaming vouchers not used yet go to every router with the users check (they have no one router id).
  const rows = (await db('vouchers')
    .whereNull('router_user_id')
    .where('site_id', site.id)
    .whereIn('status', ['unused', 'active'])
    .orderBy('id')
    .limit(SYNC_LIMIT)) as VoucherRow[];
  const pushed = await pushRouterUsers(room.pushDeps, await voucherUsers(rows, new ProfileCache(db)));
  if (router.status.connected) {
    await bindRouterUsers(db, hotspot, clock.now(), site.id);
    await releaseQueuedBindings(db, hotspot, new ProfileCache(db), clock.now(), site.id);
  }
  return pushed;
}

async function runUsersCheck(room: Room, reason: string, opts: UsersCheckOptions): Promise<UsersCheckReport> {
  const { db, hotspot, log, clock, router, site } = room.d;
  const started = clock.now();
  const report = await checkRouterUsers(
    { db, hotspot, log, now: () => clock.now(), commands: () => router.stats.commands, siteId: site.id },
    opts,
  );
  room.usersCheck.done(started);
  const { added, fixed, removed, failed, blocked } = report;
  if (added + fixed + removed > 0)
    log.info(
      { module: 'vouchers', reason, ...report },
      `router users checked (${reason}): ${added} re-created, ${fixed} put back, ${removed} removed`,
    );
  if (failed + blocked > 0)
    log.warn(
      { module: 'vouchers', reason, failed, blocked },
      `router users checked (${reason}): ${failed} change(s) failed, ${blocked} code(s) taken by users we did not create`,
    );
  return report;
}

async function pushBatch(room: Room, batchId: number): Promise<PushOutcome> {
  const { db, site } = room.d;
  await room.syncing?.catch(() => undefined); // a running sync may be pushing the same rows
  const rows = await batchRowsToPush(db, batchId, site.id);
  const cache = new ProfileCache(db);
  const [a, b] = await Promise.all([
    pushRouterUsers(room.pushDeps, await voucherUsers(rows.own, cache)),
    pushRouterUsers(room.pushDeps, await voucherUsers(rows.roaming, cache), true),
  ]);
  return { created: a.created + b.created, pending: a.pending + b.pending };
}
