import { minutesOfDay, offpeakActive } from '../../src/domain/clock';
import { desiredLimits } from '../../src/domain/policy';
import { parseProfile, type Profile } from '../../src/domain/profiles';
import { voucherTiming, type VoucherState } from '../../src/domain/vouchers';

const TZ = 'Asia/Manila'; // UTC+8, no daylight saving
/** ms epoch for a Manila wall-clock time on 2026-01-15. */
const manila = (h: number, m = 0, s = 0) => Date.UTC(2026, 0, 15, h - 8, m, s);
const NOON = manila(12);

const BASIC = parseProfile({
  name: 'BASIC',
  price: 5,
  validity: '1h',
  users: 1,
  rate_up: '512K',
  rate_down: '1M',
});

function voucher(profile: Profile, extra: Partial<VoucherState> = {}): VoucherState {
  return {
    code: 'ABCDEFGH',
    status: 'active',
    profile,
    rateUp: profile.rateUp,
    rateDown: profile.rateDown,
    activatedAt: NOON,
    uptimeSeconds: 0,
    countedBytes: 0,
    totalBytes: 0,
    ...extra,
  };
}

describe('voucherTiming', () => {
  it('wallclock: ends validity after activation, used or not', () => {
    const v = voucher(BASIC);
    expect(voucherTiming(v, NOON + 10 * 60_000)).toEqual({
      expiresAt: NOON + 3_600_000,
      remainingSeconds: 3000,
      expired: false,
    });
    expect(voucherTiming(v, NOON + 3_600_000 - 1)).toMatchObject({ remainingSeconds: 1, expired: false });
    expect(voucherTiming(v, NOON + 3_600_000)).toMatchObject({ remainingSeconds: 0, expired: true });
    expect(voucherTiming(v, NOON + 9_000_000)).toMatchObject({ remainingSeconds: 0, expired: true });
  });

  it('wallclock: an unused voucher keeps its whole validity', () => {
    expect(voucherTiming(voucher(BASIC, { activatedAt: undefined, status: 'unused' }), NOON)).toEqual({
      expiresAt: null,
      remainingSeconds: 3600,
      expired: false,
    });
  });

  it('uptime: only connected time counts, however late it is', () => {
    const p = { ...BASIC, timeMode: 'uptime' as const };
    const later = NOON + 5 * 3_600_000;
    expect(voucherTiming(voucher(p, { uptimeSeconds: 1200 }), later)).toEqual({
      expiresAt: null,
      remainingSeconds: 2400,
      expired: false,
    });
    expect(voucherTiming(voucher(p, { uptimeSeconds: 3600 }), NOON)).toMatchObject({
      remainingSeconds: 0,
      expired: true,
    });
    expect(voucherTiming(voucher(p, { uptimeSeconds: 4000 }), NOON)).toMatchObject({
      remainingSeconds: 0,
      expired: true,
    });
  });

  it('staff and unlimited profiles never expire', () => {
    const far = NOON + 365 * 86_400_000;
    expect(voucherTiming(voucher(BASIC, { staff: true }), far)).toEqual({
      expiresAt: null,
      remainingSeconds: null,
      expired: false,
    });
    expect(voucherTiming(voucher({ ...BASIC, validitySeconds: null }), far).expired).toBe(false);
  });
});

describe('offpeakActive in Asia/Manila', () => {
  const night = { start: 22 * 60, end: 6 * 60, unlimited: true, speedMultiplier: 1 };
  const afternoon = { start: 13 * 60, end: 15 * 60, unlimited: false, speedMultiplier: 2 };

  it('reads the local clock', () => {
    expect(minutesOfDay(manila(22, 30), TZ)).toBe(22 * 60 + 30);
    expect(minutesOfDay(Date.UTC(2026, 0, 15, 16, 0), TZ)).toBe(0);
  });

  it.each([
    [manila(21, 59, 59), false],
    [manila(22, 0), true],
    [manila(23, 59, 59), true],
    [manila(24, 0), true], // midnight, next day
    [manila(29, 59, 59), true], // 05:59:59 next day
    [manila(30, 0), false], // 06:00 next day: end is exclusive
    [manila(12, 0), false],
  ])('window crossing midnight at %d → %s', (t, on) => {
    expect(offpeakActive(night, t, TZ)).toBe(on);
  });

  it.each([
    [manila(12, 59), false],
    [manila(13, 0), true],
    [manila(14, 59), true],
    [manila(15, 0), false],
  ])('same-day window at %d → %s', (t, on) => {
    expect(offpeakActive(afternoon, t, TZ)).toBe(on);
  });

  it('uses the given zone, not UTC', () => {
    // 22:00 UTC is 06:00 in Manila: outside the night window.
    expect(offpeakActive(night, Date.UTC(2026, 0, 15, 22, 0), TZ)).toBe(false);
    expect(offpeakActive(night, Date.UTC(2026, 0, 15, 22, 0), 'UTC')).toBe(true);
  });

  it('is never active with equal start and end, or without a window', () => {
    expect(offpeakActive({ ...night, end: night.start }, manila(22), TZ)).toBe(false);
    expect(offpeakActive(undefined, manila(22), TZ)).toBe(false);
  });
});

