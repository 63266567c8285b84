/**
 * Compares the queues the vouchers call for with the simple queues the router holds and lists the smallest
 * set of changes. Only `pisonet-` queues are touched. Values are compared in normalised form because the
 * router prints `512K/1M` back as `512000/1000000` and a single IP as `/32` (docs/routeros.md "Returned
 * format"). The router module (src/router/hotspot) reads its rows into QueueOnRouter and writes the changes.
 */
import { isDeviceQueueName, type DesiredQueue } from './queues';
import { isOurPlanQueue } from './plan-queues';
import { normRates, normTarget, normTimes } from './queue-values';

/** A simple queue as the router holds it, every value as the router printed it (texts, not parsed). */
export interface QueueOnRouter {
  id: string;
  name: string;
  target?: string;
  /** Upload/download limit pair, e.g. `512000/1000000`; `0/0` = no limit. */
  maxLimit?: string;
  burstLimit?: string;
  burstThreshold?: string;
  burstTime?: string;
  comment?: string;
  disabled?: boolean;
  dynamic?: boolean;
  /** The parent queue's name; `none` (or absent) when it has none. */
  parent?: string;
  /** `upload/download` priorities, e.g. `8/8`. */
  priority?: string;
}

/** The settings of one of our queues that a reconcile may change. */
export type QueueField =
  | 'target'
  | 'maxLimit'
  | 'burstLimit'
  | 'burstThreshold'
  | 'burstTime'
  | 'comment'
  | 'disabled'
  | 'parent'
  | 'priority';
export type QueueFieldChanges = Partial<Record<QueueField, string>>;

export interface QueueChange {
  id: string;
  name: string;
  /** Field → new value as the router takes it. */
  changes: QueueFieldChanges;
}

export interface ReconcilePlan {
  add: DesiredQueue[];
  set: QueueChange[];
  /** `.id`s of pisonet queues no device needs any more. */
  remove: string[];
  /**
   * Simple queues match top-down and the first match wins (docs/routeros.md "Order"), so a shop queue above ours
   * (e.g. one for the whole LAN) would take our devices' traffic. Existing pisonet queues below the first
   * other queue are moved before it.
   */
  move?: { ids: string[]; destination: string };
  /** `.id` of the first other queue: send it as `place-before` when adding, so new queues land on top. */
  placeBefore?: string;
}

const NO_BURST: QueueFieldChanges = { burstLimit: '0/0', burstThreshold: '0/0', burstTime: '0s/0s' };

/**
 * Whether two values are the same once normalised. Identical text is the same value: the usual case,
 * since we write the forms RouterOS prints back, so the parsers run only when the texts differ.
 */
function same(
  norm: (value: string | undefined) => string,
  a: string | undefined,
  b: string | undefined,
): boolean {
  return a === b || norm(a) === norm(b);
}

/** Adds the burst changes to `changes` (created on the first change); returns it. */
function burstChanges(
  want: DesiredQueue,
  row: QueueOnRouter,
  changes: QueueFieldChanges | undefined,
): QueueFieldChanges | undefined {
  if (!want.burstLimit) {
    const burstNow = !same(normRates, row.burstLimit, '0/0');
    return burstNow ? Object.assign(changes ?? {}, NO_BURST) : changes;
  }
  let c = changes;
  if (!same(normRates, row.burstLimit, want.burstLimit)) (c ??= {}).burstLimit = want.burstLimit;
  if (!same(normRates, row.burstThreshold, want.burstThreshold))
    (c ??= {}).burstThreshold = want.burstThreshold ?? '0/0';
  if (!same(normTimes, row.burstTime, want.burstTime)) (c ??= {}).burstTime = want.burstTime ?? '0s/0s';
  return c;
}

const normParent = (value: string | undefined): string =>
  value === undefined || value === '' ? 'none' : value;

/** `3` and `3/3` are the same priority; RouterOS's default is 8. */
function normPriority(value: string | undefined): string {
  if (value === undefined || value === '') return '8/8';
  const [up, down = up] = value.split('/');
  return `${up.trim()}/${down.trim()}`;
}

