/**
 * What limits apply to a voucher right now. Plain data in, plain data out; the scheduler applies it.
 *
 * Precedence, highest first:
 *  1. status revoked / expired / exhausted, or validity used up → no queue at all;
 *  2. data cap reached with cap_policy "block" → blocked (the voucher ends as exhausted), or, when its plan sells
 *     extra data (`overage`), capped-waiting: it stays active with no queue and no session until extra data is
 *     bought or its time runs out (overage.ts);
 *  3. admin override → its rates. It wins over FUP and over the cap throttle because the shop owner set it
 *     on purpose and it holds until reset to the plan or the voucher ends; it never lifts a block or an
 *     expiry. A rate of 0 is "no limit" in that direction (RouterOS reads a queue limit of 0 so): the device keeps
 *     its queue, so its traffic is still counted, and gets no burst, which would mean nothing above no limit;
 *  4. data cap reached with "throttle" → cap_rate_* (or the FUP rates);
 *  5. FUP threshold reached → FUP rates;
 *  6. otherwise the voucher's own rates, with the profile's burst.
 * During an unlimited off-peak window data is free, so FUP and the cap throttle are suspended (steps 4–5);
 * a block is not, because the voucher has already ended, and neither is a wait for extra data (the data it
 * would use is what it has to buy). The off-peak speed multiplier scales the result.
 */
import { offpeakActive } from './clock';
import { voucherTiming, type VoucherState } from './vouchers';
import { formatBytes, formatDurationHuman, formatRateHuman, MAX_LIMIT_RATE } from './units';

export type LimitState =
  | 'normal'
  | 'fup'
  | 'capped-throttle'
  /** Data used up on a plan that sells extra data: active, offline until more is bought. */
  | 'capped-waiting'
  | 'blocked'
  | 'expired'
  | 'revoked'
  | 'unused';

export interface BurstLimits {
  limitUp: number;
  limitDown: number;
  thresholdUp: number;
  thresholdDown: number;
  timeSeconds: number;
}

export interface DesiredLimits {
  state: LimitState;
  /** bits/s; 0 when the voucher gets no queue, or (admin override) no limit in that direction. */
  rateUp: number;
  rateDown: number;
  burst?: BurstLimits;
  /** Whether the profile's off-peak window is on now. */
  offpeak: boolean;
  /** One line for the admin page and logs. */
  reason: string;
}

/**
 * Whether two limits give a voucher's queues the same rates and burst (most vouchers of a shop share a few, and a
 * voucher keeps its own from poll to poll), whatever their state or reason.
 */
export function sameRates(a: DesiredLimits, b: DesiredLimits): boolean {
  if (a.rateUp !== b.rateUp || a.rateDown !== b.rateDown) return false;
  const x = a.burst;
  const y = b.burst;
  if (x === undefined || y === undefined) return x === y;
  return (
    x.limitUp === y.limitUp &&
    x.limitDown === y.limitDown &&
    x.thresholdUp === y.thresholdUp &&
    x.thresholdDown === y.thresholdDown &&
    x.timeSeconds === y.timeSeconds
  );
}

/** States in which devices of the voucher get a queue (and internet). */
export const QUEUED_STATES: readonly LimitState[] = ['normal', 'fup', 'capped-throttle'];

export function noQueue(state: LimitState, reason: string): DesiredLimits {
  return { state, rateUp: 0, rateDown: 0, offpeak: false, reason };
}

function endedState(v: VoucherState, now: number): DesiredLimits | undefined {
  if (v.status === 'revoked') return noQueue('revoked', 'voucher revoked');
  if (v.status === 'expired') return noQueue('expired', 'voucher expired');
  if (v.status === 'exhausted') return noQueue('blocked', 'data cap used up');
  if (v.status === 'unused') return noQueue('unused', 'voucher not used yet');
  if (voucherTiming(v, now).expired) {
    const validity = v.profile.validitySeconds ?? 0;
    return noQueue('expired', `validity of ${formatDurationHuman(validity)} used up`);
  }
  if (capBlocks(v)) {
    const used = `${formatBytes(v.countedBytes)} of ${formatBytes(v.profile.dataCapBytes as number)}`;
    if (v.profile.overage)
      return noQueue('capped-waiting', `data used up (${used}): extra data can be bought`);
    return noQueue('blocked', `data cap reached: ${used}`);
  }
  return undefined;
}

/**
 * What the speed rules read of a customer on a plan: a voucher, or a subscriber in its billing cycle (where
 * `countedBytes` is the cycle's and the rates are the plan's).
 */
export type PlanUse = Pick<VoucherState, 'profile' | 'rateUp' | 'rateDown' | 'override' | 'countedBytes'>;

/** Whether the plan's data cap is reached with the block policy: no service until more data or a new period. */
export function capBlocks(u: Pick<PlanUse, 'profile' | 'countedBytes'>): boolean {
  const cap = u.profile.dataCapBytes;
  return cap !== undefined && u.profile.capPolicy === 'block' && u.countedBytes >= cap;
}

