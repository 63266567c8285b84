/**
 * Writing our `pisonet-<MAC>` simple queues: the attribute names RouterOS uses for them, adds above the
 * other queues, grouped `set`s and removals that tolerate items already gone.
 */
import type { DesiredQueue } from '../../domain/queues';
import type { PlanQueuePlan } from '../../domain/plan-queues';
import type { QueueFieldChanges, ReconcilePlan } from '../../domain/reconcile';
import type { RosAttrs, RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { QUEUE_MENU } from './snapshot';

/** The domain's queue fields → RouterOS `/queue/simple` attributes. */
const ATTRIBUTE: Record<keyof QueueFieldChanges, string> = {
  target: 'target',
  maxLimit: 'max-limit',
  burstLimit: 'burst-limit',
  burstThreshold: 'burst-threshold',
  burstTime: 'burst-time',
  comment: 'comment',
  disabled: 'disabled',
  parent: 'parent',
  priority: 'priority',
};

export function queueSetAttrs(changes: QueueFieldChanges): RosAttrs {
  const attrs: RosAttrs = {};
  for (const [field, value] of Object.entries(changes))
    attrs[ATTRIBUTE[field as keyof QueueFieldChanges]] = value;
  return attrs;
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
    priority: q.priority,
    parent: q.parent === 'none' ? undefined : q.parent,
    'place-before': placeBefore,
  };
}

/** A refusal because the item is gone: `no such item` from RouterOS. */
export function isGone(err: unknown): boolean {
  return err instanceof RouterError && err.code === 'ROUTER_NO_SUCH_ITEM';
}

export async function attempt(errors: RouterError[], work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    errors.push(err);
    return false;
  }
}

/**
 * Removes several items in one command. If one of them is already gone RouterOS refuses the lot
 * ("no such item"), so fall back to one by one; an item already gone counts as removed.
 */
export async function removeMany(
  remove: (ids: string[]) => Promise<void>,
  ids: string[],
  errors: RouterError[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  try {
    await remove(ids);
    return ids;
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    if (!isGone(err)) {
      errors.push(err);
      return [];
    }
    if (ids.length === 1) return ids;
  }
  const each = await Promise.all(ids.map((id) => removeMany(remove, [id], errors)));
  return each.flat();
}

/** Items with identical changes, grouped in the order first seen: each group goes as one `set` naming them all. */
export function sameChanges<T extends { changes: object }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const key = JSON.stringify(Object.entries(it.changes).sort(([a], [b]) => (a < b ? -1 : 1)));
    const g = groups.get(key);
    if (g) g.push(it);
    else groups.set(key, [it]);
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
  const sets = sameChanges(plan.set).map((group) => setQueues(router, group, errors));
  const adds = plan.add.map((q) => addQueue(router, q, plan.placeBefore, errors));
  const [setCounts, addOks] = await Promise.all([Promise.all(sets), Promise.all(adds)]);
  return { added: addOks.filter(Boolean).length, updated: setCounts.reduce((a, b) => a + b, 0), removed };
}

/** The HTB fields a router may refuse (an older or trimmed RouterOS): without them the queue still limits. */
const HTB_ATTRS = ['parent', 'priority'] as const;

function withoutHtb<T extends object>(attrs: T): T {
  const out = { ...attrs } as Record<string, unknown>;
  for (const k of HTB_ATTRS) delete out[k];
  return out as T;
}

/**
 * Adds a device queue. A refusal of its parent or priority is reported (the router's words) and the queue is
 * added without them, so the device still has its own limit.
 */
async function addQueue(
  router: RouterClient,
  q: DesiredQueue,
  placeBefore: string | undefined,
  errors: RouterError[],
): Promise<boolean> {
  const attrs = queueAddAttrs(q, placeBefore);
  if (await attempt(errors, () => router.add(QUEUE_MENU, attrs))) return true;
  if (attrs.parent === undefined && attrs.priority === undefined) return false;
  if (!(errors[errors.length - 1] instanceof RouterError) || errors[errors.length - 1].transient)
    return false;
  return attempt(errors, () => router.add(QUEUE_MENU, withoutHtb(attrs)));
}

/** One grouped `set`; refused with a parent or priority in it, the other changes are tried alone. */
async function setQueues(
  router: RouterClient,
  group: ReconcilePlan['set'],
  errors: RouterError[],
): Promise<number> {
  const ids = group.map((s) => s.id);
  const changes = group[0].changes;
  const send = (c: QueueFieldChanges) =>
    attempt(errors, () =>
      router.command(`${QUEUE_MENU}/set`, { numbers: ids.join(','), ...queueSetAttrs(c) }),
    );
  if (await send(changes)) return ids.length;
  const rest = withoutHtb(changes);
  if (Object.keys(rest).length === Object.keys(changes).length || Object.keys(rest).length === 0) return 0;
  if (errors[errors.length - 1].transient) return 0;
  return (await send(rest)) ? ids.length : 0;
}

/**
 * Parent queues first (a device queue may only name a parent that exists): adds at the bottom of the list (a
 * parent with children matches no packet, so its place does not matter) and changes. Returns the profiles
 * whose parent is on the router now (present, or added). Removals wait for removePlanQueues, after the device queues left them.
 */
export async function applyPlanQueues(
  router: RouterClient,
  plan: PlanQueuePlan,
  errors: RouterError[],
): Promise<Set<string>> {
  const ready = new Set(plan.present);
  await Promise.all([
    ...plan.set.map((s) => attempt(errors, () => router.set(QUEUE_MENU, s.id, queueSetAttrs(s.changes)))),
    ...plan.add.map(async (q) => {
      const ok = await attempt(errors, () =>
        router.add(QUEUE_MENU, {
          name: q.name,
          target: q.target,
          'max-limit': q.maxLimit,
          comment: q.comment,
        }),
      );
      if (ok) ready.add(q.profile);
    }),
  ]);
  return ready;
}
