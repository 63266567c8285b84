/**
 * The shop settings' contract (shop.ts): what `.env` sets first and the owner may change.
 */
import type { Actor } from '../audit/actor';
import type { OverridesService, OverridesView } from './overrides';

/** The fields, as the API, the form and the CLI name them. */
export const SHOP_SETTING_FIELDS = [
  'tz',
  'wifi_name',
  'portal_url',
  'hotspot_login_url',
  'admin_allow',
  'contact_name',
  'contact_mobile',
] as const;
export type ShopSettingField = (typeof SHOP_SETTING_FIELDS)[number];

export interface ShopSettingValues {
  tz: string;
  wifi_name: string;
  portal_url: string;
  hotspot_login_url: string;
  admin_allow: string[];
  /** Whom customers ask for (e.g. "Aling Nena"), on receipts and invoices ('' none): never in .env. */
  contact_name: string;
  /** The shop's mobile number customers are told to contact (`+639…`; '' none): never in .env. */
  contact_mobile: string;
}

export type ShopSettingsView = OverridesView<ShopSettingField, ShopSettingValues>;

export interface ShopSettingsService extends OverridesService<ShopSettingField, ShopSettingValues> {
  /**
   * Validates every given field (all problems at once), then saves and applies the changed ones; '' resets a
   * field to `.env`. `from`: the address of the admin making the change (the web), whose own access an
   * allow-list must keep. The owner's only: a cashier's or a reseller's account is refused (403 FORBIDDEN_ROLE).
   * Returns the fields that changed.
   */
  update(
    input: Partial<Record<ShopSettingField, unknown>>,
    actor: Actor,
    from?: { address: string | null },
  ): Promise<ShopSettingField[]>;
}
