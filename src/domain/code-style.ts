/**
 * A voucher code style: the random part's alphabet × length (after an optional prefix), and the password the
 * customer types with it: the code itself (one thing to type) or a separate password of its own alphabet and
 * length (printed under the code; the portal and the router check both). How hard a style is to guess, and
 * the floor under it, are worked out here for every face (Settings, the batch form, the API, the terminal);
 * SECURITY.md "How short codes may be" shows the arithmetic.
 */
import {
  CODE_ALPHABET_NAMES,
  CODE_ALPHABETS,
  DEFAULT_CODE_LENGTH,
  MAX_CODE_LENGTH,
  MIN_CODE_LENGTH,
  checkLength,
  parsePrefix,
  type CodeAlphabet,
} from './codes';
import { ErrorCollector } from './error-collector';
import { parseOneOf } from './quantities';

export interface PasswordStyle {
  alphabet: CodeAlphabet;
  length: number;
}

export interface CodeStyle {
  alphabet: CodeAlphabet;
  /** Random characters after the prefix. */
  length: number;
  /** In the alphabet's form (parsePrefix); adds nothing to guess. */
  prefix: string;
  /** null: the password is the code (the hotspot user's name and password are both the code). */
  password: PasswordStyle | null;
}

export const DEFAULT_CODE_STYLE: CodeStyle = {
  alphabet: 'uppercase',
  length: DEFAULT_CODE_LENGTH,
  prefix: '',
  password: null,
};
export const MIN_PASSWORD_LENGTH = 4;
export const MAX_PASSWORD_LENGTH = 16;
export const DEFAULT_PASSWORD_LENGTH = 6;

/** The alphabets in the owner's words (select options, the terminal's list). */
export const ALPHABET_LABELS: Record<CodeAlphabet, string> = {
  uppercase: 'Capital letters and numbers (AB2C…)',
  lowercase: 'Small letters and numbers (ab2c…)',
  digits: 'Numbers only (1234…)',
};

/** "8 capital letters and numbers", "12 digits": what a code of this alphabet and length is. */
function describePart(alphabet: CodeAlphabet, length: number): string {
  const what = {
    uppercase: 'capital letters and numbers',
    lowercase: 'small letters and numbers',
    digits: 'digits',
  };
  return `${length} ${what[alphabet]}`;
}

/** "12 digits", "6 digits with a separate 6-digit password". */
export function describeStyle(style: CodeStyle): string {
  const code = describePart(style.alphabet, style.length);
  if (!style.password) return code;
  const p = style.password;
  return p.alphabet === 'digits'
    ? `${code} with a separate ${p.length}-digit password`
    : `${code} with a separate password of ${describePart(p.alphabet, p.length)}`;
}

/**
 * The portal's steady ceiling of wrong codes a minute from one address: a guesser who keeps at it, throwing its
 * browser token away, gets no more through the guess limiter (SECURITY.md "Guessing codes"). The limiter takes
 * its default from here, so the floor below moves with it.
 */
export const ADDRESS_GUESSES_PER_MINUTE = 5;

/**
 * The floor: a guesser at ADDRESS_GUESSES_PER_MINUTE, day and night, needs at least `years` for a `chance` of
 * finding any one of `unusedCodes` unsold codes. About 2.6 × 10^11 possible codes (38 bits): 8 letters pass
 * (3.3 years), 7 do not (38 days); numbers-only codes need 12 digits (3.8 years); 11 give 140 days.
 */
export const GUESS_FLOOR = { unusedCodes: 1000, chance: 0.01, years: 1 } as const;

const MINUTES_PER_YEAR = 365.25 * 24 * 60;

/**
 * How strong a style is: its `bits` (log2 of `possible`, the different codes × passwords a guesser chooses
 * among), the wrong `guesses` that give GUESS_FLOOR.chance of hitting one of GUESS_FLOOR.unusedCodes codes,
 * and the `seconds` they take at ADDRESS_GUESSES_PER_MINUTE.
 */
