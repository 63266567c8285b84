/**
 * Voucher codes and their passwords: random over an alphabet (code-style.ts says which), drawn from a
 * cryptographic RNG the caller passes in (crypto.randomBytes), with rejection sampling so every character is
 * equally likely. Every alphabet is of one case (capitals, small letters, or digits), so a code is found by its
 * key (`normaliseCode`: upper case, spaces and dashes removed) whatever case the customer's phone typed it in, while the
 * code itself, as stored and as the router's hotspot user name, keeps its case (RouterOS names are case-sensitive).
 */
import { ValidationError } from './errors';
import { parseWholeNumber } from './quantities';

/**
 * `uppercase`: capital letters and digits without look-alikes (no 0/O, 1/I/L), as before there were styles.
 * `lowercase`: the same in small letters. `digits`: 0-9, every digit (there are no letters to mistake them for).
 */
export const CODE_ALPHABETS = {
  uppercase: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789',
  lowercase: 'abcdefghjkmnpqrstuvwxyz23456789',
  digits: '0123456789',
} as const;
export type CodeAlphabet = keyof typeof CODE_ALPHABETS;
export const CODE_ALPHABET_NAMES = Object.keys(CODE_ALPHABETS) as CodeAlphabet[];

export const DEFAULT_CODE_LENGTH = 8;
export const MIN_CODE_LENGTH = 6;
export const MAX_CODE_LENGTH = 16;
export const MAX_BATCH = 10000;

type RandomBytes = (n: number) => Uint8Array;

interface CodeOptions {
  /** Random characters, not counting the prefix. */
  length?: number;
  /** Shop-chosen marker before the random part, already in the alphabet's form (parsePrefix). */
  prefix?: string;
  alphabet?: CodeAlphabet;
}

/**
 * A prefix as the alphabet writes it: capitals for `uppercase`, small letters for `lowercase` (what the owner
 * typed is put in that case), digits only for `digits` (a numbers-only code is typed on a phone's number pad).
 */
export function parsePrefix(value: unknown, field = 'prefix', alphabet: CodeAlphabet = 'uppercase'): string {
  const raw = typeof value === 'string' ? value.trim() : value;
  if (alphabet === 'digits') {
    if (typeof raw !== 'string' || !/^[0-9]{0,8}$/.test(raw))
      throw ValidationError.invalid(
        field,
        value,
        'a prefix for numbers-only codes',
        'use up to 8 digits, like 55, or leave it empty',
      );
    return raw;
  }
  if (typeof raw !== 'string' || !/^[A-Za-z0-9]{0,8}$/.test(raw)) {
    throw ValidationError.invalid(
      field,
      value,
      'a code prefix',
      'use up to 8 letters or digits, like WIFI or P5',
    );
  }
  return alphabet === 'lowercase' ? raw.toLowerCase() : raw.toUpperCase();
}

/** Checks a length of random characters against its bounds. */
export function checkLength(length: unknown, field: string, min: number, max: number): number {
  if (typeof length !== 'number' || !Number.isInteger(length) || length < min || length > max) {
    throw ValidationError.invalid(
      field,
      length,
      field.startsWith('password') ? 'a password length' : 'a code length',
      `use ${min} to ${max} characters`,
    );
  }
  return length;
}

/** `length` random characters of `alphabet`, unbiased. */
export function randomPart(length: number, alphabet: CodeAlphabet, randomBytes: RandomBytes): string {
  const symbols = CODE_ALPHABETS[alphabet];
  // Bytes at or above the largest multiple of the alphabet's size below 256 are thrown away (248 for 31
  // symbols, 250 for 10), so each symbol is drawn from exactly as many byte values as the others.
  const rejectFrom = 256 - (256 % symbols.length);
  let out = '';
  while (out.length < length) {
    // Exactly the missing count each round: few bytes are rejected, so a second round is rare.
    for (const byte of randomBytes(length - out.length)) {
      if (byte < rejectFrom) out += symbols[byte % symbols.length];
    }
  }
  return out;
}

/** `count` distinct codes, each `prefix` + `length` random characters of the alphabet. */
export function generateCodes(count: number, options: CodeOptions, randomBytes: RandomBytes): string[] {
  const alphabet = options.alphabet ?? 'uppercase';
  const length = checkLength(
    options.length ?? DEFAULT_CODE_LENGTH,
    'length',
    MIN_CODE_LENGTH,
    MAX_CODE_LENGTH,
  );
  const prefix = parsePrefix(options.prefix ?? '', 'prefix', alphabet);
  parseWholeNumber(count, 'count', [1, MAX_BATCH], 'a batch size');
  const codes = new Set<string>();
  // Duplicates are rare at lengths the guessing floor allows; the bound only stops a broken RNG looping forever.
  let attempts = 0;
  while (codes.size < count) {
    if (++attempts > count * 10 + 100)
      throw new Error('random source keeps repeating itself; cannot make unique codes');
    codes.add(prefix + randomPart(length, alphabet, randomBytes));
  }
  return [...codes];
}

/**
 * What a customer typed → the key a voucher is found by: upper case, spaces and dashes removed
 * (`abcd-efgh` → `ABCDEFGH`). Codes are unique by this key (the database holds them so), so a code typed in
 * either case finds its voucher; the voucher's own `code` is what goes to the router.
 */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

/** Cheap check before a database lookup: letters/digits of a sensible length after normalising. */
export function isPlausibleCode(input: string): boolean {
  return /^[A-Z0-9]{6,24}$/.test(normaliseCode(input));
}

/**
 * `ABCDEFGH` → `ABCD-EFGH`, `abcdefgh` → `abcd-efgh`, `123456789012` → `1234-5678-9012` for printed cards and the
 * owner's pages (a code's case is kept: it is the router's user name); normaliseCode removes the dashes again.
 */
export function formatCodeForPrint(code: string): string {
  return (code.replace(/[\s-]+/g, '').match(/.{1,4}/g) ?? []).join('-');
}

/** Whether a voucher (its separate password, or none: the code is the password) lets in what was typed. */
export function voucherPasswordMatches(
  stored: string | null | undefined,
  typed: string | undefined,
): boolean {
  return stored === null || stored === undefined || passwordMatches(stored, typed ?? '');
}

/**
 * Whether the password a customer typed is the voucher's, compared as codes are (case, spaces and dashes
 * forgiven: passwords are of one case too) and in time independent of where they differ.
 */
export function passwordMatches(stored: string, typed: string): boolean {
  const a = normaliseCode(stored);
  const b = normaliseCode(typed);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ (b.charCodeAt(i % Math.max(1, b.length)) || 0);
  return diff === 0;
}
