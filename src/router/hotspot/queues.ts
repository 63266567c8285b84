/**
 * Writing our `pisonet-<MAC>` simple queues: the attribute names RouterOS uses for them, adds above the
 * other queues, grouped `set`s and removals that tolerate items already gone.
 */
import type { DesiredQueue } from '../../domain/queues';
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

function groupSets(plan: ReconcilePlan): Array<{ ids: string[]; changes: QueueFieldChanges }> {
  const groups = new Map<string, { ids: string[]; changes: QueueFieldChanges }>();
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
      router.command(`${QUEUE_MENU}/set`, { numbers: g.ids.join(','), ...queueSetAttrs(g.changes) }),
    ).then((ok) => (ok ? g.ids.length : 0)),
  );
  const adds = plan.add.map((q) =>
    attempt(errors, () => router.add(QUEUE_MENU, queueAddAttrs(q, plan.placeBefore))),
  );
  const [setCounts, addOks] = await Promise.all([Promise.all(sets), Promise.all(adds)]);
  return { added: addOks.filter(Boolean).length, updated: setCounts.reduce((a, b) => a + b, 0), removed };
}
