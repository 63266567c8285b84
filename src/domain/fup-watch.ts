/**
 * The watch set's rule: which customers could reach a speed threshold (fair use, or a cap that slows them down)
 * before the next poll sees it. Their plan's speeds are ours, so the bytes left to the next threshold say when
 * the earliest crossing can come: at full speed both ways, burst included, on every device online. Those that
 * could cross before the next poll, plus one watch interval of margin, are read between polls; the rest wait for
 * the poll. Pure: the moment is passed in.
 */
import { ratedLimits, type DesiredLimits, type PlanUse } from './policy';
import type { Profile } from './profile-types';
import { RADIUS_INTERIM_SECONDS } from './radius-account';
import { isRadiusClient, type SiteMode } from './site-mode';

/**
 * The counted bytes at which the policy next changes this customer's speed, or undefined when none is ahead:
 * the fair-use threshold, or a data cap whose policy slows down (a blocking cap is the router's own byte limit,
 * cut by the router itself). An admin override wins over both (src/domain/policy.ts), so it has none.
 */
export function nextThreshold(u: PlanUse): number | undefined {
  if (u.override) return undefined;
  return thresholdAhead(u.profile, u.countedBytes, false);
}

/**
 * A subscriber's next threshold in its cycle: the fair-use threshold or the data cap, whatever the cap's policy
 * (a subscriber's blocking cap is ours to enforce: its secret disabled, or its FreeRADIUS rows and a Disconnect).
 */
export function subscriberNextThreshold(profile: Profile, countedBytes: number): number | undefined {
  return thresholdAhead(profile, countedBytes, true);
}

/** The nearest of the plan's thresholds above `counted`; a cap counts when it slows down or `blockingCounts`. */
function thresholdAhead(p: Profile, counted: number, blockingCounts: boolean): number | undefined {
  let next: number | undefined;
  const ahead = (bytes: number | undefined) => {
    if (bytes !== undefined && bytes > counted && (next === undefined || bytes < next)) next = bytes;
  };
  ahead(p.fup?.thresholdBytes);
  const slows = p.capPolicy === 'throttle' && (p.capRate ?? p.fup);
  if (slows || (blockingCounts && p.capPolicy === 'block')) ahead(p.dataCapBytes);
  return next;
}

/**
 * A subscriber's top speed now, bytes a second both ways (topBytesPerSecond): its plan's rates at the counted bytes
 * (the FUP's or the cap's once past them), burst and off-peak multiplier included.
 */
export function subscriberTopBytesPerSecond(
  profile: Profile,
  countedBytes: number,
  now: number,
  tz: string,
): number {
  const use = { profile, rateUp: profile.rateUp, rateDown: profile.rateDown, countedBytes };
  return topBytesPerSecond(ratedLimits(use, now, tz));
}

/**
 * The most bytes a second one device can move under these limits, both ways together: the burst's limits while
 * they are above the rates (a burst runs at them for a while), else the rates. A direction without a limit
 * (0: an admin's "no limit") has no top speed: Infinity.
 */
export function topBytesPerSecond(limits: Pick<DesiredLimits, 'rateUp' | 'rateDown' | 'burst'>): number {
  if (limits.rateUp <= 0 || limits.rateDown <= 0) return Number.POSITIVE_INFINITY;
  const up = Math.max(limits.rateUp, limits.burst?.limitUp ?? 0);
  const down = Math.max(limits.rateDown, limits.burst?.limitDown ?? 0);
  return (up + down) / 8;
}

interface WatchCandidate {
  /** Counted bytes so far (booked by the poll, plus any seen by a watch read since). */
  countedBytes: number;
  /** When they were counted (ms): the poll's reading, or the last watch read. Since then it may have moved more. */
  countedAt: number;
  /** nextThreshold's answer. */
  thresholdBytes: number | undefined;
  /** topBytesPerSecond of one device. */
  deviceBytesPerSecond: number;
  /** Devices online that count toward these bytes (a voucher's devices share its counted bytes). */
  devicesOnline: number;
}

