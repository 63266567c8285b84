/**
 * The managed hotspot's steps that need more than one router call: the poll's read and queue plan, guarded
 * against customers' logins landing meanwhile (logins-in-flight.ts), those logins themselves, and a voucher's
 * objects removed. index.ts wires them; the one-call operations live in queues.ts, sessions.ts and users.ts.
 */
import type { QueueOnRouter, ReconcilePlan } from '../../domain/reconcile';
import { isOurQueue } from '../../domain/reconcile';
import { QUEUE_PREFIX, queueNameForMac } from '../../domain/queues';
import { normaliseMac } from '../../domain/units';
import { macOf } from '../../domain/network';
import type { RouterClient } from '../types';
import { printNamed } from '../named-print';
import { RouterError } from '../../domain/errors';
import type { LoginsInFlight, SharedLogins } from './logins-in-flight';
import { applyQueuePlan, isGone } from './queues';
import { isOurPlanQueue } from '../../domain/plan-queues';
import { devicesOnline, relogin, sessionsOfUser, type Relogin } from './sessions';
import { loginDevice, type DeviceLogin, type LoginOutcome } from './device-login';
import {
  queueOnRouter,
  QUEUE_MENU,
  QUEUE_PROPS,
  readSnapshot,
  USER_MENU,
  type RouterSnapshot,
} from './snapshot';
import type { UserPlacement } from './users';

/** What the managed hotspot holds between calls. */
export interface Held {
  router: RouterClient;
  placement: UserPlacement;
  shared?: SharedLogins;
  logins: LoginsInFlight;
  /**
   * The queues of the last snapshot, handed to the next read so that rows that did not change are the same
   * objects (snapshot.ts routerQueues). Not a cache: every row is compared with what the router says now.
   */
  lastQueues?: readonly QueueOnRouter[];
}

export async function snapshot(h: Held): Promise<RouterSnapshot> {
  const loginMark = h.logins.mark();
  const snap = await readSnapshot(h.router, h.lastQueues);
  h.lastQueues = snap.queues;
  // Read after the router: a login under way elsewhere during the read is in it; one over by now has its
  // claim committed, which the poll reads after this.
  const loginsElsewhere = h.shared ? await h.shared.underWay() : undefined;
  return { ...snap, loginMark, loginsElsewhere };
}

/** A queue plan applied, less the removals a login may have made wrong since `basis` was read. */
export async function applyGuardedQueuePlan(
  h: Held,
  plan: ReconcilePlan,
  errors: RouterError[],
  basis?: RouterSnapshot,
): Promise<{ added: number; updated: number; removed: number }> {
  if (basis?.loginMark === undefined) return applyQueuePlan(h.router, plan, errors);
  const mark = basis.loginMark;
  // Most polls remove nothing: the names are looked up only for the queues the plan removes.
  let remove = plan.remove.length === 0 ? plan.remove : unprotected(h, plan.remove, basis, mark);
  h.logins.forgetBefore(mark);
  if (remove.length > 0) {
    try {
      remove = await unused(h, remove, basis);
    } catch (err) {
      // The sessions could not be read again: nothing is removed this time (the next poll decides).
      if (!(err instanceof RouterError)) throw err;
      errors.push(err);
      remove = [];
    }
  }
  return applyQueuePlan(h.router, remove.length === plan.remove.length ? plan : { ...plan, remove }, errors);
}

/** The queue ids of `remove` whose queue no login touched since the snapshot `basis` was read. */
function unprotected(h: Held, remove: string[], basis: RouterSnapshot, mark: number): string[] {
  const wanted = new Set(remove);
  const names = new Map<string, string>();
  for (const q of basis.queues) if (wanted.has(q.id)) names.set(q.id, q.name);
  return remove.filter((id) => !h.logins.protects(names.get(id) ?? '', mark));
}

/**
 * The queue ids of `remove` whose device has no session on the router now and no login under way on any
 * server: what a poll decides from its snapshot is checked against the router as it is at the moment of removal.
 */
