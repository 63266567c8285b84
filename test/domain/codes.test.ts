import { randomBytes } from 'node:crypto';
import {
  CODE_ALPHABETS,
  formatCodeForPrint,
  generateCodes,
  isPlausibleCode,
  normaliseCode,
  parsePrefix,
  passwordMatches,
  voucherPasswordMatches,
} from '../../src/domain/codes';
import { ValidationError } from '../../src/domain/errors';

/** A deterministic byte source that replays a fixed sequence (cycling). */
function replay(bytes: number[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length]);
}

describe('the code alphabets', () => {
  it('capitals and small letters: 31 characters each without look-alikes, the same letters in either case', () => {
    for (const name of ['uppercase', 'lowercase'] as const) {
      const a = CODE_ALPHABETS[name];
      expect(a).toHaveLength(31);
      expect(new Set(a).size).toBe(31);
      for (const c of '01OILoil') expect(a).not.toContain(c);
    }
    expect(CODE_ALPHABETS.lowercase.toUpperCase()).toBe(CODE_ALPHABETS.uppercase);
  });

  it('numbers only: every digit (there is no letter to mistake one for)', () => {
    expect(CODE_ALPHABETS.digits).toBe('0123456789');
  });
});

describe('generateCodes', () => {
  it('makes unique codes of the right shape', () => {
    const codes = generateCodes(500, { length: 8, prefix: 'wifi' }, randomBytes);
    expect(codes).toHaveLength(500);
    expect(new Set(codes).size).toBe(500);
    for (const c of codes) expect(c).toMatch(/^WIFI[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
  });

  it('defaults to 8 characters and no prefix', () => {
    const [code] = generateCodes(1, {}, randomBytes);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
  });

  it('rejects bytes that would bias the distribution (rejection sampling)', () => {
    // 248..255 must be skipped; 0 → 'A', 30 → '9', 31 → 'A' again, 247 → 247 % 31 = 30 → '9'.
    const [code] = generateCodes(1, { length: 6 }, replay([255, 248, 0, 30, 31, 250, 247, 1, 2]));
    expect(code).toBe('A9A9BC');
  });

  it('does not loop forever on a broken random source', () => {
    expect(() => generateCodes(2, { length: 6 }, replay([0]))).toThrow(/repeating/);
  });

  it('spreads characters evenly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    const codes = generateCodes(4000, { length: 8 }, randomBytes);
    for (const c of codes.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    const expected = (4000 * 8) / 31; // ≈ 1032 per character
    // Chi-square with 30 degrees of freedom: 99.99th percentile ≈ 67; a biased generator lands far above.
    const chi2 = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(67);
  });

  it('shows that a plain modulo would be biased, so the test above can fail', () => {
    // Every byte value once: modulo maps 256 values onto 31 chars, so 'A'..'I' (0..8) get 9 hits, the rest 8.
    const all = Array.from({ length: 256 }, (_, i) => i);
    const biased = new Map<number, number>();
    for (const b of all) biased.set(b % 31, (biased.get(b % 31) ?? 0) + 1);
    expect(biased.get(0)).toBe(9);
    // The same 256 bytes through the generator: 8 rejected, the other 248 give each character exactly 8 times.
    const fair = generateCodes(31, { length: 8 }, replay(all));
    const counts = new Map<string, number>();
    for (const c of fair.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    expect(new Set(counts.values())).toEqual(new Set([8]));
  });

  it('makes numbers-only and lowercase codes, the prefix in the alphabet’s form', () => {
    const digits = generateCodes(300, { alphabet: 'digits', length: 12, prefix: '55' }, randomBytes);
    for (const c of digits) expect(c).toMatch(/^55[0-9]{12}$/);
    const lower = generateCodes(300, { alphabet: 'lowercase', length: 8, prefix: 'WiFi' }, randomBytes);
    for (const c of lower) expect(c).toMatch(/^wifi[abcdefghjkmnpqrstuvwxyz2-9]{8}$/);
    // Digits: 250 = 25 × 10 is the largest multiple below 256, so 250..255 are skipped.
    const [code] = generateCodes(
      1,
      { alphabet: 'digits', length: 6 },
      replay([255, 250, 0, 9, 10, 249, 1, 2]),
    );
    expect(code).toBe('090912');
  });

  it('validates count, length and prefix', () => {
    expect(() => generateCodes(0, {}, randomBytes)).toThrow(ValidationError);
    expect(() => generateCodes(10001, {}, randomBytes)).toThrow(/count: /);
    expect(() => generateCodes(1, { length: 3 }, randomBytes)).toThrow(/length: 3 is not a code length/);
    expect(() => generateCodes(1, { prefix: 'TOO-LONG!' }, randomBytes)).toThrow(
      /prefix: "TOO-LONG!" is not a code prefix/,
    );
    expect(parsePrefix('p5')).toBe('P5');
    expect(parsePrefix('')).toBe('');
    expect(() => parsePrefix('ABCDEFGHI')).toThrow(ValidationError);
    expect(parsePrefix('WiFi', 'prefix', 'lowercase')).toBe('wifi');
    expect(parsePrefix('55', 'prefix', 'digits')).toBe('55');
    expect(() => parsePrefix('P5', 'prefix', 'digits')).toThrow(/numbers-only/);
  });
});

describe('normaliseCode / formatCodeForPrint / isPlausibleCode', () => {
  it('normalises what customers type', () => {
    expect(normaliseCode(' abcd-efgh ')).toBe('ABCDEFGH');
    expect(normaliseCode('abcd efgh')).toBe('ABCDEFGH');
    expect(normaliseCode('AB-CD - EF GH')).toBe('ABCDEFGH');
  });

  it('prints in groups of 4, keeping the case (the router’s user name), and reads them back', () => {
    expect(formatCodeForPrint('ABCDEFGH')).toBe('ABCD-EFGH');
    expect(formatCodeForPrint('abcdefgh')).toBe('abcd-efgh');
    expect(formatCodeForPrint('123456789012')).toBe('1234-5678-9012');
    expect(formatCodeForPrint('WIFIABCDEFGH')).toBe('WIFI-ABCD-EFGH');
    expect(formatCodeForPrint('ABCDEFGHJK')).toBe('ABCD-EFGH-JK');
    expect(normaliseCode(formatCodeForPrint('ABCDEFGH'))).toBe('ABCDEFGH');
  });

  it('finds lowercase and numbers-only codes by the same key, whatever case was typed', () => {
    expect(normaliseCode('Abcd-efgh')).toBe(normaliseCode('abcdefgh'));
    expect(normaliseCode(' 1234 5678-9012 ')).toBe('123456789012');
    expect(isPlausibleCode('1234-5678-9012')).toBe(true);
  });

  it('compares passwords like codes: case, spaces and dashes forgiven, nothing else', () => {
    expect(passwordMatches('k7m2p9', 'K7M2-P9')).toBe(true);
    expect(passwordMatches('482913', ' 482 913 ')).toBe(true);
    expect(passwordMatches('482913', '482914')).toBe(false);
    expect(passwordMatches('482913', '48291')).toBe(false);
    expect(passwordMatches('482913', '4829130')).toBe(false);
    expect(passwordMatches('482913', '')).toBe(false);
    // A voucher without a separate password: its code is the password, whatever the field held.
    expect(voucherPasswordMatches(null, undefined)).toBe(true);
    expect(voucherPasswordMatches(undefined, 'anything')).toBe(true);
    expect(voucherPasswordMatches('482913', undefined)).toBe(false);
  });

  it('screens implausible input before a lookup', () => {
    expect(isPlausibleCode('abcd-efgh')).toBe(true);
    expect(isPlausibleCode('ABC')).toBe(false);
    expect(isPlausibleCode("ABCD'; DROP")).toBe(false);
    expect(isPlausibleCode('A'.repeat(25))).toBe(false);
  });
});
