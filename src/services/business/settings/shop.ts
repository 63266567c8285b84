/**
 * The settings an owner changes from the admin or the terminal that `.env` sets first: the shop's time zone,
 * the WiFi name printed on cards, where the cards' QR codes lead (the portal's address and the hotspot's
 * login page), the networks the admin answers from, and the shop's contact for customers, a name and a mobile
 * number (never in `.env`: none until the owner sets them; on receipts, invoices and a suspended customer's pages).
 *
 * `.env` gives the defaults; a value saved here overrides it until it is reset. The effective values live in
 * the one `AppConfig` every service reads at the moment it needs them, so a change applies without a restart:
 * this service is the only writer of those fields after start. A change made in another process (the terminal
 * while the server runs) reaches the server at its next poll (`refresh`).
 */
import type { AppConfig } from '../../../config/env';
import { ValidationError, AppError } from '../../../domain/errors';
import { ErrorCollector } from '../../../domain/error-collector';
import { ipInCidrs, parseCidr } from '../../../domain/network';
import { webAddress } from '../../../domain/setting-fields';
import { parseMobile } from '../../../domain/subscriber-fields';
import { hasControl } from '../sites/validate';
import { knownTimeZone } from '../../../config/env-readers';
import type { SettingsService } from '../../types';
import { overridesRoom, parseGiven } from './overrides';
import {
  SHOP_SETTING_FIELDS,
  type ShopSettingField,
  type ShopSettingValues,
  type ShopSettingsService,
} from './shop-types';
export { SHOP_SETTING_FIELDS, type ShopSettingField, type ShopSettingsView } from './shop-types';

/** The settings table's keys. */
const KEYS: Record<ShopSettingField, string> = {
  tz: 'shop.tz',
  wifi_name: 'shop.wifi_name',
  portal_url: 'cards.portal_url',
  hotspot_login_url: 'cards.hotspot_login_url',
  admin_allow: 'admin.allow',
  contact_name: 'shop.contact_name',
  contact_mobile: 'shop.contact_mobile',
};

function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw ValidationError.invalid(field, v, 'text', 'send a string');
  return v.trim();
}

/** Text on one line of at most `max` characters (a WiFi name, a contact's name). */
function oneLine(v: unknown, field: string, max: number, what: string, example: string): string {
  const s = text(v, field);
  if (s.length > max || hasControl(s))
    throw ValidationError.invalid(
      field,
      v,
      what,
      `use at most ${max} characters on one line, e.g. ${example}`,
    );
  return s;
}

/** One field's typed value; '' (or an empty list) means "back to .env". */
const parsers: Record<ShopSettingField, (v: unknown) => string | string[]> = {
  tz(v) {
    const s = text(v, 'tz');
    if (s !== '' && (s.length > 64 || !knownTimeZone(s)))
      throw ValidationError.invalid(
        'tz',
        v,
        'a known time zone',
        'use a name like Asia/Manila or Asia/Jakarta',
      );
    return s;
  },
  wifi_name: (v) => oneLine(v, 'wifi_name', 32, 'a WiFi name', 'AlingNena-WiFi'),
  // The refusal shows the address as trimmed.
  portal_url(v) {
    const s = text(v, 'portal_url');
    return webAddress(s, s, 'portal_url', 200, 'http://10.5.50.2:5000').replace(/\/+$/, '');
  },
  hotspot_login_url(v) {
    const s = text(v, 'hotspot_login_url');
    return webAddress(s, s, 'hotspot_login_url', 200, 'http://pisonet.wifi/login');
  },
  admin_allow(v) {
    const entries = Array.isArray(v) ? v : text(v, 'admin_allow').split(/[\s,]+/);
    const list = entries.filter((e) => e !== '').map((e) => parseCidr(e, 'admin_allow').text);
    if (list.length > 32) throw new ValidationError('admin_allow', 'use at most 32 addresses or networks');
    return [...new Set(list)];
  },
  contact_name: (v) => oneLine(v, 'contact_name', 60, 'a name', 'Aling Nena'),
  contact_mobile(v) {
    const s = text(v, 'contact_mobile');
    return s === '' ? s : parseMobile(s, 'contact_mobile');
  },
};

const empty = (v: string | string[]) => (Array.isArray(v) ? v.length === 0 : v === '');

function fromConfig(config: AppConfig): ShopSettingValues {
  return {
    tz: config.tz,
    wifi_name: config.wifiName,
    portal_url: config.portalUrl,
    hotspot_login_url: config.hotspotLoginUrl,
    admin_allow: [...config.admin.allow],
    contact_name: '',
    contact_mobile: '',
  };
}

function applyTo(config: AppConfig, v: ShopSettingValues): void {
  config.tz = v.tz;
  config.wifiName = v.wifi_name;
  config.portalUrl = v.portal_url;
  config.hotspotLoginUrl = v.hotspot_login_url;
  config.admin.allow = v.admin_allow;
}

const lockedOut = (address: string) =>
  new AppError(
    'ADMIN_LOCKOUT',
    `This list leaves out your own address (${address}): saving it would lock you out of the admin. Add ${address} (or its network) to the list.`,
    400,
    'admin_allow',
  );

export function createShopSettings(config: AppConfig, settings: SettingsService): ShopSettingsService {
  const room = overridesRoom(settings, {
    fields: SHOP_SETTING_FIELDS,
    key: (f: ShopSettingField) => KEYS[f],
    parsers,
    empty: (v) => empty(v as string | string[]),
    env: fromConfig(config),
    applyTo: (v: ShopSettingValues) => applyTo(config, v),
  });

  return {
    refresh: room.refresh,
    view: room.view,
    async update(input, actor, from) {
      if (actor.account)
        throw new AppError(
          'FORBIDDEN_ROLE',
          `Only the owner may change the shop's settings; this account is a ${actor.account.role}`,
          403,
        );
      const c = new ErrorCollector();
      const parsed = parseGiven(c, SHOP_SETTING_FIELDS, input, parsers);
      c.throwIfAny('Settings not saved');
      return room.save(parsed, actor, (after) => {
        const address = from?.address ?? null;
        if (from && parsed.has('admin_allow') && after.admin_allow.length > 0) {
          if (address === null || !ipInCidrs(address, after.admin_allow))
            throw lockedOut(address ?? 'unknown');
        }
      });
    },
  };
}
