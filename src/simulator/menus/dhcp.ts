/**
 * `/ip/dhcp-server/lease`: the hotspot network's leases, one dynamic lease per device the DHCP server gave an
 * address to (docs/routeros.md "DHCP leases"). Read-only here: the simulator models no static leases.
 */
import type { Dhcp } from '../dhcp';
import type { Row } from '../query';
import type { LeaseItem, RouterState } from '../state';
import { formatSeconds } from '../values';
import { type Menu, type SimCore, tableMenu } from './common';

function render(core: SimCore, dhcp: Dhcp, lease: LeaseItem): Row {
  const host = core.state.hostsByMac.get(lease.mac);
  const lastSeen = host ? (core.now() - host.lastSeenAt) / 1000 : (core.now() - lease.assignedAt) / 1000;
  const row: Row = {
    '.id': lease.id,
    address: lease.ip,
    'mac-address': lease.mac,
    'address-lists': '',
    server: lease.server,
    'dhcp-option': '',
    status: 'bound',
    'expires-after': formatSeconds(dhcp.expiresAfter(lease)),
    'last-seen': formatSeconds(lastSeen),
    'active-address': lease.ip,
    'active-mac-address': lease.mac,
    'active-server': lease.server,
  };
  // Only what the device sent: a phone that gave no name has no `host-name`.
  if (lease.hostName) row['host-name'] = lease.hostName;
  return Object.assign(row, { radius: 'false', dynamic: 'true', blocked: 'false', disabled: 'false' });
}

export function leaseMenu(core: SimCore, dhcp: Dhcp): Menu {
  const leases: RouterState['leases'] = core.state.leases;
  return tableMenu('/ip/dhcp-server/lease', leases, (l) => render(core, dhcp, l), {});
}
