/**
 * Logging a device in as its voucher's user, with its own queue and MAC binding: every step undone on a failure,
 * and a login the router stopped answering left for the poll to settle (LoginUnconfirmed).
 */
import type { DesiredQueue } from '../../domain/queues';
import { confirmedLoginRefusal, heldLogin, type DeviceOnHotspot } from '../login-refusals';
import type { RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { unanswered } from '../errors';
import { queueAddAttrs } from './queues';
import { HOST_MENU, QUEUE_MENU, USER_MENU } from './snapshot';
import { sessionsOfDevice, type SessionRef } from './sessions';
import { addUser, bindUser, userAddAttrs, userPassword, type UserPlacement, type VoucherUser } from './users';

export interface DeviceLogin {
  code: string;
  mac: string;
  ip: string;
  /** Bind the hotspot user to this MAC (profiles for one device). */
  bindMac: boolean;
  routerUserId: string | null;
  user: VoucherUser;
  queue: DesiredQueue;
  /**
   * The topmost dynamic (hotspot) queue; ours goes above it. A promise, so the read travels with the login
   * instead of before it (the caller may share one read among redemptions running at once).
   */
  firstDynamicQueue: Promise<string | undefined>;
  /**
   * Resolves once the caller knows whether this login may stand (its claim in the database won, committed). It
   * is awaited beside the queue, so the database's work hides behind the router's round trips. False: every step
   * is undone (login, a queue we created) and ClaimLost thrown. The MAC binding and the takeover of an old queue
   * of the device (limits rewritten, counters reset) wait until the claim is won. Omitted: go on.
   */
  proceed?: Promise<boolean>;
  /**
   * Gives back a won claim (the caller's database side). When the login fails after its claim was won, this runs
   * before anything on the router is undone: the users check reads the router and then the database, and must
   * never read the binding gone beside a voucher row that still says it is bound (it would bind it back, and the
   * code, unused again, would refuse every other device until the next check). Its error is the caller's to
   * report (the undo goes on regardless). Omitted: the caller releases the claim after the undo.
   */
  releaseClaim?: () => Promise<void>;
}

/** The caller's claim was not won: the login was undone, nothing of it stays on the router. */
class ClaimLost extends Error {
  constructor() {
    super('the claim on the voucher was not won; the login was undone');
    this.name = 'ClaimLost';
  }
}

/**
 * The login was sent and the router did not answer it (or a later step of it): whether the device is online is
 * not known. Nothing was undone and the claim was not given back: the poll settles it from the router's sessions
 * (the caller's claim stays marked as a login under way).
 */
export class LoginUnconfirmed extends Error {
  constructor(override readonly cause: RouterError) {
    super(`the router did not answer the login: ${cause.message}`);
    this.name = 'LoginUnconfirmed';
  }
}

/** What was done on the router, for the database and for undo. */
export interface LoginOutcome {
  routerUserId: string;
  queueId: string;
  queueCreated: boolean;
  loggedIn: boolean;
  macBound: boolean;
}

/** The device's sessions and host entries, read at once (after a refusal whose text proves nothing). */
async function deviceOnHotspot(
  router: RouterClient,
  mac: string,
): Promise<{ sessions: SessionRef[]; hosts: DeviceOnHotspot['hosts'] }> {
  const [sessions, hosts] = await Promise.all([
    sessionsOfDevice(router, mac),
    router.print(HOST_MENU, { proplist: ['mac-address', 'address'], query: [`mac-address=${mac}`] }),
  ]);
  return { sessions, hosts: hosts.map((h) => ({ mac: h['mac-address'] ?? '', address: h.address })) };
}

/**
 * The dynamic queue we meant to go above ended in the meantime. RouterOS answers `no such item` for a
 * `place-before` that names a gone item (our simulator used to say `place-before`: both are accepted).
 */
function placeBeforeGone(err: unknown): boolean {
  return (
    err instanceof RouterError &&
    (err.code === 'ROUTER_NO_SUCH_ITEM' || /place-before/.test(err.routerMessage ?? ''))
  );
}

/** Adds the device's queue above the hotspot's dynamic queues; an old queue of the same MAC is taken over. */
async function addQueue(
  router: RouterClient,
  d: DeviceLogin,
  firstDynamicQueueId: string | undefined,
  proceed: Promise<boolean>,
): Promise<{ id: string; created: boolean }> {
  // The same attributes the poll's reconcile writes, so a redeemed device's queue never needs a rewrite.
  const attrs = queueAddAttrs(d.queue, undefined);
  try {
    return { id: await router.add(QUEUE_MENU, queueAddAttrs(d.queue, firstDynamicQueueId)), created: true };
  } catch (err) {
    if (err instanceof RouterError && err.code === 'ROUTER_DUPLICATE') {
      const rows = await router.print(QUEUE_MENU, {
        proplist: ['.id', 'name', 'comment'],
        query: [`name=${d.queue.name}`],
      });
      const id = rows[0]?.['.id'];
      if (!id) throw err;
      // Another voucher's queue may still be counting for it: only a won claim takes it over.
      if (!(await proceed)) throw new ClaimLost();
      const { name: _name, ...rest } = attrs;
      await router.set(QUEUE_MENU, id, rest);
      // The device's queue from an earlier voucher: its bytes are not this voucher's, so count from zero.
      if (rows[0].comment !== d.code) await router.resetCounters(QUEUE_MENU, id);
      return { id, created: false };
    }
    if (firstDynamicQueueId && placeBeforeGone(err)) {
      return { id: await router.add(QUEUE_MENU, attrs), created: true };
    }
    throw err;
  }
}

/** RouterOS answered the login with a `!trap` (not a lost connection or a timeout, which are no answer). */
function isRefusal(err: unknown): err is RouterError & { routerMessage: string } {
  return err instanceof RouterError && err.routerMessage !== undefined && err.code !== 'ROUTER_FATAL';
}

/**
 * A login refused with a text that proves nothing (src/router/login-refusals.ts) whose device is online with this
 * code already: the login is done (a retry after a reply that never came). Reads the router only for such a text.
 */
export async function onlineWithCode(
  router: RouterClient,
  err: unknown,
  login: { code: string; mac: string; ip: string },
): Promise<boolean> {
  if (!isRefusal(err) || confirmedLoginRefusal(err.routerMessage) !== undefined) return false;
  return heldLogin(login, await deviceOnHotspot(router, login.mac)) === 'this-code';
}

/** The hotspot's refusal of a name it does not know (or of a wrong password: ours is always the voucher's). */
const UNKNOWN_USER = /invalid user ?name or password/i;

/**
 * Logs the device in as the voucher's user; returns the user's `.id`. A user we remember pushing may be gone
 * since (a router reset or replaced, a user deleted by hand), and the hotspot then refuses the code: the
 * user is added again and the login tried once more, so a paying customer is never locked out by it. When
 * the name is still there the refusal was about something else and stands.
 */
async function loginAsUser(
  router: RouterClient,
  where: UserPlacement,
  d: DeviceLogin,
  userId: string,
): Promise<{ userId: string; fresh: boolean }> {
  const login = () =>
    router.hotspotLogin({ user: d.code, password: userPassword(d.user), mac: d.mac, ip: d.ip });
  try {
    await login();
    return { userId, fresh: true };
  } catch (err) {
    if (isRefusal(err) && confirmedLoginRefusal(err.routerMessage) === undefined) {
      // A text no real router is known to send (RouterOS's words for a device online already are unknown):
      // what the router holds for the device decides, never the text.
      const held = await deviceOnHotspot(router, d.mac);
      const found = heldLogin(d, held);
      if (found === 'not-online') throw err;
      // Online with this code: a retry after a lost reply, nothing to do.
      if (found === 'this-code') return { userId, fresh: false };
      // Online with another voucher: its session ends so the device can switch to this code.
      await router.hotspotLogout(held.sessions.map((s) => s.id));
      await login();
      return { userId, fresh: true };
    }
    const unknown = err instanceof RouterError && UNKNOWN_USER.test(err.routerMessage ?? '');
    if (!unknown || d.routerUserId === null) throw err;
    let id: string;
    try {
      id = await router.add(USER_MENU, userAddAttrs(where, d.user));
    } catch (addErr) {
      throw addErr instanceof RouterError && addErr.code === 'ROUTER_DUPLICATE' ? err : addErr;
    }
    await login();
    return { userId: id, fresh: true };
  }
}

/**
 * Login, then the queue with the MAC binding alongside. The binding is not needed for the login, so it waits
 * for the queue step, and for the claim (see queueAndBinding). On a failure every step done so far is undone,
 * unless the router stopped answering once the login was sent (LoginUnconfirmed).
 */
export async function loginDevice(
  router: RouterClient,
  where: UserPlacement,
  d: DeviceLogin,
): Promise<LoginOutcome> {
  const out: LoginOutcome = {
    routerUserId: '',
    queueId: '',
    queueCreated: false,
    loggedIn: false,
    macBound: false,
  };
  const proceed = d.proceed ?? Promise.resolve(true);
  // Handled now: a user added first that fails would leave the read's own failure unhandled (a crash in Node).
  const firstDynamicQueue = d.firstDynamicQueue.catch(() => undefined);
  const stage: LoginStage = { sent: false, online: false };
  try {
    // The common path is two round trips: [login ∥ the dynamic queue read], then [queue ∥ MAC binding]. The
    // router checks the device itself (unknown host IP, wrong MAC), so no host read is waited for first.
    const userId = d.routerUserId ?? (await addUser(router, where, d.user));
    out.routerUserId = userId;
    stage.sent = true;
    const [login, firstDynamicQueueId] = await Promise.all([
      loginAsUser(router, where, d, userId),
      firstDynamicQueue,
    ]);
    out.routerUserId = login.userId;
    out.loggedIn = login.fresh;
    stage.online = true;
    await queueAndBinding(router, d, out, firstDynamicQueueId, proceed);
    return out;
  } catch (err) {
    return failed(router, d, { out, stage, proceed }, err);
  }
}

/** How far a login got: its command sent, and answered (the device online). */
interface LoginStage {
  sent: boolean;
  online: boolean;
}

/**
 * The device's queue, and its MAC binding beside it once the claim is won. The binding waits for the committed
 * claim: the users check reads the router before the database, and a binding it read beside a voucher row from
 * before the claim would be "put back" to any MAC. A lost claim has no binding to undo (ClaimLost). The claim is
 * usually settled when the login answers: still the second round trip.
 */
async function queueAndBinding(
  router: RouterClient,
  d: DeviceLogin,
  out: LoginOutcome,
  firstDynamicQueueId: string | undefined,
  proceed: Promise<boolean>,
): Promise<void> {
  const bind = d.bindMac
    ? proceed.then(async (won) => {
        if (!won) return;
        await bindUser(router, out.routerUserId, d.mac);
        out.macBound = true;
      })
    : undefined;
  const queue = addQueue(router, d, firstDynamicQueueId, proceed).then((q) => {
    out.queueId = q.id;
    out.queueCreated = q.created;
  });
  // Every step settles before anything is undone: a binding refused while the queue is still being added must
  // not leave that queue behind (the undo would run before the queue existed).
  const [won, bound, queued] = await Promise.allSettled([proceed, bind, queue]);
  if (won.status === 'fulfilled' && !won.value) throw new ClaimLost();
  for (const step of [won, bound, queued]) if (step.status === 'rejected') throw step.reason;
}

/**
 * A login that failed. A won claim whose login got no answer, or whose device is online and lost the router
 * before its queue or binding, stays as it is for the poll to confirm (and give the device its queue) or undo:
 * undoing it over a connection that just failed could leave a session beside a released code. Anything else is
 * undone, the claim given back first (see releaseClaim).
 */
async function failed(
  router: RouterClient,
  d: DeviceLogin,
  at: { out: LoginOutcome; stage: LoginStage; proceed: Promise<boolean> },
  err: unknown,
): Promise<never> {
  const won = await at.proceed.catch(() => false);
  const lost = at.stage.online ? err instanceof RouterError && err.transient : unanswered(err);
  if (won && at.stage.sent && lost) throw new LoginUnconfirmed(err as RouterError);
  if (d.releaseClaim && won) await d.releaseClaim().catch(() => undefined);
  await undoLogin(router, d, at.out);
  throw err;
}

/** Best effort: when the router is gone too, the poll cycle's reconcile finishes the job. */
async function undoLogin(router: RouterClient, d: DeviceLogin, done: LoginOutcome): Promise<void> {
  const steps: Promise<unknown>[] = [];
  if (done.loggedIn) {
    steps.push(
      sessionsOfDevice(router, d.mac).then((rows) => {
        const ids = rows.filter((r) => r.user === d.code).map((r) => r.id);
        return ids.length ? router.hotspotLogout(ids) : undefined;
      }),
    );
  }
  if (done.queueCreated && done.queueId) steps.push(router.remove(QUEUE_MENU, done.queueId));
  if (done.macBound && done.routerUserId) steps.push(bindUser(router, done.routerUserId, null));
  await Promise.allSettled(steps);
}
