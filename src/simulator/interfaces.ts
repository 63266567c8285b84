/**
 * The machine's interfaces and the traffic through them, derived from the devices' traffic
 * (docs/routeros.md "Interfaces and traffic"): what a device uploads the hotspot's interface receives and the
 * WAN port (`ether1`) sends on; what it downloads comes in on the WAN port and goes out on the hotspot's
 * interface. On a RouterBOARD the phones are on its two radios, bridged into the hotspot's bridge. Nothing
 * else flows: the simulator has no traffic of its own.
 */
import { createHash } from 'node:crypto';
import { formatDateTime } from './log';
import { pppInterfaceName } from './ppp/names';
import type { PppActiveItem } from './ppp/tables';
import { type HostItem, type InterfaceCounters, type RouterState, zeroInterfaceCounters } from './state';
import { countInterface, PACKET_BYTES } from './counting';

/** The interface the simulated Internet is behind. */
const WAN = 'ether1';

interface InterfaceRates {
  rxBps: number;
  txBps: number;
  rxPps: number;
  txPps: number;
}

const typeOf = (name: string): string =>
  name.startsWith('bridge') ? 'bridge' : name.startsWith('wlan') ? 'wlan' : 'ether';

export class Interfaces {
  constructor(
    private readonly state: RouterState,
    private readonly now: () => number,
    private readonly timeZone: string,
  ) {}

  names(): string[] {
    return this.state.interfaces();
  }

  /** The hotspot's interface for a device, and on a RouterBOARD the radio it is on (one of two, by its MAC). */
  private lanOf(host: HostItem): string[] {
    const bridge = this.state.servers.byNameGet(host.server)?.cfg.interface || 'bridge-hotspot';
    if (this.state.license.board !== 'routerboard') return [bridge];
    const last = parseInt(host.mac.slice(-2), 16) || 0;
    return [bridge, last % 2 === 0 ? 'wlan2' : 'wlan1'];
  }

  private counters(name: string): InterfaceCounters {
    let c = this.state.interfaceCounters.get(name);
    if (!c) this.state.interfaceCounters.set(name, (c = zeroInterfaceCounters()));
    return c;
  }

  /** A device moved `up` and `down` bytes. */
  count(host: HostItem, up: number, down: number): void {
    this.countThrough(this.lanOf(host), up, down);
  }

  /** Bytes from (`up`) and to (`down`) the network behind the `lan` interfaces, through the WAN port. */
  countThrough(lan: readonly string[], up: number, down: number): void {
    for (const name of lan) countInterface(this.counters(name), up, down);
    countInterface(this.counters(WAN), down, up);
  }

  /** What `monitor-traffic` sees on `name` now: the sum of the devices' current rates through it. */
  rates(name: string): InterfaceRates {
    let up = 0;
    let down = 0;
    const t = this.now();
    for (const a of this.state.ppp.active.list) {
      if (a.rateUntil <= t) continue;
      if (name !== WAN && name !== a.serverInterface && name !== pppInterfaceName(a.name)) continue;
      up += a.rate[0];
      down += a.rate[1];
    }
    for (const host of this.state.hosts.list) {
      if (host.rateUntil <= t) continue;
      if (name !== WAN && !this.lanOf(host).includes(name)) continue;
      up += host.rate[0];
      down += host.rate[1];
    }
    const [rx, tx] = name === WAN ? [down, up] : [up, down];
    const pps = (bps: number): number => Math.ceil(bps / 8 / PACKET_BYTES);
    return { rxBps: rx, txBps: tx, rxPps: pps(rx), txPps: pps(tx) };
  }

  /** Total bits/s through the WAN port both ways (the CPU load follows it). */
  wanBps(): number {
    const r = this.rates(WAN);
    return r.rxBps + r.txBps;
  }

  resetCounters(name: string): void {
    const session = this.state.ppp.active.list.find((a) => pppInterfaceName(a.name) === name);
    if (session) session.counters = zeroInterfaceCounters();
    else this.state.interfaceCounters.set(name, zeroInterfaceCounters());
  }

  /** A reboot: every counter starts again from zero. */
  resetAll(): void {
    this.state.interfaceCounters.clear();
  }

  /** A stable MAC per machine and port, locally administered like a CHR's virtual NICs. */
  private interfaceMac(name: string): string {
    const h = createHash('sha256').update(`${this.state.license.id}/${name}`).digest();
    const hex = [0x02, h[0], h[1], h[2], h[3], h[4]].map((b) => b.toString(16).padStart(2, '0'));
    return hex.join(':').toUpperCase();
  }

  /**
   * `/interface/print` rows, `.id`s in list order, then the PPP sessions' dynamic interfaces; with `names`, only
   * those named (a print by names, without rendering the others).
   */
  rows(names?: ReadonlySet<string>): Record<string, string>[] {
    const sessions = this.state.ppp.active.list;
    const ppp = names ? sessions.filter((a) => names.has(pppInterfaceName(a.name))) : sessions;
    const ports = this.portRows();
    return [...(names ? ports.filter((r) => names.has(r.name)) : ports), ...ppp.map((a) => this.pppRow(a))];
  }

  /**
   * ◐ A PPPoE session's interface as RouterOS lists it: `<pppoe-USER>`, type `pppoe-in`, dynamic and running, its
   * counters from the router's side (rx = what the subscriber sent). ✖ Its MTU: 1480 (a PPPoE server's `auto`).
   */
  private pppRow(a: PppActiveItem): Record<string, string> {
    return {
      '.id': a.interfaceId,
      name: pppInterfaceName(a.name),
      type: 'pppoe-in',
      mtu: '1480',
      'actual-mtu': '1480',
      ...this.linkFields(a.loginAt, a.counters),
      dynamic: 'true',
      running: 'true',
      disabled: 'false',
    };
  }

  /** An interface's link and traffic fields: up since `upAt`, never down, its counters, no drops or errors. */
  private linkFields(upAt: number, c: InterfaceCounters) {
    return {
      'last-link-up-time': formatDateTime(upAt, this.timeZone),
      'link-downs': '0',
      'rx-byte': String(c.rxByte),
      'tx-byte': String(c.txByte),
      'rx-packet': String(c.rxPacket),
      'tx-packet': String(c.txPacket),
      'rx-drop': '0',
      'tx-drop': '0',
      'tx-queue-drop': '0',
      'rx-error': '0',
      'tx-error': '0',
    };
  }

  private portRows(): Record<string, string>[] {
    return this.names().map((name, i) => {
      const type = typeOf(name);
      const row: Record<string, string> = { '.id': `*${(i + 1).toString(16).toUpperCase()}`, name };
      if (type !== 'bridge') row['default-name'] = name;
      return Object.assign(row, {
        type,
        mtu: '1500',
        'actual-mtu': '1500',
        'mac-address': this.interfaceMac(name),
        ...this.linkFields(this.state.bootAt, this.counters(name)),
        running: 'true',
        disabled: 'false',
      });
    });
  }
}
