/**
 * How the policy's decisions reach the network. The poll hands an enforcer an order in the product's terms (codes,
 * MACs, subscribers): what every online device and active voucher should have now (rates, byte allowance), which
 * sessions must end, which ended vouchers' logins must go, and the speeds of the subscribers its bytes moved. The enforcer changes only what differs and reports what it
 * did, and what it could not do; its errors are collected, never thrown: the next poll derives the same order
 * again from the database and retries. The router's enforcer (routerEnforcer below) writes simple queues, hotspot
 * sessions and users over the API and maps codes to the router's own ids itself; RADIUS's (radius/coa-enforcer.ts)
 * writes FreeRADIUS's users and sends CoA and Disconnect packets.
 */
import {
  plainQueueTexts,
  queueNameForMac,
  queuesFor,
  sameDecision,
  type DeviceDecision,
} from '../../../domain/queues';
import {
  desiredPlanQueues,
  isShared,
  parentPlanIsEmpty,
  planParentQueues,
  planQueueName,
} from '../../../domain/plan-queues';
import {
  planIsEmpty,
  planReconcile,
  type QueueOnRouter,
  type ReconcilePlan,
} from '../../../domain/reconcile';
import type { ManagedHotspot, RouterSnapshot } from '../../../router/hotspot';
import { keepByteLimits, orRouterError, removeLoginsOf, type Relogged } from '../hotspot-users/byte-limits';
import type { ByteCap } from '../../../domain/byte-allowance';
import { RouterError, type EnforceError } from '../../../domain/errors';
import type { DesiredLimits } from '../../../domain/policy';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';

import type { SessionReading, UsageReading } from './source';

export { BYTE_LIMIT_SLACK, type ByteCap } from '../../../domain/byte-allowance';

export interface EnforceOrder {
  /** What each online device of an active voucher gets now (the policy's decisions). */
  devices: readonly DeviceDecision[];
  /**
   * What each active voucher gets now, by code (the policy's limits, the same decision the devices carry): what
   * its next login is answered where logins are the enforcer's to write (RADIUS), so the policy is asked once.
   * Made when asked: an enforcer that writes no logins (the router's) never pays for 10,000 entries a poll.
   */
  vouchers?: () => ReadonlyMap<string, DesiredLimits>;
  /** Sessions to end: those of ended vouchers, and those beyond their voucher's device count. */
  logout: readonly SessionReading[];
  /** Codes of ended vouchers whose login is still on the network, to take away (a hotspot user). */
  removeLogins: readonly string[];
  /** MACs a redemption is bringing online right now: their router state is the redemption's for a moment. */
  claimed: ReadonlySet<string>;
  /**
   * Byte allowances to hold (block policy): what each such active voucher may still move, read at the moment of
   * asking (extra data bought while the poll ran is in it). Every voucher with a blocking cap is named.
   */
  byteCaps?: () => Promise<readonly ByteCap[]>;
  /**
   * The speeds (or no service) of the subscribers whose speeds this poll's bytes may have changed (a threshold
   * crossed, a cycle begun), by subscriber id: decided once, by subscriber-speeds.ts. Absent: none.
   */
  subscribers?: ReadonlyMap<number, SubscriberSpeeds>;
}

export interface EnforceOutcome {
  added: number;
  updated: number;
  removed: number;
  /** The sessions of the order that ended (or were found gone). */
  loggedOut: SessionReading[];
  /** Codes whose login was removed (or found gone): only what this enforcer removed. */
  loginsRemoved: string[];
  errors: EnforceError[];
  /** Shared plans whose parent queue name is held by a queue that is not ours: their devices are not shared. */
  planQueuesTaken?: string[];
  /** Logins whose byte allowance was written (a hotspot user's `limit-bytes-total`; FreeRADIUS users). */
  byteLimitsSet?: number;
  /** Devices logged out and in again so that their session takes the voucher's new byte limit. */
  relogged?: number;
  /**
   * Sessions newly found running under a byte allowance their voucher no longer has, which this enforcer cannot
   * change while they run (their next login takes the new one).
   */
  allowancesNotReached?: number;
}

/** An outcome with nothing done yet, which an enforcer fills in as it goes. */
export const nothingDone = (): EnforceOutcome => ({
  added: 0,
  updated: 0,
  removed: 0,
  loggedOut: [],
  loginsRemoved: [],
  errors: [],
});

