/**
 * What speeds a subscriber on a monthly plan should run at now, per billing cycle. Plain data in, plain data out:
 * the PPP room (API sites) turns it into the profile of the subscriber's PPP secret, RADIUS into a login's or a
 * CoA's rate limit. The rules are the vouchers' (policy.ts), counted over the cycle instead of a voucher's life:
 *
 *  1. an ended subscriber → no service;
 *  2. the cycle's data cap reached with cap_policy "block" → no service until the next cycle starts;
 *  3. the cap reached with "throttle" → the cap rates (or the FUP rates), unless an unlimited off-peak window is on;
 *  4. the FUP threshold reached → the FUP rates (same exception);
 *  5. otherwise the plan's rates with its burst; an off-peak speed multiplier scales the result.
 *
 * A suspended subscriber keeps its speeds: suspension is the address list `pisonet-suspended` (its session stays
 * up so the customer can reach the payment page), not a speed.
 */
import { addDays, type Cycle } from './billing-cycle';
import { offpeakActive } from './clock';
import { capBlocks, noQueue, ratedLimits, type DesiredLimits } from './policy';
import type { Profile } from './profile-types';
import type { SubscriberStatus } from './subscriber-status';
import { formatBytes } from './units';

/**
 * Which set of the plan's speeds applies, without the off-peak multiplier: `plan` (its rates and burst), `fup`
 * (its FUP rates), `cap` (its cap rates, or the FUP rates when it names none). Null: no service.
 */
export type SpeedTier = 'plan' | 'fup' | 'cap';

export interface SubscriberUse {
  profile: Profile;
  status: SubscriberStatus;
  /** Bytes counted in the current cycle (free off-peak data excluded). */
  countedBytes: number;
  cycle: Cycle;
}

export interface SubscriberSpeeds {
  /** Whether the subscriber may be online at all. */
  service: boolean;
  tier: SpeedTier | null;
  /** The speeds now, off-peak multiplier included (rates 0 when there is no service). */
  limits: DesiredLimits;
  /** No service because of the block cap: the first day (shop date) it may log in again. */
  blockedUntil?: string;
}

const TIER: Partial<Record<DesiredLimits['state'], SpeedTier>> = {
  normal: 'plan',
  fup: 'fup',
  'capped-throttle': 'cap',
};

/** The speeds a subscriber should run at, at `now` in the shop's time zone `tz`. */
export function subscriberSpeeds(s: SubscriberUse, now: number, tz: string): SubscriberSpeeds {
  if (s.status === 'ended')
    return { service: false, tier: null, limits: noQueue('revoked', 'service ended') };
  if (capBlocks(s)) {
    const until = addDays(s.cycle.end, 1);
    const cap = s.profile.dataCapBytes as number;
    const reason = `data cap reached: ${formatBytes(s.countedBytes)} of ${formatBytes(cap)}, back on ${until}`;
    return { service: false, tier: null, limits: noQueue('blocked', reason), blockedUntil: until };
  }
  const limits = ratedLimits(
    {
      profile: s.profile,
      rateUp: s.profile.rateUp,
      rateDown: s.profile.rateDown,
      countedBytes: s.countedBytes,
    },
    now,
    tz,
  );
  return { service: true, tier: TIER[limits.state] ?? 'plan', limits };
}

/**
 * Whether a cycle's counted bytes going from `was` up to `now` may change what subscriberSpeeds decides: only
 * the plan's FUP threshold and its data cap are counts the policy reads, so bytes that cross neither change
 * nothing (the poll asks the policy only of the few that cross one).
 */
export function crossesThreshold(p: Profile, was: number, now: number): boolean {
  const fup = p.fup?.thresholdBytes;
  const cap = p.dataCapBytes;
  return (fup !== undefined && was < fup && now >= fup) || (cap !== undefined && was < cap && now >= cap);
}

/** The rates of a tier as a plan gives them (no off-peak multiplier), and the burst of the plan's own tier. */
export function tierRates(p: Profile, tier: SpeedTier): Pick<Profile, 'rateUp' | 'rateDown' | 'burst'> {
  if (tier === 'plan') return { rateUp: p.rateUp, rateDown: p.rateDown, burst: p.burst };
  const r = (tier === 'cap' ? (p.capRate ?? p.fup) : p.fup) ?? p;
  return { rateUp: r.rateUp, rateDown: r.rateDown };
}

/** Whether bytes moved now count toward the cycle's FUP and cap (not during an unlimited off-peak window). */
export function bytesCountNow(p: Profile, now: number, tz: string): boolean {
  return !(p.offpeak?.unlimited && offpeakActive(p.offpeak, now, tz));
}
