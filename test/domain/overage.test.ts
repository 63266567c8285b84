/**
 * Extra data at the cap: a plan that sells it keeps a voucher whose data is used up active and offline
 * (capped-waiting) instead of ending it; what it may buy and which coins pay for it.
 */
import { coinsForOverage, isCappedWaiting, overageOfferNow, overageRefusal } from '../../src/domain/overage';
import { desiredLimits } from '../../src/domain/policy';
import { parseProfile, type Profile } from '../../src/domain/profiles';
import { decideVouchers } from '../../src/domain/queues';
import { radiusAccount } from '../../src/domain/radius-account';
import type { VoucherState } from '../../src/domain/vouchers';

const TZ = 'Asia/Manila';
const NOON = Date.UTC(2026, 0, 15, 4);
const GB = 1_000_000_000;

const CAPPED = {
  name: 'CAP2G',
  price: 20,
  validity: '1d',
  users: 1,
  rate_up: '2M',
  rate_down: '4M',
  data_cap: '2G',
  cap_policy: 'block',
};
const WITH_OVERAGE = parseProfile({ ...CAPPED, overage: { bytes: '1G', price: 10 } });
const WITHOUT = parseProfile(CAPPED);

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

describe('capped-waiting', () => {
  it('a plan with extra data waits at its cap, active and without a queue; one without ends (blocked)', () => {
    const used = voucher(WITH_OVERAGE, { countedBytes: 2 * GB });
    const limits = desiredLimits(used, NOON + 60_000, TZ);
    expect(limits).toMatchObject({ state: 'capped-waiting', rateUp: 0, rateDown: 0 });
    expect(limits.reason).toBe('data used up (2.0 GB of 2.0 GB): extra data can be bought');
    expect(desiredLimits(voucher(WITHOUT, { countedBytes: 2 * GB }), NOON, TZ).state).toBe('blocked');
    // Below the cap: the voucher's own speed.
    expect(desiredLimits(voucher(WITH_OVERAGE, { countedBytes: GB }), NOON, TZ).state).toBe('normal');

    const item = { voucher: used, devices: [{ mac: '02:00:00:00:00:01', ip: '10.5.50.2', connected: true }] };
    const d = decideVouchers([item], NOON + 60_000, TZ);
    expect(d.devices).toEqual([]); // no queue, no internet
    expect(d.voucherActions).toEqual([]); // not ended: not exhausted, its hotspot user kept
    expect(d.cappedWaiting).toEqual(['ABCDEFGH']);
    const ended = decideVouchers(
      [{ ...item, voucher: voucher(WITHOUT, { countedBytes: 2 * GB }) }],
      NOON,
      TZ,
    );
    expect(ended.voucherActions).toMatchObject([{ newStatus: 'exhausted' }]);
    expect(ended.cappedWaiting).toEqual([]);
  });

  it('time still runs: a waiting voucher expires at its end like any other', () => {
    const used = voucher(WITH_OVERAGE, { countedBytes: 3 * GB });
    const end = NOON + 86_400_000;
    expect(desiredLimits(used, end - 1, TZ).state).toBe('capped-waiting');
    expect(desiredLimits(used, end, TZ).state).toBe('expired');
    expect(decideVouchers([{ voucher: used, devices: [] }], end, TZ).voucherActions).toMatchObject([
      { newStatus: 'expired' },
    ]);
    expect(isCappedWaiting(used, end, TZ)).toBe(false);
  });

  it('extra data added to the voucher (its cap raised) brings back its speed', () => {
    const raised = { ...WITH_OVERAGE, dataCapBytes: 3 * GB };
    expect(desiredLimits(voucher(raised, { countedBytes: 2 * GB }), NOON, TZ)).toMatchObject({
      state: 'normal',
      rateDown: 4_000_000,
    });
  });

  it('a RADIUS site refuses its logins with what to do, the code kept', () => {
    const account = radiusAccount(voucher(WITH_OVERAGE, { countedBytes: 2 * GB }), 'pw', NOON, TZ);
    expect(account.state).toBe('capped-waiting');
    expect(account.reply[0].value).toMatch(/buy extra data/);
  });
});

