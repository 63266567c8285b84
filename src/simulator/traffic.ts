/**
 * Simulated traffic. A device's bytes go through the FIRST enabled simple queue whose target contains its IP
 * (strict first-match, docs/routeros.md "Order"), capped by that queue's max-limit so a limit visibly limits.
 * Upload = from the device, download = to the device (docs/routeros.md "Direction").
 */
import type { Interfaces } from './interfaces';
import type { Hotspot } from './sessions';
import { countQueue, packets } from './counting';
import type { ActiveItem, Counters, HostItem, QueueItem, RouterState } from './state';
import { ipToInt, prefixContains, targetContainsAddr, targetPrefixes, type Prefix } from './values';

export interface Transfer {
  up: number;
  down: number;
}

function addCounters(c: Counters, up: number, down: number): void {
  // Hotspot "in" = received from the user (upload), "out" = sent to the user
  // (docs/routeros.md "Hotspot users").
  c.bytesIn += up;
  c.bytesOut += down;
  c.packetsIn += packets(up);
  c.packetsOut += packets(down);
}

/** One device's traffic in a round: its queue (leaf), and what it may move after its own limit. */
interface Flow {
  host: HostItem;
  queue: QueueItem | undefined;
  /** Its queue's parents, nearest first. */
  parents: QueueItem[];
  up: number;
  down: number;
}

const pairOf = (text: string | undefined): [number, number] => {
  const [a, b = a] = (text ?? '0/0').split('/').map(Number);
  return [Number.isFinite(a) ? a : 0, Number.isFinite(b) ? b : 0];
};

/**
 * Max-min fair shares of `capacity` among `demands`, served by priority (lower number first, as HTB does among
 * siblings): each level gets what the ones before left, split so nobody gets more than they asked and the rest
 * is shared equally.
 */
function shareCapacity(
  demands: ReadonlyArray<{ want: number; priority: number }>,
  capacity: number,
): number[] {
  const out = demands.map(() => 0);
  let left = capacity;
  const levels = [...new Set(demands.map((d) => d.priority))].sort((a, b) => a - b);
  for (const level of levels) {
    let open = demands.map((_d, i) => i).filter((i) => demands[i].priority === level && demands[i].want > 0);
    while (open.length > 0 && left > 0) {
      const share = Math.floor(left / open.length);
      if (share === 0) break;
      const next: number[] = [];
      for (const i of open) {
        const give = Math.min(share, demands[i].want - out[i]);
        out[i] += give;
        left -= give;
        if (out[i] < demands[i].want) next.push(i);
      }
      open = next;
    }
  }
  return out;
}

export class Traffic {
  constructor(
    private readonly state: RouterState,
    private readonly hotspot: Hotspot,
    private readonly now: () => number,
    private readonly interfaces: Interfaces,
  ) {}

  /** Queues that are some enabled queue's parent: HTB inner classes, which match no packet themselves. */
  private parents(): Map<string, QueueItem> {
    const byName = new Map<string, QueueItem>();
    for (const q of this.state.queues.list) byName.set(q.cfg.name, q);
    const inner = new Map<string, QueueItem>();
    for (const q of this.state.queues.list) {
      const p = q.cfg.parent;
      if (q.cfg.disabled === 'true' || !p || p === 'none') continue;
      const parent = byName.get(p);
      if (parent) inner.set(p, parent);
    }
    return inner;
  }

  /** The first enabled leaf queue (one with no children) whose target contains the address. */
  firstMatchingQueue(ip: string): QueueItem | undefined {
    const addr = ipToInt(ip);
    if (addr === null) return undefined;
    const inner = this.parents();
    return this.state.queues.list.find(
      (q) => q.cfg.disabled !== 'true' && !inner.has(q.cfg.name) && targetContainsAddr(q.cfg.target, addr),
    );
  }

