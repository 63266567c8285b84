/**
 * The shop's contact for customers, printed on receipts and invoices and shown on them in the admin: a name
 * (whom to ask for, e.g. "Aling Nena") and a Philippine mobile number. Owner-set in Settings (the general
 * section); both may be left empty, and a paper then shows the shop's name only. Kept as the settings keys
 * `shop.contact_name` and `shop.contact_mobile` (the mobile as +639XXXXXXXXX).
 */
import { ValidationError, ValidationErrors } from '../../domain/errors';
import { parseMobile } from '../../domain/subscriber-fields';
import type { Actor } from '../audit/actor';
import type { SettingsService } from './types';

export const SHOP_CONTACT_KEYS = { name: 'shop.contact_name', mobile: 'shop.contact_mobile' } as const;
const NAME_MAX = 60;

export interface ShopContact {
  /** '' when not set. */
  name: string;
  /** +639XXXXXXXXX, or '' when not set. */
  mobile: string;
}

export async function shopContact(settings: Pick<SettingsService, 'get'>): Promise<ShopContact> {
  const [name, mobile] = await Promise.all([
    settings.get<string>(SHOP_CONTACT_KEYS.name, ''),
    settings.get<string>(SHOP_CONTACT_KEYS.mobile, ''),
  ]);
  return { name: typeof name === 'string' ? name : '', mobile: typeof mobile === 'string' ? mobile : '' };
}

/** +639171234567 as people write it: 0917 123 4567. */
export function localMobile(mobile: string): string {
  const m = /^\+63(9\d{2})(\d{3})(\d{4})$/.exec(mobile);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : mobile;
}

/** The fields as typed ('' clears one); every problem at once, by the form's names. */
export function parseShopContact(input: { name?: unknown; mobile?: unknown }): ShopContact {
  const problems: ValidationError[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (input.name !== undefined && typeof input.name !== 'string')
    problems.push(new ValidationError('shop_contact_name', 'send text'));
  else if (name.length > NAME_MAX || [...name].some((ch) => ch < ' ' || ch === '\u007f'))
    problems.push(new ValidationError('shop_contact_name', `use at most ${NAME_MAX} characters on one line`));
  let mobile = '';
  const typed = typeof input.mobile === 'string' ? input.mobile.trim() : input.mobile;
  if (typed !== undefined && typed !== '') {
    try {
      mobile = parseMobile(typed, 'shop_contact_mobile');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems.push(
        new ValidationError('shop_contact_mobile', 'use a mobile number like 09171234567 or +639171234567'),
      );
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new ValidationErrors(problems, 'Shop contact');
  return { name, mobile };
}

/** Saves the contact's changed fields (each audited `settings.set`); returns the keys changed. */
export async function saveShopContact(
  settings: SettingsService,
  contact: ShopContact,
  actor: Actor,
): Promise<string[]> {
  const now = await shopContact(settings);
  const changed: string[] = [];
  for (const f of ['name', 'mobile'] as const) {
    if (now[f] === contact[f]) continue;
    await settings.set(SHOP_CONTACT_KEYS[f], contact[f], actor);
    changed.push(SHOP_CONTACT_KEYS[f]);
  }
  return changed;
}