/** Burst applies only when it is above the rates in force; a per-voucher rate change can make it meaningless. */
function burstFor(v: PlanUse, rateUp: number, rateDown: number): BurstLimits | undefined {
  const b = v.profile.burst;
  if (!b || b.rateUp <= rateUp || b.rateDown <= rateDown) return undefined;
  if (b.thresholdUp > rateUp || b.thresholdDown > rateDown) return undefined;
  const { rateUp: limitUp, rateDown: limitDown, ...rest } = b;
  return { limitUp, limitDown, ...rest };
}

function speedReason(rateUp: number, rateDown: number): string {
  return `${formatRateHuman(rateDown)} down / ${formatRateHuman(rateUp)} up`;
}

/**
 * The normal state at the voucher's own speeds, the state of nearly every voucher at every poll. Its reason
 * (two human-readable rates) is made when it is read, not when the limits are: the usage poll computes the
 * limits of every active voucher every cycle and reads no reason of a voucher that keeps its queue, and
 * formatting two rates for 10,000 vouchers was a third of that work. Pure: nothing is kept.
 */
class SpeedLimits implements DesiredLimits {
  readonly state = 'normal';
  burst?: BurstLimits;
  constructor(
    public rateUp: number,
    public rateDown: number,
    public offpeak: boolean,
    burst: BurstLimits | undefined,
  ) {
    if (burst) this.burst = burst;
  }
  get reason(): string {
    return speedReason(this.rateUp, this.rateDown);
  }
}

/** The limits before the off-peak multiplier; `offpeak` is only recorded, `freeData` is its unlimited data. */
function activeRates(v: PlanUse, offpeak: boolean, freeData: boolean): DesiredLimits {
  const p = v.profile;
  if (v.override) {
    const { rateUp, rateDown } = v.override;
    const reason = rateUp === 0 && rateDown === 0 ? 'speed limit removed by admin' : 'bandwidth set by admin';
    return { state: 'normal', rateUp, rateDown, offpeak, reason };
  }
  const capReached = p.dataCapBytes !== undefined && v.countedBytes >= p.dataCapBytes;
  const throttle = p.capRate ?? p.fup;
  if (capReached && p.capPolicy === 'throttle' && throttle && !freeData) {
    const reason = `data cap reached (${formatBytes(v.countedBytes)} of ${formatBytes(p.dataCapBytes as number)}), slowed down`;
    return {
      state: 'capped-throttle',
      rateUp: throttle.rateUp,
      rateDown: throttle.rateDown,
      offpeak,
      reason,
    };
  }
  if (p.fup && v.countedBytes >= p.fup.thresholdBytes && !freeData) {
    const reason = `fair use: ${formatBytes(v.countedBytes)} used, over ${formatBytes(p.fup.thresholdBytes)}`;
    return { state: 'fup', rateUp: p.fup.rateUp, rateDown: p.fup.rateDown, offpeak, reason };
  }
  return new SpeedLimits(v.rateUp, v.rateDown, offpeak, burstFor(v, v.rateUp, v.rateDown));
}

function scale(r: DesiredLimits, factor: number): DesiredLimits {
  // A multiplied speed stays within what a limit may be (10G × 100 would be 1 Tbit/s); 0 (no limit) stays 0.
  const x = (n: number) => Math.min(Math.round(n * factor), MAX_LIMIT_RATE);
  const out: DesiredLimits = {
    state: r.state,
    offpeak: r.offpeak,
    rateUp: x(r.rateUp),
    rateDown: x(r.rateDown),
    reason: `${r.reason} (off-peak ×${factor})`,
  };
  if (r.burst) {
    const b = r.burst;
    out.burst = {
      ...b,
      limitUp: x(b.limitUp),
      limitDown: x(b.limitDown),
      thresholdUp: x(b.thresholdUp),
      thresholdDown: x(b.thresholdDown),
    };
  }
  return out;
}

/** The limits a voucher's devices should have at `now` in the shop's time zone `tz`. */
export function desiredLimits(v: VoucherState, now: number, tz: string): DesiredLimits {
  return endedState(v, now) ?? ratedLimits(v, now, tz);
}

/**
 * The speeds of a customer still in service (steps 3–6 above, and off-peak): the voucher's and the subscriber's
 * policies both end here once they have ruled out what ends the service.
 */
export function ratedLimits(v: PlanUse, now: number, tz: string): DesiredLimits {
  const offpeak = v.profile.offpeak;
  const isOffpeak = offpeakActive(offpeak, now, tz);
  const rated = activeRates(v, isOffpeak, isOffpeak && offpeak?.unlimited === true);
  const factor = isOffpeak ? (offpeak?.speedMultiplier ?? 1) : 1;
  return factor === 1 ? rated : scale(rated, factor);
}
