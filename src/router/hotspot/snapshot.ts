/**
 * One read of the router per cycle: every simple queue, every hotspot session, every hotspot host and the
 * router's uptime, as four `print`s sent at once (the client pipelines them with tags,
 * docs/routeros.md "Tags"). The number of round trips is the same for 1 or 5,000 customers.
 */
import type { QueueOnRouter } from '../../domain/reconcile';
import { eachRow, queueReading, uptime, type QueueReading } from './row-parse';
import { macOf } from '../../domain/units';
import type { RosRow, RouterClient } from '../types';

export type { QueueReading } from './row-parse';

export const QUEUE_MENU = '/queue/simple';
export const ACTIVE_MENU = '/ip/hotspot/active';
export const HOST_MENU = '/ip/hotspot/host';
export const USER_MENU = '/ip/hotspot/user';
export const COOKIE_MENU = '/ip/hotspot/cookie';
export const RESOURCE_MENU = '/system/resource';

/** Always send a .proplist when polling: without it RouterOS computes every property, slow ones included (docs/routeros.md "Proplist"). */
export const QUEUE_PROPS = [
  '.id',
  'name',
  'target',
  'max-limit',
  'burst-limit',
  'burst-threshold',
  'burst-time',
  'bytes',
  'rate',
  'disabled',
  'dynamic',
  'comment',
  'parent',
  'priority',
];
const ACTIVE_PROPS = [
  '.id',
  'user',
  'address',
  'mac-address',
  'uptime',
  'bytes-in',
  'bytes-out',
  'limit-bytes-total',
];
const HOST_PROPS = ['mac-address', 'address'];

export interface SessionInfo {
  id: string;
  user: string;
  mac: string;
  ip: string | null;
  /**
   * The address the hotspot's host table gives for this MAC, when it has one: the device's current IP (a queue
   * targets an IP, never a MAC; docs/routeros.md "Targets"). Prefer it to `ip`.
   */
  hostIp?: string;
  uptimeSeconds: number;
  /** `bytes-in` + `bytes-out` of the session so far, as the hotspot counts them; absent when not printed. */
  bytes?: number;
  /**
   * The session's own `limit-bytes-total`, which RouterOS took from its user at login (the user's limit minus its
   * ended sessions' bytes then); 0: none. A user's limit changed later reaches the session at its next login.
   * Undefined when the row does not carry the field: unknown, never read as "no limit" (docs/routeros.md
   * "Hotspot sessions"), so a router that does not print it is not told to log every capped device out and in.
   */
  limitBytes?: number;
}

export interface RouterSnapshot {
  /**
   * Every simple queue in router order (foreign ones are needed for ordering: first match wins). Read only: the
   * array and its objects are handed to the next snapshot of the same router when its rows say the same
   * (routerQueues), so an unchanged array means the router's queues did not change between the two reads.
   */
  queues: readonly QueueOnRouter[];
  ours: QueueReading[];
  /** The hotspot's sessions, each with its MAC's address from the host table (SessionInfo.hostIp). */
  sessions: SessionInfo[];
  /** Seconds since the router booted: queue counters are runtime-only and restart at zero (docs/routeros.md "Counters"). */
  routerUptimeSeconds: number | undefined;
  /** When it was taken, among the hotspot's logins (see logins-in-flight.ts); absent for a parsed snapshot. */
  loginMark?: number;
  /** Devices whose login was under way on any server just after it was read (several servers on one database). */
  loginsElsewhere?: ReadonlySet<string>;
}

function session(row: RosRow): SessionInfo | undefined {
  const mac = macOf(row['mac-address']);
  if (!row['.id'] || !row.user || !mac) return undefined;
  return {
    id: row['.id'],
    user: row.user,
    mac,
    ip: row.address || null,
    hostIp: undefined,
    uptimeSeconds: uptime(row.uptime),
    bytes: sessionBytes(row),
    limitBytes: row['limit-bytes-total'] === undefined ? undefined : Number(row['limit-bytes-total']) || 0,
  };
}

function sessionBytes(row: RosRow): number | undefined {
  const a = Number(row['bytes-in']);
  const b = Number(row['bytes-out']);
  return row['bytes-in'] === undefined || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)
    ? undefined
    : a + b;
}

/** A `/queue/simple` row as the domain's QueueOnRouter: the one place these attribute names are read. */
export function queueOnRouter(row: RosRow): QueueOnRouter {
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    target: row.target,
    maxLimit: row['max-limit'],
    burstLimit: row['burst-limit'],
    burstThreshold: row['burst-threshold'],
    burstTime: row['burst-time'],
    comment: row.comment,
    disabled: row.disabled === 'true',
    dynamic: row.dynamic === 'true',
    parent: row.parent,
    priority: row.priority,
  };
}

