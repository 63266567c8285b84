/**
 * A device online with its traffic as the admin API (`GET /admin/api/user-traffic`, the original PisoNet's
 * contract) and the terminal's `users list --json` / `bandwidth users --json` both answer it; a speed-limit
 * change as the terminal's `bandwidth set|remove|reset --json` answers it, in the API's words.
 */
import { formatBytes } from '../../../domain/units';
import type { BandwidthChange, UserTraffic } from './types';

/** A change saved but not on the router yet (the API's 202 answer says it). */
export const PENDING_MESSAGE = 'Saved; applied at the next poll.';

/** The change: its device, plan, speeds now in force (bits/s, 0 = no limit that way), and whether the router has it. */
export function bandwidthChangeJson(c: BandwidthChange): Record<string, unknown> {
  return {
    mac: c.mac,
    profile: c.profile,
    up: c.up,
    down: c.down,
    applied: c.applied,
    ...(c.applied ? {} : { message: PENDING_MESSAGE }),
  };
}

export function userJson(u: UserTraffic): Record<string, unknown> {
  return {
    user: u.user,
    site: u.site,
    mac: u.mac,
    ip: u.ip,
    bytes_in: u.bytesIn,
    bytes_out: u.bytesOut,
    bytes_in_formatted: formatBytes(u.bytesIn),
    bytes_out_formatted: formatBytes(u.bytesOut),
    rate_in: u.rateIn,
    rate_out: u.rateOut,
    max_limit: u.maxLimit,
    plan_max_limit: u.planMaxLimit,
    profile: u.profile,
    fup_state: u.fupState,
    limit_source: u.limitSource,
    remaining_seconds: u.remainingSeconds,
    connected: u.connected,
  };
}