describe('who may buy extra data now', () => {
  it('a running voucher whose cap stops it, before or at the cap, on a plan that sells it', () => {
    const waiting = voucher(WITH_OVERAGE, { countedBytes: 2 * GB });
    expect(overageRefusal(waiting, NOON, TZ)).toBeNull();
    expect(overageOfferNow(waiting, NOON, TZ)).toEqual({ bytes: GB, price: 1000 });
    // Before the cap too: a customer who sees the data running low buys more and is never cut.
    expect(overageRefusal(voucher(WITH_OVERAGE, { countedBytes: 1.5 * GB }), NOON, TZ)).toBeNull();
    expect(overageRefusal(voucher(WITHOUT, { countedBytes: 2 * GB }), NOON, TZ)).toEqual({
      code: 'OVERAGE_NOT_OFFERED',
    });
    expect(overageRefusal(voucher(WITH_OVERAGE, { status: 'unused' }), NOON, TZ)).toEqual({
      code: 'VOUCHER_NOT_ACTIVE',
    });
    expect(overageRefusal(waiting, NOON + 2 * 86_400_000, TZ)).toEqual({ code: 'VOUCHER_NOT_ACTIVE' });
    expect(overageOfferNow(voucher(WITH_OVERAGE), NOON, TZ)).toEqual({ bytes: GB, price: 1000 });
  });

  it('a throttled cap keeps the voucher online: extra data is not sold there', () => {
    const throttled = parseProfile({
      ...CAPPED,
      cap_policy: 'throttle',
      cap_rate_up: '128K',
      cap_rate_down: '256K',
      overage: { bytes: '1G', price: 10 },
    });
    const v = voucher(throttled, { countedBytes: 2 * GB });
    expect(desiredLimits(v, NOON, TZ).state).toBe('capped-throttle');
    expect(overageRefusal(v, NOON, TZ)).toMatchObject({ code: 'DATA_NOT_USED_UP' });
  });
});

describe('coins for extra data', () => {
  const coins = (...pesos: number[]) => pesos.map((p, i) => ({ id: i + 1, amount: p * 100 }));

  it('below the price buys nothing (the coins stay the customer’s)', () => {
    expect(coinsForOverage(coins(5, 1, 1), 1000)).toBeNull();
    expect(coinsForOverage([], 1000)).toBeNull();
  });

  it('as many whole purchases as the credit covers, the rest left unspent', () => {
    expect(coinsForOverage(coins(10), 1000)).toEqual({ offers: 1, ids: [1], amount: 1000 });
    // ₱12 for ₱10: the ₱1 coins stay saved credit.
    expect(coinsForOverage(coins(5, 1, 5, 1), 1000)).toEqual({ offers: 1, ids: [1, 3], amount: 1000 });
    // ₱25 for ₱10 each: two purchases, one ₱5 coin left.
    const two = coinsForOverage(coins(5, 5, 5, 5, 5), 1000)!;
    expect(two).toMatchObject({ offers: 2, amount: 2000 });
    expect(two.ids).toHaveLength(4);
    expect(coinsForOverage(coins(20, 20), 1000)).toEqual({ offers: 4, ids: [1, 2], amount: 4000 });
  });

  it('a coin is never split: the fewest pesos over the price go with the sale', () => {
    // ₱20 for a ₱15 offer: the coin is spent whole.
    expect(coinsForOverage(coins(20), 1500)).toEqual({ offers: 1, ids: [1], amount: 2000 });
    // ₱10 + ₱5 + ₱1 for ₱12: ₱10 + ₱5 (₱15) rather than all three; the ₱1 stays.
    expect(coinsForOverage(coins(10, 5, 1), 1200)).toEqual({ offers: 1, ids: [1, 2], amount: 1500 });
    // A price in centavos (₱10.50): two ₱5 coins and a ₱1 pay for it, ₱0.50 over.
    expect(coinsForOverage(coins(5, 5, 1, 1), 1050)).toEqual({ offers: 1, ids: [1, 2, 3], amount: 1100 });
  });
});
