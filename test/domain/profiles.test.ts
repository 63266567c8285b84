import { ValidationError, ValidationErrors } from '../../src/domain/errors';
import { parseJsonText } from '../../src/domain/json-text';
import { diffProfiles, profileToJson } from '../../src/domain/profile-json';
import { findProfile, parseProfile, parseProfiles, type Profile } from '../../src/domain/profiles';
import tiers from './fixtures/profiles.json';

function errorsOf(fn: () => unknown): ValidationErrors {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationErrors) return err;
    throw err;
  }
  throw new Error('expected ValidationErrors');
}

const FULL = {
  name: 'PROMO-5G',
  price: 49.5,
  validity: '1d',
  users: 2,
  rate_up: '2M',
  rate_down: '5M',
  fup: { threshold: '3G', rate_up: '512K', rate_down: '1M' },
  data_cap: '5G',
  cap_policy: 'throttle',
  cap_rate_up: '128K',
  cap_rate_down: '256K',
  burst: { rate_up: '4M', rate_down: '10M', threshold_up: '1.5M', threshold_down: '4M', time: '10s' },
  offpeak: { start: '22:00', end: '06:00', unlimited: true, speed_multiplier: 1.5 },
  time_mode: 'uptime',
  description: 'Weekend promo',
};

describe('the three shipped tiers', () => {
  it('parse into integer units', () => {
    const [basic, standard, premium] = parseProfiles(tiers);
    expect(basic).toEqual({
      name: 'BASIC',
      price: 500,
      validitySeconds: 3600,
      users: 1,
      rateUp: 512000,
      rateDown: 1000000,
      capPolicy: 'none',
      timeMode: 'wallclock',
    });
    expect(standard).toMatchObject({ price: 1000, validitySeconds: 7200, rateUp: 1e6, rateDown: 2e6 });
    expect(premium).toMatchObject({ price: 2000, validitySeconds: 18000, rateUp: 5e6, rateDown: 10e6 });
  });

  it('round-trip through profileToJson', () => {
    const profiles = parseProfiles(tiers);
    expect(profiles.map(profileToJson)).toEqual(tiers);
  });
});

describe('parseProfile with every extension', () => {
  it('parses all sections', () => {
    expect(parseProfile(FULL)).toEqual({
      name: 'PROMO-5G',
      price: 4950,
      validitySeconds: 86400,
      users: 2,
      rateUp: 2e6,
      rateDown: 5e6,
      fup: { thresholdBytes: 3e9, rateUp: 512000, rateDown: 1e6 },
      dataCapBytes: 5e9,
      capPolicy: 'throttle',
      capRate: { rateUp: 128000, rateDown: 256000 },
      burst: { rateUp: 4e6, rateDown: 10e6, thresholdUp: 1.5e6, thresholdDown: 4e6, timeSeconds: 10 },
      offpeak: { start: 1320, end: 360, unlimited: true, speedMultiplier: 1.5 },
      timeMode: 'uptime',
      description: 'Weekend promo',
    });
  });

  it('round-trips through profileToJson', () => {
    const p = parseProfile(FULL);
    expect(parseProfile(profileToJson(p))).toEqual(p);
    expect(profileToJson(p)).toMatchObject({ validity: '1d', data_cap: '5G', fup: { threshold: '3G' } });
  });

  it('accepts unlimited validity and defaults a data cap to block', () => {
    const p = parseProfile({ ...tiers[0], name: 'STAFF', validity: 'unlimited', price: 0, data_cap: '10G' });
    expect(p.validitySeconds).toBeNull();
    expect(p.capPolicy).toBe('block');
    expect(profileToJson(p)).toMatchObject({ validity: 'unlimited', cap_policy: 'block' });
    expect(parseProfile(profileToJson(p))).toEqual(p);
  });

  it('lets throttle fall back to the FUP rates', () => {
    const p = parseProfile({ ...FULL, cap_rate_up: undefined, cap_rate_down: undefined });
    expect(p.capPolicy).toBe('throttle');
    expect(p.capRate).toBeUndefined();
  });

  it('defaults the off-peak multiplier to 1', () => {
    const p = parseProfile({ ...tiers[0], offpeak: { start: '00:00', end: '05:00', unlimited: true } });
    expect(p.offpeak).toEqual({ start: 0, end: 300, unlimited: true, speedMultiplier: 1 });
  });
});