describe('desiredLimits', () => {
  const FUP = parseProfile({
    name: 'FUP',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '2M',
    rate_down: '5M',
    fup: { threshold: '1G', rate_up: '512K', rate_down: '1M' },
    data_cap: '2G',
    cap_policy: 'throttle',
    cap_rate_up: '128K',
    cap_rate_down: '256K',
    burst: { rate_up: '4M', rate_down: '10M', threshold_up: '1.5M', threshold_down: '4M', time: '10s' },
  });

  it('gives the voucher rates and the profile burst in the normal state', () => {
    const l = desiredLimits(voucher(FUP), NOON, TZ);
    // The reason is made when read (the poll reads none of a voucher that keeps its queue).
    expect({ ...l, reason: l.reason }).toEqual({
      state: 'normal',
      rateUp: 2e6,
      rateDown: 5e6,
      burst: { limitUp: 4e6, limitDown: 10e6, thresholdUp: 1.5e6, thresholdDown: 4e6, timeSeconds: 10 },
      offpeak: false,
      reason: '5 Mbps down / 2 Mbps up',
    });
    expect(desiredLimits(voucher(FUP, { rateUp: 3e6, rateDown: 8e6 }), NOON, TZ).reason).toBe(
      '8 Mbps down / 3 Mbps up',
    );
  });

  it('scales the speeds in an off-peak window and says so in the reason', () => {
    const NIGHTLY = parseProfile({
      name: 'NIGHTLY',
      price: 20,
      validity: '1d',
      users: 1,
      rate_up: '2M',
      rate_down: '5M',
      offpeak: { start: '22:00', end: '06:00', speed_multiplier: 2 },
    });
    const l = desiredLimits(voucher(NIGHTLY), manila(23), TZ);
    expect(l).toMatchObject({ state: 'normal', rateUp: 4e6, rateDown: 10e6, offpeak: true });
    expect(l.reason).toBe('5 Mbps down / 2 Mbps up (off-peak ×2)');
  });

  it('uses the voucher own rates over the profile and drops a burst that no longer lies above them', () => {
    const l = desiredLimits(voucher(FUP, { rateUp: 3e6, rateDown: 8e6 }), NOON, TZ);
    expect(l).toMatchObject({ rateUp: 3e6, rateDown: 8e6 });
    expect(l.burst).toMatchObject({ limitUp: 4e6, limitDown: 10e6 });
    const faster = desiredLimits(voucher(FUP, { rateUp: 5e6, rateDown: 12e6 }), NOON, TZ);
    expect(faster.burst).toBeUndefined();
  });

  it('switches to FUP rates when the threshold is reached, without burst', () => {
    expect(desiredLimits(voucher(FUP, { countedBytes: 1e9 - 1 }), NOON, TZ).state).toBe('normal');
    const l = desiredLimits(voucher(FUP, { countedBytes: 1e9 }), NOON, TZ);
    expect(l).toMatchObject({ state: 'fup', rateUp: 512000, rateDown: 1e6 });
    expect(l.burst).toBeUndefined();
    expect(l.reason).toContain('1.0 GB');
  });

  it('throttles at the cap with the cap rates, or the FUP rates when none are set', () => {
    expect(desiredLimits(voucher(FUP, { countedBytes: 2e9 }), NOON, TZ)).toMatchObject({
      state: 'capped-throttle',
      rateUp: 128000,
      rateDown: 256000,
    });
    const viaFup = { ...FUP, capRate: undefined };
    expect(desiredLimits(voucher(viaFup, { countedBytes: 3e9 }), NOON, TZ)).toMatchObject({
      state: 'capped-throttle',
      rateUp: 512000,
      rateDown: 1e6,
    });
  });

  it('blocks at the cap with cap_policy block', () => {
    const p = { ...FUP, capPolicy: 'block' as const };
    expect(desiredLimits(voucher(p, { countedBytes: 2e9 }), NOON, TZ)).toMatchObject({
      state: 'blocked',
      rateUp: 0,
      rateDown: 0,
    });
  });

  it('ignores the cap with cap_policy none (FUP still applies)', () => {
    const p = { ...FUP, capPolicy: 'none' as const };
    expect(desiredLimits(voucher(p, { countedBytes: 5e9 }), NOON, TZ).state).toBe('fup');
  });

  it('lets an admin override win over FUP and the throttle, but never over a block or expiry', () => {
    const override = { rateUp: 3e6, rateDown: 6e6 };
    expect(desiredLimits(voucher(FUP, { override, countedBytes: 1.5e9 }), NOON, TZ)).toMatchObject({
      state: 'normal',
      rateUp: 3e6,
      rateDown: 6e6,
      reason: 'bandwidth set by admin',
    });
    expect(desiredLimits(voucher(FUP, { override, countedBytes: 2e9 }), NOON, TZ).rateDown).toBe(6e6);
    expect(desiredLimits(voucher(FUP, { override }), NOON, TZ).burst).toBeUndefined();
    const blocking = { ...FUP, capPolicy: 'block' as const };
    expect(desiredLimits(voucher(blocking, { override, countedBytes: 2e9 }), NOON, TZ).state).toBe('blocked');
    expect(desiredLimits(voucher(FUP, { override }), NOON + 86_400_000, TZ).state).toBe('expired');
  });

  it('reads an override of 0 as no limit that way, off-peak too, and gives it no burst', () => {
    const none = { rateUp: 0, rateDown: 0 };
    expect(desiredLimits(voucher(FUP, { override: none, countedBytes: 1.5e9 }), NOON, TZ)).toEqual({
      state: 'normal',
      rateUp: 0,
      rateDown: 0,
      offpeak: false,
      reason: 'speed limit removed by admin',
    });
    const night = { ...FUP, offpeak: { start: 22 * 60, end: 6 * 60, unlimited: false, speedMultiplier: 2 } };
    expect(desiredLimits(voucher(night, { override: none }), manila(23), TZ)).toMatchObject({
      state: 'normal',
      rateUp: 0,
      rateDown: 0,
      offpeak: true,
    });
    expect(desiredLimits(voucher(FUP, { override: none }), NOON + 86_400_000, TZ).state).toBe('expired');
  });

  it('ends by status and by time', () => {
    expect(desiredLimits(voucher(FUP, { status: 'revoked' }), NOON, TZ).state).toBe('revoked');
    expect(desiredLimits(voucher(FUP, { status: 'expired' }), NOON, TZ).state).toBe('expired');
    expect(desiredLimits(voucher(FUP, { status: 'exhausted' }), NOON, TZ).state).toBe('blocked');
    expect(desiredLimits(voucher(FUP, { status: 'unused', activatedAt: undefined }), NOON, TZ).state).toBe(
      'unused',
    );
    const expired = desiredLimits(voucher(BASIC), NOON + 3_600_000, TZ);
    expect(expired).toMatchObject({ state: 'expired', rateUp: 0, rateDown: 0 });
    expect(expired.reason).toBe('validity of 1h used up');
  });

  it('multiplies rates and burst off-peak, rounding to whole bits/s', () => {
    const p = { ...FUP, offpeak: { start: 22 * 60, end: 6 * 60, unlimited: false, speedMultiplier: 1.5 } };
    const l = desiredLimits(voucher(p, { rateUp: 333333 }), manila(23), TZ);
    expect(l).toMatchObject({ state: 'normal', offpeak: true, rateUp: 500000, rateDown: 7.5e6 });
    expect(l.burst).toBeUndefined(); // 333333 ≠ profile rate: the burst's threshold_up 1.5M lies above it
    const withBurst = desiredLimits(voucher(p), manila(23), TZ);
    expect(withBurst.burst).toEqual({
      limitUp: 6e6,
      limitDown: 15e6,
      thresholdUp: 2.25e6,
      thresholdDown: 6e6,
      timeSeconds: 10,
    });
    const fup = desiredLimits(voucher(p, { countedBytes: 1e9 }), manila(23), TZ);
    expect(fup).toMatchObject({ state: 'fup', rateUp: 768000, rateDown: 1.5e6 });
    expect(desiredLimits(voucher(p), NOON, TZ)).toMatchObject({ offpeak: false, rateDown: 5e6 });
  });

  it('suspends FUP and throttle during an unlimited off-peak window, but not a block', () => {
    const p = { ...FUP, offpeak: { start: 22 * 60, end: 6 * 60, unlimited: true, speedMultiplier: 1 } };
    expect(desiredLimits(voucher(p, { countedBytes: 1.5e9 }), manila(23), TZ)).toMatchObject({
      state: 'normal',
      rateDown: 5e6,
    });
    expect(desiredLimits(voucher(p, { countedBytes: 2e9 }), manila(23), TZ).state).toBe('normal');
    expect(desiredLimits(voucher(p, { countedBytes: 1.5e9 }), NOON, TZ).state).toBe('fup');
    const blocking = { ...p, capPolicy: 'block' as const };
    expect(desiredLimits(voucher(blocking, { countedBytes: 2e9 }), manila(23), TZ).state).toBe('blocked');
  });
});
