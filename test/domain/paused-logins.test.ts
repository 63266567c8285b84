/**
 * A paused code's logins, as decided without I/O: FreeRADIUS's rows refuse it with the reason and keep its login
 * rules (radiusAccount), and its hotspot user is wanted disabled, which the users check writes whichever way the
 * router has it (planUserReconcile).
 */
import { parseProfile } from '../../src/domain/profiles';
import { PAUSED_MESSAGE, radiusAccount } from '../../src/domain/radius-account';
import type { VoucherState } from '../../src/domain/vouchers';
import { planUserReconcile, type UserOnRouter, type VoucherUser } from '../../src/router/hotspot';

const NOW = Date.UTC(2026, 0, 15, 4);
const UPTIME = parseProfile({
  name: 'UP',
  price: 10,
  validity: '30m',
  users: 2,
  rate_up: '1M',
  rate_down: '2M',
  time_mode: 'uptime',
});
const voucher = (extra: Partial<VoucherState> = {}): VoucherState => ({
  code: 'ABCDEFGH',
  status: 'active',
  profile: UPTIME,
  rateUp: UPTIME.rateUp,
  rateDown: UPTIME.rateDown,
  activatedAt: NOW - 600_000,
  uptimeSeconds: 300,
  countedBytes: 0,
  totalBytes: 0,
  ...extra,
});

test('FreeRADIUS refuses a paused code with the reason, keeps its login rules, and answers its time after', () => {
  const paused = radiusAccount(voucher({ paused: true }), 'pw', NOW, 'Asia/Manila');
  expect(paused.check).toEqual([{ attribute: 'Auth-Type', op: ':=', value: 'Reject' }]);
  expect(paused.reply).toEqual([{ attribute: 'Reply-Message', op: ':=', value: PAUSED_MESSAGE }]);
  expect(paused.login).toEqual({ maxDevices: 2, validitySeconds: null });
  const resumed = radiusAccount(voucher(), 'pw', NOW + 3600_000, 'Asia/Manila');
  expect(resumed.check).toContainEqual({ attribute: 'Cleartext-Password', op: ':=', value: 'pw' });
  expect(resumed.reply).toContainEqual({ attribute: 'Session-Timeout', op: ':=', value: '1500' });
});

test('the users check wants a paused code disabled and a running one enabled, whatever the router has', () => {
  const where = { hotspotServer: 'all', hotspotUserProfile: 'default' };
  const want = (disabled: boolean): VoucherUser => ({
    id: 1,
    code: 'ABCDEFGH',
    password: null,
    profileName: 'UP',
    limitSeconds: 1800,
    mac: null,
    disabled,
  });
  const have = (disabled: boolean): UserOnRouter => ({
    id: '*1',
    name: 'ABCDEFGH',
    ours: true,
    profile: 'default',
    server: 'all',
    limitSeconds: 1800,
    mac: null,
    comment: 'pisonet UP',
    disabled,
  });
  const changes = (w: boolean, h: boolean) =>
    planUserReconcile(where, [want(w)], [have(h)], { allowRemovals: true }).fix.map((f) => f.changes);
  expect(changes(true, false)).toEqual([{ disabled: 'true' }]);
  expect(changes(true, true)).toEqual([]);
  expect(changes(false, true)).toEqual([{ disabled: 'false' }]);
  expect(changes(false, false)).toEqual([]);
});
