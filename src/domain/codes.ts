/**
 * Voucher codes: random over an alphabet without look-alikes (no 0/O, 1/I/L), drawn from a cryptographic
 * RNG the caller passes in (crypto.randomBytes), with rejection sampling so every character is equally likely.
 */
import { ValidationError } from './errors';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const DEFAULT_CODE_LENGTH = 8;
export const MIN_CODE_LENGTH = 6;
export const MAX_CODE_LENGTH = 16;
export const MAX_BATCH = 10000;

/** Bytes ≥ this are thrown away: 248 = 8 × 31 is the largest multiple of the alphabet size below 256. */
const REJECT_FROM = 256 - (256 % CODE_ALPHABET.length);

export type RandomBytes = (n: number) => Uint8Array;

export interface CodeOptions {
  /** Random characters, not counting the prefix. */
  length?: number;
  /** Shop-chosen marker before the random part, `[A-Z0-9]{0,8}` (lower case is upper-cased). */
  prefix?: string;
}

/** Bits of entropy in the random part: length × log2(31) ≈ 4.95 bits per character (8 → 39.6 bits). */
export function codeEntropyBits(length = DEFAULT_CODE_LENGTH): number {
  return length * Math.log2(CODE_ALPHABET.length);
}

export function parsePrefix(value: unknown, field = 'prefix'): string {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (typeof text !== 'string' || !/^[A-Z0-9]{0,8}$/.test(text)) {
    throw ValidationError.invalid(
      field,
      value,
      'a code prefix',
      'use up to 8 letters or digits, like WIFI or P5',
    );
  }
  return text;
}

function checkCount(count: number, length: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH) {
    throw ValidationError.invalid(
      'count',
      count,
      'a batch size',
      `use a whole number from 1 to ${MAX_BATCH}`,
    );
  }
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH) {
    throw ValidationError.invalid(
      'length',
      length,
      'a code length',
      `use ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} characters`,
    );
  }
}

/** One random part of `length` characters, unbiased. */
function randomPart(length: number, randomBytes: RandomBytes): string {
  let out = '';
  while (out.length < length) {
    // Exactly the missing count each round: about 3% of bytes are rejected, so a second round is rare.
    for (const byte of randomBytes(length - out.length)) {
      if (byte < REJECT_FROM) out += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
  }
  return out;
}

/** `count` distinct codes, each `prefix` + `length` random characters. */
export function generateCodes(count: number, options: CodeOptions, randomBytes: RandomBytes): string[] {
  const length = options.length ?? DEFAULT_CODE_LENGTH;
  const prefix = parsePrefix(options.prefix ?? '');
  checkCount(count, length);
  const codes = new Set<string>();
  // Duplicates are vanishingly rare at these lengths; the bound only stops a broken RNG from looping forever.
  let attempts = 0;
  while (codes.size < count) {
    if (++attempts > count * 10 + 100)
      throw new Error('random source keeps repeating itself; cannot make unique codes');
    codes.add(prefix + randomPart(length, randomBytes));
  }
  return [...codes];
}

/** What a customer typed → the stored form: upper case, spaces and dashes removed (`abcd-efgh` → `ABCDEFGH`). */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

/** Cheap check before a database lookup: letters/digits of a sensible length after normalising. */
export function isPlausibleCode(input: string): boolean {
  return /^[A-Z0-9]{6,24}$/.test(normaliseCode(input));
}

/** `ABCDEFGH` → `ABCD-EFGH` for printed cards; normaliseCode removes the dashes again. */
export function formatCodeForPrint(code: string): string {
  return (normaliseCode(code).match(/.{1,4}/g) ?? []).join('-');
}
