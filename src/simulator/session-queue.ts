/**
 * The hotspot's dynamic simple queue of a session (docs/routeros.md "Hotspot queues"): made at login from the
 * session's rate limit (its user profile's `rate-limit`, or a RADIUS `Mikrotik-Rate-Limit`), changed by a RADIUS
 * CoA, removed at logout.
 */
import { QUEUE_DEFAULTS } from './menus/queue';
import { newQueueRuntime, QueueItem, RouterState } from './state';
import { formatDuration, RateLimit } from './values';

const pair = (x: [number, number]): string => `${x[0]}/${x[1]}`;

/**
 * The queue fields a rate limit sets, a hotspot's or a PPP session's (rx = the customer's upload, as in max-limit,
 * docs/routeros.md "Direction").
 */
export function rateFields(rl: RateLimit): Record<string, string> {
  return {
    'max-limit': pair(rl.maxLimit),
    'limit-at': pair(rl.limitAt),
    'burst-limit': pair(rl.burstLimit),
    'burst-threshold': rl.burstLimit[0] || rl.burstLimit[1] ? pair(rl.burstThreshold) : '0/0',
    'burst-time': `${formatDuration(rl.burstTime[0])}/${formatDuration(rl.burstTime[1])}`,
    priority: `${rl.priority}/${rl.priority}`,
  };
}

/**
 * ✔ [HSU] a session with a rate limit gets a dynamic simple queue at login; ◐ named `<hotspot-USER>` (a PPP
 * session's `<pppoe-USER>`); position from the profile's insert-queue-before (✖ default: we use `first`).
 * Returns the queue's `.id`.
 */
export function addSessionQueue(
  state: RouterState,
  kind: 'hotspot' | 'pppoe',
  user: string,
  target: string,
  rl: RateLimit,
  profile: Record<string, string> = {},
): string {
  const queues = state.queues;
  let name = `<${kind}-${user}>`;
  // ✖ a second session of a shared user: RouterOS's naming is unknown; keep names unique.
  for (let n = 2; queues.byNameGet(name); n++) name = `<${kind}-${user}-${n}>`;
  const cfg = {
    ...QUEUE_DEFAULTS,
    name,
    target,
    parent:
      profile['parent-queue'] && queues.byNameGet(profile['parent-queue']) ? profile['parent-queue'] : 'none',
    ...rateFields(rl),
  };
  const q: QueueItem = { id: queues.newId(), cfg, dynamic: true, ...newQueueRuntime() };
  const where = profile['insert-queue-before'] ?? 'first';
  const before =
    where === 'bottom' ? undefined : where === 'first' ? queues.list[0] : queues.byNameGet(where);
  queues.insert(q, before);
  return q.id;
}

/** A new rate limit on a session's queue (its counters go on). False when the queue is gone. */
export function setSessionQueueRate(state: RouterState, queueId: string, rl: RateLimit): boolean {
  const q = state.queues.get(queueId);
  if (!q) return false;
  state.queues.update(q, rateFields(rl));
  return true;
}