export interface Enforcer {
  /** `reading`: the poll's reading (sessions to name, devices online), from whichever source. */
  apply(order: EnforceOrder, reading: UsageReading): Promise<EnforceOutcome>;
  /**
   * These devices' decisions now, and nothing else: a speed the fair-use watch saw change between polls
   * (fup-watch.ts). The same writes the poll makes for them; the next poll reconciles everything as usual.
   * Absent: this enforcer acts at polls only.
   */
  applyDevices?(devices: readonly DeviceDecision[]): Promise<EnforceOutcome>;
  /**
   * These subscribers' decided speeds now, through the same step as a poll's order (withSubscriberSpeeds): a
   * crossing the fair-use watch saw between polls. Absent: subscribers' speeds change at polls only.
   */
  applySubscribers?: SubscriberSpeedsStep;
}

/**
 * Brings subscribers to their decided speeds where their logins live: an API site's PPP room (the secret's tier
 * profile, a session ended to take it), a RADIUS site's subscribers room (FreeRADIUS's rows, a CoA). Never throws:
 * what it could not do, it logs, and the room's next check (from the database) puts right.
 */
export type SubscriberSpeedsStep = (speeds: ReadonlyMap<number, SubscriberSpeeds>) => Promise<void>;

/** A site's enforcer: `enforcer` for the vouchers' part of the order, then its subscribers' speeds by `step`. */
export function withSubscriberSpeeds(enforcer: Enforcer, step: SubscriberSpeedsStep): Enforcer {
  return {
    // The fair-use watch's writes between polls are the devices' alone: passed through as they are.
    ...(enforcer.applyDevices ? { applyDevices: (d) => enforcer.applyDevices!(d) } : {}),
    // The watch's subscribers take the poll's own step.
    applySubscribers: step,
    async apply(order, reading) {
      const out = await enforcer.apply(order, reading);
      if (order.subscribers && order.subscribers.size > 0) await step(order.subscribers);
      return out;
    },
  };
}

/** The plan without the queues of claimed devices (their redemption adds, changes or removes them itself). */
function withoutClaimed(
  plan: ReconcilePlan,
  claimed: ReadonlySet<string>,
  router: RouterSnapshot,
): ReconcilePlan {
  if (claimed.size === 0) return plan;
  const names = new Set([...claimed].map(queueNameForMac));
  const ids = new Set(router.queues.filter((q) => names.has(q.name)).map((q) => q.id));
  return {
    ...plan,
    add: plan.add.filter((q) => !names.has(q.name)),
    set: plan.set.filter((s) => !names.has(s.name)),
    remove: plan.remove.filter((id) => !ids.has(id)),
  };
}

/** Whether two orders give every device the same queue (same devices in the same order, addresses and rates). */
function sameDevices(a: readonly DeviceDecision[], b: readonly DeviceDecision[]): boolean {
  return a.length === b.length && a.every((d, i) => sameDecision(d, b[i]));
}

/**
 * The queues of these devices brought to their decisions now: read by name (a `?name=` query), changed where they
 * differ. Only changes: a queue to add, move or remove is the poll's (its parent stays the one it has).
 */
async function devicesNow(
  hotspot: ManagedHotspot,
  devices: readonly DeviceDecision[],
): Promise<EnforceOutcome> {
  const errors: RouterError[] = [];
  if (devices.length === 0) return nothingDone();
  const onRouter = await orRouterError(
    () => hotspot.queues(devices.map((d) => queueNameForMac(d.mac))),
    errors,
  );
  if (!onRouter) return { ...nothingDone(), errors };
  const parent = new Map(onRouter.map((q) => [q.name, q.parent ?? 'none']));
  const wanted = queuesFor(devices, plainQueueTexts, (d) => parent.get(queueNameForMac(d.mac)) ?? 'none');
  const { set } = planReconcile(wanted, onRouter);
  const done = await hotspot.applyQueuePlan({ add: [], set, remove: [] }, errors);
  return { ...nothingDone(), ...done, errors };
}

/**
 * The router's API: one `pisonet-<MAC>` simple queue per decided device (made, changed or removed to match),
 * sessions logged out, hotspot users removed. `snapshotOf`: the router as its own source read it for this reading
 * (router-pair.ts); a reading it did not make (another source's) has the router read again here.
 *
 * Kept between polls (one per enforcer, so per site and process): the last order whose plan was empty, and the
 * router's queue list it was planned against. The router's read hands on the same queue list object while the
 * router printed every queue row the same (snapshot.ts), so the same list and the same decisions make the same
 * empty plan: building and comparing 10,000 queues again is skipped. Reset by any change of either, by an order
 * with logouts, removals or claims, and by any router error.
 */
