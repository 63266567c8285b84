import {
  ADDRESS_GUESSES_PER_MINUTE,
  DEFAULT_CODE_STYLE,
  GUESS_FLOOR,
  describeStyle,
  formatCount,
  formatGuessTime,
  guessFloorProblem,
  minimumLength,
  resolveCodeStyle,
  strengthSummary,
  styleStrength,
  type CodeStyle,
} from '../../src/domain/code-style';
import { ValidationError, ValidationErrors } from '../../src/domain/errors';
import { GuessLimiter } from '../../src/services/shop/guess-limiter';

const style = (over: Partial<CodeStyle>): CodeStyle => ({ ...DEFAULT_CODE_STYLE, ...over });
const YEAR = 365.25 * 86400;

describe('how hard a code style is to guess', () => {
  it('counts the possible codes and the bits of each alphabet', () => {
    expect(styleStrength(style({ alphabet: 'digits', length: 8 }))).toMatchObject({ possible: 1e8 });
    expect(styleStrength(style({ alphabet: 'digits', length: 8 })).bits).toBeCloseTo(26.58, 2);
    expect(styleStrength(style({ alphabet: 'uppercase', length: 8 })).possible).toBe(31 ** 8);
    expect(styleStrength(style({ alphabet: 'uppercase', length: 8 })).bits).toBeCloseTo(39.63, 2);
    // Small letters: the same 31 symbols, so the same strength as capitals.
    expect(styleStrength(style({ alphabet: 'lowercase', length: 8 })).bits).toBe(
      styleStrength(style({ alphabet: 'uppercase', length: 8 })).bits,
    );
  });

  it('adds a separate password to what a guesser must find', () => {
    const s = styleStrength(
      style({ alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 6 } }),
    );
    expect(s.possible).toBe(1e12);
    expect(s.bits).toBeCloseTo(39.86, 2);
    // The same as 12 digits on their own.
    expect(s.seconds).toBeCloseTo(styleStrength(style({ alphabet: 'digits', length: 12 })).seconds, 0);
  });

  it('works the time out at the limiter’s per-address rate for a 1% chance at one of 1,000 codes', () => {
    expect(ADDRESS_GUESSES_PER_MINUTE).toBe(5);
    expect(GUESS_FLOOR).toEqual({ unusedCodes: 1000, chance: 0.01, years: 1 });
    // 8 digits: 1e8 / 1000 codes = 1 hit in 100,000 guesses; 1% of that ≈ 1,005 guesses ≈ 201 minutes.
    const eight = styleStrength(style({ alphabet: 'digits', length: 8 }));
    expect(eight.guesses).toBeCloseTo(1005, 0);
    expect(eight.seconds / 3600).toBeCloseTo(3.35, 2);
    expect(eight.meetsFloor).toBe(false);
    // 12 digits: 3.8 years; 8 capitals: 3.3 years.
    expect(styleStrength(style({ alphabet: 'digits', length: 12 })).seconds / YEAR).toBeCloseTo(3.82, 2);
    expect(styleStrength(style({ alphabet: 'uppercase', length: 8 })).seconds / YEAR).toBeCloseTo(3.26, 2);
  });

  it('uses the guess limiter’s own per-address ceiling', () => {
    const limiter = new GuessLimiter({ now: () => 0 } as never);
    expect(limiter.addressCeiling(1)).toBe(ADDRESS_GUESSES_PER_MINUTE);
  });
});

