/**
 * What a voucher buys, as the rest of the code reads it: plain integers, parsed from profiles.json by
 * profiles.ts. Types only, so the rules that read a profile (self-service, policy) need not import its parser.
 */

/** `add`: a second code's time and data join the running voucher; `queue`: it starts when the first ends. */
export type TopUpMode = 'add' | 'queue';

export type CapPolicy = 'block' | 'throttle' | 'none';
export type TimeMode = 'wallclock' | 'uptime';

export interface Profile {
  name: string;
  /**
   * Absent: prepaid (vouchers). `monthly`: never sold as a voucher; `price` is the monthly fee, the data cap
   * and FUP count per billing cycle, and validitySeconds is null (a subscriber's time is its cycle).
   */
  billing?: 'monthly';
  /** Centavos (a monthly plan: its monthly fee). */
  price: number;
  /** null = unlimited (staff/dev profiles), or a monthly plan. */
  validitySeconds: number | null;
  /** Devices that may use one voucher at the same time (a monthly plan: 1 unless given). */
  users: number;
  /** Monthly plans: the router's `/ip/pool` its subscribers' addresses come from; absent: the router's default. */
  pppPool?: string;
  rateUp: number;
  rateDown: number;
  fup?: { thresholdBytes: number; rateUp: number; rateDown: number };
  dataCapBytes?: number;
  capPolicy: CapPolicy;
  /** Explicit throttle rates for cap_policy throttle; when absent the FUP rates are used. */
  capRate?: { rateUp: number; rateDown: number };
  burst?: {
    rateUp: number;
    rateDown: number;
    thresholdUp: number;
    thresholdDown: number;
    timeSeconds: number;
  };
  /** start/end in minutes after midnight, shop time zone. */
  offpeak?: { start: number; end: number; unlimited: boolean; speedMultiplier: number };
  timeMode: TimeMode;
  description?: string;
  /** A second code on a device with time left: added to it (absent) or queued after it (src/domain/self-service.ts). */
  topup?: TopUpMode;
  /** Uptime profiles: a pause ends by itself after this long; absent = no limit. */
  pauseMaxSeconds?: number;
  /** Uptime profiles: pauses allowed per 24 hours; absent = no limit. */
  pausesPerDay?: number;
  /** N of a "1:N" contention ratio: up to N devices share one plan rate (plan-queues.ts); absent or 1 = not shared. */
  contentionRatio?: number;
  /** RouterOS queue priority of its devices' queues, 1 (first) to 8 (last). */
  priority?: number;
  /** The 0–100 priority it was given as (higher = first), when given so; `priority` holds what it means. */
  qosPriority?: number;
  /** Extra data a customer may buy at the cap: bytes per purchase, price in centavos. */
  overage?: { bytes: number; price: number };
}
