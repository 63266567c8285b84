/**
 * A device online with its traffic as the admin API (`GET /admin/api/user-traffic`, the original PisoNet's
 * contract) and the terminal's `users list --json` / `bandwidth users --json` both answer it.
 */
import { formatBytes } from '../../../domain/units';
import type { UserTraffic } from './types';

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