export function styleStrength(style: Pick<CodeStyle, 'alphabet' | 'length' | 'password'>) {
  const bitsOf = (a: CodeAlphabet, n: number) => n * Math.log2(CODE_ALPHABETS[a].length);
  const bits =
    bitsOf(style.alphabet, style.length) +
    (style.password ? bitsOf(style.password.alphabet, style.password.length) : 0);
  // Counted as a product, not 2^bits, so 12 digits is exactly a trillion.
  const possible =
    CODE_ALPHABETS[style.alphabet].length ** style.length *
    (style.password ? CODE_ALPHABETS[style.password.alphabet].length ** style.password.length : 1);
  const { unusedCodes, chance, years } = GUESS_FLOOR;
  // Each wrong guess rules one candidate out of many: P(no hit in g guesses) = (1 − U/N)^g, so g for a
  // `chance` is log(1 − chance) / log(1 − U/N); with U ≥ N the first guess finds one.
  const perGuess = unusedCodes / possible;
  const guesses = perGuess >= 1 ? 1 : Math.max(1, Math.log1p(-chance) / Math.log1p(-perGuess));
  const minutes = guesses / ADDRESS_GUESSES_PER_MINUTE;
  return { bits, possible, guesses, seconds: minutes * 60, meetsFloor: minutes >= years * MINUTES_PER_YEAR };
}

