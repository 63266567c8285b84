/**
 * Settings → "Time zone, WiFi and links": the values `.env` sets first (TZ, WIFI_NAME, PORTAL_URL,
 * HOTSPOT_LOGIN_URL, ADMIN_ALLOW), changed from the phone and applied at once. The service owns the bounds
 * and the lock-out guard (src/services/business/settings/shop.ts); this page passes what was typed.
 */
import type { Request, Response, Router } from 'express';
import type { WebContext } from '../../context';
import { postedFields, saveSection, savedText, type SettingsRender } from './settings-notify';
import {
  SHOP_SETTING_FIELDS,
  type ShopSettingField,
  type ShopSettingsView,
} from '../../../services/business/settings/shop';
import { actorOf } from './common';
import { timeZoneChoices } from './time-zones';
import { localMobile } from '../../../services/business/settings/shop-contact';

const LABELS: Record<ShopSettingField, string> = {
  tz: 'time zone',
  wifi_name: 'WiFi name',
  portal_url: 'portal address',
  hotspot_login_url: 'hotspot login page',
  admin_allow: 'admin networks',
  contact_name: 'contact name',
  contact_mobile: 'contact mobile',
};

/** The form's values: the owner's own ('' where .env's applies; a list as one line). */
export function shopFormValues(view: ShopSettingsView): Record<string, string> {
  const e = view.effective;
  const own = (f: ShopSettingField, v: string) => (view.overridden.includes(f) ? v : '');
  return {
    tz: own('tz', e.tz),
    wifi_name: own('wifi_name', e.wifi_name),
    portal_url: own('portal_url', e.portal_url),
    hotspot_login_url: own('hotspot_login_url', e.hotspot_login_url),
    admin_allow: own('admin_allow', e.admin_allow.join(', ')),
    contact_name: own('contact_name', e.contact_name),
    contact_mobile: own('contact_mobile', localMobile(e.contact_mobile)),
  };
}

/** What the section shows beside each field: .env's value, and whether the owner's overrides it. */
export function shopFormFacts(view: ShopSettingsView, yourAddress: string | null) {
  const env = view.env;
  return {
    tzZones: timeZoneChoices(),
    yourAddress: yourAddress?.replace(/^::ffff:/, '') ?? null,
    overridden: view.overridden,
    env: {
      tz: env.tz,
      wifi_name: env.wifi_name || '(empty: the shop name)',
      portal_url: env.portal_url || '(empty: the address the admin is opened on)',
      hotspot_login_url: env.hotspot_login_url || "(empty: the router's hotspot DNS name)",
      admin_allow: env.admin_allow.join(', ') || '(empty: any network)',
      contact_name: '(none)',
      contact_mobile: '(none)',
    },
  };
}

function saved(changed: ShopSettingField[], view: ShopSettingsView): string {
  const tz = changed.includes('tz')
    ? ` Times, "today" and off-peak hours now follow ${view.effective.tz}.`
    : '';
  return savedText(changed, view, LABELS, `in effect now, no restart needed.${tz}`, (f) =>
    f === 'contact_mobile' || f === 'contact_name'
      ? `${LABELS[f]} removed`
      : `${LABELS[f]} back to .env's value`,
  );
}

/** POST /settings/shop; `render` shows the Settings page again with the typed values and the errors. */
export function shopSettingsRoute(ctx: WebContext, router: Router, render: SettingsRender): void {
  const { shopSettings } = ctx.services;
  router.post('/settings/shop', async (req: Request, res: Response) => {
    const typed = postedFields((req.body ?? {}) as Record<string, unknown>, SHOP_SETTING_FIELDS);
    await saveSection(req, res, render, {
      anchor: 'shop',
      shown: typed,
      notSaved: 'The settings were not saved.',
      save: async () => {
        const changed = await shopSettings.update(typed, actorOf(req), {
          address: req.socket.remoteAddress ?? null,
        });
        return saved(changed, await shopSettings.view());
      },
    });
  });
}
