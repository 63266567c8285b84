/**
 * The domain's view of each active voucher is kept on the loaded voucher between cycles and brought up to its row
 * in place (decisions.ts voucherItem). It must always say what a view made afresh from the same row would say:
 * usage, status and the devices' presence follow the row; any other input to the view makes a new one.
 */
import { activeItems, voucherItem } from '../../src/services/network/usage/decisions';
import type { LoadedState, LoadedVoucher } from '../../src/services/network/usage/load';
import { toVoucherState, type VoucherRow } from '../../src/services/shop/vouchers/state';
import { activeVoucherRow, onlineDeviceRow } from './rows';
import { parseProfile } from '../../src/domain/profiles';
import { desiredLimits } from '../../src/domain/policy';
import type { VoucherWithDevices } from '../../src/domain/queues';

const T0 = Date.UTC(2026, 10, 25, 4, 0, 0);
const profile = parseProfile({
  name: 'CAP',
  price: 5,
  validity: '1d',
  users: 2,
  rate_up: '1M',
  rate_down: '2M',
  data_cap: '100MB',
  cap_policy: 'block',
});

function loaded(): LoadedVoucher {
  const row = activeVoucherRow({
    id: 1,
    code: 'CODE0001',
    activated_at: T0 - 60_000,
    extra_bytes: 0,
    extra_fup_bytes: 0,
    rate_limit_up: 1_000_000,
    rate_limit_down: 2_000_000,
  });
  const device = onlineDeviceRow({ id: 7, voucher_id: 1, mac: '02:00:00:00:00:01' });
  return { row, profile, profileName: 'CAP', devices: [device] };
}

/** What the policy reads of an item (the kept one carries the extras it was made with beside it). */
const seen = (item: VoucherWithDevices) => ({ voucher: item.voucher, devices: item.devices });

/** What a view made afresh from the same row says. */
const fresh = (v: LoadedVoucher) => ({
  voucher: toVoucherState(v.row, v.profile),
  devices: v.devices.map((d) => ({ mac: d.mac, ip: d.ip ?? undefined, connected: Boolean(d.connected) })),
});

it('follows the row: usage, status and presence in place, any other input in a new view', () => {
  const v = loaded();
  const first = voucherItem(v);
  expect(seen(first)).toEqual(fresh(v));

  // The meter's writes and the end of a voucher: the same view, brought up to the row.
  v.row.bytes_down = 60_000_000;
  v.row.counted_bytes = 60_000_000;
  v.row.uptime_seconds = 90;
  v.devices[0].ip = '10.5.50.99';
  v.devices[0].connected = 0;
  const second = voucherItem(v);
  expect(second).toBe(first);
  expect(seen(second)).toEqual(fresh(v));
  v.row.status = 'exhausted';
  expect(seen(voucherItem(v))).toEqual(fresh(v));
  v.row.status = 'active';

  // Extra data bought: the cap the policy holds the voucher to grows, in a new view.
  v.row.extra_bytes = 50_000_000;
  const topped = voucherItem(v);
  expect(topped).not.toBe(first);
  expect(seen(topped)).toEqual(fresh(v));
  expect(topped.voucher.profile.dataCapBytes).toBe(150_000_000);
  expect(desiredLimits(topped.voucher, T0, 'UTC').state).not.toBe('blocked');

  // Each other input in turn.
  const changes: Array<(r: VoucherRow) => void> = [
    (r) => (r.extra_seconds = 3600),
    (r) => (r.extra_fup_bytes = 1),
    (r) => (r.rate_limit_down = 4_000_000),
    (r) => {
      r.override_up = 256_000;
      r.override_down = 512_000;
    },
    (r) => (r.activated_at = T0),
    (r) => (r.staff = 1),
  ];
  let last = topped;
  for (const change of changes) {
    change(v.row);
    const next = voucherItem(v);
    expect(next).not.toBe(last);
    expect(seen(next)).toEqual(fresh(v));
    last = next;
  }

  // A device more, or another device in its place.
  v.devices.push({ ...v.devices[0], id: 8, mac: '02:00:00:00:00:02' });
  expect(seen(voucherItem(v))).toEqual(fresh(v));
  v.devices[1] = { ...v.devices[1], id: 9, mac: '02:00:00:00:00:03' };
  expect(seen(voucherItem(v))).toEqual(fresh(v));
});

it('gives the policy only active vouchers, each with its kept view', () => {
  const a = loaded();
  const b = loaded();
  b.row = { ...b.row, id: 2, code: 'CODE0002', status: 'expired' };
  const state: LoadedState = {
    byId: new Map([
      [1, a],
      [2, b],
    ]),
    byCode: new Map([
      ['CODE0001', a],
      ['CODE0002', b],
    ]),
    pendingUserRemovals: [],
  };
  const items = activeItems(state);
  expect(items.map((i) => i.voucher.code)).toEqual(['CODE0001']);
  expect(activeItems(state)[0]).toBe(items[0]);
});
