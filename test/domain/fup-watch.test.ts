import {
  couldCross,
  crossedAt,
  nextThreshold,
  topBytesPerSecond,
  type WatchWindow,
} from '../../src/domain/fup-watch';
import { ratedLimits, type PlanUse } from '../../src/domain/policy';
import { parseProfile } from '../../src/domain/profiles';

const TZ = 'Asia/Manila';
const NOW = Date.UTC(2026, 0, 15, 4, 0, 0);

const FUP = parseProfile({
  name: 'FUP',
  price: 20,
  validity: '1d',
  users: 2,
  rate_up: '2M',
  rate_down: '4M',
  fup: { threshold: '100M', rate_up: '256K', rate_down: '512K' },
  data_cap: '200M',
  cap_policy: 'throttle',
  burst: { rate_up: '4M', rate_down: '8M', threshold_up: '1M', threshold_down: '2M', time: '10s' },
});

function use(countedBytes: number, extra: Partial<PlanUse> = {}): PlanUse {
  return { profile: FUP, rateUp: FUP.rateUp, rateDown: FUP.rateDown, countedBytes, ...extra };
}

/** The next poll 30 s from now, watched every second. */
const window = (now = NOW): WatchWindow => ({ now, nextPollAt: NOW + 30_000, intervalMs: 1000 });

describe('next threshold', () => {
  it('is the fair-use threshold, then a cap that slows down, then none', () => {
    expect(nextThreshold(use(0))).toBe(100_000_000);
    expect(nextThreshold(use(100_000_000))).toBe(200_000_000);
    expect(nextThreshold(use(200_000_000))).toBeUndefined();
  });

  it('a blocking cap is the router’s, and an admin override has none', () => {
    const block = { ...FUP, capPolicy: 'block' as const };
    expect(nextThreshold(use(150_000_000, { profile: block }))).toBeUndefined();
    expect(nextThreshold(use(0, { override: { rateUp: 1_000_000, rateDown: 1_000_000 } }))).toBeUndefined();
  });
});

describe('top speed', () => {
  it('counts both ways at the burst’s limits when the plan bursts', () => {
    // 4M + 8M burst = 12 Mbit/s = 1.5 MB/s.
    expect(topBytesPerSecond(ratedLimits(use(0), NOW, TZ))).toBe(1_500_000);
    // Over fair use: 256K + 512K, no burst.
    expect(topBytesPerSecond(ratedLimits(use(150_000_000), NOW, TZ))).toBe(96_000);
  });

  it('a direction without a limit has no top speed', () => {
    expect(topBytesPerSecond({ rateUp: 0, rateDown: 1_000_000 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('could cross before the next poll', () => {
  const at = (counted: number, devicesOnline = 1, countedAt = NOW) => ({
    countedBytes: counted,
    countedAt,
    thresholdBytes: nextThreshold(use(counted)),
    deviceBytesPerSecond: 1_500_000,
    devicesOnline,
  });

  it('watches a customer whose bytes left take less than the time to the next poll plus one interval', () => {
    // 31 s at 1.5 MB/s = 46.5 MB: 54 MB left is too far, 46 MB left is near.
    expect(couldCross(at(46_000_000), window())).toBe(false);
    expect(couldCross(at(54_000_000), window())).toBe(true);
    // Two devices online move twice as much.
    expect(couldCross(at(46_000_000, 2), window())).toBe(true);
  });

  it('counts from when the bytes were last counted: a fresh count nearer the poll leaves less time to cross', () => {
    // Counted 20 s ago: 31 s at full speed are still possible, 54 MB left is near.
    expect(couldCross(at(54_000_000, 1, NOW), window(NOW + 20_000))).toBe(true);
    // Counted again just now, still 54 MB left: 11 s at full speed (16.5 MB) cannot reach it.
    expect(couldCross(at(54_000_000, 1, NOW + 20_000), window(NOW + 20_000))).toBe(false);
    expect(couldCross(at(84_000_000, 1, NOW + 20_000), window(NOW + 20_000))).toBe(true);
  });

  it('nobody online, or no threshold ahead: not watched', () => {
    expect(couldCross(at(99_000_000, 0), window())).toBe(false);
    expect(couldCross(at(250_000_000), window())).toBe(false);
  });
});

describe('when the crossing happened', () => {
  it('between two readings at a steady speed', () => {
    expect(crossedAt(100, { at: 1000, counted: 90 }, { at: 2000, counted: 110 })).toBe(1500);
    expect(crossedAt(100, undefined, { at: 2000, counted: 110 })).toBe(2000);
    expect(crossedAt(100, { at: 1000, counted: 100 }, { at: 2000, counted: 110 })).toBe(2000);
  });
});
