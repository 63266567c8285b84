/** What the router's housekeeping reads return (src/router/housekeeping/index.ts): plain typed objects. */

export interface HotspotHost {
  id: string;
  mac: string;
  address: string;
  /** The address the hotspot translates it to (the same unless the device came with a foreign address). */
  toAddress: string;
  server: string;
  uptimeSeconds: number | null;
  idleSeconds: number | null;
  /** Bytes from the device (its upload) and to it (its download). */
  bytesIn: number;
  bytesOut: number;
  authorized: boolean;
  bypassed: boolean;
  comment: string;
}

export interface HotspotSession {
  id: string;
  server: string;
  user: string;
  address: string;
  mac: string;
  loginBy: string;
  uptimeSeconds: number | null;
  idleSeconds: number | null;
  /** Until the router ends it (limit-uptime or session timeout); null: no limit. */
  timeLeftSeconds: number | null;
  bytesIn: number;
  bytesOut: number;
}

export interface IpBinding {
  id: string;
  mac: string;
  address: string;
  toAddress: string;
  server: string;
  /** `regular`, `bypassed` (through without login) or `blocked`. */
  type: string;
  disabled: boolean;
  comment: string;
}

export interface HotspotCookie {
  id: string;
  user: string;
  mac: string;
  domain: string;
  expiresInSeconds: number | null;
}

export interface DhcpLease {
  id: string;
  address: string;
  mac: string;
  /** What the device called itself when it asked ('' when it sent no name). */
  hostName: string;
  server: string;
  status: string;
  expiresAfterSeconds: number | null;
  lastSeenSeconds: number | null;
  dynamic: boolean;
  blocked: boolean;
  disabled: boolean;
  comment: string;
}

export interface LogLine {
  id: string;
  /** As the router prints it, on its own clock: `10:02:11` today, `2026-01-04 23:59:01` before. */
  time: string;
  topics: string[];
  message: string;
}

export interface RouterResources {
  uptimeSeconds: number | null;
  version: string;
  buildTime: string;
  factorySoftware: string;
  boardName: string;
  architecture: string;
  platform: string;
  cpu: string;
  cpuCount: number | null;
  cpuFrequencyMhz: number | null;
  /** Per cent. */
  cpuLoad: number | null;
  freeMemory: number | null;
  totalMemory: number | null;
  freeHdd: number | null;
  totalHdd: number | null;
}

/** One reading of `/system/health` (RouterOS 7: a row per sensor). */
export interface HealthSensor {
  name: string;
  value: string;
  /** `C`, `V`, `RPM`, `W`, `A` or '' (a state such as `ok`). */
  unit: string;
}

export interface RouterInterface {
  id: string;
  name: string;
  type: string;
  running: boolean;
  disabled: boolean;
  macAddress: string;
  rxBytes: number;
  txBytes: number;
  comment: string;
}

/** Bits and packets per second through an interface now, from the router's side (rx = into the router). */
export interface InterfaceTraffic {
  name: string;
  rxBps: number;
  txBps: number;
  rxPps: number;
  txPps: number;
}

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
