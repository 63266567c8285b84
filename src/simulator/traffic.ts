/**
 * Simulated traffic. A device's bytes go through the FIRST enabled simple queue whose target contains its IP
 * (strict first-match, docs/routeros.md "Order"), capped by that queue's max-limit so a limit visibly limits.
 * Upload = from the device, download = to the device (docs/routeros.md "Direction").
 */
import type { Hotspot } from './sessions';
import type { Counters, QueueItem, RouterState } from './state';
import { ipToInt, targetContainsAddr } from './values';

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
  ) {}

  firstMatchingQueue(ip: string): QueueItem | undefined {
    const addr = ipToInt(ip);
    if (addr === null) return undefined;
    return this.state.queues.list.find(
      (q) => q.cfg.disabled !== 'true' && targetContainsAddr(q.cfg.target, addr),
    );
  }

  /** Move bytes for a device; returns what was actually transferred after the queue's limit. */
  add(mac: string, want: Transfer, seconds = 1): Transfer {
    const host = this.hotspot.host(mac);
    const secs = seconds > 0 ? seconds : 1;
    const queue = this.firstMatchingQueue(host.ip);
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
    const sessions = this.state.active.list.filter((a) => a.mac === host.mac);
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