/** The shortest code of `alphabet` that meets the floor with `password` (null when even the longest does not). */
export function minimumLength(alphabet: CodeAlphabet, password: PasswordStyle | null): number | null {
  for (let n = MIN_CODE_LENGTH; n <= MAX_CODE_LENGTH; n++)
    if (styleStrength({ alphabet, length: n, password }).meetsFloor) return n;
  return null;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const BIG = [
  [1e18, 'quintillion'],
  [1e15, 'quadrillion'],
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
] as const;

/** 100000000 → "100 million", 852891037441 → "853 billion", 5e47 → "5 × 10⁴⁷". */
export function formatCount(n: number): string {
  if (n < 1e6) return Math.round(n).toLocaleString('en-US');
  if (n >= 1e21) {
    const e = Math.floor(Math.log10(n));
    const m = Number((n / 10 ** e).toPrecision(2));
    return `${m} × 10${[...String(e)].map((d) => SUPERSCRIPT[Number(d)]).join('')}`;
  }
  for (const [v, name] of BIG) if (n >= v) return `${Number((n / v).toPrecision(3))} ${name}`;
  return String(n); // unreachable: n ≥ 1e6 is a million or more
}

/** How long guessing takes, in the unit a person thinks in ("3 hours", "38 days", "3.3 years"). */
export function formatGuessTime(seconds: number): string {
  const plural = (n: number, unit: string) => `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
  const minutes = seconds / 60;
  if (minutes < 120) return plural(Math.max(1, Math.round(minutes)), 'minute');
  const hours = minutes / 60;
  if (hours < 48) return plural(Math.round(hours), 'hour');
  const days = hours / 24;
  if (days < 730) return plural(Math.round(days), 'day');
  const years = days / 365.25;
  if (years >= 1e6) return 'more than a million years';
  return plural(years < 10 ? Math.round(years * 10) / 10 : Math.round(years), 'year');
}

const { unusedCodes: U, chance: P } = GUESS_FLOOR;
const FLOOR_TERMS = `at the portal's limit of ${ADDRESS_GUESSES_PER_MINUTE} wrong codes a minute, a guesser has a ${P * 100}% chance of finding one of ${U.toLocaleString('en-US')} unused codes`;

/** One line for the owner: the style, its possible codes and bits, and what that means against a guesser. */
export function strengthSummary(style: CodeStyle): string {
  const s = styleStrength(style);
  return (
    `${describeStyle(style)}: ${formatCount(s.possible)} possible codes (${s.bits.toFixed(1)} bits); ` +
    `${FLOOR_TERMS} after ${formatGuessTime(s.seconds)}.`
  );
}

/**
 * The style's strength in a shop's words, without bits or counts (those are strengthSummary's): strong when it
 * meets the floor, else too weak, with the time a guesser at the portal needs.
 */
function strengthVerdict(style: CodeStyle): string {
  const s = styleStrength(style);
  const time = formatGuessTime(s.seconds);
  return s.meetsFloor
    ? `Strong: someone typing guesses at the portal would need ${time} for even a small chance of hitting one of your codes.`
    : `Too weak: someone typing guesses at the portal could hit one of your codes within ${time}.`;
}

/** Why a style is below the floor, with what would do (the field error); null when it meets it. */
export function guessFloorProblem(style: CodeStyle): string | null {
  const s = styleStrength(style);
  if (s.meetsFloor) return null;
  const min = minimumLength(style.alphabet, style.password);
  const codes = style.password ? 'codes and passwords' : 'codes';
  const use =
    min === null
      ? 'use a longer password'
      : `use at least ${describePart(style.alphabet, min)}${style.password ? ', or a longer password' : ', or add a separate password'}`;
  const digits =
    style.alphabet === 'digits'
      ? ' (numbers-only codes need more characters than letters for the same strength)'
      : '';
  return (
    `${describeStyle(style)} is ${formatCount(s.possible)} possible ${codes}: ${FLOOR_TERMS} within ` +
    `${formatGuessTime(s.seconds)} (the floor is ${GUESS_FLOOR.years === 1 ? 'a year' : `${GUESS_FLOOR.years} years`}). ` +
    `${use[0].toUpperCase()}${use.slice(1)}${digits}.`
  );
}

/** Everything the owner is shown about a style before codes are made in it. */
export type StyleFigures = ReturnType<typeof styleFigures>;

export function styleFigures(style: CodeStyle) {
  const s = styleStrength(style);
  return {
    ...s,
    style,
    description: describeStyle(style),
    possibleText: formatCount(s.possible),
    summary: strengthSummary(style),
    verdict: strengthVerdict(style),
    problem: guessFloorProblem(style), // null when the style may be used
    minLength: minimumLength(style.alphabet, style.password),
  };
}

/** What a face passes in to choose a style; anything left out comes from the base (the shop's default). */
export interface CodeStyleInput {
  alphabet?: unknown;
  length?: unknown;
  prefix?: unknown;
  /** `same` (the password is the code) or the alphabet of a separate password. */
  passwordAlphabet?: unknown;
  passwordLength?: unknown;
}

/** The field each part is reported under (the API's and the forms' names). */
export const STYLE_FIELDS = {
  alphabet: 'alphabet',
  length: 'length',
  prefix: 'prefix',
  passwordAlphabet: 'password_alphabet',
  passwordLength: 'password_length',
} as const;

const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/** A length as typed (`8` or "8") from `min` to `max` (checkLength). */
function parseLength(v: unknown, field: string, min: number, max: number): number {
  return checkLength(typeof v === 'string' && /^\s*\d{1,3}\s*$/.test(v) ? Number(v) : v, field, min, max);
}

/**
 * The style `input` asks for on top of `base`: every problem at once (ValidationErrors), the guessing floor
 * included (under the code's length). A prefix left out is the base's, put in the chosen alphabet's form (a
 * letter prefix with numbers-only codes is an error to fix, not something dropped silently).
 */
export function resolveCodeStyle(
  base: CodeStyle,
  input: CodeStyleInput,
  fields: Record<keyof CodeStyleInput, string> = STYLE_FIELDS,
  /** `floor: false`: the shape only (for showing a style's figures before it is chosen). */
  opts: { floor?: boolean } = {},
): CodeStyle {
  const c = new ErrorCollector();
  const attempt = <T>(fn: () => T, fallback: T): T => c.field(fn) ?? fallback;
  /** A part given is parsed (its problem kept, the fallback used meanwhile); a part left out is the fallback. */
  const read = <T>(v: unknown, parse: (v: unknown) => T, fallback: T): T =>
    given(v) ? attempt(() => parse(v), fallback) : fallback;
  const alphabet = read(
    input.alphabet,
    (v) => parseOneOf(v, fields.alphabet, CODE_ALPHABET_NAMES, 'a code alphabet'),
    base.alphabet,
  );
  const length = read(
    input.length,
    (v) => parseLength(v, fields.length, MIN_CODE_LENGTH, MAX_CODE_LENGTH),
    base.length,
  );
  const prefix = attempt(
    () =>
      parsePrefix(
        given(input.prefix) ? input.prefix : input.prefix === '' ? '' : base.prefix,
        fields.prefix,
        alphabet,
      ),
    '',
  );
  const choice = read(
    input.passwordAlphabet,
    (v) =>
      parseOneOf(v, fields.passwordAlphabet, ['same', ...CODE_ALPHABET_NAMES] as const, 'a password choice'),
    base.password?.alphabet ?? 'same',
  );
  const password: PasswordStyle | null =
    choice === 'same'
      ? null
      : {
          alphabet: choice,
          length: read(
            input.passwordLength,
            (v) => parseLength(v, fields.passwordLength, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH),
            base.password?.length ?? DEFAULT_PASSWORD_LENGTH,
          ),
        };
  const style: CodeStyle = { alphabet, length, prefix, password };
  if (
    opts.floor !== false &&
    !c.errors.some((e) => e.field === fields.length || e.field === fields.passwordLength)
  ) {
    const problem = guessFloorProblem(style);
    if (problem) c.add(fields.length, problem);
  }
  if (c.errors.length === 1) throw c.errors[0];
  c.throwIfAny('The code style is not valid');
  return style;
}
