import { parseProfile } from '../../src/domain/profiles';
import {
  bytesCountNow,
  crossesThreshold,
  subscriberSpeeds,
  tierRates,
  type SubscriberUse,
} from '../../src/domain/subscriber-policy';

const TZ = 'Asia/Manila';
const manila = (h: number, m = 0) => Date.UTC(2026, 0, 15, h - 8, m);
const NOON = manila(12);
const GB = 1e9;
const CYCLE = { start: '2026-01-05', end: '2026-02-04' };

const plan = (extra: Record<string, unknown>) =>
  parseProfile({ name: 'HOME', billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M', ...extra });

const THROTTLE = plan({
  data_cap: '100G',
  cap_policy: 'throttle',
  cap_rate_up: '512K',
  cap_rate_down: '1M',
  fup: { threshold: '50G', rate_up: '2M', rate_down: '4M' },
  burst: { rate_up: '10M', rate_down: '20M', threshold_up: '4M', threshold_down: '8M', time: '8s' },
});
const BLOCK = plan({ data_cap: '100G', cap_policy: 'block' });

const use = (extra: Partial<SubscriberUse> & Pick<SubscriberUse, 'profile'>): SubscriberUse => ({
  status: 'active',
  countedBytes: 0,
  cycle: CYCLE,
  ...extra,
});

describe('subscriberSpeeds', () => {
  it('runs a subscriber under its thresholds at the plan rates, burst included', () => {
    const s = subscriberSpeeds(use({ profile: THROTTLE, countedBytes: 10 * GB }), NOON, TZ);
    expect(s).toMatchObject({ service: true, tier: 'plan' });
    expect(s.limits).toMatchObject({ state: 'normal', rateUp: 5_000_000, rateDown: 10_000_000 });
    expect(s.limits.burst).toMatchObject({ limitUp: 10_000_000, limitDown: 20_000_000 });
  });

  it('slows to the FUP rates past the threshold, and to the cap rates at the cap (throttle)', () => {
    const fup = subscriberSpeeds(use({ profile: THROTTLE, countedBytes: 50 * GB }), NOON, TZ);
    expect(fup).toMatchObject({ service: true, tier: 'fup' });
    expect(fup.limits).toMatchObject({ rateUp: 2_000_000, rateDown: 4_000_000 });
    const cap = subscriberSpeeds(use({ profile: THROTTLE, countedBytes: 100 * GB }), NOON, TZ);
    expect(cap).toMatchObject({ service: true, tier: 'cap' });
    expect(cap.limits).toMatchObject({ state: 'capped-throttle', rateUp: 512_000, rateDown: 1_000_000 });
  });

  it('gives no service at a block cap until the day after the cycle ends', () => {
    const s = subscriberSpeeds(use({ profile: BLOCK, countedBytes: 100 * GB }), NOON, TZ);
    expect(s).toMatchObject({ service: false, tier: null, blockedUntil: '2026-02-05' });
    expect(s.limits.state).toBe('blocked');
    // A byte short of the cap still runs at the plan's speeds.
    expect(subscriberSpeeds(use({ profile: BLOCK, countedBytes: 100 * GB - 1 }), NOON, TZ).tier).toBe('plan');
  });

  it('ignores the cap when the policy is none, and keeps a suspended subscriber at its speeds', () => {
    const none = plan({ data_cap: '1G', cap_policy: 'none' });
    expect(subscriberSpeeds(use({ profile: none, countedBytes: 5 * GB }), NOON, TZ).tier).toBe('plan');
    const suspended = subscriberSpeeds(use({ profile: THROTTLE, status: 'suspended' }), NOON, TZ);
    expect(suspended).toMatchObject({ service: true, tier: 'plan' });
  });

  it('gives an ended subscriber no service', () => {
    const s = subscriberSpeeds(use({ profile: THROTTLE, status: 'ended' }), NOON, TZ);
    expect(s).toMatchObject({ service: false, tier: null });
    expect(s.limits).toMatchObject({ rateUp: 0, rateDown: 0 });
  });

  it('lifts FUP and the cap throttle during an unlimited off-peak window and scales by its multiplier', () => {
    const p = plan({
      data_cap: '100G',
      cap_policy: 'throttle',
      cap_rate_up: '512K',
      cap_rate_down: '1M',
      offpeak: { start: '00:00', end: '06:00', unlimited: true, speed_multiplier: 2 },
    });
    const night = subscriberSpeeds(use({ profile: p, countedBytes: 200 * GB }), manila(2), TZ);
    expect(night).toMatchObject({ service: true, tier: 'plan' });
    expect(night.limits).toMatchObject({ rateUp: 10_000_000, rateDown: 20_000_000, offpeak: true });
    expect(subscriberSpeeds(use({ profile: p, countedBytes: 200 * GB }), NOON, TZ).tier).toBe('cap');
    expect(bytesCountNow(p, manila(2), TZ)).toBe(false);
    expect(bytesCountNow(p, NOON, TZ)).toBe(true);
  });
});

describe('tierRates', () => {
  it('gives each tier its rates, burst only on the plan tier, the FUP rates for a cap without its own', () => {
    expect(tierRates(THROTTLE, 'plan')).toMatchObject({ rateUp: 5_000_000, burst: { rateUp: 10_000_000 } });
    expect(tierRates(THROTTLE, 'fup')).toEqual({ rateUp: 2_000_000, rateDown: 4_000_000 });
    expect(tierRates(THROTTLE, 'cap')).toEqual({ rateUp: 512_000, rateDown: 1_000_000 });
    const fupOnly = plan({
      data_cap: '100G',
      cap_policy: 'throttle',
      fup: { threshold: '50G', rate_up: '2M', rate_down: '4M' },
    });
    expect(tierRates(fupOnly, 'cap')).toEqual({ rateUp: 2_000_000, rateDown: 4_000_000 });
  });
});

describe('crossesThreshold', () => {
  it('is true exactly where the bytes cross the FUP threshold or the cap, the only counts the policy reads', () => {
    const tier = (p: typeof THROTTLE, n: number) => {
      const s = subscriberSpeeds(use({ profile: p, countedBytes: n }), NOON, TZ);
      return `${s.service}/${s.tier}`;
    };
    const counts = [0, 10, 50 * GB - 1, 50 * GB, 60 * GB, 100 * GB - 1, 100 * GB, 150 * GB];
    for (const p of [THROTTLE, BLOCK, plan({})])
      for (const was of counts)
        for (const now of counts.filter((n) => n >= was)) {
          // Whenever the policy's answer moves, a threshold was crossed.
          if (tier(p, was) !== tier(p, now)) expect(crossesThreshold(p, was, now)).toBe(true);
        }
    expect(crossesThreshold(THROTTLE, 10 * GB, 49 * GB)).toBe(false);
    expect(crossesThreshold(THROTTLE, 49 * GB, 50 * GB)).toBe(true);
    expect(crossesThreshold(THROTTLE, 50 * GB, 99 * GB)).toBe(false);
    expect(crossesThreshold(BLOCK, 99 * GB, 100 * GB)).toBe(true);
    expect(crossesThreshold(BLOCK, 100 * GB, 200 * GB)).toBe(false);
    expect(crossesThreshold(plan({}), 0, 1e15)).toBe(false);
  });
});
