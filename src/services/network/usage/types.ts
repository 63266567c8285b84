import type { RouterWarning } from '../router-checks/types';

/**
 * The usage poll's contract (usage/): one poll and reconcile cycle, and the traffic it recorded.
 */

export interface CycleReport {
  at: number;
  /** safe-mode: the database does not know this router (src/services/network/router-binding/index.ts); nothing was metered or written. */
  /** not-leased: another server sharing the database polls this site (src/db/site-leases.ts). */
  skipped?: 'router-unreachable' | 'overrun' | 'safe-mode' | 'not-leased';
  roundTrips: number;
  devices: number;
  changes: { added: number; updated: number; removed: number; loggedOut: number; ended: number };
  bytesCounted: number;
}

/** One tick of the fair-use watch between polls (usage/fup-watch.ts). */
export interface WatchReport {
  /** Devices watched at this tick. */
  watched: number;
  /** Rows the source sent for the watch read. */
  rows: number;
  /** Vouchers whose speed changed, and were written. */
  enforced: number;
  skipped?:
    | 'off'
    | 'not-supported'
    | 'no-poll-yet'
    | 'poll-running'
    | 'router-unreachable'
    | 'rebooted';
  /** The PPPoE subscribers' part of the tick (usage/fup-watch-subscribers.ts); the fields above are the devices'. */
  subscribers?: Omit<WatchReport, 'subscribers'>;
}

/** Logins and logouts followed as they happen for the fair-use watch (usage/fup-watch-logins.ts). */
export interface LoginFollower {
  start(): void;
  stop(): Promise<void>;
  readonly stats: LoginFollowerStats;
}

export interface LoginFollowerStats {
  /** Both menus followed now. */
  open: boolean;
  /** Rows the router sent on the follows (what they cost), since start. */
  rows: number;
  logins: number;
  logouts: number;
  /** Logins that joined the watch set. */
  joined: number;
  /** Follows that ended without being stopped (each reopened with backoff). */
  ends: number;
}

export interface UsageService {
  /** One poll + reconcile cycle. Never throws on router trouble: returns `skipped`. */
  runCycle(): Promise<CycleReport>;
  /**
   * One tick of the fair-use watch (never during a poll); absent where the poll alone enforces. `due`: just the
   * customers whose projected crossing has come (watchDue), read alone.
   */
  watch?(mode?: 'tick' | 'due'): Promise<WatchReport>;
  /** When the next targeted read of the watch is due (ms), if any: a due watch() then, or as soon as a poll ends. */
  watchDue?(): number | undefined;
  /** The watch's logins and logouts as they happen (fup-watch-logins.ts), started and stopped with the watch. */
  logins?: LoginFollower;
  lastPollAt(): number | undefined;
  /** Router settings in the way of the policy, found by the last enforcement (a shared plan's parent name taken). */
  warnings(): RouterWarning[];
  /** Traffic per hour (or bucket) for charts: [{ts, up, down}]. */
  trafficSeries(opts: {
    /** One site's vouchers only (their site_id). */
    siteId?: number;
    since: number;
    bucketSeconds: number;
    voucherCode?: string;
    mac?: string;
  }): Promise<{ ts: number; up: number; down: number }[]>;
}