  /**
   * The first matching leaf queue of any IP from ONE pass over the queues (as they are now): a `/32` target is
   * a map entry, a wider one is checked in router order before the exact match it precedes. Traffic for N
   * devices so costs N + queues instead of N × queues (10,000 devices: 10^8 target checks per round).
   */
  private firstMatchIndex(): (ip: string) => QueueItem | undefined {
    const exact = new Map<number, { pos: number; queue: QueueItem }>();
    const wide: Array<{ pos: number; prefix: Prefix; queue: QueueItem }> = [];
    const list = this.state.queues.list;
    const inner = this.parents();
    for (let pos = 0; pos < list.length; pos++) {
      const queue = list[pos];
      if (queue.cfg.disabled === 'true' || !queue.cfg.target || inner.has(queue.cfg.name)) continue;
      for (const prefix of targetPrefixes(queue.cfg.target)) {
        if (prefix.bits < 32) wide.push({ pos, prefix, queue });
        else if (!exact.has(prefix.network)) exact.set(prefix.network, { pos, queue });
      }
    }
    return (ip) => {
      const addr = ipToInt(ip);
      if (addr === null) return undefined;
      const hit = exact.get(addr);
      for (const w of wide) {
        if (hit && w.pos >= hit.pos) break;
        if (prefixContains(w.prefix, addr)) return w.queue;
      }
      return hit?.queue;
    };
  }

  /**
   * Traffic for many devices at once, as one round of `seconds`: each device's bytes go through the first leaf
   * queue whose target covers it, capped by that queue's max-limit; devices under one parent then share the
   * parent's max-limit (higher priority first, fairly within a priority), and the parent counts what its children
   * moved. Returns what each device moved.
   */
  addMany(list: ReadonlyArray<{ mac: string } & Transfer>, seconds = 1): Transfer[] {
    const secs = seconds > 0 ? seconds : 1;
    const firstMatch = this.firstMatchIndex();
    const byMac = new Map<string, ActiveItem[]>();
    for (const a of this.state.active.list) {
      const l = byMac.get(a.mac);
      if (l) l.push(a);
      else byMac.set(a.mac, [a]);
    }
    const live = (mac: string) => (byMac.get(mac) ?? []).filter((a) => this.state.active.get(a.id) === a);
    const flows = list.map((d) => this.flow(d.mac, d, secs, firstMatch, live(d.mac)));
    this.shareParents(flows, secs);
    const round = new Set<QueueItem>();
    // A session logged out earlier in the round (a limit reached) is gone from the menu.
    return flows.map((f) => this.commit(f, secs, live(f.host.mac), round));
  }

  /** Move bytes for a device; returns what was actually transferred after the queues' limits. */
  add(mac: string, want: Transfer, seconds = 1): Transfer {
    return this.addMany([{ mac, ...want }], seconds)[0];
  }

  /**
   * The bytes the device's sessions may still move, both ways together: the tightest of each local session's
   * `limit-bytes-total` as it took it at login (the user's limit minus its ended sessions' bytes then) and a
   * RADIUS session's `Mikrotik-Total-Limit`. The router stops a session at its limit, not after it (Infinity: no
   * limit). A user's limit changed while the session runs does not reach it (RouterOS takes it at login).
   */
  private bytesAllowed(sessions: readonly ActiveItem[]): number {
    let allowed = Infinity;
    for (const s of sessions) {
      const used = s.counters.bytesIn + s.counters.bytesOut;
      const limit = s.fixed?.bytesTotal ?? s.radius?.limitBytesTotal ?? 0;
      if (limit > 0) allowed = Math.min(allowed, limit - used);
    }
    return Math.max(0, allowed);
  }

  private flow(
    mac: string,
    want: Transfer,
    secs: number,
    match: (ip: string) => QueueItem | undefined,
    sessions: readonly ActiveItem[],
  ): Flow {
    const host = this.hotspot.host(mac);
    const queue = match(host.ip);
    let up = Math.max(0, Math.floor(want.up));
    let down = Math.max(0, Math.floor(want.down));
    const allowed = this.bytesAllowed(sessions);
    if (up + down > allowed) {
      // Cut at the byte: what is left goes to each direction in proportion.
      const d = Math.floor((down * allowed) / (up + down));
      [up, down] = [allowed - d, d];
    }
    if (queue) {
      const [maxUp, maxDown] = pairOf(queue.cfg['max-limit']);
      if (maxUp > 0) up = Math.min(up, Math.floor((maxUp * secs) / 8));
      if (maxDown > 0) down = Math.min(down, Math.floor((maxDown * secs) / 8));
    }
    return { host, queue, parents: [], up, down };
  }