/**
 * What `set` must change so the row matches, or undefined when it already does: the usual answer, for
 * thousands of queues every poll, so that path allocates nothing.
 */
function changesFor(want: DesiredQueue, row: QueueOnRouter): QueueFieldChanges | undefined {
  let c: QueueFieldChanges | undefined;
  if (!same(normTarget, row.target, want.target)) (c ??= {}).target = want.target;
  if (!same(normRates, row.maxLimit, want.maxLimit)) (c ??= {}).maxLimit = want.maxLimit;
  c = burstChanges(want, row, c);
  if ((row.comment ?? '') !== want.comment) (c ??= {}).comment = want.comment;
  if (row.disabled) (c ??= {}).disabled = 'false';
  if (want.priority !== undefined && normPriority(row.priority) !== normPriority(want.priority))
    (c ??= {}).priority = want.priority;
  if (want.parent !== undefined && normParent(row.parent) !== normParent(want.parent))
    (c ??= {}).parent = want.parent;
  return c;
}

/** What `set` must change so the queue matches; empty when it already does. */
export function queueChanges(want: DesiredQueue, row: QueueOnRouter): QueueFieldChanges {
  return changesFor(want, row) ?? {};
}

/**
 * One of our device queues: named `pisonet-<…>` (not a plan's parent, `pisonet-plan-…`) and not a dynamic
 * (hotspot-made) queue. The one spelling of "is this our device queue".
 */
export function isOurQueue(row: Pick<QueueOnRouter, 'name' | 'dynamic'>): boolean {
  return isDeviceQueueName(row.name) && !row.dynamic;
}

const isOurs = (row: QueueOnRouter): boolean => isOurQueue(row) && row.id !== '';

/** Parents (`pisonet-plan-…`) match no packet while they have children, so they count for neither side of the order. */
const isOther = (row: QueueOnRouter): boolean => !isOurs(row) && row.id !== '' && !isOurPlanQueue(row);

function planOrder(
  actual: readonly QueueOnRouter[],
  kept: Set<string>,
): Pick<ReconcilePlan, 'move' | 'placeBefore'> {
  const firstOther = actual.findIndex(isOther);
  if (firstOther === -1) return {};
  const destination = actual[firstOther].id;
  const ids = actual
    .slice(firstOther + 1)
    .filter((row) => isOurs(row) && kept.has(row.id))
    .map((row) => row.id);
  return ids.length > 0
    ? { move: { ids, destination }, placeBefore: destination }
    : { placeBefore: destination };
}

/** The changes that bring the router's pisonet queues to `desired`. Idempotent: applying it twice is a no-op. */
export function planReconcile(
  desired: readonly DesiredQueue[],
  actual: readonly QueueOnRouter[],
): ReconcilePlan {
  const ours = actual.filter(isOurs);
  const byName = new Map<string, QueueOnRouter>();
  const remove: string[] = [];
  for (const row of ours) {
    // RouterOS refuses duplicate names, but a second copy (e.g. restored from a backup) would be a stray.
    if (byName.has(row.name)) remove.push(row.id);
    else byName.set(row.name, row);
  }
  const plan: ReconcilePlan = { add: [], set: [], remove };
  const kept = new Set<string>();
  for (const want of desired) {
    const row = byName.get(want.name);
    if (!row) {
      plan.add.push(want);
      continue;
    }
    kept.add(row.id);
    const changes = changesFor(want, row);
    if (changes) plan.set.push({ id: row.id, name: want.name, changes });
  }
  for (const row of byName.values()) if (!kept.has(row.id)) remove.push(row.id);
  return { ...plan, ...planOrder(actual, kept) };
}

/** True when the plan changes nothing. */
export function planIsEmpty(plan: ReconcilePlan): boolean {
  return plan.add.length === 0 && plan.set.length === 0 && plan.remove.length === 0 && !plan.move;
}
