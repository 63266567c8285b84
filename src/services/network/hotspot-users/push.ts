/**
 * Each unused or active voucher is also a hotspot user on the router (name = code; password = its separate
 * password, or the code), so a code works on the router's own login page while the controller is down. Thousands of users are added
 * concurrently: the router client pipelines them with tags and bounds what is in flight. Pushing is
 * resumable: a voucher without router_user_id is simply pushed again later. The router side (attribute
 * names, duplicates) is src/router/hotspot's; this module keeps the database's record of it.
 */
import type { Knex } from 'knex';
import type { ManagedHotspot, VoucherUser } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import { routerByteLimit, routerUptimeLimit, type VoucherRow } from '../../shop/vouchers/state';
import type { ProfileCache } from '../../shop/vouchers/queries';

/**
 * The MAC a voucher's hotspot user is bound to: a code kept for a device (a second code "queued" on the
 * portal, see self-service) is bound to that device until it starts, so no other device can use it on the
 * router's own login page; a one-device voucher, once used, to its device; anything else to none.
 */
export function userMac(
  row: Pick<VoucherRow, 'activated_at' | 'bound_mac' | 'queued_mac'>,
  users: number,
): string | null {
  if (row.activated_at === null && row.queued_mac) return row.queued_mac;
  return row.bound_mac && users === 1 ? row.bound_mac : null;
}

/**
 * What the voucher's hotspot user should be: uptime limit from its plan and extensions, its binding (userMac),
 * and disabled while the voucher is paused.
 */
async function voucherUser(row: VoucherRow, cache: ProfileCache): Promise<VoucherUser> {
  const p = await cache.byId(row.profile_id);
  return {
    id: row.id,
    code: row.code,
    password: row.password ?? null,
    profileName: p.row.name,
    limitSeconds: routerUptimeLimit(p.profile, row.extra_seconds, Boolean(row.staff)),
    mac: userMac(row, p.profile.users),
    limitBytes: routerByteLimit(row, p.profile),
    // Paused by its customer: no login until resumed (a reset router's user comes back disabled too).
    disabled: row.paused_at !== null && row.paused_at !== undefined,
  };
}

/** The rows' hotspot users, one row after another (the cache reads each plan once). */
export async function voucherUsers(rows: VoucherRow[], cache: ProfileCache): Promise<VoucherUser[]> {
  const out: VoucherUser[] = [];
  for (const r of rows) out.push(await voucherUser(r, cache));
  return out;
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

/**
 * Adds the users concurrently; returns how many are now on the router and how many remain pending. A roaming
 * code's user (`roaming`: not used yet) goes on every router and keeps no one router id (the users check of
 * each site puts it back and the first use decides), so nothing is recorded for it. A user already there is
 * found, not added twice.
 */
export async function pushRouterUsers(
  deps: { db: Knex; router: RouterClient; hotspot: ManagedHotspot; now: () => number },
  users: VoucherUser[],
  roaming = false,
): Promise<{ created: number; pending: number }> {
  if (users.length === 0) return { created: 0, pending: 0 };
  if (!deps.router.status.connected) return { created: 0, pending: users.length };
  const results = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      // A failure leaves it pending: pushed again by the next sync (a roaming code by the site's next users check).
      routerId: await deps.hotspot.addUser(u).catch(() => undefined),
    })),
  );
  const done = results.filter((r): r is { id: number; routerId: string } => r.routerId !== undefined);
  if (!roaming) await recordRouterIds(deps.db, done, deps.now());
  return { created: done.length, pending: users.length - done.length };
}

/**
 * A batch's codes that `siteId`'s router should get and may not have: that site's codes without their user
 * (`own`), and a roaming batch's codes not used yet (`roaming`: they keep no one router id).
 */
export async function batchRowsToPush(
  db: Knex,
  batchId: number,
  siteId: number,
): Promise<{ own: VoucherRow[]; roaming: VoucherRow[] }> {
  const rows = (await db('vouchers')
    .where({ batch_id: batchId })
    .whereIn('status', ['unused', 'active'])
    .where((q) =>
      q
        .where((r) => r.where('site_id', siteId).whereNull('router_user_id'))
        .orWhere((r) => r.whereNull('site_id').where('roaming', true)),
    )
    .orderBy('id')) as VoucherRow[];
  return { own: rows.filter((r) => r.site_id !== null), roaming: rows.filter((r) => r.site_id === null) };
}

/**
 * One-device vouchers activated from a session on the router's own login page (picked up by the poll
 * cycle, which only touches the database) get their hotspot user bound to the MAC here, like a portal
 * login does. router_synced_at older than activated_at marks them.
 */
export async function bindRouterUsers(
  db: Knex,
  hotspot: ManagedHotspot,
  now: number,
  siteId: number,
): Promise<number> {
  const rows = (await db('vouchers')
    .where({ status: 'active', site_id: siteId })
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

/**
 * Codes that were kept for a device and have started (on the portal, or on the router's own login page by
 * that device, which the poll adopts) while their hotspot user may still be bound to the device they were
 * kept for: an active voucher that still has `queued_mac`. The user gets the voucher's own binding (none for
 * a multi-device plan, so its other devices can log in) and the mark goes; a failure is retried next sync.
 */
export async function releaseQueuedBindings(
  db: Knex,
  hotspot: ManagedHotspot,
  cache: ProfileCache,
  at: number,
  siteId: number,
): Promise<number> {
  const rows = (await db('vouchers')
    .where({ status: 'active', site_id: siteId })
    .whereNotNull('queued_mac')
    .select('id', 'profile_id', 'router_user_id', 'bound_mac', 'activated_at', 'queued_mac')
    .limit(1000)) as Array<
    Pick<VoucherRow, 'id' | 'profile_id' | 'router_user_id' | 'bound_mac' | 'activated_at' | 'queued_mac'>
  >;
  let done = 0;
  for (const r of rows) {
    const users = (await cache.byId(r.profile_id)).profile.users;
    try {
      if (r.router_user_id) await hotspot.bindUser(r.router_user_id, userMac(r, users));
    } catch {
      continue; // retried at the next sync
    }
    await db('vouchers')
      .where({ id: r.id, status: 'active' })
      .update({ queued_mac: null, queued_after: null, queued_at: null, updated_at: at });
    done++;
  }
  return done;
}

/** Sets router_user_id (and router_synced_at) to NULL for these vouchers, a chunk per statement. */
export async function clearRouterIds(db: Knex, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500)
    await db('vouchers')
      .whereIn('id', ids.slice(i, i + 500))
      .update({ router_user_id: null, router_synced_at: null });
}
