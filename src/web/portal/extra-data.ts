/**
 * The status page's share of extra data at the cap (src/domain/overage.ts): whether a coin box sells it at the
 * device's site (the page then opens a coin window below the offer), and the status API's fields for it.
 */
import type { PortalStatus, Services } from '../../services/types';
import { portalSiteId } from './portal-site';

/** The coin box form's fields when the device's voucher waits for extra data and a vendo sells here; else null. */
export async function extraDataVendo(
  services: Pick<Services, 'sites' | 'vendos'>,
  status: PortalStatus,
  f: { mac: string; ip: string; site: string; linkOrig: string },
): Promise<{ mac: string; ip: string; site: string; linkOrig: string } | null> {
  if (!status.active || !status.extraData || !f.mac || !f.ip) return null;
  const siteId = await portalSiteId(services, f);
  return (await services.vendos.portalList(siteId)).length > 0 ? f : null;
}

/**
 * `GET /api/portal/status`'s fields for it: `data_used_up` (the voucher waits at its cap, offline) and the offer
 * `extra_data` (bytes per purchase, price in pesos), null when none is for sale now.
 */
export function extraDataJson(s: PortalStatus) {
  const x = s.active ? s.extraData : null;
  return {
    data_used_up: x !== null,
    extra_data: x && { bytes: x.bytes, price: x.price / 100, price_centavos: x.price },
  };
}
