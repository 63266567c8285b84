/**
 * Where a customer's phone reaches the hotspot's own login page: the `dns-name` of the hotspot server profile
 * (`/ip/hotspot/profile`) of the server the vouchers belong to. Read-only; the printed vouchers' QR codes open
 * `http://<dns-name>/login?code=…` when no HOTSPOT_LOGIN_URL is configured (docs/router-setup.md).
 */
import type { RouterClient } from './types';

const HOTSPOT_SERVER_MENU = '/ip/hotspot';
const HOTSPOT_SERVER_PROFILE_MENU = '/ip/hotspot/profile';

interface HotspotLoginName {
  /** The hotspot server whose profile names it. */
  server: string;
  /** Its server profile. */
  profile: string;
  /** The profile's `dns-name`, e.g. `wifi.shop`. */
  dnsName: string;
}

/**
 * The DNS name of the login page of `server` (the HOTSPOT_SERVER setting; `all` = the first enabled server
 * whose profile has one), or null when no enabled server's profile sets a `dns-name`. Throws RouterError when
 * the router cannot be read.
 */
export async function readHotspotLoginName(
  router: RouterClient,
  server: string,
): Promise<HotspotLoginName | null> {
  const [servers, profiles] = await Promise.all([
    router.print(HOTSPOT_SERVER_MENU, { proplist: ['name', 'profile', 'disabled'] }),
    router.print(HOTSPOT_SERVER_PROFILE_MENU, { proplist: ['name', 'dns-name'] }),
  ]);
  const dnsOf = new Map(profiles.map((p) => [p.name, (p['dns-name'] ?? '').trim()]));
  for (const s of servers) {
    if (s.disabled === 'true') continue;
    if (server !== 'all' && s.name !== server) continue;
    const dnsName = dnsOf.get(s.profile) ?? '';
    if (dnsName !== '') return { server: s.name, profile: s.profile, dnsName };
  }
  return null;
}
