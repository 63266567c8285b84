/**
 * What the router says about itself and a hotspot device in every RADIUS request (docs/routeros.md "RADIUS",
 * "What the router sends"): the same set in the Access-Request and in each Accounting-Request.
 */
import { isIP } from 'node:net';
import { serverProfileValue, type RouterState } from '../state';
import type { Attribute } from './codec';

/** The device and hotspot server a request is about. */
export interface DeviceContext {
  user: string;
  mac: string;
  ip: string;
  /** The hotspot server's name (`/ip/hotspot`). */
  server: string;
  acctSessionId: string;
}

/**
 * The MAC in a profile's `radius-mac-format` (◐ the seven formats RouterOS offers; the X's are upper-case hex
 * digits, as RouterOS sends MACs in capitals).
 */
function formatMac(mac: string, format: string): string {
  const hex = mac.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
  let i = 0;
  return format.replace(/X/g, () => hex[i++] ?? '');
}

/** ✔ The server profile of a hotspot server (its `profile`, `default` when it names none that exists). */
export function serverProfileOf(state: RouterState, server: string): Record<string, string> {
  const name = state.servers.byNameGet(server)?.cfg.profile ?? 'default';
  return (state.serverProfiles.byNameGet(name) ?? state.serverProfiles.byNameGet('default'))?.cfg ?? {};
}

/** NAS-Port-Type from a profile's `nas-port-type`: the named ones by their RFC names, or the number given. */
function nasPortType(value: string): string | number {
  const named: Record<string, string> = {
    ethernet: 'Ethernet',
    cable: 'Cable',
    'wireless-802.11': 'Wireless-802.11',
  };
  return named[value] ?? Number(value);
}

/**
 * ✖ The address the router sends as NAS-IP-Address when a `/radius` entry has no `src-address`: a router sends
 * the address of the interface the request leaves by; the simulator sends from the machine it runs on, so it
 * names the address it listens on (127.0.0.1 unless told otherwise).
 */
export function nasAddress(entry: Record<string, string>, listenHost: string): string {
  const src = entry['src-address'];
  if (src && src !== '0.0.0.0' && isIP(src) === 4) return src;
  return isIP(listenHost) === 4 && listenHost !== '0.0.0.0' ? listenHost : '127.0.0.1';
}

/**
 * The attributes every request about a hotspot device carries, for the `/radius` entry it goes to
 * (✔ MikroTik's RADIUS client manual: what a hotspot Access-Request holds; ◐ Service-Type Login-User, seen in
 * published hotspot requests). `Acct-Session-Id` and NAS-Port are the session's id, as the manual says of both.
 */
export function deviceAttributes(
  state: RouterState,
  device: DeviceContext,
  entry: Record<string, string>,
  listenHost: string,
): Attribute[] {
  const profile = serverProfileOf(state, device.server);
  const iface = state.servers.byNameGet(device.server)?.cfg.interface;
  const out: Attribute[] = [
    ['User-Name', device.user],
    ['NAS-IP-Address', nasAddress(entry, listenHost)],
    ['NAS-Identifier', state.identity],
    ['NAS-Port', parseInt(device.acctSessionId, 16)],
    ['NAS-Port-Type', nasPortType(serverProfileValue(profile, 'nas-port-type'))],
    ['Service-Type', 'Login-User'],
    ['Calling-Station-Id', formatMac(device.mac, serverProfileValue(profile, 'radius-mac-format'))],
    ['Called-Station-Id', device.server],
    ['Framed-IP-Address', device.ip],
    ['Mikrotik-Host-IP', device.ip],
    ['Acct-Session-Id', device.acctSessionId],
  ];
  if (iface) out.push(['NAS-Port-Id', iface]);
  if (entry.realm) out.push(['Mikrotik-Realm', entry.realm]);
  return out;
}
