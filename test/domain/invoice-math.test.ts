import { daysInclusive, fullCycleOn } from '../../src/domain/billing-cycle';
import { firstInvoice, planChangeLines, prorate, share } from '../../src/domain/invoice-math';
import { cyclesDue } from '../../src/domain/billing-run';

describe('invoice arithmetic', () => {
  it('rounds once, half up, in integers', () => {
    expect(prorate(99_900, 12, 31)).toBe(38_671); // 38,670.97
    expect(prorate(1, 1, 2)).toBe(1); // 0.5 goes up
    expect(prorate(3, 1, 2)).toBe(2); // 1.5 goes up
    expect(prorate(1, 1, 3)).toBe(0);
    expect(prorate(0, 5, 7)).toBe(0);
    expect(prorate(9_007_199_254_740, 31, 31)).toBe(9_007_199_254_740);
    expect(() => prorate(-1, 1, 2)).toThrow(RangeError);
    expect(() => prorate(1, 1, 0)).toThrow(RangeError);
    expect(() => prorate(1.5, 1, 2)).toThrow(RangeError);
  });

  it('prorates a first month by the days of the cycle the subscriber joins in', () => {
    // ₱999, billing day 1, joined 2027-01-20: 12 of 31 days.
    expect(firstInvoice(99_900, 1, '2027-01-20')).toEqual({
      period: { start: '2027-01-20', end: '2027-01-31' },
      days: 12,
      daysInCycle: 31,
      amount: 38_671,
    });
    // Billing day 15, joined 2027-01-20: 26 of 31 (Jan 15 – Feb 14).
    expect(firstInvoice(99_900, 15, '2027-01-20')).toMatchObject({
      period: { start: '2027-01-20', end: '2027-02-14' },
      days: 26,
      daysInCycle: 31,
      amount: 83_787,
    });
    // Joined on a billing day: the full price for the whole cycle.
    expect(firstInvoice(99_900, 15, '2027-02-15')).toMatchObject({
      period: { start: '2027-02-15', end: '2027-03-14' },
      amount: 99_900,
    });
  });

  it('knows February, leap years and billing day 28', () => {
    expect(fullCycleOn(1, '2027-02-10')).toEqual({ start: '2027-02-01', end: '2027-02-28' });
    expect(fullCycleOn(1, '2028-02-10')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(daysInclusive('2028-02-01', '2028-02-29')).toBe(29);
    expect(fullCycleOn(28, '2027-02-27')).toEqual({ start: '2027-01-28', end: '2027-02-27' });
    expect(fullCycleOn(28, '2027-02-28')).toEqual({ start: '2027-02-28', end: '2027-03-27' });
    // Joined 2028-02-20 with billing day 1 in a leap year: 10 of 29 days.
    expect(firstInvoice(99_900, 1, '2028-02-20')).toMatchObject({
      days: 10,
      daysInCycle: 29,
      amount: 34_448,
    });
    // Billing day 28, joined 2027-02-01: 27 of 31 days (Jan 28 – Feb 27).
    expect(firstInvoice(99_900, 28, '2027-02-01')).toMatchObject({
      period: { start: '2027-02-01', end: '2027-02-27' },
      days: 27,
      daysInCycle: 31,
      amount: 87_010,
    });
    expect(daysInclusive('2027-02-02', '2027-02-01')).toBe(0);
  });

  it('credits the old plan’s remaining days and charges the new one’s, each line rounded', () => {
    // ₱999 → ₱1,499 on 2027-02-10 (cycle Feb 1–28): −₱677.89 + ₱1,017.18 = ₱339.29.
    expect(
      planChangeLines(99_900, 149_900, 1, { start: '2027-02-01', end: '2027-02-28' }, '2027-02-10'),
    ).toEqual({
      credit: -67_789,
      charge: 101_718,
      net: 33_929,
      days: 19,
      daysInCycle: 28,
    });
    // A cheaper plan: the net is below zero (credit, no invoice).
    expect(
      planChangeLines(149_900, 99_900, 1, { start: '2027-02-01', end: '2027-02-28' }, '2027-02-10').net,
    ).toBe(-33_929);
  });
});

describe('one rule for every prorated line: the days over the whole billing cycle they fall in', () => {
  it('prices a plan change in a first, part-month cycle over the whole cycle, as the first invoice does', () => {
    // Joined 2026-12-12, billing day 1: 20 of 31 days, ₱644.52. ₱999 → ₱1,499 the same day.
    expect(firstInvoice(99_900, 1, '2026-12-12')).toMatchObject({
      days: 20,
      daysInCycle: 31,
      amount: 64_452,
    });
    expect(
      planChangeLines(99_900, 149_900, 1, { start: '2026-12-12', end: '2026-12-31' }, '2026-12-12'),
    ).toEqual({
      credit: -64_452,
      charge: 96_710,
      net: 32_258,
      days: 20,
      daysInCycle: 31,
    });
  });

  it('prices a change the day after a billing day: all days but one', () => {
    // Billing day 15, changed 2027-03-16: Mar 16 – Apr 14 is 30 of the 31 days of Mar 15 – Apr 14.
    expect(
      planChangeLines(99_900, 149_900, 15, { start: '2027-03-15', end: '2027-04-14' }, '2027-03-16'),
    ).toEqual({
      credit: -96_677, // 99,900 × 30 / 31 = 96,677.42
      charge: 145_065, // 149,900 × 30 / 31 = 145,064.52
      net: 48_388,
      days: 30,
      daysInCycle: 31,
    });
  });

  it('counts February’s 28 days, and 29 in a leap year, even in a first cycle', () => {
    // Joined 2027-02-20, changed the same day: 9 of 28 days.
    const feb = { start: '2027-02-20', end: '2027-02-28' };
    expect(planChangeLines(99_900, 149_900, 1, feb, '2027-02-20')).toEqual({
      credit: -32_111, // 32,110.71
      charge: 48_182, // 48,182.14
      net: 16_071,
      days: 9,
      daysInCycle: 28,
    });
    expect(firstInvoice(99_900, 1, '2027-02-20').amount).toBe(32_111);
    // 2028 is a leap year: joined 2028-02-20, changed 2028-02-25: 5 of 29 days.
    expect(
      planChangeLines(99_900, 149_900, 1, { start: '2028-02-20', end: '2028-02-29' }, '2028-02-25'),
    ).toEqual({
      credit: -17_224, // 17,224.14
      charge: 25_845, // 25,844.83
      net: 8_621,
      days: 5,
      daysInCycle: 29,
    });
  });

  it('prices a cycle cut short by a change of billing day over the whole cycle of the new day', () => {
    // Billing day 1 → 15 from 2027-03-01: Mar 1–14 is 14 of the 28 days of Feb 15 – Mar 14.
    expect(share(99_900, 15, '2027-03-01', '2027-03-14')).toEqual({
      days: 14,
      daysInCycle: 28,
      amount: 49_950,
    });
    expect(share(99_900, 15, '2027-03-15', '2027-04-14')).toEqual({
      days: 31,
      daysInCycle: 31,
      amount: 99_900,
    });
  });
});

describe('cycles due', () => {
  const terms = { billingDay: 1, startsOn: '2027-01-20' };
  it('owes nothing before the next billing day, one cycle on it, and each missed one in order', () => {
    expect(cyclesDue(terms, '2027-01-31', '2027-01-31')).toEqual([]);
    expect(cyclesDue(terms, '2027-01-31', '2027-02-01')).toEqual([
      { start: '2027-02-01', end: '2027-02-28' },
    ]);
    // Off over two billing days.
    expect(cyclesDue(terms, '2027-01-31', '2027-03-05')).toEqual([
      { start: '2027-02-01', end: '2027-02-28' },
      { start: '2027-03-01', end: '2027-03-31' },
    ]);
    // Already invoiced: nothing again.
    expect(cyclesDue(terms, '2027-03-31', '2027-03-05')).toEqual([]);
  });
  it('starts a never-invoiced subscriber at the cycle holding today', () => {
    expect(cyclesDue({ billingDay: 15, startsOn: '2026-06-01' }, null, '2027-02-20')).toEqual([
      { start: '2027-02-15', end: '2027-03-14' },
    ]);
    expect(cyclesDue(terms, null, '2027-01-25')).toEqual([{ start: '2027-01-20', end: '2027-01-31' }]);
  });
  it('follows a change of billing day from its first cycle', () => {
    const changed = { billingDay: 1, startsOn: '2027-01-01', next: { billingDay: 15, from: '2027-03-01' } };
    expect(cyclesDue(changed, '2027-02-28', '2027-03-20')).toEqual([
      { start: '2027-03-01', end: '2027-03-14' },
      { start: '2027-03-15', end: '2027-04-14' },
    ]);
  });
});
