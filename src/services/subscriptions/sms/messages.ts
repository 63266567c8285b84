/**
 * What each SMS to a subscriber says, in its language (English or Filipino: messages.*.json). Written to fit one
 * SMS part: 160 characters of the GSM 7-bit alphabet. A single character outside it (the peso sign ₱, an emoji,
 * a curly quote) turns the whole message into UCS-2, where one part holds 70, so amounts are written `P1,499.00`
 * and the shop's name is cut to 20 characters and folded to that alphabet. A message never holds a password, a
 * PIN or a key: it is built only from the fields below.
 */
import { formatMoney } from '../../../domain/quantities';
import en from './messages.en.json';
import fil from './messages.fil.json';

export type SmsKind = 'issued' | 'reminder' | 'suspended' | 'payment';
export type SmsLanguage = 'en' | 'fil';

type Key = keyof typeof en;
const CATALOGS: Record<SmsLanguage, Record<Key, string>> = { en, fil };

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXT = '^{}\\[~]|€';

/** The message's length in GSM-7 septets, or undefined when it needs UCS-2. */
export function gsm7Length(text: string): number | undefined {
  let n = 0;
  for (const ch of text) {
    if (GSM7.includes(ch)) n += 1;
    else if (GSM7_EXT.includes(ch)) n += 2;
    else return undefined;
  }
  return n;
}

/**
 * The shop's name as it fits a message: letters of the GSM alphabet only (dashes and quotes folded to theirs), one
 * space between words, at most 20 letters, cut between words where a word would be cut (mid-word only when its
 * first word is longer).
 */
export function smsShopName(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[‐‑‒–—―]/g, '-')
    .split('')
    .filter((c) => GSM7.includes(c) && c !== '\n' && c !== '\r')
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const name20 = folded || 'PisoNet';
  if (name20.length <= 20) return name20;
  const cut = name20.slice(0, 21).replace(/\s+\S*$/, '');
  return (cut.length && cut.length <= 20 ? cut : name20.slice(0, 20)).replace(/[\s-]+$/, '');
}

/** `P1,499.00`: centavos as pesos without the ₱ sign (see above). */
const smsAmount = (centavos: number): string => formatMoney(centavos, 'P');

export interface SmsVoice {
  shop: string;
  language: SmsLanguage;
  /** The subscriber's page: PORTAL_URL + `/portal/account` (empty: "the WiFi portal"). */
  link: string;
}

function say(v: SmsVoice, key: Key, vars: Record<string, string> = {}): string {
  const text = CATALOGS[v.language]?.[key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** `Dec 12` (Filipino `Dis 12`) from a shop date `2026-12-12`. */
function smsDate(v: SmsVoice, date: string): string {
  const [, m, d] = date.split('-').map(Number);
  return `${say(v, 'months').split(' ')[m - 1]} ${d}`;
}

export const languageOf = (l: string | null | undefined): SmsLanguage => (l === 'fil' ? 'fil' : 'en');

const base = (v: SmsVoice) => ({ shop: smsShopName(v.shop), link: v.link || say(v, 'no_link') });

/** An invoice's message (issued, or the reminder before its due date): its number, what is due and when. */
const invoiceText =
  (key: 'issued' | 'reminder') =>
  (v: SmsVoice, i: { number: string; due: number; dueOn: string }): string =>
    say(v, key, { ...base(v), number: i.number, amount: smsAmount(i.due), due: smsDate(v, i.dueOn) });

export const issuedText = invoiceText('issued');
export const reminderText = invoiceText('reminder');

export function suspendedText(v: SmsVoice, owed: number): string {
  return say(v, 'suspended', { ...base(v), amount: smsAmount(owed) });
}

export function paymentText(v: SmsVoice, p: { amount: number; owed: number; credit: number }): string {
  const left =
    p.owed > 0
      ? say(v, 'left_owed', { owed: smsAmount(p.owed) })
      : p.credit > 0
        ? say(v, 'left_credit', { credit: smsAmount(p.credit) })
        : say(v, 'left_none');
  return say(v, 'payment', { ...base(v), amount: smsAmount(p.amount), left });
}
