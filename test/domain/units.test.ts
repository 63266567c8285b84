import { ValidationError } from '../../src/domain/errors';
import {
  formatBytes,
  formatDataSize,
  formatMoney,
  formatRate,
  formatRateHuman,
  formatRatePair,
  formatRatePairBps,
  parseCounterPair,
  parseDataSize,
  parseMoney,
  parseRate,
  parseRatePair,
} from '../../src/domain/units';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseRate', () => {
  it.each([
    ['512K', 512000],
    ['512k', 512000],
    ['1M', 1000000],
    ['1.5M', 1500000],
    ['2G', 2000000000],
    ['0.5K', 500],
    ['64000', 64000],
    [' 1 M ', 1000000],
    ['10Mbps', 10000000],
    ['512 kbps', 512000],
    [256000, 256000],
    ['0', 0],
  ])('%j → %d', (input, bps) => {
    expect(parseRate(input, 'rate_up')).toBe(bps);
  });

  it.each(['12Q', '-1M', '1.5', '1.0005K', '', 'M', '1M/2M', '1e6', 'NaN'])('refuses %j', (bad) => {
    expect(() => parseRate(bad, 'rate_up')).toThrow(ValidationError);
  });

  it.each([[-5], [1.5], [NaN], [null], [undefined], [{}]])('refuses non-rate value %p', (bad) => {
    expect(() => parseRate(bad, 'rate_up')).toThrow(ValidationError);
  });

  it('names the field, shows the value and the accepted forms', () => {
    const err = errorOf(() => parseRate('12Q', 'rate_up'));
    expect(err.message).toBe('rate_up: "12Q" is not a rate; use bits per second like 512K, 1M, 1.5M or 2G');
    expect(err.field).toBe('rate_up');
    expect(err.code).toBe('INVALID_INPUT');
  });

  it('says what is wrong with a fraction of a bit', () => {
    expect(errorOf(() => parseRate('1.0000005M', 'x')).message).toContain(
      'not a whole number of bits per second',
    );
  });

  it('says a missing value is missing', () => {
    expect(errorOf(() => parseRate(undefined, 'rate_down')).message).toMatch(
      /^rate_down: missing; use bits per second/,
    );
  });
});

describe('formatRate / formatRateHuman', () => {
  it.each([
    [512000, '512K'],
    [1000000, '1M'],
    [1500000, '1.5M'],
    [2000000000, '2G'],
    [1001, '1.001K'],
    [1234567, '1234567'],
    [999, '999'],
    [0, '0'],
  ])('formatRate(%d) = %s and parses back', (bps, text) => {
    expect(formatRate(bps)).toBe(text);
    expect(parseRate(formatRate(bps), 'x')).toBe(bps);
  });

  it.each([
    [512000, '512 kbps'],
    [1000000, '1 Mbps'],
    [1500000, '1.5 Mbps'],
    [2000000000, '2 Gbps'],
    [800, '800 bps'],
  ])('formatRateHuman(%d) = %s', (bps, text) => {
    expect(formatRateHuman(bps)).toBe(text);
  });
});

describe('rate pairs (upload/download)', () => {
  it('parses up/down in RouterOS order', () => {
    expect(parseRatePair('512K/1M', 'max-limit')).toEqual({ up: 512000, down: 1000000 });
    expect(parseRatePair('512000/1000000', 'max-limit')).toEqual({ up: 512000, down: 1000000 });
  });

  it('uses one rate for both directions when only one is given', () => {
    expect(parseRatePair('2M', 'x')).toEqual({ up: 2000000, down: 2000000 });
  });

  it('refuses malformed pairs, naming the side', () => {
    expect(() => parseRatePair('1M/2M/3M', 'x')).toThrow(ValidationError);
    expect(errorOf(() => parseRatePair('1M/fast', 'limit')).message).toContain(
      'limit (download): "fast" is not a rate',
    );
  });

  it('formats both ways', () => {
    expect(formatRatePair({ up: 512000, down: 1000000 })).toBe('512K/1M');
    expect(formatRatePairBps({ up: 512000, down: 1000000 })).toBe('512000/1000000');
  });

  it('reads counter pairs', () => {
    expect(parseCounterPair('1024/2048', 'bytes')).toEqual({ up: 1024, down: 2048 });
    expect(() => parseCounterPair('1024', 'bytes')).toThrow(ValidationError);
  });
});