export interface WatchWindow {
  now: number;
  /** When the next poll is due (ms). */
  nextPollAt: number;
  /** The watch interval (ms): the margin after the next poll, since a watch read comes at most that late. */
  intervalMs: number;
}

/**
 * Whether the customer could reach its next threshold before the next poll, plus one watch interval: at top speed
 * from when its bytes were last counted (it may have moved that fast since), until then. A customer that moved
 * less than that since leaves the set as its last count comes nearer the next poll.
 */
export function couldCross(c: WatchCandidate, w: WatchWindow): boolean {
  if (c.thresholdBytes === undefined || c.devicesOnline <= 0) return false;
  const left = c.thresholdBytes - c.countedBytes;
  if (left <= 0) return true;
  const seconds = Math.max(0, w.nextPollAt + w.intervalMs - Math.min(c.countedAt, w.now)) / 1000;
  return left <= c.deviceBytesPerSecond * c.devicesOnline * seconds;
}

/**
 * When a threshold was crossed between two readings of the counted bytes, at a steady speed between them: the
 * estimate the crossing-to-enforced figure starts from. Without an earlier reading: the later one's moment.
 */
export function crossedAt(
  threshold: number,
  before: { at: number; counted: number } | undefined,
  after: { at: number; counted: number },
): number {
  if (!before || after.counted <= before.counted || before.counted >= threshold) return after.at;
  const share = (threshold - before.counted) / (after.counted - before.counted);
  return before.at + Math.min(1, Math.max(0, share)) * (after.at - before.at);
}

/**
 * When a customer not past its threshold yet will reach it, at the speed its counted bytes moved between its last
 * two readings, if that comes before `until` (ms): the moment of one targeted read of just its counters, so the
 * crossing is enforced at once rather than at the next read of the whole set. A little after the projected
 * moment (10 ms, and 1 % of the way there), so a steady customer is past the line when read. Undefined when it is
 * past the line already, did not move, or would reach it later.
 */
export function projectedCrossing(
  threshold: number,
  before: { at: number; counted: number },
  after: { at: number; counted: number },
  until: number,
): number | undefined {
  const left = threshold - after.counted;
  const span = after.at - before.at;
  const moved = after.counted - before.counted;
  if (left <= 0 || span <= 0 || moved <= 0) return undefined;
  const ahead = (left * span) / moved;
  const at = after.at + ahead;
  return at > until ? undefined : Math.ceil(at + 10 + ahead / 100);
}

/**
 * How soon a site's fair use acts after a crossing, at most, for the admin to say: the watch's read interval where
 * the controller reads the router between polls; on a RADIUS site without API access, the router's interim update
 * (which brings the crossing) and the poll after it; with the watch off, the poll. A RADIUS site's hotspot codes
 * are metered from the accounting only: with API access the watch reads its subscribers, and `codesAtInterim` says
 * its codes still wait for the interim updates.
 */
type FairUseBound =
  | { by: 'watch'; seconds: number; codesAtInterim?: number }
  | { by: 'poll'; seconds: number }
  | { by: 'interim'; interimSeconds: number; pollSeconds: number };

export function fairUseBound(
  site: { mode: SiteMode; apiAccess: boolean },
  watch: { enabled: boolean; seconds: number },
  pollSeconds: number,
): FairUseBound {
  const radius = isRadiusClient(site);
  if ((radius && !site.apiAccess) || (radius && !watch.enabled))
    return { by: 'interim', interimSeconds: RADIUS_INTERIM_SECONDS, pollSeconds };
  if (!watch.enabled) return { by: 'poll', seconds: pollSeconds };
  return radius
    ? { by: 'watch', seconds: watch.seconds, codesAtInterim: RADIUS_INTERIM_SECONDS }
    : { by: 'watch', seconds: watch.seconds };
}
