/**
 * The one owner of what the controller keeps on the router: the hotspot users of vouchers, the
 * `pisonet-<MAC>` simple queues and customers' sessions. Services ask for domain operations ("this device
 * logs in with this voucher", "these queues should look like this", "this voucher is gone"); only this module
 * knows RouterOS menus, attribute names and queries for these objects. Other router reads (identity,
 * resources, firewall checks) go through the RouterClient directly.
 */
import type { QueueFieldChanges, QueueOnRouter, ReconcilePlan } from '../../domain/reconcile';
import type { RouterClient } from '../types';
import type { RouterError } from '../../domain/errors';
import { LoginsInFlight, type SharedLogins } from './logins-in-flight';
import { applyPlanQueues, queueSetAttrs, removeMany } from './queues';
import type { PlanQueuePlan } from '../../domain/plan-queues';
import {
  hostAddresses,
  devicesBehind,
  sessionsOfDevice,
  sessionsOfUser,
  topDynamicQueue,
  type Relogin,
} from './sessions';
import type { DeviceLogin, LoginOutcome } from './device-login';
import { QUEUE_MENU, USER_MENU, type RouterSnapshot } from './snapshot';
import { readCounters, type CountersRead } from './counters';
import {
  addUser,
  bindUser,
  holdUser,
  raiseUserByteLimit,
  readUserBytes,
  readUsers,
  setUserByteLimit,
  updateUserPlan,
  type UserBytes,
  type UserOnRouter,
  type UserPlacement,
  type VoucherUser,
} from './users';
import {
  applyUserPlan,
  planUserReconcile,
  type UserReconcileOptions,
  type UserReconcileResult,
} from './user-reconcile';
import {
  applyGuardedQueuePlan,
  loginsMissedBy,
  ourQueues,
  reloginVoucher,
  removeVoucher,
  snapshot,
  trackedLogin,
  trackedRelogin,
  unlessGone,
  type Held,
} from './owned';

export type { DeviceLogin, LoginOutcome, Relogin, RouterSnapshot, UserBytes, UserOnRouter, VoucherUser };
export type { QueueReading, SessionInfo } from './snapshot';
export type { SharedLogins } from './logins-in-flight';
export { LoginUnconfirmed, onlineWithCode } from './device-login';
export { parseSnapshot } from './snapshot';
export { planUserReconcile } from './user-reconcile';
export type { UserReconcileResult } from './user-reconcile';

/** One of our queues for people (the admin's and the CLI's queue lists). */
export interface QueueView extends QueueOnRouter {
  bytes: string;
  rate: string;
}

export interface ManagedHotspot {
  /** The poll's read: every queue, session and host and the router's uptime, in one round trip. */
  snapshot(): Promise<RouterSnapshot>;
  /** Just these devices' queue counters and the router's uptime, in one round (the fair-use watch's read). */
  counters(macs: readonly string[]): Promise<CountersRead>;
  /**
   * Brings our queues to a reconcile plan; router errors are collected, not thrown. `basis`, the snapshot the
   * plan was made from: a queue is not removed when a customer's login touched it since that read, when a login
   * of its device is under way on any server, or when its device has a session when the removal is decided (the
   * sessions of those devices are read again first: `basis` may be older than another server's login).
   */
  applyQueuePlan(
    plan: ReconcilePlan,
    errors: RouterError[],
    basis?: RouterSnapshot,
  ): Promise<{ added: number; updated: number; removed: number }>;
  /**
   * Devices whose login landed while or after this snapshot was read: a missing session of theirs in it is not
   * a logout (see logins-in-flight.ts).
   */
  loginsMissedBy(basis: RouterSnapshot): Set<string>;
  /**
   * Our parent queues (shared plans) brought to a plan, before the device queues: adds and changes. Returns the
   * profiles whose parent is on the router now (those there already, and those added).
   */
  applyPlanQueues(plan: PlanQueuePlan, errors: RouterError[]): Promise<Set<string>>;
  /** Removes parent queues no shared plan needs, after their device queues left them; returns those gone. */
  removePlanQueues(ids: string[], errors: RouterError[]): Promise<string[]>;
  /** Our queues by name (all of ours, shared plans' parents too, when `names` is omitted). */
  queues(names?: string[]): Promise<QueueView[]>;
  setQueue(id: string, changes: QueueFieldChanges): Promise<void>;

  topDynamicQueue(): Promise<string | undefined>;
  /** Logs a device in as its voucher's user with its own queue; undone entirely on failure. */
  loginDevice(d: DeviceLogin): Promise<LoginOutcome>;
  /** Logs these sessions out (ids from a snapshot); returns the ids that are gone now. */
  logout(sessionIds: string[], errors: RouterError[]): Promise<string[]>;
  /**
   * Logs these sessions out and their devices in again as the same user (RouterOS fixes a session's limits at
   * login: a changed allowance reaches a device online only this way). Errors collected; returns those back.
   */
  relogin(sessions: readonly Relogin[], errors: RouterError[]): Promise<number>;
  /** Every session of the voucher's user logged out and in again (its time limit changed); returns those back. */
  reloginVoucher(code: string, password: string): Promise<number>;
  /** The sessions of a voucher's user now (self-service: is the other device online?). */
  sessionsOfVoucher(code: string): Promise<Array<{ id: string; mac: string }>>;
  /** Logs every session of a device out; returns how many there were. */
  logoutDevice(mac: string): Promise<{ sessions: number; users: string[] }>;
  /** The addresses the hotspot gives this MAC now (its `/ip/hotspot/host` entries; none when it is not there). */
  hostAddresses(mac: string): Promise<string[]>;
  /** Devices the hotspot sees behind an address: 1 for a host's own, all its hosts for any other (NAT). */
  devicesBehind(address: string): Promise<number>;
  /**
   * A voucher leaves the router: its sessions end, its queues (found by their comment, the code, so a device
   * that moved to another voucher keeps its queue) and its hotspot user are removed. Items already gone are fine.
   */
  removeVoucher(code: string, routerUserId: string | null): Promise<void>;

