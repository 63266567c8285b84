/**
 * What the router may still let a voucher move is one rule for every mode: the byte limit an API site's hotspot
 * user holds and the `Mikrotik-Total-Limit` a RADIUS login is answered agree, for a staff voucher and in a free
 * off-peak window too.
 */
import { routerBytesLeft } from '../../src/domain/byte-cap';
import { parseProfile, type Profile } from '../../src/domain/profiles';
import { radiusAccount } from '../../src/domain/radius-account';
import type { VoucherState } from '../../src/domain/vouchers';

const TZ = 'Asia/Manila';
// 12:00 in Manila.
const NOON = Date.UTC(2026, 0, 15, 4);
const MB = 1_000_000;
const CAPPED = {
  name: 'CAP',
  price: 20,
  validity: '1d',
  users: 1,
  rate_up: '2M',
  rate_down: '4M',
  data_cap: '500M',
  cap_policy: 'block',
};
// Data is free from 11:00 to 13:00.
const FREE_AT_NOON = parseProfile({ ...CAPPED, offpeak: { start: '11:00', end: '13:00', unlimited: true } });

const voucher = (profile: Profile, extra: Partial<VoucherState> = {}): VoucherState => ({
  code: 'ABCDEFGH',
  status: 'active',
  profile,
  rateUp: profile.rateUp,
  rateDown: profile.rateDown,
  activatedAt: NOON - 3600_000,
  uptimeSeconds: 0,
  countedBytes: 120 * MB,
  totalBytes: 150 * MB,
  ...extra,
});

const totalLimit = (v: VoucherState, now: number) =>
  radiusAccount(v, 'pw', now, TZ).reply.find((r) => r.attribute === 'Mikrotik-Total-Limit')?.value;

test('outside a free window both modes hold the cap minus the counted bytes', () => {
  const v = voucher(FREE_AT_NOON);
  const evening = NOON + 6 * 3600_000;
  expect(routerBytesLeft(v, evening, TZ)).toBe(380 * MB);
  expect(totalLimit(v, evening)).toBe(String(380 * MB));
});

test('in a free off-peak window neither mode holds a byte limit (the free data would be cut)', () => {
  const v = voucher(FREE_AT_NOON);
  expect(routerBytesLeft(v, NOON, TZ)).toBeNull();
  expect(totalLimit(v, NOON)).toBeUndefined();
});

test('a staff voucher is never cut at a cap, in either mode', () => {
  const v = voucher(parseProfile(CAPPED), { staff: true });
  expect(routerBytesLeft(v, NOON, TZ)).toBeNull();
  expect(totalLimit(v, NOON)).toBeUndefined();
});
