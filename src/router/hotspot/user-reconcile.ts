/**
 * Reconciling the hotspot users of our vouchers with one print of the router's users. A router that was
 * reset or replaced, or whose users were deleted or edited by hand, keeps vouchers the admin calls ready
 * but no code of theirs can log in; the plan puts back what the vouchers call for, changing only what
 * differs. Users without our comment were made by someone else and are never in any list of the plan.
 */
import type { RosAttrs, RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { attempt, isGone, removeMany, sameChanges } from './queues';
import { USER_MENU } from './snapshot';
import { addUser, userChanges, type UserOnRouter, type UserPlacement, type VoucherUser } from './users';

interface UserFix {
  want: VoucherUser;
  have: UserOnRouter;
  /** What `set` changes (never the password: RouterOS does not print it back). */
  changes: RosAttrs;
}

interface UserReconcilePlan {
  /** Wanted users with no user of that name on the router: added (name = code, the voucher's password). */
  add: VoucherUser[];
  /**
   * Our users that differ (profile, server, limit-uptime, MAC binding, comment, disabled). A user found by
   * name is taken to have the right password: it cannot be read back, and only a new user would fix it.
   */
  fix: UserFix[];
  /** Our users that already match: nothing to write, only their `.id` to remember. */
  keep: Array<{ want: VoucherUser; have: UserOnRouter }>;
  /** Our users (by comment) that no wanted voucher names: ended vouchers, codes the database does not know. */
  remove: UserOnRouter[];
  /** Wanted users whose name belongs to a user we did not create: left as they are, reported. */
  blocked: VoucherUser[];
}

export interface UserReconcileOptions {
  /**
   * Remove our users that no voucher wants. Off when the database cannot be trusted to know every voucher
   * (an empty database meeting a router full of our users must not wipe the shop's codes).
   */
  allowRemovals: boolean;
}

/**
 * Pure: what must change so the router holds exactly `desired` among our users. Wanted users are matched by
 * name; of several of ours with one name (users of two hotspot servers), the one on the right server is
 * kept and the others are surplus.
 */
export function planUserReconcile(
  where: UserPlacement,
  desired: readonly VoucherUser[],
  actual: readonly UserOnRouter[],
  opts: UserReconcileOptions,
): UserReconcilePlan {
  const byName = new Map<string, UserOnRouter[]>();
  for (const u of actual) {
    const list = byName.get(u.name);
    if (list) list.push(u);
    else byName.set(u.name, [u]);
  }
  const plan: UserReconcilePlan = { add: [], fix: [], keep: [], remove: [], blocked: [] };
  const claimed = new Set<UserOnRouter>();
  for (const want of desired) {
    const same = byName.get(want.code) ?? [];
    const ours = same.filter((u) => u.ours);
    if (ours.length === 0) {
      if (same.length > 0) plan.blocked.push(want);
      else plan.add.push(want);
      continue;
    }
    const have = ours.find((u) => u.server === where.hotspotServer) ?? ours[0];
    claimed.add(have);
    const changes = userChanges(where, want, have);
    if (Object.keys(changes).length === 0) plan.keep.push({ want, have });
    else plan.fix.push({ want, have, changes });
  }
  if (opts.allowRemovals) for (const u of actual) if (u.ours && !claimed.has(u)) plan.remove.push(u);
  return plan;
}

/** What applying a plan left on the router. */
export interface UserReconcileResult {
  /** Wanted users now on the router: voucher id → `.id`. */
  present: Map<number, string>;
  /** Wanted users still missing (a refused or failed add, a name taken by someone else's user): voucher ids. */
  missing: number[];
  added: number;
  fixed: number;
  /** Names of our users removed (or found already gone). */
  removed: string[];
  blocked: number;
  errors: RouterError[];
}

/**
 * Applies a plan: adds, grouped sets and removals all at once (the client pipelines them on its one
 * connection and bounds what is in flight), never a round trip per voucher waiting for the previous one.
 * Router refusals are collected, not thrown; a user removed by hand between the print and the set is added
 * again.
 */
export async function applyUserPlan(
  router: RouterClient,
  where: UserPlacement,
  plan: UserReconcilePlan,
): Promise<UserReconcileResult> {
  const errors: RouterError[] = [];
  const present = new Map<number, string>();
  const missing: number[] = [];
  let added = 0;
  let fixed = 0;
  for (const k of plan.keep) present.set(k.want.id, k.have.id);
  for (const b of plan.blocked) missing.push(b.id);

  const add = async (u: VoucherUser): Promise<boolean> => {
    let id: string | undefined;
    const ok = await attempt(errors, async () => (id = await addUser(router, where, u)));
    if (ok && id !== undefined) present.set(u.id, id);
    else missing.push(u.id);
    return ok;
  };
  const setOne = async (f: UserFix): Promise<void> => {
    try {
      await router.set(USER_MENU, f.have.id, f.changes);
      present.set(f.want.id, f.have.id);
      fixed++;
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      if (!isGone(err)) {
        errors.push(err);
        present.set(f.want.id, f.have.id); // still there, only not corrected: the next check retries
        return;
      }
      if (await add(f.want)) added++;
    }
  };
  const setGroup = async (group: UserFix[]): Promise<void> => {
    if (group.length === 1) return setOne(group[0]);
    try {
      await router.command(`${USER_MENU}/set`, {
        numbers: group.map((f) => f.have.id).join(','),
        ...group[0].changes,
      });
      for (const f of group) present.set(f.want.id, f.have.id);
      fixed += group.length;
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      // One user gone refuses the lot: each on its own, the gone one added again.
      await Promise.all(group.map(setOne));
    }
  };

  const [, , removedIds] = await Promise.all([
    Promise.all(plan.add.map(async (u) => void ((await add(u)) && added++))),
    Promise.all(sameChanges(plan.fix).map(setGroup)),
    removeMany(
      (ids) => router.remove(USER_MENU, ids),
      plan.remove.map((u) => u.id),
      errors,
    ),
  ]);
  const gone = new Set(removedIds);
  return {
    present,
    missing,
    added,
    fixed,
    removed: plan.remove.filter((u) => gone.has(u.id)).map((u) => u.name),
    blocked: plan.blocked.length,
    errors,
  };
}
