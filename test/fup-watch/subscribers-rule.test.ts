/**
 * The watch set's rule for subscribers (src/domain/fup-watch.ts): a subscriber's next threshold counts a blocking
 * cap (ours to enforce for a subscriber, the router's for a voucher), its top speed follows its tier, and the
 * site's page is told how soon fair use acts there.
 */
import {
  fairUseBound,
  nextThreshold,
  subscriberNextThreshold,
  subscriberTopBytesPerSecond,
} from '../../src/domain/fup-watch';
import { parseProfile } from '../../src/domain/profiles';

const TZ = 'Asia/Manila';
const NOW = Date.UTC(2026, 0, 15, 4, 0, 0);
const MB = 1_000_000;

const HOME = parseProfile({
  name: 'HOME',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  fup: { threshold: '100M', rate_up: '1M', rate_down: '2M' },
  data_cap: '200M',
  cap_policy: 'block',
});

test("a subscriber's next threshold is its FUP, then its blocking cap; a voucher's stops at the FUP", () => {
  expect(subscriberNextThreshold(HOME, 50 * MB)).toBe(100 * MB);
  expect(subscriberNextThreshold(HOME, 150 * MB)).toBe(200 * MB);
  expect(subscriberNextThreshold(HOME, 200 * MB)).toBeUndefined();
  const voucher = { profile: HOME, rateUp: HOME.rateUp, rateDown: HOME.rateDown, countedBytes: 150 * MB };
  expect(nextThreshold(voucher)).toBeUndefined();
});

test("a subscriber's top speed is its tier's: the plan's before the FUP, the FUP's after", () => {
  expect(subscriberTopBytesPerSecond(HOME, 50 * MB, NOW, TZ)).toBe(15_000_000 / 8);
  expect(subscriberTopBytesPerSecond(HOME, 150 * MB, NOW, TZ)).toBe(3_000_000 / 8);
});

test('how soon fair use acts: the watch interval, the poll, or the RADIUS interim updates without API access', () => {
  const on = { enabled: true, seconds: 1 };
  const off = { enabled: false, seconds: 1 };
  expect(fairUseBound({ mode: 'api', apiAccess: true }, on, 30)).toEqual({ by: 'watch', seconds: 1 });
  expect(fairUseBound({ mode: 'api', apiAccess: true }, off, 30)).toEqual({ by: 'poll', seconds: 30 });
  expect(fairUseBound({ mode: 'radius', apiAccess: false }, on, 30)).toEqual({
    by: 'interim',
    interimSeconds: 60,
    pollSeconds: 30,
  });
  expect(fairUseBound({ mode: 'radius', apiAccess: true }, on, 30)).toEqual({
    by: 'watch',
    seconds: 1,
    codesAtInterim: 60,
  });
});
