/** What a RouterSimulator is told about the machine it plays and how it answers. */
import type { Logger } from './connection';
import type { CoaRateMode } from './radius/incoming';
import type { TagPosition } from './request';
import type { BoardKind } from './license';

export interface RouterSimulatorOptions {
  host?: string;
  port?: number;
  users?: { name: string; password: string }[];
  loginMode?: 'plain' | 'challenge';
  version?: string;
  emptyReplies?: boolean;
  tagPosition?: TagPosition;
  identity?: string;
  stateFile?: string;
  clock?: () => number;
  latencyMs?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  logger?: Logger;
  /** The kind of machine: `chr` (default; `/system/license` shows `system-id`, `level`) or `routerboard`. */
  board?: BoardKind;
  /**
   * The machine's licence id (`system-id` on a CHR, `software-id` on a RouterBOARD). Default: the one in the
   * state file, else a fresh random one, so two simulators are two different routers unless told otherwise.
   */
  licenseId?: string;
  /**
   * The DNS name typed at `/ip hotspot setup` ("DNS name of local hotspot server"): the setup's server profile
   * `hsprof1` has it as `dns-name`. Default empty (the question skipped). A state file's own profiles win.
   */
  hotspotDnsName?: string;
  /** The router's time zone (IANA name), for the times its log prints. Default UTC. */
  timeZone?: string;
  /**
   * How long the router is away after `/system/reboot` over the API, in ms. Default REBOOT_DOWN_MS; a real
   * router takes half a minute to a minute.
   */
  rebootDownMs?: number;
  /**
   * The UDP port of the router's CoA/Disconnect listener, instead of `/radius/incoming`'s `port` (3799 by
   * default): 0 takes any free port; `radiusIncomingPort` on the simulator tells which. It listens only while
   * `/radius/incoming` has `accept=yes`, as a router does.
   */
  radiusIncomingPort?: number;
  /**
   * Serve the hotspot's HTTP login (`/login`, `/status`, `/logout`, as a phone reaches it from an external
   * portal) on this TCP port; 0 takes any free port (`hotspotHttpPort` on the simulator tells which). Off when
   * not given.
   */
  hotspotHttpPort?: number;
  /** How the router answers a CoA that changes a session's rate: `apply` (default), `nak` or `silent`. */
  coaRateChange?: CoaRateMode;
}

/** Away after an API reboot unless told otherwise: long enough to watch the controller reconnect. */
export const REBOOT_DOWN_MS = 8000;

/**
 * `7.18.2` ≥ `7.18`? Used for the `!empty` default (introduced in RouterOS 7.18,
 * docs/routeros.md "Reply words").
 */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((n) => parseInt(n, 10) || 0);
  return a > major || (a === major && b >= minor);
}

/** Fixed demo devices: 02:50:00:00:00:01.. at 10.5.50.11.. (locally administered MACs). */
export function demoDevice(n: number): { mac: string; ip: string } {
  const hex = n.toString(16).toUpperCase().padStart(4, '0');
  return { mac: `02:50:00:00:${hex.slice(0, 2)}:${hex.slice(2)}`, ip: `10.5.50.${10 + n}` };
}