/** Whether `q` (read before) holds exactly what `row` says: then `row` is read as `q` again. */
function sameQueue(q: QueueOnRouter, row: RosRow): boolean {
  return (
    q.id === (row['.id'] ?? '') &&
    q.name === (row.name ?? '') &&
    q.target === row.target &&
    q.maxLimit === row['max-limit'] &&
    q.burstLimit === row['burst-limit'] &&
    q.burstThreshold === row['burst-threshold'] &&
    q.burstTime === row['burst-time'] &&
    q.comment === row.comment &&
    q.parent === row.parent &&
    q.priority === row.priority &&
    q.disabled === (row.disabled === 'true') &&
    q.dynamic === (row.dynamic === 'true')
  );
}

/**
 * The router's queues as QueueOnRouter, row by row in router order. `previous`, the same router's queues as the
 * last read gave them: a row that says exactly what the one at its position said then is that object again, and
 * when every row does, the result is `previous` itself. Between polls a queue's settings rarely change (its
 * counters are read apart, into QueueReading), so a poll makes no new object for them, and the caller can tell by
 * identity that nothing did.
 */
class RouterQueues {
  private n = 0;
  /** Made at the first row that differs from `previous` (or has no row there to compare with). */
  private queues: QueueOnRouter[] | undefined;

  constructor(private readonly previous: readonly QueueOnRouter[] | undefined) {}

  add(row: RosRow): void {
    const i = this.n++;
    const prev = this.previous?.[i];
    if (prev !== undefined && sameQueue(prev, row)) {
      this.queues?.push(prev);
      return;
    }
    this.queues ??= this.previous === undefined ? [] : this.previous.slice(0, i);
    this.queues.push(queueOnRouter(row));
  }

  result(): QueueOnRouter[] {
    if (this.queues !== undefined) return this.queues;
    const prev = this.previous as QueueOnRouter[] | undefined;
    if (prev === undefined) return [];
    return prev.length === this.n ? prev : prev.slice(0, this.n);
  }
}

/** A snapshot built from the four prints' rows, in any interleaving of the four, each print's in its order. */
class SnapshotBuilder {
  readonly queues: RouterQueues;
  readonly ours: QueueReading[] = [];
  readonly sessions: SessionInfo[] = [];
  /** The host table, until the sessions are given their addresses from it (result): only sessions look them up. */
  private readonly hostIp = new Map<string, string>();
  private uptime: string | undefined;
  private resourceRows = 0;

  constructor(previousQueues: readonly QueueOnRouter[] | undefined) {
    this.queues = new RouterQueues(previousQueues);
  }

  queue = (row: RosRow): void => {
    this.queues.add(row);
    const r = queueReading(row);
    if (r) this.ours.push(r);
  };

  session = (row: RosRow): void => {
    const s = session(row);
    if (s) this.sessions.push(s);
  };

  host = (row: RosRow): void => {
    const mac = macOf(row['mac-address']);
    if (row.address && mac) this.hostIp.set(mac, row.address);
  };

  resource = (row: RosRow): void => {
    if (this.resourceRows++ === 0) this.uptime = row.uptime;
  };

  result(): RouterSnapshot {
    const up = this.uptime;
    const sessions = this.sessions;
    for (let i = 0; i < sessions.length; i++) sessions[i].hostIp = this.hostIp.get(sessions[i].mac);
    return {
      queues: this.queues.result(),
      ours: this.ours,
      sessions,
      routerUptimeSeconds: up === undefined ? undefined : uptime(up),
    };
  }
}

export function parseSnapshot(
  rows: RosRow[],
  active: RosRow[],
  hosts: RosRow[],
  resource: RosRow[] = [],
  previousQueues?: readonly QueueOnRouter[],
): RouterSnapshot {
  const b = new SnapshotBuilder(previousQueues);
  for (let i = 0; i < rows.length; i++) b.queue(rows[i]);
  for (let i = 0; i < active.length; i++) b.session(active[i]);
  for (let i = 0; i < hosts.length; i++) b.host(hosts[i]);
  for (let i = 0; i < resource.length; i++) b.resource(resource[i]);
  return b.result();
}

/**
 * `previousQueues`: this router's queues from its last snapshot (see RouterQueues). The rows are taken as they
 * arrive when the client can hand them over one by one (printEach): then no print's rows are held until its end.
 * printEach lends each row (the next row reuses its object), so the builder copies out what it keeps.
 */
export async function readSnapshot(
  router: RouterClient,
  previousQueues?: readonly QueueOnRouter[],
): Promise<RouterSnapshot> {
  const b = new SnapshotBuilder(previousQueues);
  await Promise.all([
    eachRow(router, QUEUE_MENU, { proplist: QUEUE_PROPS }, b.queue),
    eachRow(router, ACTIVE_MENU, { proplist: ACTIVE_PROPS }, b.session),
    eachRow(router, HOST_MENU, { proplist: HOST_PROPS }, b.host),
    eachRow(router, RESOURCE_MENU, { proplist: ['uptime'] }, b.resource),
  ]);
  return b.result();
}
