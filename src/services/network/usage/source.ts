/**
 * Where a poll's usage comes from. A usage source says, at one moment, what is online (sessions) and how many
 * bytes each metered device has moved so far (cumulative counters with their own ids). The ledger turns
 * counters into bytes booked exactly once, against baselines it stores beside them; the source never keeps
 * state of its own. A reading is in the product's terms (codes, MACs, bytes), whatever the source: the router's
 * queue counters over the API (routerCounterSource below; router-pair.ts pairs it with the router's enforcer,
 * which keeps the read for itself), or a RADIUS server's accounting (Acct-Session-Id, its octet totals, its
 * Calling-Station-Id; radius/accounting-source.ts).
 */
import { RouterError, UnreachableError } from '../../../domain/errors';
import type { ManagedHotspot, QueueReading, RouterSnapshot, SessionInfo } from '../../../router/hotspot';
import { endedSecondsOf } from '../hotspot-users/byte-limits';
import type { PppSessionCounters } from '../../../router/ppp';

/**
 * A cumulative byte counter of one device, in the router's queue reading's terms: a simple queue's (its `.id`, its
 * comment's code), an accounting session's (its session id, the code it logged in with).
 */
export type CounterReading = QueueReading;

/**
 * One device online under one voucher code, in the router's session terms (`id`: the active entry's `.id`, an
 * accounting session id; `user`: the code it logged in with); a hotspot session's own byte limit stays the router's.
 */
export interface SessionReading extends Omit<SessionInfo, 'limitBytes'> {
  /**
   * When the code was first let online here, when the source knows it better than "now" (RADIUS: FreeRADIUS's first
   * Access-Accept): a voucher first seen by a poll is in use from then, not from the poll.
   */
  startedAt?: number;
}

/**
 * One subscriber's PPP session online with its cumulative byte counters (router/ppp.ts PppSessionCounters: the
 * router's `/ppp/active` and `<pppoe-NAME>` interface, or an accounting session's totals); the subscriber meter
 * books each counter's growth once.
 */
export interface SubscriberSessionReading extends PppSessionCounters {
  /** The session ended since the last reading (RADIUS accounting's Stop): its last totals, no longer online. */
  ended?: boolean;
}

export interface UsageReading {
  counters: readonly CounterReading[];
  sessions: readonly SessionReading[];
  /** Subscribers' PPP sessions (absent: this source reads none, e.g. a site without PPPoE). */
  subscribers?: readonly SubscriberSessionReading[];
  /**
   * When every counter last started again from zero (a router's boot), when the source knows it: a window, since
   * the router says how long it has been up but not when it said so (sometime between asking and the answer).
   */
  countersStartedAt: BootWindow | undefined;
  /**
   * MACs whose login landed while or after the reading was taken: no session for them in it is not a logout.
   * Asked at the moment of use, since a portal login may land while the poll is still loading the vouchers.
   */
  loginsMissed(): ReadonlySet<string>;
}