  /** The byte counters and `limit-bytes-total` of the users named (a voucher's cap kept on the router). */
  userBytes(names: readonly string[]): Promise<UserBytes[]>;
  /** Sets a user's `limit-bytes-total` (0 = none). */
  setUserByteLimit(id: string, bytes: number): Promise<void>;
  /** A top-up's bytes added to the byte limit of the user named `code` now; false when it holds none. */
  raiseUserByteLimit(code: string, bytes: number): Promise<boolean>;
  /** Every hotspot user (ours are marked), one print. */
  users(): Promise<UserOnRouter[]>;
  addUser(u: VoucherUser): Promise<string>;
  bindUser(routerUserId: string, mac: string | null): Promise<void>;
  /**
   * A paused voucher's user disabled and its `/ip/hotspot/cookie` entries removed (`held`), or enabled again;
   * false when the user is gone (the users check adds it back as the voucher calls for).
   */
  holdUser(routerUserId: string, code: string, held: boolean): Promise<boolean>;
  /**
   * New limit-uptime and comment (extension, change of profile); false when the user is gone. With `relogin` (the
   * user's name and password), its sessions are logged out and in again so that they take the new time limit
   * (RouterOS fixes it at login); best effort: a device not back online logs in again itself.
   */
  updateUserPlan(
    routerUserId: string,
    profileName: string,
    limitSeconds: number | null,
    relogin?: { code: string; password: string },
  ): Promise<boolean>;
  /** Removes users; returns the ids that are gone now. */
  removeUsers(ids: string[], errors: RouterError[]): Promise<string[]>;
  /**
   * Brings our users to `desired` given `actual`, an earlier `users()` read: missing ones added, changed
   * ones put back, ours that no voucher wants removed (when allowed), users we did not create untouched.
   * All writes at once, pipelined; router refusals are in the result, not thrown.
   */
  reconcileUsers(
    actual: UserOnRouter[],
    desired: VoucherUser[],
    opts: UserReconcileOptions,
  ): Promise<UserReconcileResult>;

  readonly placement: UserPlacement;
}

/**
 * `shared`: logins in flight as every server on the database sees them (several servers on one database); absent
 * with one server per database, whose own logins are all in `logins` below.
 */
export function createManagedHotspot(
  router: RouterClient,
  placement: UserPlacement,
  shared?: SharedLogins,
): ManagedHotspot {
  const h: Held = { router, placement, shared, logins: new LoginsInFlight() };
  return {
    placement,
    snapshot: () => snapshot(h),
    counters: (macs) => readCounters(router, macs),
    applyQueuePlan: (plan, errors, basis) => applyGuardedQueuePlan(h, plan, errors, basis),
    loginsMissedBy: (basis) => loginsMissedBy(h, basis),
    queues: (names) => ourQueues(h, names),
    setQueue: (id, changes) => router.set(QUEUE_MENU, id, queueSetAttrs(changes)),
    applyPlanQueues: (plan, errors) => applyPlanQueues(router, plan, errors),
    removePlanQueues: (ids, errors) => removeMany((x) => router.remove(QUEUE_MENU, x), ids, errors),
    topDynamicQueue: () => topDynamicQueue(router),
    loginDevice: (d) => trackedLogin(h, d),
    logout: (ids, errors) => removeMany((x) => router.hotspotLogout(x), ids, errors),
    relogin: (sessions, errors) => trackedRelogin(h, sessions, errors),
    reloginVoucher: (code, password) => reloginVoucher(h, code, password),
    sessionsOfVoucher: async (code) =>
      (await sessionsOfUser(router, code)).map(({ id, mac }) => ({ id, mac })),
    hostAddresses: (mac) => hostAddresses(router, mac),
    devicesBehind: (address) => devicesBehind(router, address),
    async logoutDevice(mac) {
      const sessions = await sessionsOfDevice(router, mac);
      if (sessions.length) await router.hotspotLogout(sessions.map((s) => s.id));
      return { sessions: sessions.length, users: sessions.map((s) => s.user) };
    },
    removeVoucher: (code, routerUserId) => removeVoucher(h, code, routerUserId),
    users: () => readUsers(router),
    userBytes: (names) => readUserBytes(router, names),
    setUserByteLimit: (id, bytes) => setUserByteLimit(router, id, bytes),
    raiseUserByteLimit: (code, bytes) => raiseUserByteLimit(router, code, bytes),
    addUser: (u) => addUser(router, placement, u),
    bindUser: (id, mac) => bindUser(router, id, mac),
    holdUser: (id, code, held) => unlessGone(() => holdUser(router, id, code, held)),
    async updateUserPlan(id, profileName, limitSeconds, again) {
      if (!(await unlessGone(() => updateUserPlan(router, id, profileName, limitSeconds)))) return false;
      if (again) await reloginVoucher(h, again.code, again.password).catch(() => 0);
      return true;
    },
    removeUsers: (ids, errors) => removeMany((x) => router.remove(USER_MENU, x), ids, errors),
    reconcileUsers: (actual, desired, opts) =>
      applyUserPlan(router, placement, planUserReconcile(placement, desired, actual, opts)),
  };
}
