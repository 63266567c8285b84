/**
 * Shared plans on the router. A profile with a contention ratio 1:N gets one parent simple queue per site,
 * `pisonet-plan-<PROFILE>`, and every device queue of its vouchers hangs under it: the devices share the
 * parent's max-limit, each way max(plan rate, round(n × plan rate / N)) for n device queues of that profile at
 * the site (no fewer than one device's worth). A profile's priority (1 first … 8 last) goes on its device queues,
 * where RouterOS's HTB uses it among siblings. What RouterOS needs of a parent: docs/routeros.md "Parent queues".
 */
import type { Profile } from './profile-types';
import { formatRatePairBps } from './units';
import { normRates, normTarget } from './queue-values';

/** Names of our parent queues; device queues are `pisonet-<MAC>`, so the two never meet. */
const PLAN_QUEUE_PREFIX = 'pisonet-plan-';
/** Our parents carry this comment (plus the profile and ratio); a queue of that name without it is not ours. */
const PLAN_COMMENT_PREFIX = 'pisonet plan ';
/** RouterOS's default priority, which a device queue of a profile without one carries. */
const DEFAULT_PRIORITY = 8;

/** What a device's queue needs of its voucher's profile: the plan's name, rate, ratio and priority. */
export interface PlanRef {
  name: string;
  /** N of 1:N; 1 = not shared. */
  ratio: number;
  /** As the profile gives it; absent: none (RouterOS's default, 8). */
  priority?: number;
  rateUp: number;
  rateDown: number;
}

export function planOf(p: Profile): PlanRef {
  return {
    name: p.name,
    ratio: p.contentionRatio ?? 1,
    priority: p.priority,
    rateUp: p.rateUp,
    rateDown: p.rateDown,
  };
}

export function samePlan(a: PlanRef | undefined, b: PlanRef | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.name === b.name &&
    a.ratio === b.ratio &&
    a.priority === b.priority &&
    a.rateUp === b.rateUp &&
    a.rateDown === b.rateDown
  );
}

export function isShared(plan: PlanRef): boolean {
  return plan.ratio > 1;
}

export function planQueueName(profileName: string): string {
  return PLAN_QUEUE_PREFIX + profileName;
}

export function isPlanQueueName(name: string): boolean {
  return name.startsWith(PLAN_QUEUE_PREFIX);
}

/** A simple queue as the router holds it (reconcile.ts QueueOnRouter), the fields a parent has. */
interface PlanQueueRow {
  id: string;
  name: string;
  target?: string;
  maxLimit?: string;
  comment?: string;
  disabled?: boolean;
  dynamic?: boolean;
}

/** One of our parent queues: our name, our comment, not made by the router. */
export function isOurPlanQueue(row: Pick<PlanQueueRow, 'name' | 'comment' | 'dynamic'>): boolean {
  return isPlanQueueName(row.name) && !row.dynamic && (row.comment ?? '').startsWith(PLAN_COMMENT_PREFIX);
}

/** The priority pair a device queue of this plan carries (`3/3`). */
export function priorityPair(plan: PlanRef): string {
  const p = plan.priority ?? DEFAULT_PRIORITY;
  return `${p}/${p}`;
}

/** The shared limit of n device queues on a 1:N plan, each way: max(rate, round(n × rate / N)). */
function sharedLimit(plan: PlanRef, n: number): { up: number; down: number } {
  const share = (rate: number) => Math.max(rate, Math.round((n * rate) / plan.ratio));
  return { up: share(plan.rateUp), down: share(plan.rateDown) };
}

/** A parent queue as the device queues of one shared plan call for it. */
export interface DesiredPlanQueue {
  name: string;
  profile: string;
  /** The targets of its device queues, sorted: its children's addresses and nothing else. */
  target: string;
  /** `upload/download` in bits/s. */
  maxLimit: string;
  comment: string;
  /** Its device queues (n). */
  devices: number;
}

/** The parent every shared plan with at least one device queue calls for, in name order. */
export function desiredPlanQueues(
  devices: ReadonlyArray<{ plan?: PlanRef; target: string }>,
): DesiredPlanQueue[] {
  const byPlan = new Map<string, { plan: PlanRef; targets: string[] }>();
  for (const d of devices) {
    if (!d.plan || !isShared(d.plan)) continue;
    const entry = byPlan.get(d.plan.name);
    if (entry) entry.targets.push(d.target);
    else byPlan.set(d.plan.name, { plan: d.plan, targets: [d.target] });
  }
  return [...byPlan.values()]
    .map(({ plan, targets }) => {
      const limit = sharedLimit(plan, targets.length);
      return {
        name: planQueueName(plan.name),
        profile: plan.name,
        target: [...targets].sort().join(','),
        maxLimit: formatRatePairBps(limit),
        comment: `${PLAN_COMMENT_PREFIX}${plan.name} 1:${plan.ratio}`,
        devices: targets.length,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface PlanQueueChange {
  id: string;
  name: string;
  changes: { target?: string; maxLimit?: string; comment?: string; disabled?: string };
}

export interface PlanQueuePlan {
  add: DesiredPlanQueue[];
  set: PlanQueueChange[];
  /** `.id`s of our parents no shared plan needs now (removed after their device queues left them). */
  remove: string[];
  /** Profiles whose parent name is held by a queue that is not ours: never touched, their devices not shared. */
  taken: string[];
  /** Profiles whose parent of ours is on the router already (changed by `set` if it differs). */
  present: string[];
}

/** The changes that bring our parent queues to `desired`; foreign queues with our names are reported, not touched. */
export function planParentQueues(
  desired: readonly DesiredPlanQueue[],
  actual: readonly PlanQueueRow[],
): PlanQueuePlan {
  const plan: PlanQueuePlan = { add: [], set: [], remove: [], taken: [], present: [] };
  const ours = new Map<string, PlanQueueRow>();
  const foreign = new Set<string>();
  for (const row of actual) {
    if (!isPlanQueueName(row.name) || row.id === '') continue;
    if (!isOurPlanQueue(row)) foreign.add(row.name);
    else if (ours.has(row.name)) plan.remove.push(row.id);
    else ours.set(row.name, row);
  }
  const wanted = new Set<string>();
  for (const want of desired) {
    if (foreign.has(want.name)) {
      plan.taken.push(want.profile);
      continue;
    }
    wanted.add(want.name);
    const row = ours.get(want.name);
    if (!row) {
      plan.add.push(want);
      continue;
    }
    plan.present.push(want.profile);
    const changes: PlanQueueChange['changes'] = {};
    if (normTarget(row.target) !== normTarget(want.target)) changes.target = want.target;
    if (normRates(row.maxLimit) !== normRates(want.maxLimit)) changes.maxLimit = want.maxLimit;
    if ((row.comment ?? '') !== want.comment) changes.comment = want.comment;
    if (row.disabled) changes.disabled = 'false';
    if (Object.keys(changes).length > 0) plan.set.push({ id: row.id, name: row.name, changes });
  }
  for (const row of ours.values()) if (!wanted.has(row.name)) plan.remove.push(row.id);
  return plan;
}

export function parentPlanIsEmpty(p: PlanQueuePlan): boolean {
  return p.add.length === 0 && p.set.length === 0 && p.remove.length === 0;
}
