/**
 * The hotspot's refusals of a login before any session starts (docs/routeros.md "Login refusals"): the host the
 * login is for, whether that device may log in, and the profile's shared-users. The exact texts: messages.ts.
 */
import {
  CATEGORY,
  LOGIN_ERR_ALREADY,
  LOGIN_ERR_BLOCKED,
  LOGIN_ERR_MAC_REQUIRED,
  LOGIN_ERR_WRONG_MAC,
  loginErrSharedUsers,
  loginErrUnknownHost,
  msgInvalidValue,
  Trap,
} from './messages';
import type { ActiveItem, HostItem, RouterState } from './state';
import { ipToInt, normaliseMac } from './values';

/** ✖ category of login refusals unknown; none is sent. */
export function loginTrap(message: string): Trap {
  return new Trap(message);
}

/** The type of the first enabled ip-binding for the host's MAC or address (`regular`, `bypassed`, `blocked`). */
export function bindingType(state: RouterState, host: HostItem): string | undefined {
  const b = state.bindings.list.find(
    (i) =>
      i.cfg.disabled !== 'true' &&
      ((i.cfg['mac-address'] && i.cfg['mac-address'] === host.mac) ||
        (i.cfg.address && i.cfg.address === host.ip)),
  );
  return b?.cfg.type;
}

/** The device may log in: not blocked by an ip-binding, not logged in already. */
export function checkDevice(state: RouterState, host: HostItem): void {
  if (bindingType(state, host) === 'blocked') throw loginTrap(LOGIN_ERR_BLOCKED);
  if (host.authorized) throw loginTrap(LOGIN_ERR_ALREADY);
}

/** The profile's `shared-users` leaves room for one more session of `name` (`mine` picks its sessions). */
export function checkShared(
  state: RouterState,
  name: string,
  profileName: string,
  mine: (a: ActiveItem) => boolean,
): void {
  const shared = state.profiles.byNameGet(profileName)?.cfg['shared-users'] ?? '1';
  const sessions = state.active.list.filter(mine).length;
  if (shared !== 'unlimited' && sessions >= Number(shared)) throw loginTrap(loginErrSharedUsers(name));
}

/** The host the login is for: found by IP, and it must have the MAC given. */
export function hostFor(state: RouterState, ip: string | undefined, macText: string | undefined): HostItem {
  if (macText === undefined || macText === '') throw new Trap(LOGIN_ERR_MAC_REQUIRED, CATEGORY.argument);
  const mac = normaliseMac(macText);
  if (mac === null) throw new Trap(msgInvalidValue('mac-address'), CATEGORY.argument);
  // ✖ A login without an IP: refused like a malformed one.
  if (ip === undefined || ipToInt(ip) === null) throw new Trap(msgInvalidValue('ip'), CATEGORY.argument);
  const host = state.hosts.list.find((h) => h.ip === ip);
  if (!host) throw loginTrap(loginErrUnknownHost(ip));
  if (host.mac !== mac) throw loginTrap(LOGIN_ERR_WRONG_MAC);
  return host;
}
