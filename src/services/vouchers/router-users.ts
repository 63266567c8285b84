/**
 * Each unused or active voucher is also a hotspot user on the router (name = password = code), so a code
 * works on the router's own login page while the controller is down. Thousands of users are added
 * concurrently: the router client pipelines them with tags and bounds what is in flight. Pushing is
 * resumable: a voucher without router_user_id is simply pushed again later. The router side (attribute
 * names, duplicates) is src/router/hotspot's; this module keeps the database's record of it.
 */
import type { Knex } from 'knex';
import type { ManagedHotspot, VoucherUser } from '../../router/hotspot';
import type { RouterClient } from '../../router/types';
import { routerUptimeLimit, type VoucherRow } from '../voucher-state';
import type { ProfileCache } from './queries';

/** What the voucher's hotspot user should be: uptime limit from its plan and extensions, bound when sold for one device. */
export async function voucherUser(row: VoucherRow, cache: ProfileCache): Promise<VoucherUser> {
  const p = await cache.byId(row.profile_id);
  return {
    id: row.id,
    code: row.code,
    profileName: p.row.name,
    limitSeconds: routerUptimeLimit(p.profile, row.extra_seconds, Boolean(row.staff)),
    mac: row.bound_mac && p.profile.users === 1 ? row.bound_mac : null,
  };
}

/** Saves router ids in a few statements (10,000 single-row updates would dominate a big batch). */
export async function recordRouterIds(
  db: Knex,
  ids: Array<{ id: number; routerId: string }>,
  now: number,
): Promise<void> {
  const CHUNK = 300;
  await db.transaction(async (trx) => {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const cases = part.map(() => 'WHEN ? THEN ?').join(' ');
      const bindings: Array<string | number> = [];
      for (const p of part) bindings.push(p.id, p.routerId);
      await trx.raw(
        `UPDATE vouchers SET router_user_id = CASE id ${cases} END, router_synced_at = ? WHERE id IN (${part.map(() => '?').join(',')})`,
        [...bindings, now, ...part.map((p) => p.id)],
      );
    }
  });
}

/** Adds the users concurrently; returns how many are now on the router and how many remain pending. */
export async function pushRouterUsers(
  deps: { db: Knex; router: RouterClient; hotspot: ManagedHotspot; now: () => number },
  users: VoucherUser[],
): Promise<{ created: number; pending: number }> {
  if (users.length === 0) return { created: 0, pending: 0 };
  if (!deps.router.status.connected) return { created: 0, pending: users.length };
  const results = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      // A failure leaves it pending: pushed again by the next sync.
      routerId: await deps.hotspot.addUser(u).catch(() => undefined),
    })),
  );
  const done = results.filter((r): r is { id: number; routerId: string } => r.routerId !== undefined);
  await recordRouterIds(deps.db, done, deps.now());
  return { created: done.length, pending: users.length - done.length };
}

/**
 * One-device vouchers activated from a session on the router's own login page (picked up by the poll
 * cycle, which only touches the database) get their hotspot user bound to the MAC here, like a portal
 * login does. router_synced_at older than activated_at marks them.
 */
export async function bindRouterUsers(db: Knex, hotspot: ManagedHotspot, now: number): Promise<number> {
  const rows = (await db('vouchers')
    .where({ status: 'active' })
    .whereNotNull('bound_mac')
    .whereNotNull('router_user_id')
    .andWhere((q) => q.whereNull('router_synced_at').orWhereRaw('router_synced_at < activated_at'))
    .select('id', 'router_user_id', 'bound_mac')
    .limit(1000)) as Array<{ id: number; router_user_id: string; bound_mac: string }>;
  const done = await Promise.all(
    rows.map((r) =>
      hotspot.bindUser(r.router_user_id, r.bound_mac).then(
        () => r.id,
        () => undefined, // retried at the next sync
      ),
    ),
  );
  const ids = done.filter((id): id is number => id !== undefined);
  if (ids.length) await db('vouchers').whereIn('id', ids).update({ router_synced_at: now });
  return ids.length;
}

export async function clearRouterUserId(db: Knex, id: number): Promise<void> {
  await db('vouchers').where({ id }).update({ router_user_id: null, router_synced_at: null });
}
