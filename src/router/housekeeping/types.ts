/** What the housekeeping reads return (index.ts): plain typed objects, as their readers build them (reads.ts). */
import type * as reads from './reads';

export type HotspotHost = ReturnType<typeof reads.HOSTS.from>;
export type HotspotSession = ReturnType<typeof reads.SESSIONS.from>;
export type IpBinding = ReturnType<typeof reads.BINDINGS.from>;
export type HotspotCookie = ReturnType<typeof reads.COOKIES.from>;
export type DhcpLease = ReturnType<typeof reads.LEASES.from>;
export type LogLine = ReturnType<typeof reads.LOG.from>;
export type RouterResources = ReturnType<typeof reads.resourcesFrom>;
/** One reading of `/system/health` (RouterOS 7: a row per sensor). */
export type HealthSensor = NonNullable<ReturnType<typeof reads.HEALTH.from>>;
export type RouterInterface = ReturnType<typeof reads.INTERFACES.from>;
/** Bits and packets per second through an interface now, from the router's side (rx = into the router). */
export type InterfaceTraffic = ReturnType<typeof reads.trafficFrom>;

export interface RouterHousekeeping {
  hosts(): Promise<HotspotHost[]>;
  sessions(): Promise<HotspotSession[]>;
  bindings(): Promise<IpBinding[]>;
  cookies(): Promise<HotspotCookie[]>;
  leases(): Promise<DhcpLease[]>;
  /** The router's log, oldest first (as it keeps it). */
  log(): Promise<LogLine[]>;
  resources(): Promise<RouterResources>;
  /** Its sensors; none on machines without any (a CHR). */
  health(): Promise<HealthSensor[]>;
  interfaces(): Promise<RouterInterface[]>;
  /** One sample of the traffic through these interfaces (`monitor-traffic … once`). */
  traffic(names: string[]): Promise<InterfaceTraffic[]>;
  /**
   * `/system/reboot`. Resolves once the router took it: it answers nothing and drops the connection, so a
   * connection that ends right after the command is the router going down. Refused while not connected.
   */
  reboot(): Promise<void>;
}
