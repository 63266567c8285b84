/**
 * The router side of a redemption: log the device in as the voucher's hotspot user, then give it its own
 * simple queue. Each step can be undone, so a failure part-way leaves neither a session nor a queue behind.
 */
import type { AppConfig } from '../config/env';
import type { DesiredQueue } from '../domain/queues';
import { RouterError, type RouterClient } from '../router/types';
import { queueAddAttrs } from './usage/enforce';
import { findRouterUser, routerUserAttrs, USER_MENU, type RouterUserTarget } from './vouchers/router-users';

const QUEUE_MENU = '/queue/simple';
const ACTIVE_MENU = '/ip/hotspot/active';
const ANY_MAC = '00:00:00:00:00:00';

export interface DeviceLogin {
  code: string;
  mac: string;
  ip: string;
  /** The device is already authorized on the hotspot (from /ip/hotspot/host). */
  authorized: boolean;
  /** Bind the hotspot user to this MAC (profiles for one device). */
  bindMac: boolean;
  routerUserId: string | null;
  user: RouterUserTarget;
  queue: DesiredQueue;
  /** The topmost dynamic (hotspot) queue, read before login; ours goes above it. */
  firstDynamicQueueId?: string;
}

/** What was done on the router, for the database and for undo. */
export interface LoginOutcome {
  routerUserId: string;
  queueId: string;
  queueCreated: boolean;
  loggedIn: boolean;
  macBound: boolean;
}

async function sessionsOfDevice(router: RouterClient, mac: string) {
  return router.print(ACTIVE_MENU, {
    proplist: ['.id', 'user', 'mac-address'],
    query: [`mac-address=${mac}`],
  });
}

/**
 * An authorized device is either already logged in with this code (a retry after a lost reply: nothing to
 * do) or with another voucher, whose session ends so the device can switch to the new code.
 */
async function prepareDevice(router: RouterClient, d: DeviceLogin): Promise<boolean> {
  if (!d.authorized) return false;
  const sessions = await sessionsOfDevice(router, d.mac);
  if (sessions.some((s) => s.user === d.code)) return true;
  if (sessions.length) await router.hotspotLogout(sessions.map((s) => s['.id']));
  return false;
}

async function ensureUser(router: RouterClient, config: AppConfig, d: DeviceLogin): Promise<string> {
  if (d.routerUserId) return d.routerUserId;
  // Not pushed yet (the router was away when the batch was made): add it now.
  try {
    return await router.add(USER_MENU, routerUserAttrs(config, d.user));
  } catch (err) {
    if (!(err instanceof RouterError && err.code === 'ROUTER_DUPLICATE')) throw err;
    const id = await findRouterUser(router, d.code);
    if (!id) throw err;
    return id;
  }
}

/** Adds the device's queue above the hotspot's dynamic queues; an old queue of the same MAC is taken over. */
async function addQueue(router: RouterClient, d: DeviceLogin): Promise<{ id: string; created: boolean }> {
  // The same attributes the poll's reconcile writes, so a redeemed device's queue never needs a rewrite.
  const attrs = queueAddAttrs(d.queue, undefined);
  try {
    return {
      id: await router.add(QUEUE_MENU, queueAddAttrs(d.queue, d.firstDynamicQueueId)),
      created: true,
    };
  } catch (err) {
    if (err instanceof RouterError && err.code === 'ROUTER_DUPLICATE') {
      const rows = await router.print(QUEUE_MENU, {
        proplist: ['.id', 'name', 'comment'],
        query: [`name=${d.queue.name}`],
      });
      const id = rows[0]?.['.id'];
      if (!id) throw err;
      await router.set(QUEUE_MENU, id, attrs);
      // The device's queue from an earlier voucher: its bytes are not this voucher's, so count from zero.
      if (rows[0].comment !== d.code) await router.resetCounters(QUEUE_MENU, id);
      return { id, created: false };
    }
    // The dynamic queue we meant to go above ended in the meantime: add at the end instead.
    if (err instanceof RouterError && d.firstDynamicQueueId && /place-before/.test(err.routerMessage ?? '')) {
      return { id: await router.add(QUEUE_MENU, attrs), created: true };
    }
    throw err;
  }
}

/**
 * Login, then the queue with the MAC binding alongside: three round trips on the common path (the host
 * check before this is the first). The binding is not needed for the login, so it waits for the queue step.
 */
export async function loginDevice(
  router: RouterClient,
  config: AppConfig,
  d: DeviceLogin,
): Promise<LoginOutcome> {
  const out: LoginOutcome = {
    routerUserId: '',
    queueId: '',
    queueCreated: false,
    loggedIn: false,
    macBound: false,
  };
  try {
    const [already, userId] = await Promise.all([prepareDevice(router, d), ensureUser(router, config, d)]);
    out.routerUserId = userId;
    if (!already) {
      await router.hotspotLogin({ user: d.code, password: d.code, mac: d.mac, ip: d.ip });
      out.loggedIn = true;
    }
    const bind = d.bindMac
      ? router.set(USER_MENU, userId, { 'mac-address': d.mac }).then(() => (out.macBound = true))
      : undefined;
    const queue = addQueue(router, d).then((q) => {
      out.queueId = q.id;
      out.queueCreated = q.created;
    });
    await Promise.all([bind, queue]);
    return out;
  } catch (err) {
    await undoLogin(router, d, out);
    throw err;
  }
}

/** Best effort: when the router is gone too, the poll cycle's reconcile finishes the job. */
async function undoLogin(router: RouterClient, d: DeviceLogin, done: LoginOutcome): Promise<void> {
  const steps: Promise<unknown>[] = [];
  if (done.loggedIn) {
    steps.push(
      sessionsOfDevice(router, d.mac).then((rows) => {
        const ids = rows.filter((r) => r.user === d.code).map((r) => r['.id']);
        return ids.length ? router.hotspotLogout(ids) : undefined;
      }),
    );
  }
  if (done.queueCreated && done.queueId) steps.push(router.remove(QUEUE_MENU, done.queueId));
  if (done.macBound && done.routerUserId)
    steps.push(router.set(USER_MENU, done.routerUserId, { 'mac-address': ANY_MAC }));
  await Promise.allSettled(steps);
}
