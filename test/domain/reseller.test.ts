import {
  balanceOf,
  creditRefusal,
  parseCommissionPercent,
  wholesaleCentavos,
} from '../../src/domain/reseller';

describe('a reseller’s money, to the centavo', () => {
  test.each([
    // price, commission bp, wholesale: price × (10000 − bp) / 10000 rounded half up
    [500, 1000, 450], // ₱5.00 at 10% → ₱4.50 exactly
    [500, 1250, 438], // 437.5 → 438 (a half rounds up, in the shop's favour)
    [1000, 333, 967], // 966.7 → 967
    [1000, 337, 966], // 966.3 → 966
    [999, 5000, 500], // 499.5 → 500
    [1, 5000, 1], // 0.5 → 1
    [1, 5001, 0], // 0.4999 → 0
    [500, 0, 500],
    [500, 10000, 0],
    [100_000_00, 1, 99_990_00], // ₱100,000 at 0.01%: no float error
  ])('price %i at %i bp → %i', (price, bp, wholesale) => {
    expect(wholesaleCentavos(price, bp)).toBe(wholesale);
  });

  test('commission percents: up to two decimals, 0–100, else refused', () => {
    expect(parseCommissionPercent('12.5')).toBe(1250);
    expect(parseCommissionPercent(10)).toBe(1000);
    expect(parseCommissionPercent('0.05')).toBe(5);
    expect(parseCommissionPercent(100)).toBe(10000);
    for (const bad of ['100.01', '-1', '1.234', 'ten', '', null, [10]]) {
      expect(() => parseCommissionPercent(bad)).toThrow(/commission/);
    }
  });

  test('the balance adds up: sold = wholesale + commission; owed = sold − commission − remitted', () => {
    const b = balanceOf({ soldValue: 2000, wholesale: 1752, remitted: 1001 });
    expect(b).toEqual({ soldValue: 2000, commission: 248, remitted: 1001, owed: 751 });
  });

  test('the credit limit: up to it exactly is allowed; one centavo over is refused with the figures', () => {
    expect(creditRefusal(1314, 438, 1752)).toBeUndefined();
    const words = creditRefusal(1314, 439, 1752)!;
    expect(words).toMatch(/₱17\.52/); // the limit
    expect(words).toMatch(/₱13\.14 owed/); // what is owed
    expect(words).toMatch(/₱17\.53/); // what it would be
    expect(creditRefusal(1_000_000, 1, null)).toBeUndefined(); // no limit
  });
});