export function routerEnforcer(
  hotspot: ManagedHotspot,
  snapshotOf: (reading: UsageReading) => RouterSnapshot | undefined = () => undefined,
): Enforcer {
  let inLine:
    { queues: readonly QueueOnRouter[]; devices: readonly DeviceDecision[]; taken: string[] } | undefined;
  const relogged: Relogged = new Map();
  return {
    async apply(order, reading) {
      // A reading from elsewhere (not this router's read) has no view of the queues: read them now.
      const errors: RouterError[] = [];
      const router = snapshotOf(reading) ?? (await orRouterError(() => hotspot.snapshot(), errors));
      if (!router) return { ...nothingDone(), errors };
      const out = await queuesAndSessions(order, router);
      // Caps the router holds: every poll, also a quiet one (a top-up changes no queue but moves the cap).
      // Asked for last, so extra data bought while the queues were written is in it.
      const caps = order.byteCaps ? await order.byteCaps() : [];
      const limits = await keepByteLimits(hotspot, caps, router.sessions, out.errors, relogged);
      out.byteLimitsSet = limits.written;
      out.relogged = limits.relogged;
      return out;
    },
    async applyDevices(devices) {
      inLine = undefined;
      return devicesNow(hotspot, devices);
    },
  };

  async function queuesAndSessions(
    order: EnforceOrder,
    router: RouterSnapshot,
  ): Promise<EnforceOutcome & { errors: RouterError[] }> {
    const errors: RouterError[] = [];
    const quiet = order.logout.length === 0 && order.removeLogins.length === 0 && order.claimed.size === 0;
    if (quiet && inLine && inLine.queues === router.queues && sameDevices(inLine.devices, order.devices))
      return { ...nothingDone(), errors, planQueuesTaken: inLine.taken };
    inLine = undefined;
    // Sessions end before queues go: a queue is removed only while its device has no session (applyQueuePlan
    // reads them again), so the sessions this order ends must be gone first.
    // The router's own sessions of each device named (the order may come from a reading of another source).
    const wanted = new Set(order.logout.map((s) => `${s.user}\n${s.mac}`));
    const ids = router.sessions.filter((s) => wanted.has(`${s.user}\n${s.mac}`)).map((s) => s.id);
    const gone = new Set(ids.length > 0 ? await hotspot.logout(ids, errors) : []);
    const goneKeys = new Set(router.sessions.filter((s) => gone.has(s.id)).map((s) => `${s.user}\n${s.mac}`));
    const loggedOut = order.logout.filter((s) => goneKeys.has(`${s.user}\n${s.mac}`));
    // Shared plans' parents first: a device queue may only name a parent that is on the router.
    const parents = planParentQueues(
      desiredPlanQueues(order.devices.map((d) => ({ plan: d.plan, target: plainQueueTexts.target(d.ip) }))),
      router.queues,
    );
    const ready = parentPlanIsEmpty(parents)
      ? new Set(parents.present)
      : await hotspot.applyPlanQueues(parents, errors);
    const parentOf = (d: DeviceDecision): string =>
      d.plan && isShared(d.plan) && ready.has(d.plan.name) ? planQueueName(d.plan.name) : 'none';
    const plan = withoutClaimed(
      planReconcile(queuesFor(order.devices, plainQueueTexts, parentOf), router.queues),
      order.claimed,
      router,
    );
    const queues = await hotspot.applyQueuePlan(plan, errors, router);
    // Parents no plan needs go once their device queues have left them.
    if (parents.remove.length > 0)
      queues.removed += (await hotspot.removePlanQueues(parents.remove, errors)).length;
    queues.added += parents.add.length;
    queues.updated += parents.set.length;
    if (quiet && planIsEmpty(plan) && parentPlanIsEmpty(parents) && errors.length === 0)
      inLine = { queues: router.queues, devices: order.devices, taken: parents.taken };
    const loginsRemoved =
      order.removeLogins.length > 0 ? await removeLoginsOf(hotspot, order.removeLogins, errors) : [];
    return { ...queues, loggedOut, loginsRemoved, errors, planQueuesTaken: parents.taken };
  }
}
