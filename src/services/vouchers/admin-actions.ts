/**
 * Admin changes to one voucher that the router must follow: revoke (log out, remove the hotspot user and
 * the voucher's queues), extend and change of profile (the user's limit-uptime and comment follow).
 * The router goes first: if it cannot be reached, nothing changes and the admin is told to retry.
 */
import type { Knex } from 'knex';
import type { Profile } from '../../domain/profiles';
import { QUEUE_PREFIX } from '../../domain/queues';
import { formatRouterDuration } from '../../domain/units';
import { RouterError, type RouterClient } from '../../router/types';
import { routerUptimeLimit, type VoucherRow } from '../voucher-state';
import { findRouterUser, USER_MENU } from './router-users';

const notConnected = (what: string) =>
  new RouterError('ROUTER_UNREACHABLE', `Router not connected (${what})`);

const ignoreMissing = (err: unknown): void => {
  if (!(err instanceof RouterError && err.code === 'ROUTER_NO_SUCH_ITEM')) throw err;
};

/**
 * Logs the voucher's sessions out and removes its queues and hotspot user. Queues are found by their
 * comment (the code) so a device that has since moved to another voucher keeps its queue.
 */
export async function removeVoucherFromRouter(router: RouterClient, row: VoucherRow): Promise<void> {
  const mayBeOnRouter = row.router_user_id !== null || row.status === 'active';
  if (!router.status.connected) {
    if (mayBeOnRouter) throw notConnected('revoke');
    return; // never pushed: the database is all there is to change
  }
  const [sessions, queues, userId] = await Promise.all([
    router.print('/ip/hotspot/active', { proplist: ['.id', 'user'], query: [`user=${row.code}`] }),
    router.print('/queue/simple', { proplist: ['.id', 'name', 'comment'], query: [`comment=${row.code}`] }),
    row.router_user_id !== null ? Promise.resolve(row.router_user_id) : findRouterUser(router, row.code),
  ]);
  const sessionIds = sessions.filter((s) => s.user === row.code).map((s) => s['.id']);
  const queueIds = queues
    .filter((q) => q.name?.startsWith(QUEUE_PREFIX) && q.comment === row.code)
    .map((q) => q['.id']);
  await Promise.all([
    sessionIds.length ? router.hotspotLogout(sessionIds).catch(ignoreMissing) : undefined,
    queueIds.length ? router.remove('/queue/simple', queueIds).catch(ignoreMissing) : undefined,
    userId ? router.remove(USER_MENU, userId).catch(ignoreMissing) : undefined,
  ]);
}

/**
 * Applies a new limit-uptime and comment to the voucher's hotspot user. Returns false when the user is
 * gone from the router (the caller clears router_user_id so the next sync adds it again).
 */
export async function updateRouterUser(
  router: RouterClient,
  row: VoucherRow,
  profile: { name: string; profile: Profile },
  extraSeconds: number,
): Promise<boolean> {
  if (row.router_user_id === null) return true; // pending: the push will use the new values
  if (!router.status.connected) throw notConnected('update hotspot user');
  const limit = routerUptimeLimit(profile.profile, extraSeconds, Boolean(row.staff));
  try {
    await router.set(USER_MENU, row.router_user_id, {
      // 0s = no limit on RouterOS
      'limit-uptime': limit === null ? '0s' : formatRouterDuration(limit),
      comment: `pisonet ${profile.name}`,
    });
    return true;
  } catch (err) {
    ignoreMissing(err);
    return false;
  }
}

export async function clearRouterUserId(db: Knex, id: number): Promise<void> {
  await db('vouchers').where({ id }).update({ router_user_id: null, router_synced_at: null });
}
