/**
 * Which site a customer's device is on (issue 17), for what is sold per site: the portal's price list and coin
 * vendos tied to one site. The routers are asked as for a redemption (src/services/site-dispatch.ts): at once,
 * each for at most LOOKUP_MS, so a hung branch delays nobody by more than that.
 */
import { normaliseMac } from '../domain/units';
import type { SiteRef } from './deps';
import { sitesSeeing, type SiteDrivers } from './site-dispatch';

/**
 * The sites whose router sees `mac` at `ip` (none for a malformed MAC). A controller with one router answers
 * with that site without asking it.
 */
export async function locateDevice(drivers: SiteDrivers, macInput: string, ip: string): Promise<SiteRef[]> {
  const all = drivers.all();
  if (all.length <= 1) return [drivers.main.site];
  let mac: string;
  try {
    mac = normaliseMac(macInput);
  } catch {
    return [];
  }
  return (await sitesSeeing(all, mac, String(ip))).map((d) => d.site);
}
