/**
 * Compares the queues the vouchers call for with the rows `/queue/simple/print` returned and lists the
 * smallest set of changes. Only `pisonet-` queues are touched. Values are compared in normalised form
 * because RouterOS prints `512K/1M` back as `512000/1000000` and a single IP as `/32` (FACTS.md §3).
 */
import { QUEUE_PREFIX, type DesiredQueue } from './queues';
import { parseRatePair, parseRouterDuration } from './units';

/** One row of `/queue/simple/print` as RouterOS sent it (`.id`, `name`, `target`, `max-limit`, …). */
export type RouterQueue = Readonly<Record<string, string | undefined>>;

export interface QueueChange {
  id: string;
  name: string;
  /** RouterOS property → new value, ready for `set`. */
  changes: Record<string, string>;
}

export interface ReconcilePlan {
  add: DesiredQueue[];
  set: QueueChange[];
  /** `.id`s of pisonet queues no device needs any more. */
  remove: string[];
  /**
   * Simple queues match top-down and the first match wins (FACTS.md §3 "Order"), so a shop queue above ours
   * (e.g. one for the whole LAN) would take our devices' traffic. Existing pisonet queues below the first
   * other queue are moved before it.
   */
  move?: { ids: string[]; destination: string };
  /** `.id` of the first other queue: send it as `place-before` when adding, so new queues land on top. */
  placeBefore?: string;
}

const NO_BURST = { 'burst-limit': '0/0', 'burst-threshold': '0/0', 'burst-time': '0s/0s' };

function normTarget(value: string | undefined): string {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t.includes('/') ? t : `${t}/32`))
    .sort()
    .join(',');
}

/** Rate pairs as `up/down` in bits/s; an unreadable value stays as is (and so differs, and is rewritten). */
function normRates(value: string | undefined): string {
  if (value === undefined || value === '') return '0/0';
  try {
    const { up, down } = parseRatePair(value, 'queue');
    return `${up}/${down}`;
  } catch {
    return `unreadable:${value}`;
  }
}

function normTimes(value: string | undefined): string {
  if (value === undefined || value === '') return '0/0';
  try {
    const [up, down = up] = value.split('/');
    return `${parseRouterDuration(up, 'queue') ?? 0}/${parseRouterDuration(down, 'queue') ?? 0}`;
  } catch {
    return `unreadable:${value}`;
  }
}

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

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === 'yes';
}

/** Adds the burst changes to `changes` (created on the first change); returns it. */
function burstChanges(
  want: DesiredQueue,
  row: RouterQueue,
  changes: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!want.burstLimit) {
    const burstNow = !same(normRates, row['burst-limit'], '0/0');
    return burstNow ? Object.assign(changes ?? {}, NO_BURST) : changes;
  }
  let c = changes;
  if (!same(normRates, row['burst-limit'], want.burstLimit)) (c ??= {})['burst-limit'] = want.burstLimit;
  if (!same(normRates, row['burst-threshold'], want.burstThreshold))
    (c ??= {})['burst-threshold'] = want.burstThreshold ?? '0/0';
  if (!same(normTimes, row['burst-time'], want.burstTime))
    (c ??= {})['burst-time'] = want.burstTime ?? '0s/0s';
  return c;
}

/**
 * What `set` must change so the row matches, or undefined when it already does: the usual answer, for
 * thousands of queues every poll, so that path allocates nothing.
 */
function changesFor(want: DesiredQueue, row: RouterQueue): Record<string, string> | undefined {
  let c: Record<string, string> | undefined;
  if (!same(normTarget, row.target, want.target)) (c ??= {}).target = want.target;
  if (!same(normRates, row['max-limit'], want.maxLimit)) (c ??= {})['max-limit'] = want.maxLimit;
  c = burstChanges(want, row, c);
  if ((row.comment ?? '') !== want.comment) (c ??= {}).comment = want.comment;
  if (isTrue(row.disabled)) (c ??= {}).disabled = 'false';
  return c;
}

/** What `set` must change so the row matches; empty when it already does. */
export function queueChanges(want: DesiredQueue, row: RouterQueue): Record<string, string> {
  return changesFor(want, row) ?? {};
}

function isOurs(row: RouterQueue): boolean {
  return (row.name ?? '').startsWith(QUEUE_PREFIX) && !isTrue(row.dynamic) && row['.id'] !== undefined;
}

function planOrder(
  actual: readonly RouterQueue[],
  kept: Set<string>,
): Pick<ReconcilePlan, 'move' | 'placeBefore'> {
  const firstOther = actual.findIndex((row) => !isOurs(row) && row['.id'] !== undefined);
  if (firstOther === -1) return {};
  const destination = actual[firstOther]['.id'] as string;
  const ids = actual
    .slice(firstOther + 1)
    .filter((row) => isOurs(row) && kept.has(row['.id'] as string))
    .map((row) => row['.id'] as string);
  return ids.length > 0
    ? { move: { ids, destination }, placeBefore: destination }
    : { placeBefore: destination };
}

/** The changes that bring the router's pisonet queues to `desired`. Idempotent: applying it twice is a no-op. */
export function planReconcile(
  desired: readonly DesiredQueue[],
  actual: readonly RouterQueue[],
): ReconcilePlan {
  const ours = actual.filter(isOurs);
  const byName = new Map<string, RouterQueue>();
  const remove: string[] = [];
  for (const row of ours) {
    // RouterOS refuses duplicate names, but a second copy (e.g. restored from a backup) would be a stray.
    if (byName.has(row.name as string)) remove.push(row['.id'] as string);
    else byName.set(row.name as string, row);
  }
  const plan: ReconcilePlan = { add: [], set: [], remove };
  const kept = new Set<string>();
  for (const want of desired) {
    const row = byName.get(want.name);
    if (!row) {
      plan.add.push(want);
      continue;
    }
    kept.add(row['.id'] as string);
    const changes = changesFor(want, row);
    if (changes) plan.set.push({ id: row['.id'] as string, name: want.name, changes });
  }
  for (const row of byName.values()) if (!kept.has(row['.id'] as string)) remove.push(row['.id'] as string);
  return { ...plan, ...planOrder(actual, kept) };
}

/** True when the plan changes nothing. */
export function planIsEmpty(plan: ReconcilePlan): boolean {
  return plan.add.length === 0 && plan.set.length === 0 && plan.remove.length === 0 && !plan.move;
}