export interface UsageSource {
  /** Throws UnreachableError when the source cannot be reached (the poll then skips, and says so once). */
  read(): Promise<UsageReading>;
  /**
   * Just these devices' counters, now, between two polls (the fair-use watch, fup-watch.ts). Absent where a source
   * cannot be asked for a few devices at once (RADIUS accounting comes when the router sends it). Throws
   * UnreachableError like read().
   */
  readDevices?(macs: readonly string[]): Promise<DevicesReading>;
  /**
   * Just these subscribers' PPP session counters, now, between two polls (fup-watch-subscribers.ts), by their
   * login names: the router's, over the API. Absent where the controller cannot ask the router. Throws
   * UnreachableError like read().
   */
  readSubscribers?(names: readonly string[]): Promise<SubscribersReading>;
  /**
   * The connected time the router holds for these codes' logins from their ended sessions (a hotspot user's
   * `uptime`, which its `limit-uptime` is held against), by code; codes it has no login of are absent. Absent where
   * the controller cannot ask the router. Throws UnreachableError like read().
   */
  readEndedSeconds?(codes: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** Some subscribers' session counters read between polls: booked by nobody there, only looked at. */
export interface SubscribersReading {
  /**
   * By login name, the sessions running now. `key`: the session's id as the poll's reading names it, where the poll
   * reads the same router (absent on a RADIUS site: its poll's sessions are the accounting's).
   */
  sessions: ReadonlyMap<string, { key?: string; up: number; down: number }>;
  countersStartedAt: BootWindow | undefined;
  rows: number;
}

/** Some devices' counters read between polls: booked by nobody (the poll books them), only looked at. */
export interface DevicesReading {
  counters: readonly CounterReading[];
  /** As UsageReading's: a boot since the last poll makes the counters no longer comparable to the baselines. */
  countersStartedAt: BootWindow | undefined;
  /** Rows the source sent for this reading (what the read cost the router). */
  rows: number;
}

/** The earliest and the latest moment the counters can have started, in ms since the epoch. */
export interface BootWindow {
  earliest: number;
  latest: number;
}

/** When the router booted, from the uptime it reported and when the reply arrived (RouterOS gives no boot time). */
export function bootTimeOf(uptimeSeconds: number | undefined, replyAt: number): number | undefined {
  return uptimeSeconds === undefined ? undefined : replyAt - uptimeSeconds * 1000;
}

/**
 * The router's boot as a window: the uptime was measured after we asked (`askedAt`) and before the answer arrived
 * (`replyAt`). A slow answer (a long print on a slow link, a busy controller) widens the window; it never moves
 * the earliest boot, so it is never taken for a reboot.
 */
export function bootWindow(
  uptimeSeconds: number | undefined,
  askedAt: number,
  replyAt: number,
): BootWindow | undefined {
  if (uptimeSeconds === undefined) return undefined;
  return { earliest: askedAt - uptimeSeconds * 1000, latest: replyAt - uptimeSeconds * 1000 };
}

/** `read` of the router; any failure of the router in it is the source being unreachable. */
export async function fromRouter<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    throw new UnreachableError(err.message, err.code, err);
  }
}

/**
 * The router's simple-queue counters and hotspot sessions, read in one round of pipelined prints. `kept`: told of
 * each reading with the snapshot it came from (the router's enforcer of the same pair works from it).
 */
export function routerCounterSource(
  hotspot: ManagedHotspot,
  now: () => number,
  kept?: (reading: UsageReading, snapshot: RouterSnapshot) => void,
  subscribers?: SubscriberSessionsRead,
): UsageSource {
  return {
    async read() {
      const askedAt = now();
      // The subscribers' sessions go out with the hotspot's prints: one round of pipelined prints.
      const [snapshot, ppp] = await Promise.all([
        fromRouter(() => hotspot.snapshot()),
        subscribers && fromRouter(subscribers),
      ]);
      // The reading the snapshot gives: its queues' counters and its hotspot sessions.
      const reading: UsageReading = {
        counters: snapshot.ours,
        sessions: snapshot.sessions,
        countersStartedAt: bootWindow(snapshot.routerUptimeSeconds, askedAt, now()),
        loginsMissed: () => hotspot.loginsMissedBy(snapshot),
      };
      if (ppp) reading.subscribers = ppp;
      kept?.(reading, snapshot);
      return reading;
    },
    readEndedSeconds: (codes) => fromRouter(() => endedSecondsOf(hotspot, codes)),
    async readDevices(macs) {
      const askedAt = now();
      const got = await fromRouter(() => hotspot.counters(macs));
      const countersStartedAt = bootWindow(got.routerUptimeSeconds, askedAt, now());
      return { counters: got.counters, countersStartedAt, rows: got.rows };
    },
  };
}

/** The router's PPP sessions with their counters; undefined when the site has no subscriber to meter. */
export type SubscriberSessionsRead = () => Promise<readonly SubscriberSessionReading[] | undefined>;
