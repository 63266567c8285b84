/**
 * Enforcement: the vouchers' policy (src/domain) says what the router should hold; this compares it with
 * the snapshot and changes only what differs. Ended vouchers are closed in the database first (the truth),
 * then their sessions are logged out and their hotspot users removed; anything that fails is retried by the
 * next cycle because it is derived again from the database and the router, never from memory.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock';
import { maskCode, type Logger } from '../../lib/logger';
import {
  desiredQueues,
  type DesiredQueue,
  type VoucherAction,
  type VoucherWithDevices,
} from '../../domain/queues';
import { planReconcile, type ReconcilePlan } from '../../domain/reconcile';
import { RouterError, type RosAttrs, type RouterClient } from '../../router/types';
import { recordEvent } from '../events';
import { toVoucherState, type VoucherRow } from '../voucher-state';
import type { LoadedState, LoadedVoucher } from './load';
import { QUEUE_MENU, USER_MENU, type RouterSnapshot } from './snapshot';

export interface EnforceDeps {
  db: Knex;
  router: RouterClient;
  clock: Clock;
  log: Logger;
  tz: string;
}

export interface EnforceResult {
  added: number;
  updated: number;
  removed: number;
  loggedOut: number;
  ended: number;
  /** Router errors met while applying (the cycle goes on; the next one retries). */
  errors: RouterError[];
}

const ENDED = new Set(['expired', 'exhausted', 'revoked']);

export function voucherItem(v: LoadedVoucher): VoucherWithDevices {
  return {
    voucher: toVoucherState(v.row, v.profile),
    devices: v.devices.map((d) => ({ mac: d.mac, ip: d.ip ?? undefined, connected: Boolean(d.connected) })),
  };
}

export function activeItems(state: LoadedState): VoucherWithDevices[] {
  const items: VoucherWithDevices[] = [];
  for (const v of state.byId.values()) if (v.row.status === 'active') items.push(voucherItem(v));
  return items;
}

/** Attributes for `/queue/simple/add`; `place-before` puts ours above the shop's and the hotspot's queues (first match wins). */
export function queueAddAttrs(q: DesiredQueue, placeBefore: string | undefined): RosAttrs {
  return {
    name: q.name,
    target: q.target,
    'max-limit': q.maxLimit,
    'burst-limit': q.burstLimit,
    'burst-threshold': q.burstThreshold,
    'burst-time': q.burstTime,
    comment: q.comment,
    'place-before': placeBefore,
  };
}

async function endVouchers(
  deps: EnforceDeps,
  state: LoadedState,
  actions: VoucherAction[],
  now: number,
): Promise<LoadedVoucher[]> {
  if (actions.length === 0) return [];
  const ended: LoadedVoucher[] = [];
  await deps.db.transaction(async (trx) => {
    for (const a of actions) {
      const v = state.byCode.get(a.code);
      if (!v) continue;
      const reason = a.reason;
      // Conditional on status, so an admin's revoke in between is not overwritten.
      const n = await trx('vouchers')
        .where({ id: v.row.id, status: 'active' })
        .update({ status: a.newStatus, ended_at: now, end_reason: reason, updated_at: now });
      if (n !== 1) continue;
      v.row.status = a.newStatus;
      v.row.end_reason = reason;
      ended.push(v);
      await recordEvent(trx, deps.clock, {
        voucherId: v.row.id,
        kind: a.newStatus,
        level: 'info',
        message: `Voucher ${a.newStatus}: ${reason}`,
      });
    }
  });
  for (const v of ended)
    deps.log.info(
      { event: v.row.status, voucher: maskCode(v.row.code), status: v.row.status },
      `voucher ${maskCode(v.row.code)} ${v.row.status}: ${v.row.end_reason ?? ''}`.trim(),
    );
  return ended;
}

async function attempt(errors: RouterError[], work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    errors.push(err);
    return false;
  }
}

type Remover = (ids: string[]) => Promise<void>;

/**
 * Removes several items in one command. If one of them is already gone RouterOS refuses the lot
 * ("no such item"), so fall back to one by one; an item already gone counts as removed.
 */
