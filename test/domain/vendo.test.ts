import {
  bestPurchase,
  MAX_BOUGHT_SECONDS,
  parseCoinAmount,
  parseRates,
  ratesJson,
  type RateEntry,
} from '../../src/domain/vendo';
import { ValidationErrors } from '../../src/domain/errors';

const table: RateEntry[] = parseRates([
  { amount: 1, validity: '10m' },
  { amount: 5, validity: '1h' },
  { amount: 10, validity: '3h' },
  { amount: 20, validity: '8h' },
]);

/** Every combination, the slow way: the most seconds for amounts summing to at most `credit`. */
function bruteForce(rates: RateEntry[], credit: number): number {
  let best = 0;
  const go = (i: number, left: number, secs: number) => {
    if (i === rates.length) return void (best = Math.max(best, secs));
    for (let n = 0; n * rates[i].amount <= left; n++)
      go(i + 1, left - n * rates[i].amount, secs + n * rates[i].seconds);
  };
  go(0, credit, 0);
  return best;
}

describe('vendo rate tables', () => {
  it('parses pesos and durations, sorted by amount', () => {
    expect(
      parseRates([
        { amount: '5', validity: '1h' },
        { amount: 1, validity: 600 },
      ]),
    ).toEqual([
      { amount: 100, seconds: 600 },
      { amount: 500, seconds: 3600 },
    ]);
    expect(ratesJson(table)[1]).toEqual({ amount: 5, validity: '1h', seconds: 3600 });
  });

  it('reports every problem at once, by line and field', () => {
    try {
      parseRates([
        { amount: 0, validity: '10m' },
        { amount: 5, validity: '5s' },
        { amount: 5, validity: '1h' },
        'x',
        { amount: 5, validity: '2h' },
      ]);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      expect((e as ValidationErrors).fields).toEqual([
        'rates[0].amount',
        'rates[1].validity',
        'rates[3]',
        'rates[4].amount',
      ]);
    }
    expect(() => parseRates([])).toThrow(/rates/);
    expect(() =>
      parseRates(Array.from({ length: 21 }, (_, i) => ({ amount: i + 1, validity: '1h' }))),
    ).toThrow(/at most 20/);
    expect(() => parseRates([{ amount: 1.5, validity: '1h' }])).toThrow();
    expect(() => parseRates([{ amount: 501, validity: '1h' }])).toThrow();
  });

  it('coin amounts are whole pesos from 1 to 1,000', () => {
    expect(parseCoinAmount(5)).toBe(500);
    for (const bad of [0, -1, 1.5, '5', 1001, null, undefined])
      expect(() => parseCoinAmount(bad)).toThrow(/amount/);
  });
});

describe('bestPurchase: the most time for the credit', () => {
  it('₱1 + ₱5 = 1h10m; ₱6 × 1 coins is the same; ₱25 = 8h + 1h', () => {
    expect(bestPurchase(table, 600).seconds).toBe(4200);
    expect(bestPurchase(table, 2500)).toEqual({
      seconds: 8 * 3600 + 3600,
      lines: [
        { amount: 2000, count: 1 },
        { amount: 500, count: 1 },
      ],
      spent: 2500,
    });
    expect(bestPurchase(table, 0)).toEqual({ seconds: 0, lines: [], spent: 0 });
  });

  it('takes a better combination over a greedy one', () => {
    // ₱6 buys 1 h as one line, but three ₱2 lines buy 1 h 30 m; ₱7 is 1 h 30 m + nothing for the last peso.
    const odd = parseRates([
      { amount: 2, validity: '30m' },
      { amount: 6, validity: '1h' },
      { amount: 7, validity: '1h45m' },
    ]);
    expect(bestPurchase(odd, 600).seconds).toBe(3 * 1800);
    expect(bestPurchase(odd, 700).seconds).toBe(105 * 60);
    expect(bestPurchase(odd, 100).seconds).toBe(0);
  });

  it('matches an exhaustive search on many tables and credits', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let t = 0; t < 60; t++) {
      const rates: RateEntry[] = [];
      for (let i = 0; i < 1 + rnd(4); i++) {
        const amount = (1 + rnd(12)) * 100;
        if (!rates.some((r) => r.amount === amount)) rates.push({ amount, seconds: 60 * (1 + rnd(300)) });
      }
      for (let credit = 0; credit <= 40; credit += 1 + rnd(3)) {
        const got = bestPurchase(rates, credit * 100);
        expect(got.seconds).toBe(bruteForce(rates, credit * 100));
        expect(got.spent).toBeLessThanOrEqual(credit * 100);
        expect(
          got.lines.reduce((s, l) => s + l.count * rates.find((r) => r.amount === l.amount)!.seconds, 0),
        ).toBe(got.seconds);
      }
    }
  });

  it('a huge credit is solved exactly without a table the size of the credit', () => {
    const rates = parseRates([
      { amount: 3, validity: '1h' },
      { amount: 7, validity: '2h30m' },
    ]);
    // 7-peso lines are the best per peso; ₱100,001 = 14,285 × ₱7 + ₱6 (= 2 × ₱3).
    const got = bestPurchase(rates, 100_001 * 100);
    expect(got.lines).toEqual([
      { amount: 700, count: 14_285 },
      { amount: 300, count: 2 },
    ]);
    expect(got.spent).toBe(100_001 * 100);
    // That is over 4 years of time: what one purchase gives is capped at a year.
    expect(got.seconds).toBe(MAX_BOUGHT_SECONDS);
    const small = bestPurchase(rates, 1000 * 100);
    expect(small.seconds).toBe(bruteForce(rates, 1000 * 100));
  });
});
