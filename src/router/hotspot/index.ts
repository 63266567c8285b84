/**
 * The one owner of what the controller keeps on the router: the hotspot users of vouchers, the
 * `pisonet-<MAC>` simple queues and customers' sessions. Services ask for domain operations ("this device
 * logs in with this voucher", "these queues should look like this", "this voucher is gone"); only this module
 * knows RouterOS menus, attribute names and queries for these objects. Other router reads (identity,
 * resources, firewall checks) go through the RouterClient directly.
 */
import type { QueueFieldChanges, QueueOnRouter, ReconcilePlan } from '../../domain/reconcile';
import { isOurQueue } from '../../domain/reconcile';
import { QUEUE_PREFIX, queueNameForMac } from '../../domain/queues';
import { normaliseMac } from '../../domain/units';
import { macOf } from '../../domain/network';
import type { RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { LoginsInFlight, type SharedLogins } from './logins-in-flight';
import { applyPlanQueues, applyQueuePlan, isGone, queueSetAttrs, removeMany } from './queues';
import { isOurPlanQueue, type PlanQueuePlan } from '../../domain/plan-queues';
import {
  hostAddresses,
  devicesBehind,
  devicesOnline,
  loginDevice,
  relogin,
  sessionsOfDevice,
  sessionsOfUser,
  topDynamicQueue,
  type DeviceLogin,
  type LoginOutcome,
  type Relogin,
} from './sessions';
import {
  queueOnRouter,
  QUEUE_MENU,
  QUEUE_PROPS,
  readSnapshot,
  USER_MENU,
  type RouterSnapshot,
} from './snapshot';
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

export type {
  DeviceLogin,
  LoginOutcome,
  Relogin,
  RouterSnapshot,
  UserBytes,
  UserOnRouter,
  UserPlacement,
  VoucherUser,
};
export type { QueueReading, SessionInfo } from './snapshot';
export type { SharedLogins } from './logins-in-flight';
export { parseSnapshot } from './snapshot';
export { userChanges } from './users';
export { planUserReconcile } from './user-reconcile';
export type { UserReconcileOptions, UserReconcilePlan, UserReconcileResult } from './user-reconcile';

/** One of our queues for people (the admin's and the CLI's queue lists). */
export interface QueueView extends QueueOnRouter {
  bytes: string;
  rate: string;
}

export interface ManagedHotspot {
  /** The poll's read: every queue, session and host and the router's uptime, in one round trip. */
  snapshot(): Promise<RouterSnapshot>;
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
  const logins = new LoginsInFlight();
  /**
   * The queues of the last snapshot, handed to the next read so that rows that did not change are the same
   * objects (snapshot.ts routerQueues). Not a cache: every row is compared with what the router says now.
   */
  let lastQueues: readonly QueueOnRouter[] | undefined;
  /** The queue ids of `remove` whose queue no login touched since the snapshot `basis` was read. */
  function unprotected(remove: string[], basis: RouterSnapshot, mark: number): string[] {
    const wanted = new Set(remove);
    const names = new Map<string, string>();
    for (const q of basis.queues) if (wanted.has(q.id)) names.set(q.id, q.name);
    return remove.filter((id) => !logins.protects(names.get(id) ?? '', mark));
  }
  /**
   * The queue ids of `remove` whose device has no session on the router now and no login under way on any
   * server: what a poll decides from its snapshot is checked against the router as it is at the moment of removal.
   */
  async function unused(remove: string[], basis: RouterSnapshot): Promise<string[]> {
    const deviceOf = new Map<string, string>();
    // A device's queue names its MAC; a queue of ours that names none (a shared plan's parent) has no session.
    for (const q of basis.queues) {
      const mac = q.name.startsWith(QUEUE_PREFIX) ? macOf(q.name.slice(QUEUE_PREFIX.length)) : undefined;
      if (mac) deviceOf.set(q.id, mac);
    }
    const macs = [
      ...new Set(remove.map((id) => deviceOf.get(id)).filter((m): m is string => m !== undefined)),
    ];
    if (macs.length === 0) return remove;
    // The logins under way first, then the sessions: a login that ends between the two reads is in the second.
    const busy = shared ? await shared.underWay() : new Set<string>();
    for (const mac of await devicesOnline(router, macs)) busy.add(normaliseMac(mac));
    return remove.filter((id) => {
      const mac = deviceOf.get(id);
      return mac === undefined || !busy.has(mac);
    });
  }
  return {
    placement,
    async snapshot() {
      const loginMark = logins.mark();
      const snap = await readSnapshot(router, lastQueues);
      lastQueues = snap.queues;
      // Read after the router: a login under way elsewhere during the read is in it; one over by now has its
      // claim committed, which the poll reads after this.
      const loginsElsewhere = shared ? await shared.underWay() : undefined;
      return { ...snap, loginMark, loginsElsewhere };
    },
    async applyQueuePlan(plan, errors, basis) {
      if (basis?.loginMark === undefined) return applyQueuePlan(router, plan, errors);
      const mark = basis.loginMark;
      // Most polls remove nothing: the names are looked up only for the queues the plan removes.
      let remove = plan.remove.length === 0 ? plan.remove : unprotected(plan.remove, basis, mark);
      logins.forgetBefore(mark);
      if (remove.length > 0) {
        try {
          remove = await unused(remove, basis);
        } catch (err) {
          // The sessions could not be read again: nothing is removed this time (the next poll decides).
          if (!(err instanceof RouterError)) throw err;
          errors.push(err);
          remove = [];
        }
      }
      return applyQueuePlan(
        router,
        remove.length === plan.remove.length ? plan : { ...plan, remove },
        errors,
      );
    },
    loginsMissedBy(basis) {
      const missed =
        basis.loginMark === undefined ? new Set<string>() : logins.devicesMissedBy(basis.loginMark);
      for (const mac of basis.loginsElsewhere ?? []) missed.add(mac);
      return missed;
    },
    async queues(names) {
      const query: string[] = [];
      names?.forEach((n, i) => {
        query.push(`name=${n}`);
        if (i > 0) query.push('#|');
      });
      if (names && names.length === 0) return [];
      const rows = await router.print(QUEUE_MENU, {
        proplist: QUEUE_PROPS,
        query: names ? query : undefined,
      });
      return rows
        .map((r) => ({ ...queueOnRouter(r), bytes: r.bytes ?? '0/0', rate: r.rate ?? '0/0' }))
        .filter((q) => isOurQueue(q) || isOurPlanQueue(q));
    },
    setQueue: (id, changes) => router.set(QUEUE_MENU, id, queueSetAttrs(changes)),
    applyPlanQueues: (plan, errors) => applyPlanQueues(router, plan, errors),
    removePlanQueues: (ids, errors) => removeMany((x) => router.remove(QUEUE_MENU, x), ids, errors),
    topDynamicQueue: () => topDynamicQueue(router),
    async loginDevice(d) {
      const over = logins.begin(d.queue.name, d.mac);
      // Recorded beside the login's first round trip (the customer's path): a poll elsewhere that reads the
      // sessions after the login sees its session; one that read them before removes nothing this login made.
      // A record that fails leaves the login to the guards that need no database (the sessions read again).
      const recorded = shared?.begin([d.mac]).catch(() => undefined);
      try {
        return await loginDevice(router, placement, d);
      } finally {
        over();
        const end = await recorded;
        await end?.().catch(() => undefined);
      }
    },
    logout: (ids, errors) => removeMany((x) => router.hotspotLogout(x), ids, errors),
    async relogin(sessions, errors) {
      // Each device's queue is its login's for the moment: a poll planned meanwhile leaves it alone.
      const over = sessions.map((s) => logins.begin(queueNameForMac(s.mac), s.mac));
      // On record before the first logout: between it and the login again the device has no session.
      const recorded = await shared?.begin(sessions.map((s) => s.mac)).catch(() => undefined);
      try {
        return await relogin(router, sessions, errors);
      } finally {
        for (const done of over) done();
        await recorded?.();
      }
    },
    async reloginVoucher(code, password) {
      const online = (await sessionsOfUser(router, code)).filter((s) => s.mac && s.ip);
      if (online.length === 0) return 0;
      const errors: RouterError[] = [];
      const back = await this.relogin(
        online.map((s) => ({ ...s, password })),
        errors,
      );
      if (errors.length > 0 && back < online.length) throw errors[0];
      return back;
    },
    sessionsOfVoucher: async (code) =>
      (await sessionsOfUser(router, code)).map(({ id, mac }) => ({ id, mac })),
    hostAddresses: (mac) => hostAddresses(router, mac),
    devicesBehind: (address) => devicesBehind(router, address),
    async logoutDevice(mac) {
      const sessions = await sessionsOfDevice(router, mac);
      if (sessions.length) await router.hotspotLogout(sessions.map((s) => s.id));
      return { sessions: sessions.length, users: sessions.map((s) => s.user) };
    },
    async removeVoucher(code, routerUserId) {
      const ignoreGone = (err: unknown): void => {
        if (!isGone(err)) throw err;
      };
      const [sessions, queues, users] = await Promise.all([
        sessionsOfUser(router, code),
        router.print(QUEUE_MENU, {
          proplist: ['.id', 'name', 'comment', 'dynamic'],
          query: [`comment=${code}`],
        }),
        routerUserId !== null
          ? Promise.resolve([routerUserId])
          : router
              .print(USER_MENU, { proplist: ['.id', 'name'], query: [`name=${code}`] })
              .then((rows) => rows.filter((r) => r.name === code).map((r) => r['.id'])),
      ]);
      const queueIds = queues
        .map(queueOnRouter)
        .filter((q) => isOurQueue(q) && q.comment === code)
        .map((q) => q.id);
      await Promise.all([
        sessions.length ? router.hotspotLogout(sessions.map((s) => s.id)).catch(ignoreGone) : undefined,
        queueIds.length ? router.remove(QUEUE_MENU, queueIds).catch(ignoreGone) : undefined,
        users.length ? router.remove(USER_MENU, users).catch(ignoreGone) : undefined,
      ]);
    },
    users: () => readUsers(router),
    userBytes: (names) => readUserBytes(router, names),
    setUserByteLimit: (id, bytes) => setUserByteLimit(router, id, bytes),
    raiseUserByteLimit: (code, bytes) => raiseUserByteLimit(router, code, bytes),
    addUser: (u) => addUser(router, placement, u),
    bindUser: (id, mac) => bindUser(router, id, mac),
    async holdUser(id, code, held) {
      try {
        await holdUser(router, id, code, held);
        return true;
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
    },
    async updateUserPlan(id, profileName, limitSeconds, again) {
      try {
        await updateUserPlan(router, id, profileName, limitSeconds);
      } catch (err) {
        if (isGone(err)) return false;
        throw err;
      }
      if (again) await this.reloginVoucher(again.code, again.password).catch(() => 0);
      return true;
    },
    removeUsers: (ids, errors) => removeMany((x) => router.remove(USER_MENU, x), ids, errors),
    reconcileUsers: (actual, desired, opts) =>
      applyUserPlan(router, placement, planUserReconcile(placement, desired, actual, opts)),
  };
}
