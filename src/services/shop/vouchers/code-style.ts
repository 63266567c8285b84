/**
 * The shop's code style (Settings) and the style a batch or a vendo's sale is made in: the shop's, with what
 * the batch overrides, checked once (src/domain/code-style.ts: the alphabets, the guessing floor). Every face
 * (admin, API, terminal, vendo) comes here, so a style below the floor is refused the same way everywhere.
 */
import type { Knex } from 'knex';
import crypto from 'node:crypto';
import {
  CODE_ALPHABET_NAMES,
  MAX_CODE_LENGTH,
  parsePrefix,
  randomPart,
  type CodeAlphabet,
} from '../../../domain/codes';
import {
  DEFAULT_CODE_STYLE,
  DEFAULT_PASSWORD_LENGTH,
  minimumLength,
  resolveCodeStyle,
  STYLE_FIELDS,
  styleFigures,
  type CodeStyle,
  type CodeStyleInput,
  type StyleFigures,
} from '../../../domain/code-style';
import type { Actor, SettingsService } from '../../types';
import { saveChanged } from '../../business/settings';
import type { PortalCodeEntry } from './types';
export type { PortalCodeEntry } from './types';

/** Where the style is kept. `pass_*`, not `password_*`: the settings' audit hides values of keys named so. */
const STYLE_SETTINGS = {
  alphabet: 'voucher.code_alphabet',
  length: 'voucher.code_length',
  prefix: 'voucher.prefix',
  /** null: the password is the code. */
  passAlphabet: 'voucher.pass_alphabet',
  passLength: 'voucher.pass_length',
} as const;

const alphabetOr = (v: unknown, fallback: CodeAlphabet): CodeAlphabet =>
  typeof v === 'string' && (CODE_ALPHABET_NAMES as string[]).includes(v) ? (v as CodeAlphabet) : fallback;
const wholeOr = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;

/**
 * The style as stored, unchecked (what the Settings form shows, whatever it is): a value that cannot be read is
 * the default's. A shop that never chose one has capital letters, 8 characters, no password, as before styles.
 */
export async function storedCodeStyle(settings: Pick<SettingsService, 'get'>): Promise<CodeStyle> {
  const [alphabet, length, prefix, passAlphabet, passLength] = await Promise.all([
    settings.get<unknown>(STYLE_SETTINGS.alphabet, DEFAULT_CODE_STYLE.alphabet),
    settings.get<unknown>(STYLE_SETTINGS.length, DEFAULT_CODE_STYLE.length),
    settings.get<unknown>(STYLE_SETTINGS.prefix, DEFAULT_CODE_STYLE.prefix),
    settings.get<unknown>(STYLE_SETTINGS.passAlphabet, null),
    settings.get<unknown>(STYLE_SETTINGS.passLength, DEFAULT_PASSWORD_LENGTH),
  ]);
  return {
    alphabet: alphabetOr(alphabet, DEFAULT_CODE_STYLE.alphabet),
    length: wholeOr(Number(length), DEFAULT_CODE_STYLE.length),
    prefix: typeof prefix === 'string' ? prefix : '',
    password:
      passAlphabet === null || passAlphabet === undefined
        ? null
        : {
            alphabet: alphabetOr(passAlphabet, 'digits'),
            length: wholeOr(Number(passLength), DEFAULT_PASSWORD_LENGTH),
          },
  };
}

/**
 * The style to make codes in: the shop's, with `input` on top, checked (the floor included). Throws
 * ValidationError(s) under the fields the API and the forms use (alphabet, length, prefix, password_*).
 */
export async function codeStyleFor(
  settings: Pick<SettingsService, 'get'>,
  input: CodeStyleInput = {},
): Promise<CodeStyle> {
  return resolveCodeStyle(await storedCodeStyle(settings), input);
}

/**
 * The figures of the style `input` asks for on top of the shop's (bits, possible codes, the time a guesser needs,
 * whether it meets the floor), shown before generating; the style's shape is checked (ValidationErrors), the
 * floor is reported in `problem`, not thrown.
 */
export async function codeStyleFigures(
  settings: Pick<SettingsService, 'get'>,
  input: CodeStyleInput = {},
): Promise<StyleFigures> {
  return styleFigures(
    resolveCodeStyle(await storedCodeStyle(settings), input, STYLE_FIELDS, { floor: false }),
  );
}

/**
 * The style a vendo sells in: the shop's, and never a refused sale over it. A stored style below the floor (a
 * shop that chose 6 characters before the floor existed) is lengthened to the floor's length, and a prefix the
 * alphabet cannot carry is left out; Settings refuses such a style when it is next saved.
 */
export async function saleCodeStyle(settings: Pick<SettingsService, 'get'>): Promise<CodeStyle> {
  const stored = await storedCodeStyle(settings);
  const prefix = (() => {
    try {
      return parsePrefix(stored.prefix, 'prefix', stored.alphabet);
    } catch {
      return '';
    }
  })();
  const length = Math.max(stored.length, minimumLength(stored.alphabet, stored.password) ?? MAX_CODE_LENGTH);
  return { ...stored, prefix, length: Math.min(length, MAX_CODE_LENGTH) };
}

/** Saves a checked style as the shop's default; returns the keys that changed (only those are written and audited). */
export async function saveShopCodeStyle(
  settings: SettingsService,
  style: CodeStyle,
  actor: Actor,
): Promise<string[]> {
  const values: Record<string, unknown> = {
    [STYLE_SETTINGS.alphabet]: style.alphabet,
    [STYLE_SETTINGS.length]: style.length,
    [STYLE_SETTINGS.prefix]: style.prefix,
    [STYLE_SETTINGS.passAlphabet]: style.password?.alphabet ?? null,
    // Kept when passwords are turned off, so turning them on again offers the same length.
    ...(style.password ? { [STYLE_SETTINGS.passLength]: style.password.length } : {}),
  };
  return saveChanged(settings, values, actor);
}

/** A separate password in the style's form, or null when the password is the code. */
export function newPassword(style: CodeStyle): string | null {
  return style.password
    ? randomPart(style.password.length, style.password.alphabet, crypto.randomBytes)
    : null;
}

export async function portalCodeEntry(
  settings: Pick<SettingsService, 'get'>,
  db: Knex,
): Promise<PortalCodeEntry> {
  const style = await storedCodeStyle(settings);
  return {
    digits: style.alphabet === 'digits' && /^\d*$/.test(style.prefix),
    lowercase: style.alphabet === 'lowercase',
    password: style.password !== null || (await passwordsInUse(db)),
    passwordRequired: style.password !== null,
    passwordDigits: style.password?.alphabet === 'digits',
  };
}

/**
 * Whether a code still on sale or in use needs a separate password: the portal then asks for one even after the
 * shop went back to passwords that are the code (the cards already printed still carry theirs). One probe of a
 * partial index (migration 0023), empty in a shop that never used passwords.
 */
async function passwordsInUse(db: Knex): Promise<boolean> {
  const row = await db('vouchers')
    .whereNotNull('password')
    .whereIn('status', ['unused', 'active'])
    .first('id');
  return row !== undefined;
}
