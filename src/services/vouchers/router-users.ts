/**
 * Each unused or active voucher is also a hotspot user on the router (name = password = code), so a code
 * works on the router's own login page while the controller is down. Thousands of users are added
 * concurrently: the router client pipelines them with tags and bounds what is in flight (FACTS §1 "Tags").
 * Pushing is resumable: a voucher without router_user_id is simply pushed again later, and a duplicate
 * name on add means an earlier attempt reached the router but its reply was lost, so we look the user up.
 */
import type { Knex } from 'knex';
import type { AppConfig } from '../../config/env';
import type { Profile } from '../../domain/profiles';
import { formatRouterDuration } from '../../domain/units';
import { RouterError, type RosAttrs, type RouterClient } from '../../router/types';
import { routerUptimeLimit } from '../voucher-state';

export const USER_MENU = '/ip/hotspot/user';

export interface RouterUserTarget {
  id: number;
  code: string;
  profileName: string;
  profile: Profile;
  extraSeconds: number;
  staff: boolean;
  boundMac: string | null;
}

export function routerUserAttrs(config: AppConfig, t: RouterUserTarget): RosAttrs {
  const limit = routerUptimeLimit(t.profile, t.extraSeconds, t.staff);
  return {
    name: t.code,
    password: t.code,
    profile: config.hotspotUserProfile,
    server: config.hotspotServer,
    'limit-uptime': limit === null ? undefined : formatRouterDuration(limit),
    comment: `pisonet ${t.profileName}`,
    'mac-address': t.boundMac && t.profile.users === 1 ? t.boundMac : undefined,
  };
}

/** The `.id` of the hotspot user named `code`, or undefined. */
export async function findRouterUser(router: RouterClient, code: string): Promise<string | undefined> {
  const rows = await router.print(USER_MENU, { proplist: ['.id', 'name'], query: [`name=${code}`] });
  return rows.find((r) => r.name === code)?.['.id'];
}

async function pushOne(
  router: RouterClient,
  config: AppConfig,
  t: RouterUserTarget,
): Promise<string | undefined> {
  try {
    return await router.add(USER_MENU, routerUserAttrs(config, t));
  } catch (err) {
    if (err instanceof RouterError && err.code === 'ROUTER_DUPLICATE') return findRouterUser(router, t.code);
    return undefined; // stays pending; pushed again by the next sync
  }
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
  deps: { db: Knex; router: RouterClient; config: AppConfig; now: () => number },
  targets: RouterUserTarget[],
): Promise<{ created: number; pending: number }> {
  if (targets.length === 0) return { created: 0, pending: 0 };
  if (!deps.router.status.connected) return { created: 0, pending: targets.length };
  const results = await Promise.all(
    targets.map(async (t) => ({ id: t.id, routerId: await pushOne(deps.router, deps.config, t) })),
  );
  const done = results.filter((r): r is { id: number; routerId: string } => r.routerId !== undefined);
  await recordRouterIds(deps.db, done, deps.now());
  return { created: done.length, pending: targets.length - done.length };
}

/**
 * One-device vouchers activated from a session on the router's own login page (picked up by the poll
 * cycle, which only touches the database) get their hotspot user bound to the MAC here, like a portal
 * login does. router_synced_at older than activated_at marks them.
 */
export async function bindRouterUsers(db: Knex, router: RouterClient, now: number): Promise<number> {
  const rows = (await db('vouchers')
    .where({ status: 'active' })
    .whereNotNull('bound_mac')
    .whereNotNull('router_user_id')
    .andWhere((q) => q.whereNull('router_synced_at').orWhereRaw('router_synced_at < activated_at'))
    .select('id', 'router_user_id', 'bound_mac')
    .limit(1000)) as Array<{ id: number; router_user_id: string; bound_mac: string }>;
  const done = await Promise.all(
    rows.map((r) =>
      router.set(USER_MENU, r.router_user_id, { 'mac-address': r.bound_mac }).then(
        () => r.id,
        () => undefined, // retried at the next sync
      ),
    ),
  );
  const ids = done.filter((id): id is number => id !== undefined);
  if (ids.length) await db('vouchers').whereIn('id', ids).update({ router_synced_at: now });
  return ids.length;
}
