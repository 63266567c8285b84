/**
 * A data cap with the block policy, enforced by the router itself: the voucher's hotspot user carries
 * `limit-bytes-total` (API sites) or a login's `Mikrotik-Total-Limit` (RADIUS sites), which the router checks
 * against the bytes it counts, so a device is cut at the cap instead of at the next poll. Every mode asks
 * routerBytesLeft, the one rule for what the router may still let a voucher move. This is what the router should allow from now on; the enforcer turns it
 * into the limit the router needs (its own count so far plus this).
 */
import { offpeakActive } from './clock';
import type { VoucherState } from './vouchers';

/**
 * The bytes the router may still let this voucher move, or null when the router should hold no byte limit: no
 * cap, a cap that only throttles or warns, or an off-peak window whose data is free (the router cannot tell free
 * bytes from counted ones, so the poll enforces the cap again when the window closes).
 */
export function routerBytesLeft(v: VoucherState, now: number, tz: string): number | null {
  const cap = v.profile.dataCapBytes;
  if (cap === undefined || v.profile.capPolicy !== 'block' || v.staff) return null;
  if (v.profile.offpeak?.unlimited && offpeakActive(v.profile.offpeak, now, tz)) return null;
  return dataLeft(cap, v.countedBytes);
}

/** The data left under a cap: the cap (extra data and top-ups included) minus the counted bytes, never below 0. */
export function dataLeft(cap: number, counted: number): number {
  return Math.max(0, cap - counted);
}

/** Whether a profile's cap is one the router can hold (block policy): only these vouchers' users are read for it. */
export function routerHoldsCap(v: Pick<VoucherState, 'profile' | 'staff'>): boolean {
  return v.profile.dataCapBytes !== undefined && v.profile.capPolicy === 'block' && !v.staff;
}
