/**
 * The router housekeeping's contract (index.ts): what a site's router holds and says, and
 * its reboot.
 */
import type {
  HealthSensor,
  InterfaceTraffic,
  LogLine,
  RouterHousekeeping,
  RouterResources,
} from '../../../router/housekeeping/types';
import type { SiteRef } from '../../deps';
import type { Actor } from '../../business/audit/actor';

/** One read of a site's router: what it said, which router said it, and when. */
export interface RouterRead<T> {
  site: SiteRef;
  /** The router's `/system/identity` as the connection last read it. */
  identity: string | null;
  readAt: number;
  data: T;
}

export interface LogFilter {
  /** Lines with this topic (`hotspot`, `dhcp`, `system`, `error`…); '' or undefined: all. */
  topic?: string;
  /** Lines whose message contains this, in any case. */
  text?: string;
  /** At most this many (newest first); default LOG_LIMIT. */
  limit?: number;
}

export interface LogView {
  /** Newest first. */
  lines: LogLine[];
  /** Lines matching the filter (before the limit), and lines the router keeps. */
  matching: number;
  total: number;
  /** Every topic in the router's log, for a picker. */
  topics: string[];
}

export interface RouterOverview {
  resources: RouterResources;
  health: HealthSensor[];
  /** The board's temperature in °C when a sensor reports one, else null. */
  temperatureC: number | null;
}

/** Is the router there, and since when: what the reboot page watches. Never an error. */
export interface RouterPresence {
  site: SiteRef;
  connected: boolean;
  identity: string | null;
  uptimeSeconds: number | null;
  /** Why it is not connected (the connection's own words). */
  error: string | null;
}

/** The reads that hand on what the router's housekeeping read returns (hosts, sessions, bindings…), as they are. */
type PlainReads = {
  [K in 'hosts' | 'sessions' | 'bindings' | 'cookies' | 'leases' | 'interfaces']: (
    site: SiteRef,
  ) => Promise<RouterRead<Awaited<ReturnType<RouterHousekeeping[K]>>>>;
};

export interface HousekeepingService extends PlainReads {
  log(site: SiteRef, filter?: LogFilter): Promise<RouterRead<LogView>>;
  overview(site: SiteRef): Promise<RouterRead<RouterOverview>>;
  traffic(site: SiteRef, iface: string): Promise<RouterRead<InterfaceTraffic>>;
  presence(site: SiteRef): Promise<RouterPresence>;
  /**
   * Reboots the site's router, which must still be the one the owner confirmed (`identity`, as shown to them).
   * Only an admin logged in or the terminal may; audited as `router.reboot`.
   */
  reboot(site: SiteRef, actor: Actor, confirm: { identity: string }): Promise<{ identity: string | null }>;
}
