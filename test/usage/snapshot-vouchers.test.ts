/** Each session's and queue's voucher, looked up once a cycle, and the passes that read them (snapshot-vouchers.ts). */
import { parseProfile } from '../../src/domain/profiles';
import { parseSnapshot } from '../../src/router/hotspot';
import { planDeviceLimits } from '../../src/services/usage/device-limit';
import type { DeviceRow, LoadedState, LoadedVoucher } from '../../src/services/usage/load';
import { queueOwners } from '../../src/services/usage/meter';
import { madeFor, snapshotVouchers, unknownCodes } from '../../src/services/usage/snapshot-vouchers';
import type { VoucherRow } from '../../src/services/voucher-state';

const profile = parseProfile({
  name: 'P',
  price: 5,
  validity: '1d',
  users: 1,
  rate_up: '1M',
  rate_down: '2M',
});

function voucher(id: number, code: string, mac: string): LoadedVoucher {
  const row = { id, code, status: 'active', activated_at: 1 } as unknown as VoucherRow;
  const device: DeviceRow = {
    id: id * 10,
    voucher_id: id,
    mac,
    ip: null,
    connected: 1,
    first_seen_at: 0,
    last_seen_at: 0,
    bytes_up: 0,
    bytes_down: 0,
    counter_queue_id: null,
    baseline_up: 0,
    baseline_down: 0,
    rate_up: 0,
    rate_down: 0,
  };
  return { row, profile, profileName: 'P', devices: [device] };
}

function stateOf(...vs: LoadedVoucher[]): LoadedState {
  return {
    byId: new Map(vs.map((v) => [v.row.id, v])),
    byCode: new Map(vs.map((v) => [v.row.code, v])),
    pendingUserRemovals: [],
  };
}

const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';
const snapshot = parseSnapshot(
  [
    { '.id': '*1', name: `pisonet-${MAC1}`, bytes: '1/2', comment: 'CODE0001', dynamic: 'false' },
    { '.id': '*2', name: `pisonet-${MAC2}`, bytes: '3/4', comment: 'STRANGER', dynamic: 'false' },
    { '.id': '*3', name: 'pisonet-02:00:00:00:00:03', bytes: '5/6', dynamic: 'false' },
  ],
  [
    { '.id': '*A', user: 'CODE0001', 'mac-address': MAC1, address: '10.5.50.11', uptime: '1m' },
    { '.id': '*B', user: 'OTHER999', 'mac-address': MAC2, address: '10.5.50.12', uptime: '1m' },
  ],
  [],
);

test("each session's and queue's voucher by position; the codes the state lacks", () => {
  const v1 = voucher(1, 'CODE0001', MAC1);
  const state = stateOf(v1);
  const found = snapshotVouchers(snapshot, state);
  expect(found.sessions).toEqual([v1, undefined]);
  expect(found.ours).toEqual([v1, undefined, undefined]); // the third queue has no comment
  expect(unknownCodes(found).sort()).toEqual(['OTHER999', 'STRANGER']);
});

test('a pass given the vouchers of another state or snapshot looks the codes up itself', () => {
  const v1 = voucher(1, 'CODE0001', MAC1);
  const other = voucher(2, 'OTHER999', MAC2);
  const stale = snapshotVouchers(snapshot, stateOf(v1));
  const widened = stateOf(v1, other); // the state after the router's mentions were read
  expect(madeFor(stale, snapshot, widened)).toBeUndefined();
  expect(madeFor(stale, parseSnapshot([], [], []), stateOf(v1))).toBeUndefined();
  expect(madeFor(stale, snapshot, stale.state)).toBe(stale);
  // Given the stale arrays, the owners still come from the widened state, as without them.
  expect(queueOwners(snapshot, widened, undefined, stale)).toEqual(queueOwners(snapshot, widened));
  expect(queueOwners(snapshot, widened, undefined, stale)[0]).toBe(v1.devices[0]);
  // A device not on record of a known voucher needs the full decision: found through the stale arrays too.
  const plan = planDeviceLimits(snapshot, widened, new Set(), stale);
  expect(plan).toEqual(planDeviceLimits(snapshot, widened));
  expect(plan.adopt).toEqual([]);
});

test('the passes read the same vouchers from the arrays as from the state', () => {
  const v1 = voucher(1, 'CODE0001', MAC1);
  const v2 = { ...voucher(2, 'OTHER999', MAC2), devices: [] }; // a session of it, no device on record: adopted
  const state = stateOf(v1, v2);
  const found = snapshotVouchers(snapshot, state);
  expect(queueOwners(snapshot, state, undefined, found)).toEqual(queueOwners(snapshot, state));
  const withArrays = planDeviceLimits(snapshot, state, new Set(), found);
  expect(withArrays).toEqual(planDeviceLimits(snapshot, state));
  expect(withArrays.adopt.map((s) => s.mac)).toEqual([MAC2]);
});
