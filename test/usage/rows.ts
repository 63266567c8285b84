/** Loaded rows as the usage cycle keeps them, for tests of its pure steps (meter, decisions) without a database. */
import type { DeviceRow } from '../../src/services/network/usage/load';
import type { VoucherRow } from '../../src/services/shop/vouchers/state';

/** An active voucher's row, with the columns the cycle reads; `fields` replace the defaults. */
export function activeVoucherRow(fields: Partial<VoucherRow> & Pick<VoucherRow, 'id' | 'code'>): VoucherRow {
  return {
    status: 'active',
    activated_at: 0,
    bytes_up: 0,
    bytes_down: 0,
    counted_bytes: 0,
    uptime_seconds: 0,
    extra_seconds: 0,
    rate_limit_up: 1,
    rate_limit_down: 1,
    staff: 0,
    override_up: null,
    override_down: null,
    ...fields,
  } as VoucherRow;
}

/** A device row online, holding counter `source_counter_id`; `fields` replace the defaults. */
export function onlineDeviceRow(
  fields: Partial<DeviceRow> & Pick<DeviceRow, 'id' | 'voucher_id' | 'mac'>,
): DeviceRow {
  return {
    ip: '10.5.50.11',
    connected: 1,
    first_seen_at: 0,
    last_seen_at: 0,
    bytes_up: 0,
    bytes_down: 0,
    source_counter_id: '*2',
    baseline_up: 0,
    baseline_down: 0,
    rate_up: 0,
    rate_down: 0,
    ...fields,
  };
}
