/**
 * The shop's contact for customers as papers and pages print it: a name (whom to ask for, e.g. "Aling Nena")
 * and a Philippine mobile number, both owned by the shop settings (shop.ts: `contact_name`, `contact_mobile`,
 * owner-set in Settings or `pisonet settings shop`). Both may be empty; a paper then shows the shop's name only.
 */
import type { ShopSettingsService } from './shop-types';

interface ShopContact {
  /** '' when not set. */
  name: string;
  /** +639XXXXXXXXX, or '' when not set. */
  mobile: string;
}

export async function shopContact(shop: Pick<ShopSettingsService, 'view'>): Promise<ShopContact> {
  const { effective } = await shop.view();
  return { name: effective.contact_name, mobile: effective.contact_mobile };
}

/** +639171234567 as people write it: 0917 123 4567. */
export function localMobile(mobile: string): string {
  const m = /^\+63(9\d{2})(\d{3})(\d{4})$/.exec(mobile);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : mobile;
}
