/**
 * Shared mapping from database rows to the domain's VoucherState and the services' VoucherView, used by the
 * voucher service, the portal and the usage poll cycle. Status changes go through voucher-lifecycle/.
 */
import { routerHoldsCap } from '../../../domain/byte-cap';
import type { Profile } from '../../../domain/profiles';
import { voucherTiming, type VoucherState } from '../../../domain/vouchers';
import type { VoucherView } from '../../types';
import type { QueuedView } from './hold';
import type { VoucherRow } from './types';
export type { VoucherRow } from './types';
export { profileFromRow, type ProfileRow } from '../../../domain/profile-row';

/** The profile as it applies to one voucher: admin "extend" adds to the validity. */
function effectiveProfile(profile: Profile, extraSeconds: number): Profile {
  if (profile.validitySeconds === null || !extraSeconds) return profile;
  return { ...profile, validitySeconds: profile.validitySeconds + extraSeconds };
}

/** Second codes added to a voucher raise its data cap and fair-use threshold by what they brought. */
function withExtraData(profile: Profile, extraBytes: number, extraFupBytes: number): Profile {
  if (!extraBytes && !extraFupBytes) return profile;
  const out: Profile = { ...profile };
  if (out.dataCapBytes !== undefined && extraBytes) out.dataCapBytes += extraBytes;
  if (out.fup && extraFupBytes)
    out.fup = { ...out.fup, thresholdBytes: out.fup.thresholdBytes + extraFupBytes };
  return out;
}

/** The profile as it applies to this voucher row: extensions and top-ups included. */
export function voucherProfile(
  row: Pick<VoucherRow, 'extra_seconds' | 'extra_bytes' | 'extra_fup_bytes'>,
  profile: Profile,
): Profile {
  return withExtraData(
    effectiveProfile(profile, row.extra_seconds),
    Number(row.extra_bytes ?? 0),
    Number(row.extra_fup_bytes ?? 0),
  );
}

/** Seconds for the hotspot user's uptime limit, or null (staff / unlimited: no limit on the router). */
export function routerUptimeLimit(profile: Profile, extraSeconds: number, staff: boolean): number | null {
  if (staff || profile.validitySeconds === null) return null;
  return profile.validitySeconds + extraSeconds;
}

/**
 * The hotspot user's byte limit: the data its voucher may still move when its cap blocks (the router holds the
 * cap, so a device is cut at the byte, not at the next poll); undefined when the router holds none.
 */
export function routerByteLimit(row: VoucherRow, profile: Profile): number | undefined {
  const v = toVoucherState(row, profile);
  if (!routerHoldsCap(v)) return undefined;
  return Math.max(0, (v.profile.dataCapBytes ?? 0) - v.countedBytes);
}

export function toVoucherState(row: VoucherRow, profile: Profile): VoucherState {
  const state: VoucherState = {
    code: row.code,
    status: row.status,
    profile: voucherProfile(row, profile),
    rateUp: row.rate_limit_up,
    rateDown: row.rate_limit_down,
    uptimeSeconds: row.uptime_seconds,
    countedBytes: Number(row.counted_bytes),
    totalBytes: Number(row.bytes_up) + Number(row.bytes_down),
    staff: Boolean(row.staff),
  };
  if (row.activated_at !== null) state.activatedAt = Number(row.activated_at);
  if (row.paused_at !== null && row.paused_at !== undefined) state.paused = true;
  if (row.override_up !== null && row.override_down !== null) {
    state.override = { rateUp: row.override_up, rateDown: row.override_down };
  }
  return state;
}

/** A view made by toVoucherState, brought up to its row's status and usage in place (as toVoucherState reads them). */
export function refreshVoucherUsage(view: VoucherState, row: VoucherRow): void {
  view.status = row.status;
  view.uptimeSeconds = row.uptime_seconds;
  view.countedBytes = Number(row.counted_bytes);
  view.totalBytes = Number(row.bytes_up) + Number(row.bytes_down);
}

function remainingSeconds(row: VoucherRow, profile: Profile, now: number): number | null {
  if (row.status === 'expired' || row.status === 'exhausted' || row.status === 'revoked') return 0;
  return voucherTiming(toVoucherState(row, profile), now).remainingSeconds;
}

export function toVoucherView(
  row: VoucherRow,
  profileName: string,
  profile: Profile,
  now: number,
  queued: QueuedView | null = null,
): VoucherView {
  return {
    code: row.code,
    password: row.password ?? null,
    profile: profileName,
    price: row.price,
    status: row.status,
    rateUp: row.rate_limit_up,
    rateDown: row.rate_limit_down,
    staff: Boolean(row.staff),
    batchId: row.batch_id,
    createdAt: Number(row.created_at),
    activatedAt: row.activated_at === null ? null : Number(row.activated_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endReason: row.end_reason,
    boundMac: row.bound_mac,
    bytesUp: Number(row.bytes_up),
    bytesDown: Number(row.bytes_down),
    countedBytes: Number(row.counted_bytes),
    remainingSeconds: remainingSeconds(row, profile, now),
    addedSeconds: Number(row.extra_seconds ?? 0),
    override:
      row.override_up !== null && row.override_down !== null
        ? { up: row.override_up, down: row.override_down }
        : null,
    onRouter: row.router_user_id !== null,
    siteId: row.site_id == null ? null : Number(row.site_id),
    queued,
    pausedAt: row.status === 'active' && row.paused_at != null ? Number(row.paused_at) : null,
  };
}
