/**
 * The users check: every unused or active voucher's hotspot user compared with one print of the router's
 * users and put back where it differs, and the database's record of router ids brought up to date. Pushing a
 * batch once (push.ts) is not enough: a router that is reset or replaced, or whose users are deleted
 * or edited by hand, would keep vouchers "ready" in the admin that no phone can log in with.
 *
 * When it runs (UsersCheckSchedule): at the first sync after the controller starts and after every
 * reconnect, when the poll sees that the router booted since it last looked, and every 10 minutes for users
 * deleted or edited by hand. A reset or a replaced router is recognised from the boot time (the poll's
 * `now − uptime`, see usage/meter.ts rebootedSince) and from the reconnect it forces: a reset configuration
 * and another machine both restart the router, which drops our connection and starts a new boot time. Either
 * signal alone is enough and both are cheap. Counting our objects instead ("all pisonet users gone") would
 * misread a shop whose vouchers are all used up, and would miss a reset of a router that had no users yet.
 */
import type { Knex } from 'knex';
import type { Logger } from '../../../lib/logger';
import type { ManagedHotspot, UserOnRouter, UserReconcileResult } from '../../../router/hotspot';
import type { VoucherRow } from '../../shop/vouchers/state';
import { ProfileCache } from '../../shop/vouchers/queries';
import { clearRouterIds, recordRouterIds, voucherUsers } from './push';
import type { UsersCheckOptions, UsersCheckReport } from './types';

/** How often users are checked when nothing else asks for it: users deleted or edited by hand. */
const USERS_CHECK_EVERY_MS = 10 * 60_000;

/** Decides when the next sync reads the router's users. */
export class UsersCheckSchedule {
  private lastAt: number | undefined;
  private asked: string | undefined = 'controller started';

  /** The next sync checks, whatever the interval (a reconnect, a reboot seen by the poll). */
  request(reason: string): void {
    this.asked ??= reason;
  }

  /** Why a check is due now, or undefined. */
  due(now: number): string | undefined {
    if (this.asked !== undefined) return this.asked;
    if (this.lastAt === undefined || now - this.lastAt >= USERS_CHECK_EVERY_MS) return 'periodic check';
    return undefined;
  }

  /** A check ran to the end (its writes may have partly failed: those are retried by the pushes and the next check). */
  done(now: number): void {
    this.lastAt = now;
    this.asked = undefined;
  }
}

interface UsersCheckDeps {
  db: Knex;
  hotspot: ManagedHotspot;
  log: Logger;
  now: () => number;
  /** Commands the router client has sent so far (router.stats.commands). */
  commands: () => number;
  /** The site whose router this is: its vouchers, and the roaming ones not used yet, want users there. */
  siteId: number;
}

const OPEN = ['unused', 'active'];
const ENDED = ['expired', 'exhausted', 'revoked'];

const WANTED_COLS = [
  'id',
  'code',
  'password',
  'profile_id',
  'extra_seconds',
  'staff',
  'bound_mac',
  'router_user_id',
  'router_synced_at',
  'activated_at',
  'queued_mac',
  'site_id',
  'paused_at',
] as const;
type WantedRow = Pick<VoucherRow, (typeof WANTED_COLS)[number]>;

/**
 * Runs one check. The router is read before the database: a voucher that shows up unused in the database
 * with no user on the router then really lost its user (a batch is written to the database before its users
 * are pushed), and a user whose voucher was revoked after the read is removed, never added again. This holds
 * only while every writer changes the database first: a portal redemption binds a one-device user to its
 * MAC once its claim is committed (router/hotspot/device-login.ts), or a binding read here beside a voucher row
 * from before the claim would be "put back" to any MAC.
 * Throws when the router cannot be read; refused writes are counted in `failed` and retried later.
 */
export async function checkRouterUsers(
  deps: UsersCheckDeps,
  opts: UsersCheckOptions = {},
): Promise<UsersCheckReport> {
  const { db, hotspot } = deps;
  const before = deps.commands();
  const actual = await hotspot.users();
  const rows = (await db('vouchers')
    .whereIn('status', OPEN)
    .where((q) =>
      q.where('site_id', deps.siteId).orWhere((r) => r.whereNull('site_id').where('roaming', true)),
    )
    .orderBy('id')
    .select(...WANTED_COLS)) as WantedRow[];
  const desired = await voucherUsers(rows as VoucherRow[], new ProfileCache(db));

  const result = await hotspot.reconcileUsers(actual, desired, {
    allowRemovals: opts.allowRemovals ?? true,
  });
  const created = await recordOutcome(deps, rows, actual, result);
  return {
    vouchers: rows.length,
    usersOnRouter: actual.length,
    added: result.added,
    fixed: result.fixed,
    removed: result.removed.length,
    blocked: result.blocked,
    created,
    pending: result.missing.length,
    failed: result.errors.length,
    roundTrips: deps.commands() - before,
  };
}

/**
 * The database's record after a check, in a few statements: the ids of users now on the router (a reset
 * router numbers its items from `*1` again, so a remembered id may name another voucher's user), NULL for
 * vouchers whose user is missing (the next sync's push adds them again, and a portal login adds its own),
 * and for ended vouchers whose user is gone. Returns how many open vouchers had no id before.
 */
async function recordOutcome(
  deps: UsersCheckDeps,
  rows: WantedRow[],
  actual: UserOnRouter[],
  result: UserReconcileResult,
): Promise<number> {
  const { db } = deps;
  const now = deps.now();
  const changed: Array<{ id: number; routerId: string }> = [];
  const stale: number[] = [];
  let created = 0;
  for (const r of rows) {
    // A roaming voucher not used yet has a user on every router and so no one router id: none is kept.
    if (r.site_id === null) continue;
    const id = result.present.get(r.id);
    if (id === undefined) {
      if (r.router_user_id !== null) stale.push(r.id);
      continue;
    }
    if (r.router_user_id === null) created++;
    // The check bound one-device users too: marked synced, so bindRouterUsers does not bind them again.
    const unbound =
      r.bound_mac !== null &&
      (r.router_synced_at === null ||
        (r.activated_at !== null && Number(r.router_synced_at) < Number(r.activated_at)));
    if (id !== r.router_user_id || unbound) changed.push({ id: r.id, routerId: id });
  }
  if (changed.length) await recordRouterIds(db, changed, now);
  if (stale.length) await clearRouterIds(db, stale);

  // Ended vouchers that still have an id: it now names their user as printed (kept if the user is still
  // there, for the poll's retried removal) or nothing (gone, removed by this check or before it).
  const ended = (await db('vouchers')
    .where('site_id', deps.siteId)
    .whereIn('status', ENDED)
    .whereNotNull('router_user_id')
    .select('id', 'code', 'router_user_id')) as Array<{ id: number; code: string; router_user_id: string }>;
  if (ended.length) {
    const removed = new Set(result.removed);
    const ours = new Map<string, string>();
    for (const u of actual) if (u.ours && !removed.has(u.name)) ours.set(u.name, u.id);
    const gone: number[] = [];
    const moved: Array<{ id: number; routerId: string }> = [];
    for (const e of ended) {
      const id = ours.get(e.code);
      if (id === undefined) gone.push(e.id);
      else if (id !== e.router_user_id) moved.push({ id: e.id, routerId: id });
    }
    if (gone.length) await clearRouterIds(db, gone);
    if (moved.length) await recordRouterIds(db, moved, now);
  }
  return created;
}
