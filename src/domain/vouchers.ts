/** A voucher's state as the policy sees it, and its timing in both time modes. */
import type { Profile } from './profiles';

/** Every status a voucher can have, in the order it can have them. */
export const STATUSES = ['unused', 'active', 'expired', 'exhausted', 'revoked'] as const;
export type VoucherStatus = (typeof STATUSES)[number];

/**
 * What a list of vouchers filters on: a status, or `queued`, an unused code a customer typed while another ran,
 * kept for their device to start after it. It is sold (paid for, no other device can use it), so `unused`
 * means the cards still for sale, without it.
 */
export const LIST_STATUSES = ['unused', 'queued', 'active', 'expired', 'exhausted', 'revoked'] as const;
export type VoucherListStatus = (typeof LIST_STATUSES)[number];

/** A voucher's status as people read it: an unused code queued on a device reads `queued`, not unused. */
export const shownStatus = (v: { status: VoucherStatus; queued: unknown }): VoucherListStatus =>
  v.status === 'unused' && v.queued ? 'queued' : v.status;

/** An admin's speed for a voucher, bits/s; 0 in a direction means no limit there (a RouterOS queue limit of 0). */
export interface RateOverride {
  rateUp: number;
  rateDown: number;
}

export interface VoucherState {
  code: string;
  status: VoucherStatus;
  profile: Profile;
  /** The voucher's own base rates (copied from the profile at sale, possibly changed since). */
  rateUp: number;
  rateDown: number;
  /** Admin "set bandwidth" (or "no limit", 0/0): holds until reset to the plan or the voucher ends. */
  override?: RateOverride;
  /** ms since epoch of first login. */
  activatedAt?: number;
  /** Connected time so far (uptime mode). */
  uptimeSeconds: number;
  /** Bytes that count toward FUP and data cap (unlimited off-peak traffic excluded). */
  countedBytes: number;
  totalBytes: number;
  /** Staff vouchers never expire, but are still rate-limited. */
  staff?: boolean;
  /** Paused by its customer (self-service): still active, its time kept, its login refused until resumed. */
  paused?: boolean;
}

export interface DeviceState {
  mac: string;
  ip?: string;
  connected: boolean;
}

interface VoucherTiming {
  /** Wall-clock end in ms; null when the voucher has no fixed end (unused, uptime mode, unlimited, staff). */
  expiresAt: number | null;
  /** Seconds of use left; null when unlimited. */
  remainingSeconds: number | null;
  expired: boolean;
}

/**
 * Wallclock mode: the voucher ends `validity` after first login, used or not. Uptime mode: only connected
 * time counts, so it pauses while no device is online and has no fixed end time. An unused voucher has its
 * whole validity left.
 */
export function voucherTiming(v: VoucherState, now: number): VoucherTiming {
  const validity = v.profile.validitySeconds;
  if (v.staff || validity === null) return { expiresAt: null, remainingSeconds: null, expired: false };
  if (v.profile.timeMode === 'uptime') {
    const remainingSeconds = Math.max(0, validity - v.uptimeSeconds);
    return { expiresAt: null, remainingSeconds, expired: remainingSeconds <= 0 };
  }
  if (v.activatedAt === undefined) return { expiresAt: null, remainingSeconds: validity, expired: false };
  const expiresAt = v.activatedAt + validity * 1000;
  return {
    expiresAt,
    remainingSeconds: Math.max(0, Math.ceil((expiresAt - now) / 1000)),
    expired: now >= expiresAt,
  };
}
