/**
 * A site as the admin API answers it (src/web/admin/api-sites.ts) and the terminal prints it with --json
 * (cli/commands/sites.ts). A router's password is never answered: `password_set`.
 */
import { isoInstant } from '../../../domain/units';
import type { SiteView } from './types';

export function siteJson(s: SiteView) {
  return {
    id: s.id,
    name: s.name,
    default: s.isDefault,
    host: s.host,
    port: s.port,
    user: s.user,
    tls: s.tls,
    password_set: s.passwordSet,
    hotspot_server: s.hotspotServer,
    hotspot_user_profile: s.hotspotUserProfile,
    tz: s.tz,
    wifi_name: s.wifiName,
    mode: s.mode,
    nas_address: s.nasAddress,
    coa_port: s.coaPort,
    radius_secret_set: s.radiusSecretSet,
    static_pool: s.staticPool,
    api_access: s.apiAccess,
    radius_unknown_codes: s.radiusUnknownCodes,
    connected: s.status.connected,
    identity: s.status.identity,
    online: s.status.online,
    last_poll_at: isoInstant(s.status.lastPollAt),
    error: s.status.error,
    live: s.status.live,
    income_today: {
      count: s.figures.incomeToday.count,
      amount: s.figures.incomeToday.amount / 100,
      amount_centavos: s.figures.incomeToday.amount,
    },
    active_vouchers: s.figures.activeVouchers,
  };
}