describe('profile validation collects every problem with its path', () => {
  it('reports several fields of several profiles at once', () => {
    const bad = [
      tiers[0],
      { name: 'bad name!', price: 5.555, validity: '1x', users: 0, rate_up: '12Q', rate_down: '1M' },
      { ...tiers[1], name: 'X', fup: { threshold: '0', rate_up: '5M', rate_down: 'slow', extra: 1 } },
    ];
    const err = errorsOf(() => parseProfiles(bad));
    expect(err.fields).toEqual(
      expect.arrayContaining([
        'profile #2.name',
        'profile #2.price',
        'profile #2.validity',
        'profile #2.users',
        'profile #2.rate_up',
        'X.fup.extra',
        'X.fup.threshold',
        'X.fup.rate_up',
        'X.fup.rate_down',
      ]),
    );
    expect(err.message).toContain(
      'profile #2: rate_up "12Q" is not a rate; use bits per second like 512K, 1M, 1.5M or 2G',
    );
    expect(err.message).toContain('X: fup.rate_up the FUP rate must be below rate_up');
    expect(err.message).not.toContain('profiles[');
    expect(err.code).toBe('INVALID_INPUT');
  });

  it('rejects unknown keys (typos) and lists the allowed ones', () => {
    const err = errorsOf(() => parseProfile({ ...tiers[0], rate_dwon: '2M' }, 0));
    expect(err.fields).toEqual(['profiles[0].rate_dwon']);
    expect(err.message).toMatch(/unknown setting; allowed here: name, price, .*rate_down/);
  });

  it('reports missing required fields', () => {
    const err = errorsOf(() => parseProfile({ name: 'A' }));
    expect(err.fields).toEqual(['price', 'validity', 'users', 'rate_up', 'rate_down']);
    expect(err.errors[0].message).toMatch(/^price: missing; use an amount/);
  });

  it('finds duplicate names ignoring case', () => {
    const err = errorsOf(() => parseProfiles([tiers[0], { ...tiers[1], name: 'basic' }]));
    expect(err.fields).toEqual(['basic.name']);
    expect(err.message).toContain('already used by profile #1 (BASIC)');
  });

  it('refuses a non-array or empty list', () => {
    expect(errorsOf(() => parseProfiles({})).fields).toEqual(['profiles']);
    expect(errorsOf(() => parseProfiles([])).fields).toEqual(['profiles']);
    expect(errorsOf(() => parseProfiles(['x'])).fields).toEqual(['profile #1']);
  });

  it.each([
    [{ rate_up: '0' }, 'rate_up', 'use a speed from 8K (8 kbit/s) to 10G'],
    [{ rate_up: '10' }, 'rate_up', 'use a speed from 8K (8 kbit/s) to 10G'],
    [{ rate_down: '999999G' }, 'rate_down', 'use a speed from 8K (8 kbit/s) to 10G'],
    [{ users: '0' }, 'users', 'whole number from 1 to 100'],
    [{ users: 'one' }, 'users', 'whole number from 1 to 100'],
    [{ validity: '0s' }, 'validity', 'longer than 0s'],
    [{ users: 1.5 }, 'users', 'whole number'],
    [{ name: 'A'.repeat(33) }, 'name', '1–32 letters'],
    [{ time_mode: 'clock' }, 'time_mode', 'use one of: wallclock, uptime'],
    [{ cap_policy: 'block' }, 'cap_policy', 'needs data_cap'],
    [{ data_cap: '5G', cap_policy: 'throttle' }, 'cap_policy', 'add cap_rate_up and cap_rate_down'],
    [{ data_cap: '5G', cap_policy: 'throttle', cap_rate_up: '256K' }, 'cap_rate_down', 'missing'],
    [
      { data_cap: '5G', cap_rate_up: '256K', cap_rate_down: '256K' },
      'cap_rate_up',
      'only used with cap_policy "throttle"',
    ],
    [
      { data_cap: '5G', cap_policy: 'throttle', cap_rate_up: '1M', cap_rate_down: '256K' },
      'cap_rate_up',
      'below rate_up',
    ],
    [
      { data_cap: '1G', fup: { threshold: '2G', rate_up: '256K', rate_down: '512K' } },
      'fup.threshold',
      'below data_cap',
    ],
    [{ fup: '1G' }, 'fup', 'not a group of settings'],
    [
      {
        burst: { rate_up: '512K', rate_down: '2M', threshold_up: '256K', threshold_down: '512K', time: '8s' },
      },
      'burst.rate_up',
      'above rate_up',
    ],
    [
      { burst: { rate_up: '1M', rate_down: '2M', threshold_up: '1M', threshold_down: '512K', time: '8s' } },
      'burst.threshold_up',
      'not be above rate_up',
    ],
    [
      { burst: { rate_up: '1M', rate_down: '2M', threshold_up: '256K', threshold_down: '512K' } },
      'burst.time',
      'missing',
    ],
    [{ offpeak: { start: '22:00', end: '22:00', unlimited: true } }, 'offpeak.end', 'must differ from start'],
    [{ offpeak: { start: '22:00', end: '06:00' } }, 'offpeak', 'does nothing'],
    [
      { offpeak: { start: '22:00', end: '06:00', speed_multiplier: 0.5 } },
      'offpeak.speed_multiplier',
      'from 1 to 100',
    ],
    [
      { offpeak: { start: '22:00', end: '06:00', unlimited: 'yes' } },
      'offpeak.unlimited',
      'use true or false',
    ],
    [{ description: 5 }, 'description', 'text of at most 200'],
  ])('%j → %s', (change, field, text) => {
    const err = errorsOf(() => parseProfile({ ...tiers[0], ...change }));
    const match = err.errors.find((e) => e.field === field);
    expect(match?.message).toContain(text);
  });

  it('finds profiles by name ignoring case', () => {
    const profiles = parseProfiles(tiers);
    expect(findProfile(profiles, 'premium')?.name).toBe('PREMIUM');
    expect(findProfile(profiles, 'gold')).toBeUndefined();
  });
});

