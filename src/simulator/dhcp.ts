/**
 * The hotspot network's DHCP server (`dhcp1`, as `/ip hotspot setup` names it): every device the simulator puts
 * on the network got its address from it, so each has a dynamic lease, and the log says so
 * (docs/routeros.md "DHCP leases").
 */
import type { RouterLog } from './log';
import type { LeaseItem, RouterState } from './state';

/** ✖ The DHCP server `/ip hotspot setup` makes: its name and its lease time (1 hour). */
const DHCP_SERVER = 'dhcp1';
const LEASE_SECONDS = 3600;

export class Dhcp {
  private readonly byMac = new Map<string, LeaseItem>();

  constructor(
    private readonly state: RouterState,
    private readonly now: () => number,
    private readonly log: RouterLog,
  ) {
    state.leases.onChange((kind, lease) => {
      if (kind === 'remove') this.byMac.delete(lease.mac);
      else this.byMac.set(lease.mac, lease);
    });
  }

  lease(mac: string): LeaseItem | undefined {
    return this.byMac.get(mac);
  }

  /**
   * The device holds `ip` (a new lease, or its lease moved to another address). The same device asking again for
   * the address it holds changes nothing.
   */
  assign(mac: string, ip: string, hostName?: string): void {
    const held = this.byMac.get(mac);
    if (held && held.ip === ip) return;
    if (held) this.release(held);
    const lease: LeaseItem = {
      id: this.state.leases.newId(),
      cfg: {},
      dynamic: true,
      mac,
      ip,
      server: DHCP_SERVER,
      hostName,
      assignedAt: this.now(),
    };
    this.state.leases.insert(lease);
    this.log.write('dhcp,info', `${DHCP_SERVER} assigned ${ip} for ${mac}${hostName ? ` ${hostName}` : ''}`);
  }

  /** The device left the network: its lease is freed (◐ logged as `deassigned`). */
  releaseMac(mac: string): void {
    const held = this.byMac.get(mac);
    if (held) this.release(held);
  }

  private release(lease: LeaseItem): void {
    this.state.leases.remove(lease);
    const name = lease.hostName ? ` ${lease.hostName}` : '';
    this.log.write('dhcp,info', `${lease.server} deassigned ${lease.ip} for ${lease.mac}${name}`);
  }

  /**
   * Seconds until the lease expires: a client renews half-way through (DHCP's T1), so the time left runs from
   * the lease time down to half of it and back up.
   */
  expiresAfter(lease: LeaseItem): number {
    const held = Math.max(0, (this.now() - lease.assignedAt) / 1000);
    return LEASE_SECONDS - (held % (LEASE_SECONDS / 2));
  }
}
