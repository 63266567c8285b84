/**
 * The site a portal page serves, for what is sold per site: the price list and the coin vendos show
 * shared profiles and vendos plus that site's own. The login page names its site (`site=`); otherwise the
 * routers are asked which one sees the device (src/services/business/sites/device-sites.ts). A controller with one router is
 * that site. When the site cannot be told (none or two routers see the device, no MAC given), only what is
 * shared is shown: never another branch's prices.
 */
import type { Services } from '../../services/types';

/** The site's id, or null for "not known: shared only". */
export async function portalSiteId(
  services: Pick<Services, 'sites'>,
  f: { site?: string; mac?: string; ip?: string },
): Promise<number | null> {
  if (f.site) {
    try {
      const site = await services.sites.scope(f.site);
      if (site) return site.id;
    } catch {
      // A login page naming a site that is gone: told as unknown below.
    }
  }
  if (f.mac && f.ip) {
    const seen = await services.sites.deviceSite(f.mac, f.ip);
    if (seen) return seen.id;
  }
  const all = await services.sites.names();
  return all.length === 1 ? all[0].id : null;
}