  /** The chain of parents of a queue, nearest first (a loop, which RouterOS would refuse, ends the chain). */
  private ancestors(q: QueueItem, byName: Map<string, QueueItem>): QueueItem[] {
    const chain: QueueItem[] = [];
    let p = q.cfg.parent;
    while (p && p !== 'none') {
      const parent = byName.get(p);
      if (!parent || chain.includes(parent) || parent === q) break;
      chain.push(parent);
      p = parent.cfg.parent;
    }
    return chain;
  }

  /** Children share each parent's max-limit, deepest parents first. */
  private shareParents(flows: Flow[], secs: number): void {
    const byName = new Map<string, QueueItem>();
    for (const q of this.state.queues.list) byName.set(q.cfg.name, q);
    const chains = flows.map((f) => (f.parents = f.queue ? this.ancestors(f.queue, byName) : []));
    const depth = Math.max(0, ...chains.map((c) => c.length));
    for (let level = 0; level < depth; level++) {
      const groups = new Map<QueueItem, number[]>();
      chains.forEach((c, i) => {
        const parent = c[level];
        if (!parent || parent.cfg.disabled === 'true') return;
        const g = groups.get(parent);
        if (g) g.push(i);
        else groups.set(parent, [i]);
      });
      for (const [parent, members] of groups) {
        const [maxUp, maxDown] = pairOf(parent.cfg['max-limit']);
        for (const [dir, max] of [
          [0, maxUp],
          [1, maxDown],
        ] as const) {
          if (max <= 0) continue;
          const key = dir === 0 ? 'up' : 'down';
          const shares = shareCapacity(
            members.map((i) => ({
              want: flows[i][key],
              // The child's priority among its siblings: its own at the first level, its ancestor's above.
              priority:
                pairOf(level === 0 ? flows[i].queue?.cfg.priority : chains[i][level - 1].cfg.priority)[dir] ||
                8,
            })),
            Math.floor((max * secs) / 8),
          );
          members.forEach((i, k) => (flows[i][key] = shares[k]));
        }
      }
    }
  }

  private count(queue: QueueItem, up: number, down: number, secs: number, sum = false): void {
    countQueue(queue, up, down, secs, this.now(), sum);
    this.state.queues.emit('set', queue);
  }

  private commit(f: Flow, secs: number, sessions: ActiveItem[], round: Set<QueueItem>): Transfer {
    const { host, queue, up, down } = f;
    if (queue) {
      this.count(queue, up, down, secs);
      // A parent counts its children's bytes (HTB charges a child's tokens to its parents too); its rate is
      // the round's sum.
      for (const parent of f.parents) {
        this.count(parent, up, down, secs, round.has(parent));
        round.add(parent);
      }
    }
    addCounters(host.counters, up, down);
    if (up > 0 || down > 0) host.lastSeenAt = this.now();
    // The device's rate counts as current for the interval it covers (at least the demo's step and a little
    // more, so a monitor between two steps does not read zero).
    host.rate = [Math.round((up * 8) / secs), Math.round((down * 8) / secs)];
    host.rateUntil = this.now() + Math.max(secs, 2) * 1000;
    this.interfaces.count(host, up, down);
    for (const a of sessions) addCounters(a.counters, up, down);
    this.hotspot.enforceLimits(sessions);
    return { up, down };
  }

  /** Rates fall to 0 for queues that saw no traffic during the last `seconds`. */
  decayRates(seconds: number): void {
    const cutoff = this.now() - seconds * 1000;
    for (const q of this.state.queues.list) {
      if (q.lastTrafficAt < cutoff && (q.rate[0] || q.rate[1] || q.packetRate[0] || q.packetRate[1])) {
        q.rate = [0, 0];
        q.packetRate = [0, 0];
        this.state.queues.emit('set', q);
      }
    }
  }

  /** Gentle random browsing for every logged-in or bypassed device, as one round (shared plans share it). */
  demoStep(seconds: number, random: () => number = Math.random): void {
    const round: Array<{ mac: string } & Transfer> = [];
    for (const host of [...this.state.hosts.list]) {
      if (!host.authorized && !this.hotspot.isBypassed(host)) continue;
      if (!this.state.hostsByMac.has(host.mac)) continue;
      // Mostly downloads, like browsing and video: up to ~2 Mbit/s down, ~300 kbit/s up.
      const down = Math.floor(random() * 250_000 * seconds);
      const up = Math.floor(random() * 40_000 * seconds);
      round.push({ mac: host.mac, up, down });
    }
    if (round.length > 0) this.addMany(round, seconds);
  }
}