describe('the floor on guessability', () => {
  it('passes today’s default and the shortest style of each alphabet that meets a year', () => {
    expect(guessFloorProblem(DEFAULT_CODE_STYLE)).toBeNull();
    expect(minimumLength('uppercase', null)).toBe(8);
    expect(minimumLength('lowercase', null)).toBe(8);
    // Numbers-only codes need 12 digits for what 8 letters give.
    expect(minimumLength('digits', null)).toBe(12);
    expect(minimumLength('digits', { alphabet: 'digits', length: 6 })).toBe(6);
    expect(guessFloorProblem(style({ alphabet: 'digits', length: 12 }))).toBeNull();
  });

  it('refuses shorter styles, saying how guessable they are and what would do', () => {
    expect(guessFloorProblem(style({ alphabet: 'digits', length: 8 }))).toBe(
      "8 digits is 100 million possible codes: at the portal's limit of 5 wrong codes a minute, a guesser has a " +
        '1% chance of finding one of 1,000 unused codes within 3 hours (the floor is a year). Use at least 12 ' +
        'digits, or add a separate password (numbers-only codes need more characters than letters for the same ' +
        'strength).',
    );
    expect(guessFloorProblem(style({ alphabet: 'digits', length: 11 }))).toMatch(/within 140 days/);
    expect(guessFloorProblem(style({ length: 7 }))).toMatch(
      /^7 capital letters and numbers is 27.5 billion possible codes: .* within 38 days .* Use at least 8 capital/,
    );
    expect(
      guessFloorProblem(
        style({ alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 4 } }),
      ),
    ).toMatch(
      /^6 digits with a separate 4-digit password is 10 billion possible codes and passwords: .*Use at least 8 digits, or a longer password/,
    );
  });

  it('summarises a style for the owner before generating', () => {
    expect(strengthSummary(style({ alphabet: 'digits', length: 12 }))).toBe(
      "12 digits: 1 trillion possible codes (39.9 bits); at the portal's limit of 5 wrong codes a minute, a " +
        'guesser has a 1% chance of finding one of 1,000 unused codes after 3.8 years.',
    );
    expect(
      describeStyle(style({ alphabet: 'lowercase', password: { alphabet: 'lowercase', length: 6 } })),
    ).toBe('8 small letters and numbers with a separate password of 6 small letters and numbers');
  });

  it('writes counts and times in a person’s units', () => {
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1e8)).toBe('100 million');
    expect(formatCount(31 ** 8)).toBe('853 billion');
    expect(formatCount(1e12)).toBe('1 trillion');
    expect(formatCount(31 ** 32)).toBe('5.3 × 10⁴⁷');
    expect(formatGuessTime(90)).toBe('2 minutes');
    expect(formatGuessTime(3 * 3600)).toBe('3 hours');
    expect(formatGuessTime(38 * 86400)).toBe('38 days');
    expect(formatGuessTime(3.25 * YEAR)).toBe('3.3 years');
    expect(formatGuessTime(1234.4 * YEAR)).toBe('1,234 years');
    expect(formatGuessTime(2e6 * YEAR)).toBe('more than a million years');
  });
});

describe('choosing a style (the shop’s default, overridden by a batch)', () => {
  const shop = style({ prefix: 'WIFI' });

  it('takes what is given and keeps the rest', () => {
    expect(resolveCodeStyle(shop, {})).toEqual(shop);
    expect(resolveCodeStyle(shop, { alphabet: 'lowercase' })).toEqual({
      ...shop,
      alphabet: 'lowercase',
      prefix: 'wifi',
    });
    expect(resolveCodeStyle(shop, { alphabet: 'digits', length: '12', prefix: '' })).toEqual({
      alphabet: 'digits',
      length: 12,
      prefix: '',
      password: null,
    });
  });

  it('password modes: the same as the code, or separate with its own alphabet and length', () => {
    const separate = resolveCodeStyle(shop, { passwordAlphabet: 'digits', passwordLength: 6 });
    expect(separate.password).toEqual({ alphabet: 'digits', length: 6 });
    // Left out: the base's; `same` turns it off.
    expect(resolveCodeStyle(separate, { length: 10 }).password).toEqual({ alphabet: 'digits', length: 6 });
    expect(resolveCodeStyle(separate, { passwordAlphabet: 'same' }).password).toBeNull();
    // A separate password with no length given: 6 characters.
    expect(resolveCodeStyle(shop, { passwordAlphabet: 'lowercase' }).password).toEqual({
      alphabet: 'lowercase',
      length: 6,
    });
  });

  it('reports every problem at once under its field, the floor under the code’s length', () => {
    let err: unknown;
    try {
      resolveCodeStyle(shop, { alphabet: 'digits', passwordAlphabet: 'emoji', passwordLength: 99 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationErrors);
    const fields = (err as ValidationErrors).errors.map((e) => e.field);
    // The letter prefix cannot go before numbers-only codes; 8 digits is under the floor.
    expect(fields).toEqual(['prefix', 'password_alphabet', 'length']);
    expect(() => resolveCodeStyle(style({}), { length: 5 })).toThrow(
      /length: 5 is not a code length; use 6 to 16/,
    );
    expect(() => resolveCodeStyle(style({}), { passwordAlphabet: 'digits', passwordLength: 3 })).toThrow(
      /password_length: 3 is not a password length; use 4 to 16/,
    );
    expect(() => resolveCodeStyle(style({}), { alphabet: 'digits', length: 8 })).toThrow(ValidationError);
    // Field names of another face (the Settings form).
    expect(() =>
      resolveCodeStyle(
        style({}),
        { alphabet: 'digits' },
        {
          alphabet: 'code_alphabet',
          length: 'code_length',
          prefix: 'code_prefix',
          passwordAlphabet: 'password_alphabet',
          passwordLength: 'password_length',
        },
      ),
    ).toThrow(/^code_length: 8 digits is 100 million/);
  });
});
