/**
 * The bandwidth service's contract (index.ts): who is online and how fast, the owner's speed changes,
 * each router's queues.
 */
import type { Actor } from '../../business/audit/actor';

export interface UserTraffic {
  user: string; // voucher code
  /** The id of the site whose router the device is on (its voucher's site). */
  site: number;
  mac: string;
  ip: string | null;
  profile: string;
  /** What the customer uploaded / downloaded, cumulative for the voucher. */
  bytesIn: number;
  bytesOut: number;
  rateIn: number; // current upload bits/s
  rateOut: number; // current download bits/s
  maxLimit: string; // `up/down` bits/s as on the router, e.g. `512000/1000000`; `0/0` = no limit
  /** What "back to plan" would give now (the policy without the admin override), `up/down` bits/s. */
  planMaxLimit: string;
  limitSource: 'profile' | 'override' | 'fup' | 'cap' | 'offpeak';
  fupState: 'normal' | 'fup' | 'capped-throttle' | 'blocked';
  connected: boolean;
  remainingSeconds: number | null;
}

export interface RouterQueueView {
  id: string;
  name: string;
  target: string;
  maxLimit: string;
  bytes: string;
  rate: string;
  disabled: boolean;
  dynamic: boolean;
  comment: string;
  /** The shared plan's queue it hangs under (`pisonet-plan-<PROFILE>`), or null. */
  parent: string | null;
  /** `p/p`, 1 served first … 8 last. */
  priority: string;
}

/** One site's router queues, or why they are not listed. */
export interface SiteQueues {
  site: { id: number; name: string };
  queues: RouterQueueView[];
  /** Its router is not connected, answered an error, or did not answer in time; null when listed. */
  error: string | null;
}

/** What an admin bandwidth change left in force. */
export interface BandwidthChange {
  mac: string;
  /** The voucher's profile name. */
  profile: string;
  /** bits/s now in force for the device; 0 = no limit that way. */
  up: number;
  down: number;
  /** False when saved but not on the router yet (down, refused, no queue yet): the next poll applies it. */
  applied: boolean;
}

export interface BandwidthService {
  users(): Promise<UserTraffic[]>;
  /**
   * Admin override for the device's voucher (null = no limit that way), within 8 kbit/s–10 Gbit/s; holds
   * until reset or the voucher ends. Audited.
   */
  setLimit(mac: string, up: number | null, down: number | null, actor: Actor): Promise<BandwidthChange>;
  /** Lifts the device's speed limit: its queue stays (usage still counted) with no limit. Audited. */
  removeLimit(mac: string, actor: Actor): Promise<BandwidthChange>;
  /** Drops the admin override: back to the plan's speeds. Audited. */
  resetLimit(mac: string, actor: Actor): Promise<BandwidthChange>;
  /**
   * All `pisonet-` queues on a site's router (absent: the default site's); its router's error is thrown
   * (SITE_UNREACHABLE when this server does not drive that site's router).
   */
  queues(siteId?: number): Promise<RouterQueueView[]>;
  /**
   * The `pisonet-` queues of every site's router (`siteId`: that site's only), each site with its own error
   * instead of its queues when its router is down, hung or not driven here; never thrown.
   */
  queuesBySite(siteId?: number): Promise<SiteQueues[]>;
  /** Logs the device out (the voucher stays usable). Audited. */
  kick(mac: string, actor: Actor): Promise<void>;
}
