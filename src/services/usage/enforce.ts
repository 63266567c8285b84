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
  queueNameForMac,
  type QueueTexts,
  type VoucherAction,
  type VoucherWithDevices,
} from '../../domain/queues';
import { planIsEmpty, planReconcile, type ReconcilePlan } from '../../domain/reconcile';
import type { ManagedHotspot, RouterSnapshot } from '../../router/hotspot';
import { RouterError } from '../../router/types';
import { recordEvent } from '../events';
import * as lifecycle from '../voucher-lifecycle';
import { toVoucherState, type VoucherRow } from '../voucher-state';
import type { LoadedState, LoadedVoucher } from './load';
import { steadyBasis, stillInLine, type EnforceMemory } from './steady-basis';
import { madeFor, type SnapshotVouchers } from './snapshot-vouchers';

export type { EnforceMemory };

export interface EnforceDeps {
  db: Knex;
  hotspot: ManagedHotspot;
  /** What the last enforcement found in line (EnforceMemory); without it every cycle plans in full. */
  memory?: EnforceMemory;
  /** The poll's memory of queue texts (queue-texts.ts); the plain forms when absent. */
  texts?: QueueTexts;
  clock: Clock;
  log: Logger;
  tz: string;
}

export interface EnforceResult {
  added: number;
  updated: number;
  removed: number;
  loggedOut: number;
  /** The router ids of the sessions logged out (or found gone) this cycle. */
  loggedOutIds: string[];
  ended: number;
  /** Router errors met while applying (the cycle goes on; the next one retries). */
  errors: RouterError[];
}

const ENDED = new Set(['expired', 'exhausted', 'revoked']);

/** How long a redemption's claim owns its device's queue: its router steps take a few round trips. */
export const CLAIM_OWNS_QUEUE_MS = 15_000;

/**
 * A device whose redemption is still being confirmed belongs to the redemption: it adds the queue itself, and a
 * claim it loses is undone with its queue. For CLAIM_OWNS_QUEUE_MS the poll neither adds, changes nor removes
 * that device's queue; otherwise a poll running beside a lost race adds a queue for the loser's device row just
 * before the row is deleted, and the queue stays until the next poll. A claim still marked after that (a
 * controller killed mid-redemption) is the poll's again, so its device is metered from then on, and the claim is
 * settled after the grace period (settleInterruptedLogins).
 */
function handsOffClaims(
  plan: ReconcilePlan,
  state: LoadedState,
  snapshot: RouterSnapshot,
  now: number,
): ReconcilePlan {
  const claimed = new Set<string>();
  state.byId.forEach((v) => {
    for (let i = 0; i < v.devices.length; i++) {
      const d = v.devices[i];
      if (d.login_pending_at != null && now - Number(d.login_pending_at) < CLAIM_OWNS_QUEUE_MS)
        claimed.add(queueNameForMac(d.mac));
    }
  });
  if (claimed.size === 0) return plan;
  const claimedIds = new Set(snapshot.queues.filter((q) => claimed.has(q.name)).map((q) => q.id));
  return {
    ...plan,
    add: plan.add.filter((q) => !claimed.has(q.name)),
    set: plan.set.filter((s) => !claimed.has(s.name)),
    remove: plan.remove.filter((id) => !claimedIds.has(id)),
  };
}

export function voucherItem(v: LoadedVoucher): VoucherWithDevices {
  return {
    voucher: toVoucherState(v.row, v.profile),
    devices: v.devices.map((d) => ({ mac: d.mac, ip: d.ip ?? undefined, connected: Boolean(d.connected) })),
  };
}

/** The active vouchers as the domain sees them; `vouchers`, when given, gets the LoadedVoucher of each in turn. */
export function activeItems(state: LoadedState, vouchers?: LoadedVoucher[]): VoucherWithDevices[] {
  const items: VoucherWithDevices[] = [];
  state.byId.forEach((v) => {
    if (v.row.status !== 'active') return;
    items.push(voucherItem(v));
    vouchers?.push(v);
  });
  return items;
}

const NO_QUEUE_CHANGES = { added: 0, updated: 0, removed: 0 };

/**
 * The queues the vouchers call for, brought onto the router; `ended`: the vouchers whose time or data ran out,
 * closed in the database. Skipped while the last plan's inputs hold (EnforceMemory).
 */
async function enforceQueues(
  deps: EnforceDeps,
  state: LoadedState,
  snapshot: RouterSnapshot,
  now: number,
  errors: RouterError[],
): Promise<{ queues: typeof NO_QUEUE_CHANGES; ended: LoadedVoucher[] }> {
  const memory = deps.memory;
  if (memory?.basis && stillInLine(memory.basis, state, snapshot, now, deps.tz))
    return { queues: NO_QUEUE_CHANGES, ended: [] };
  if (memory) memory.basis = undefined;
  const vouchers: LoadedVoucher[] = [];
  const items = activeItems(state, vouchers);
  const desired = desiredQueues(items, now, deps.tz, {}, deps.texts);
  const ended = await endVouchers(deps, state, desired.voucherActions, now);
  const planned = planReconcile(desired.queues, snapshot.queues);
  const plan = handsOffClaims(planned, state, snapshot, now);
  const failed = errors.length;
  const queues = await deps.hotspot.applyQueuePlan(plan, errors, snapshot);
  const inLine =
    plan === planned && planIsEmpty(plan) && desired.voucherActions.length === 0 && errors.length === failed;
  if (memory && inLine) memory.basis = steadyBasis(state, snapshot.queues, vouchers, items, desired.limits);
  return { queues, ended };
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
      if (!(await lifecycle.end(trx, v.row.id, a.newStatus, reason, now))) continue;
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

function sessionsToEnd(snapshot: RouterSnapshot, state: LoadedState, found?: SnapshotVouchers): string[] {
  const ids: string[] = [];
  const sessions = snapshot.sessions;
  const known = madeFor(found, snapshot, state)?.sessions;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    const v = known ? known[i] : state.byCode.get(s.user);
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
  const gone = await deps.hotspot.removeUsers([...byRouterId.keys()], errors);
  if (gone.length === 0) return;
  const ids = gone.map((g) => (byRouterId.get(g) as VoucherRow).id);
  await deps.db('vouchers').whereIn('id', ids).update({ router_user_id: null });
  for (const r of rows) if (r.router_user_id && gone.includes(r.router_user_id)) r.router_user_id = null;
}

/**
 * `alsoLogout`: sessions the cycle found beyond their voucher's device count (device-limit.ts); they go out
 * in the same logout as ended vouchers' sessions, so the limit costs no round trip of its own. `found`: the
 * cycle's sessions' vouchers, when it has them (snapshot-vouchers.ts).
 */
export async function enforce(
  deps: EnforceDeps,
  state: LoadedState,
  snapshot: RouterSnapshot,
  now: number,
  alsoLogout: readonly string[] = [],
  found?: SnapshotVouchers,
): Promise<EnforceResult> {
  const errors: RouterError[] = [];
  const { queues, ended } = await enforceQueues(deps, state, snapshot, now, errors);

  const logout = sessionsToEnd(snapshot, state, found);
  logout.push(...alsoLogout);
  const loggedOutIds = await deps.hotspot.logout(logout, errors);
  const userRows = new Map<number, VoucherRow>();
  for (const v of ended) userRows.set(v.row.id, v.row);
  for (const r of state.pendingUserRemovals) userRows.set(r.id, r);
  await removeRouterUsers(deps, [...userRows.values()], errors);
  return { ...queues, loggedOut: loggedOutIds.length, loggedOutIds, ended: ended.length, errors };
}
