/**
 * The poll adopts sessions the controller did not start (a first login on the router's own page activates the
 * voucher). A portal login still under way is one it did start: its session can be in the poll's snapshot
 * while its claim is not committed, and adopting it would activate the voucher under the redemption, which
 * would then lose its claim and undo the customer's login (test/portal/redeem-beside-sync.test.ts shows it on
 * PostgreSQL). Pure: the plan from a snapshot and a state.
 */
import type { Profile } from '../../src/domain/profiles';
import { planDeviceLimits } from '../../src/services/network/usage/device-limit';
import type { LoadedState, LoadedVoucher } from '../../src/services/network/usage/load';
import type { UsageReading } from '../../src/services/network/usage/source';
import type { VoucherRow } from '../../src/services/shop/vouchers/state';

const MAC = '02:AA:00:00:00:01';

function unusedVoucherOnline(loginsMissed: ReadonlySet<string> = new Set()): {
  snapshot: UsageReading;
  state: LoadedState;
} {
  const v: LoadedVoucher = {
    row: { id: 1, code: 'ABCD2345', status: 'unused', bound_mac: null } as VoucherRow,
    profile: { users: 1 } as Profile,
    profileName: 'BASIC',
    devices: [],
  };
  return {
    snapshot: {
      counters: [],
      sessions: [
        { id: '*1', user: 'ABCD2345', mac: MAC, ip: '10.5.50.11', hostIp: '10.5.50.11', uptimeSeconds: 5 },
      ],
      countersStartedAt: undefined,
      loginsMissed: () => loginsMissed,
    },
    state: { byId: new Map([[1, v]]), byCode: new Map([['ABCD2345', v]]), pendingUserRemovals: [] },
  };
}

test('a first login on the router’s own page is adopted', () => {
  const { snapshot, state } = unusedVoucherOnline();
  expect(planDeviceLimits(snapshot, state).adopt.map((s) => s.mac)).toEqual([MAC]);
});

test('the session of a portal login under way is left to its redemption', () => {
  const { snapshot, state } = unusedVoucherOnline(new Set([MAC]));
  const plan = planDeviceLimits(snapshot, state);
  expect(plan.adopt).toEqual([]);
  expect(plan.overLimit).toEqual([]);
});