async function removeMany(remove: Remover, ids: string[], errors: RouterError[]): Promise<string[]> {
  if (ids.length === 0) return [];
  try {
    await remove(ids);
    return ids;
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    if (err.code !== 'ROUTER_NO_SUCH_ITEM') {
      errors.push(err);
      return [];
    }
    if (ids.length === 1) return ids;
  }
  const each = await Promise.all(ids.map((id) => removeMany(remove, [id], errors)));
  return each.flat();
}

function groupSets(plan: ReconcilePlan): Array<{ ids: string[]; changes: Record<string, string> }> {
  const groups = new Map<string, { ids: string[]; changes: Record<string, string> }>();
  for (const s of plan.set) {
    const k = JSON.stringify(Object.entries(s.changes).sort(([a], [b]) => (a < b ? -1 : 1)));
    const g = groups.get(k);
    if (g) g.ids.push(s.id);
    else groups.set(k, { ids: [s.id], changes: s.changes });
  }
  return [...groups.values()];
}

/** Applies a queue plan: removals, order, then adds and grouped `set`s in parallel (pipelined by the client). */
export async function applyQueuePlan(
  router: RouterClient,
  plan: ReconcilePlan,
  errors: RouterError[],
): Promise<{ added: number; updated: number; removed: number }> {
  const removed = (await removeMany((ids) => router.remove(QUEUE_MENU, ids), plan.remove, errors)).length;
  if (plan.move) {
    const { ids, destination } = plan.move;
    await attempt(errors, () => router.move(QUEUE_MENU, ids, destination));
  }
  // Identical changes (an off-peak window opening for a whole profile) go as one `set` with a list of ids.
  const sets = groupSets(plan).map((g) =>
    attempt(errors, () =>
      router.command(`${QUEUE_MENU}/set`, { numbers: g.ids.join(','), ...g.changes }),
    ).then((ok) => (ok ? g.ids.length : 0)),
  );
  const adds = plan.add.map((q) =>
    attempt(errors, () => router.add(QUEUE_MENU, queueAddAttrs(q, plan.placeBefore))),
  );
  const [setCounts, addOks] = await Promise.all([Promise.all(sets), Promise.all(adds)]);
  return { added: addOks.filter(Boolean).length, updated: setCounts.reduce((a, b) => a + b, 0), removed };
}

function sessionsToEnd(snapshot: RouterSnapshot, state: LoadedState): string[] {
  const ids: string[] = [];
  for (const s of snapshot.sessions) {
    const v = state.byCode.get(s.user);
    if (v && ENDED.has(v.row.status)) ids.push(s.id);
  }
  return ids;
}

async function removeRouterUsers(
  deps: EnforceDeps,
  rows: VoucherRow[],
  errors: RouterError[],
): Promise<void> {
  const byRouterId = new Map<string, VoucherRow>();
  for (const r of rows) if (r.router_user_id) byRouterId.set(r.router_user_id, r);
  if (byRouterId.size === 0) return;
  const gone = await removeMany((ids) => deps.router.remove(USER_MENU, ids), [...byRouterId.keys()], errors);
  if (gone.length === 0) return;
  const ids = gone.map((g) => (byRouterId.get(g) as VoucherRow).id);
  await deps.db('vouchers').whereIn('id', ids).update({ router_user_id: null });
  for (const r of rows) if (r.router_user_id && gone.includes(r.router_user_id)) r.router_user_id = null;
}

export async function enforce(
  deps: EnforceDeps,
  state: LoadedState,
  snapshot: RouterSnapshot,
  now: number,
): Promise<EnforceResult> {
  const desired = desiredQueues(activeItems(state), now, deps.tz);
  const ended = await endVouchers(deps, state, desired.voucherActions, now);
  const errors: RouterError[] = [];
  const plan = planReconcile(desired.queues, snapshot.queues);
  const queues = await applyQueuePlan(deps.router, plan, errors);

  const logout = sessionsToEnd(snapshot, state);
  const loggedOut = (await removeMany((ids) => deps.router.hotspotLogout(ids), logout, errors)).length;
  const userRows = new Map<number, VoucherRow>();
  for (const v of ended) userRows.set(v.row.id, v.row);
  for (const r of state.pendingUserRemovals) userRows.set(r.id, r);
  await removeRouterUsers(deps, [...userRows.values()], errors);
  return { ...queues, loggedOut, ended: ended.length, errors };
}
