/**
 * Simulated traffic. A device's bytes go through the FIRST enabled simple queue whose target contains its IP
 * (strict first-match, docs/routeros.md "Order"), capped by that queue's max-limit so a limit visibly limits.
 * Upload = from the device, download = to the device (docs/routeros.md "Direction").
 */
import type { Interfaces } from './interfaces';
import type { Hotspot } from './sessions';
import type { ActiveItem, Counters, QueueItem, RouterState } from './state';
import { ipToInt, prefixContains, targetContainsAddr, targetPrefixes, type Prefix } from './values';

/** Average packet size used to derive packet counters from bytes. */
const PACKET_BYTES = 1500;

export interface Transfer {
  up: number;
  down: number;
}

const packets = (bytes: number): number => Math.ceil(bytes / PACKET_BYTES);

function addCounters(c: Counters, up: number, down: number): void {
  // Hotspot "in" = received from the user (upload), "out" = sent to the user
  // (docs/routeros.md "Hotspot users").
  c.bytesIn += up;
  c.bytesOut += down;
  c.packetsIn += packets(up);
  c.packetsOut += packets(down);
}

export class Traffic {
  constructor(
    private readonly state: RouterState,
    private readonly hotspot: Hotspot,
    private readonly now: () => number,
    private readonly interfaces: Interfaces,
  ) {}

  firstMatchingQueue(ip: string): QueueItem | undefined {
    const addr = ipToInt(ip);
    if (addr === null) return undefined;
    return this.state.queues.list.find(
      (q) => q.cfg.disabled !== 'true' && targetContainsAddr(q.cfg.target, addr),
    );
  }

  /**
   * The first matching queue of any IP from ONE pass over the queues (as they are now): a `/32` target is
   * a map entry, a wider one is checked in router order before the exact match it precedes. Traffic for N
   * devices so costs N + queues instead of N × queues (10,000 devices: 10^8 target checks per round).
   */
  private firstMatchIndex(): (ip: string) => QueueItem | undefined {
    const exact = new Map<number, { pos: number; queue: QueueItem }>();
    const wide: Array<{ pos: number; prefix: Prefix; queue: QueueItem }> = [];
    const list = this.state.queues.list;
    for (let pos = 0; pos < list.length; pos++) {
      const queue = list[pos];
      if (queue.cfg.disabled === 'true' || !queue.cfg.target) continue;
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
   * Traffic for many devices at once, each exactly as add() would move it in that order; the queues are
   * matched from one index and the sessions found by MAC from one map (the benchmarks' rounds of 10,000).
   */
  addMany(list: ReadonlyArray<{ mac: string } & Transfer>, seconds = 1): Transfer[] {
    const firstMatch = this.firstMatchIndex();
    const byMac = new Map<string, ActiveItem[]>();
    for (const a of this.state.active.list) {
      const l = byMac.get(a.mac);
      if (l) l.push(a);
      else byMac.set(a.mac, [a]);
    }
    return list.map((d) =>
      this.add(d.mac, d, seconds, {
        queue: firstMatch,
        // A session logged out earlier in the batch (a limit reached) is gone from the menu.
        sessions: (mac) => (byMac.get(mac) ?? []).filter((a) => this.state.active.get(a.id) === a),
      }),
    );
  }

  /** Move bytes for a device; returns what was actually transferred after the queue's limit. */
  add(
    mac: string,
    want: Transfer,
    seconds = 1,
    find?: { queue(ip: string): QueueItem | undefined; sessions(mac: string): ActiveItem[] },
  ): Transfer {
    const host = this.hotspot.host(mac);
    const secs = seconds > 0 ? seconds : 1;
    const queue = find ? find.queue(host.ip) : this.firstMatchingQueue(host.ip);
    let up = Math.max(0, Math.floor(want.up));
    let down = Math.max(0, Math.floor(want.down));
    if (queue) {
      const [maxUp, maxDown] = queue.cfg['max-limit'].split('/').map(Number);
      if (maxUp > 0) up = Math.min(up, Math.floor((maxUp * secs) / 8));
      if (maxDown > 0) down = Math.min(down, Math.floor((maxDown * secs) / 8));
      queue.bytes = [queue.bytes[0] + up, queue.bytes[1] + down];
      queue.packets = [queue.packets[0] + packets(up), queue.packets[1] + packets(down)];
      queue.rate = [Math.round((up * 8) / secs), Math.round((down * 8) / secs)];
      queue.packetRate = [Math.round(packets(up) / secs), Math.round(packets(down) / secs)];
      queue.lastTrafficAt = this.now();
      this.state.queues.emit('set', queue);
    }
    addCounters(host.counters, up, down);
    if (up > 0 || down > 0) host.lastSeenAt = this.now();
    // The device's rate counts as current for the interval it covers (at least the demo's step and a little
    // more, so a monitor between two steps does not read zero).
    host.rate = [Math.round((up * 8) / secs), Math.round((down * 8) / secs)];
    host.rateUntil = this.now() + Math.max(secs, 2) * 1000;
    this.interfaces.count(host, up, down);
    const sessions = find
      ? find.sessions(host.mac)
      : this.state.active.list.filter((a) => a.mac === host.mac);
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

  /** Gentle random browsing for every logged-in or bypassed device. */
  demoStep(seconds: number, random: () => number = Math.random): void {
    for (const host of [...this.state.hosts.list]) {
      if (!host.authorized && !this.hotspot.isBypassed(host)) continue;
      if (!this.state.hostsByMac.has(host.mac)) continue;
      // Mostly downloads, like browsing and video: up to ~2 Mbit/s down, ~300 kbit/s up.
      const down = Math.floor(random() * 250_000 * seconds);
      const up = Math.floor(random() * 40_000 * seconds);
      this.add(host.mac, { up, down }, seconds);
    }
  }
}
