/** Every menu the simulator answers, built on the router's parts (each menu's own file says what it models). */
import type { Dhcp } from '../dhcp';
import type { HotspotLogin } from '../hotspot-login';
import type { Interfaces } from '../interfaces';
import type { RouterLog } from '../log';
import type { Hotspot } from '../sessions';
import { addressListMenu, poolMenu, poolUsedMenu } from '../ppp/ip-menus';
import { ipAddressMenu } from '../ppp/ip-address-menu';
import { pppAaaMenu, pppActiveMenu, pppProfileMenu, pppSecretMenu } from '../ppp/menus';
import { pppoeServerMenu } from '../ppp/pppoe-server-menu';
import type { PppSessions } from '../ppp/sessions';
import type { Menu, SimCore } from './common';
import { leaseMenu } from './dhcp';
import { filterMenu } from './firewall';
import { natMenu } from './nat';
import { bindingMenu, profileMenu, serverMenu, serverProfileMenu, userMenu } from './hotspot';
import { activeMenu, cookieMenu, hostMenu } from './hotspot-runtime';
import { interfaceMenu } from './interface';
import { logMenu } from './log';
import { queueMenu } from './queue';
import { fetchMenu, fileMenu, serviceMenu, walledGardenIpMenu, walledGardenMenu } from './setup';
import { radiusIncomingMenu, radiusMenu, type RadiusCounterSource } from './radius';
import { healthMenu, identityMenu, licenseMenu, resourceMenu, systemMenu } from './system';

interface RouterParts {
  hotspot: Hotspot;
  interfaces: Interfaces;
  log: RouterLog;
  dhcp: Dhcp;
  /** `/system/reboot`: the router goes away and comes back. */
  reboot(): void;
  /** Hotspot logins, local or through RADIUS. */
  login: HotspotLogin;
  radiusCounters: RadiusCounterSource;
  /** `/radius/incoming` changed: the listener follows. */
  radiusIncomingChanged(): void;
  /** How long after `/tool/fetch`'s `!done` its file appears (0: before it). */
  fetchFileDelayMs(): number;
  /** Whether `/ip/hotspot/active` rows carry `limit-bytes-total`. */
  sessionByteLimitsPrinted(): boolean;
  /** PPPoE sessions (`/ppp/active/remove` ends one). */
  ppp: PppSessions;
}

export function allMenus(core: SimCore, parts: RouterParts): Menu[] {
  // ✔ `last-modified` as RouterOS 7.16+ prints it: `2025-01-31 13:45:00` (the router's clock, UTC here).
  const stamp = (): string => new Date(core.now()).toISOString().slice(0, 19).replace('T', ' ');
  return [
    queueMenu(core),
    serverMenu(core),
    profileMenu(core),
    serverProfileMenu(core),
    userMenu(core),
    bindingMenu(core),
    activeMenu(core, parts.hotspot, parts.login, parts.sessionByteLimitsPrinted),
    hostMenu(core, parts.hotspot),
    cookieMenu(core),
    leaseMenu(core, parts.dhcp),
    resourceMenu(core, parts.interfaces),
    healthMenu(core, parts.interfaces),
    identityMenu(core),
    licenseMenu(core),
    systemMenu(parts.reboot),
    filterMenu(core),
    natMenu(core),
    interfaceMenu(parts.interfaces),
    logMenu(parts.log),
    radiusMenu(core, parts.radiusCounters),
    radiusIncomingMenu(core, parts.radiusIncomingChanged),
    walledGardenMenu(core),
    walledGardenIpMenu(core),
    serviceMenu(core),
    fileMenu(core, stamp),
    fetchMenu(core, stamp, parts.fetchFileDelayMs),
    pppProfileMenu(core),
    pppSecretMenu(core),
    pppActiveMenu(core, parts.ppp),
    pppAaaMenu(core),
    pppoeServerMenu(core),
    poolMenu(core),
    poolUsedMenu(core),
    addressListMenu(core),
    ipAddressMenu(core),
  ];
}