describe('diffProfiles', () => {
  it('lists one line per change', () => {
    const before = parseProfiles(tiers);
    const after: Profile[] = [
      { ...before[0], rateDown: 2e6, fup: { thresholdBytes: 1e9, rateUp: 256000, rateDown: 512000 } },
      before[1],
      parseProfile({ ...FULL, name: 'VIP' }),
    ];
    expect(diffProfiles(before, after)).toEqual([
      'profile PREMIUM removed',
      'profile BASIC: rate_down 1M → 2M',
      'profile BASIC: fup.threshold set to 1G',
      'profile BASIC: fup.rate_up set to 256K',
      'profile BASIC: fup.rate_down set to 512K',
      'profile VIP added',
    ]);
  });

  it('is empty when nothing changed', () => {
    expect(diffProfiles(parseProfiles(tiers), parseProfiles(tiers))).toEqual([]);
  });

  it('reports a removed setting with its old value', () => {
    const [basic] = parseProfiles(tiers);
    const withDesc = { ...basic, description: 'cheap' };
    expect(diffProfiles([withDesc], [basic])).toEqual(['profile BASIC: description removed (was cheap)']);
  });
});

describe('the original PisoNet profiles.json', () => {
  const original = [
    { name: 'BASIC', price: 5, validity: '1h', users: '1', rate_up: '512K', rate_down: '1M' },
    { name: 'STANDARD', price: '10', validity: '2h', users: '2', rate_up: '1M', rate_down: '2M' },
  ];

  it('accepts users and price as numeric strings, like numbers', () => {
    const [basic, standard] = parseProfiles(original);
    expect(basic).toMatchObject({ name: 'BASIC', users: 1, price: 500 });
    expect(standard).toMatchObject({ name: 'STANDARD', users: 2, price: 1000 });
    expect(parseProfiles(original)).toEqual(
      parseProfiles(original.map((p) => ({ ...p, users: Number(p.users), price: Number(p.price) }))),
    );
  });

  it('names the profile and the field, never a list index', () => {
    // "1 Mbit" is a rate now (one grammar with the admin's dialogs); "fast" never is.
    const err = errorsOf(() => parseProfiles([{ ...original[0], rate_up: 'fast' }, original[1]]));
    expect(err.errors.map((e) => e.message)).toEqual([
      'BASIC: rate_up "fast" is not a rate; use bits per second like 512K, 1M, 1.5M or 2G',
    ]);
  });
});

describe('JSON text', () => {
  it('gives the line and column of a syntax error, with a hint for trailing commas', () => {
    const text = '[\n  { "name": "BASIC", "price": 5 },\n]\n';
    try {
      parseJsonText(text, 'profiles.json');
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/^profiles\.json is not valid JSON: line 3, column 1: /);
      expect((err as Error).message).toContain('a comma before ] is not allowed in JSON');
    }
  });

  it.each([
    [
      '[\n  { "name": "A" "price": 5 }\n]',
      'line 2, column 17: expected , or }, found "\\"" (a comma is missing)',
    ],
    ["[{'name': 1}]", 'line 1, column 3: expected a "quoted" setting name'],
    ['[{"a": 1,}]', 'line 1, column 10: a comma before } is not allowed in JSON'],
    ['[1, 2', 'line 1, column 6: expected , or ], found the end of the file'],
    ['', 'line 1, column 1: expected a value, found the end of the file'],
  ])('%j → %s', (text, where) => {
    expect(() => parseJsonText(text, 'f.json')).toThrow(`f.json is not valid JSON: ${where}`);
  });

  it('reads a file that starts with a byte-order mark', () => {
    expect(parseJsonText('\uFEFF[1]', 'x.json')).toEqual([1]);
  });
});