describe('parseDataSize', () => {
  it.each([
    ['500M', 500e6],
    ['5G', 5e9],
    ['1.5G', 1.5e9],
    ['100K', 100e3],
    ['100k', 100e3],
    ['2T', 2e12],
    ['500MB', 500e6],
    ['5 GB', 5e9],
    ['1KiB', 1024],
    ['512MiB', 512 * 2 ** 20],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['1TiB', 2 ** 40],
    ['1234', 1234],
    ['1234B', 1234],
    [2048, 2048],
  ])('%j → %d bytes', (input, bytes) => {
    expect(parseDataSize(input, 'data_cap')).toBe(bytes);
  });

  it.each(['5X', '-5G', '1.0001K', '0.5', 'G', '5 G B', '1e9', ''])('refuses %j', (bad) => {
    expect(() => parseDataSize(bad, 'data_cap')).toThrow(ValidationError);
  });

  it('explains the accepted forms', () => {
    const msg = errorOf(() => parseDataSize('lots', 'fup.threshold')).message;
    expect(msg).toMatch(/^fup\.threshold: "lots" is not a data size; use a data size like 500M, 5G/);
    expect(msg).toContain('MiB');
  });

  it('formats for people in decimal units with one decimal', () => {
    expect(formatBytes(15_200_000)).toBe('15.2 MB');
    expect(formatBytes(5e9)).toBe('5.0 GB');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(512)).toBe('512 B');
  });

  it.each([5e9, 1.5e9, 500e6, 2 ** 30, 1536, 1234567, 999])('formatDataSize(%d) parses back exactly', (n) => {
    expect(parseDataSize(formatDataSize(n), 'x')).toBe(n);
  });

  it('prefers the short decimal form', () => {
    expect(formatDataSize(5e9)).toBe('5G');
    expect(formatDataSize(2 ** 30)).toBe('1GiB');
  });
});

describe('money', () => {
  it.each([
    ['5', 500],
    [5, 500],
    ['5.50', 550],
    ['5.5', 550],
    [5.5, 550],
    ['₱5.50', 550],
    ['PHP 20', 2000],
    ['1,000', 100000],
    ['0', 0],
  ])('%j → %d centavos', (input, centavos) => {
    expect(parseMoney(input, 'price')).toBe(centavos);
  });

  it.each(['5.555', '-5', 'five', '5.', '$5', '1,00', ''])('refuses %j', (bad) => {
    expect(() => parseMoney(bad, 'price')).toThrow(ValidationError);
  });

  it('explains the 2-decimal rule', () => {
    expect(errorOf(() => parseMoney('5.555', 'price')).message).toBe(
      'price: "5.555" is not an amount; use an amount like 5, 5.50 or ₱5.50 (at most 2 decimals)',
    );
  });

  it('formats centavos', () => {
    expect(formatMoney(500)).toBe('₱5.00');
    expect(formatMoney(550)).toBe('₱5.50');
    expect(formatMoney(123456)).toBe('₱1,234.56');
    expect(formatMoney(500, 'PHP ')).toBe('PHP 5.00');
    expect(formatMoney(-500)).toBe('-₱5.00');
    expect(formatMoney(0)).toBe('₱0.00');
    expect(formatMoney(99_999)).toBe('₱999.99');
    expect(formatMoney(100_000)).toBe('₱1,000.00');
    expect(formatMoney(123_456_789_00)).toBe('₱123,456,789.00');
    expect(formatMoney(-1_000_000_01)).toBe('-₱1,000,000.01');
  });
});