async function unused(h: Held, remove: string[], basis: RouterSnapshot): Promise<string[]> {
  const deviceOf = new Map<string, string>();
  // A device's queue names its MAC; a queue of ours that names none (a shared plan's parent) has no session.
  for (const q of basis.queues) {
    const mac = q.name.startsWith(QUEUE_PREFIX) ? macOf(q.name.slice(QUEUE_PREFIX.length)) : undefined;
    if (mac) deviceOf.set(q.id, mac);
  }
  const macs = [...new Set(remove.map((id) => deviceOf.get(id)).filter((m): m is string => m !== undefined))];
  if (macs.length === 0) return remove;
  // The logins under way first, then the sessions: a login that ends between the two reads is in the second.
  const busy = h.shared ? await h.shared.underWay() : new Set<string>();
  for (const mac of await devicesOnline(h.router, macs)) busy.add(normaliseMac(mac));
  return remove.filter((id) => {
    const mac = deviceOf.get(id);
    return mac === undefined || !busy.has(mac);
  });
}

export function loginsMissedBy(h: Held, basis: RouterSnapshot): Set<string> {
  const missed =
    basis.loginMark === undefined ? new Set<string>() : h.logins.devicesMissedBy(basis.loginMark);
  for (const mac of basis.loginsElsewhere ?? []) missed.add(mac);
  return missed;
}

/** Our queues by name (all of ours when `names` is omitted), with their counters. */
export async function ourQueues(h: Held, names?: readonly string[]) {
  const rows = names
    ? await printNamed(h.router, QUEUE_MENU, names, { proplist: QUEUE_PROPS })
    : await h.router.print(QUEUE_MENU, { proplist: QUEUE_PROPS });
  return rows
    .map((r) => ({ ...queueOnRouter(r), bytes: r.bytes ?? '0/0', rate: r.rate ?? '0/0' }))
    .filter((q) => isOurQueue(q) || isOurPlanQueue(q));
}

export async function trackedLogin(h: Held, d: DeviceLogin): Promise<LoginOutcome> {
  const over = h.logins.begin(d.queue.name, d.mac);
  // Recorded beside the login's first round trip (the customer's path): a poll elsewhere that reads the
  // sessions after the login sees its session; one that read them before removes nothing this login made.
  // A record that fails leaves the login to the guards that need no database (the sessions read again).
  const recorded = h.shared?.begin([d.mac]).catch(() => undefined);
  try {
    return await loginDevice(h.router, h.placement, d);
  } finally {
    over();
    const end = await recorded;
    await end?.().catch(() => undefined);
  }
}

export async function trackedRelogin(
  h: Held,
  sessions: readonly Relogin[],
  errors: RouterError[],
): Promise<number> {
  // Each device's queue is its login's for the moment: a poll planned meanwhile leaves it alone.
  const over = sessions.map((s) => h.logins.begin(queueNameForMac(s.mac), s.mac));
  // On record before the first logout: between it and the login again the device has no session.
  const recorded = await h.shared?.begin(sessions.map((s) => s.mac)).catch(() => undefined);
  try {
    return await relogin(h.router, sessions, errors);
  } finally {
    for (const done of over) done();
    await recorded?.();
  }
}

export async function reloginVoucher(h: Held, code: string, password: string): Promise<number> {
  const online = (await sessionsOfUser(h.router, code)).filter((s) => s.mac && s.ip);
  if (online.length === 0) return 0;
  const errors: RouterError[] = [];
  const back = await trackedRelogin(
    h,
    online.map((s) => ({ ...s, password })),
    errors,
  );
  if (errors.length > 0 && back < online.length) throw errors[0];
  return back;
}

/** A voucher's sessions, queues (by their comment, the code) and hotspot user removed; items already gone are fine. */
export async function removeVoucher(h: Held, code: string, routerUserId: string | null): Promise<void> {
  const { router } = h;
  const ignoreGone = (err: unknown): void => {
    if (!isGone(err)) throw err;
  };
  const [sessions, queues, users] = await Promise.all([
    sessionsOfUser(router, code),
    router.print(QUEUE_MENU, { proplist: ['.id', 'name', 'comment', 'dynamic'], query: [`comment=${code}`] }),
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
}

/** A user-writing step that answers false, not an error, when the user is gone. */
export async function unlessGone(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}
