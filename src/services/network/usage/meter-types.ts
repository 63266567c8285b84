/**
 * What the meter (meter.ts) takes and gives: one poll's reading with the loaded state in, and the device and
 * voucher writes, the samples and the alerts out, which persist.ts writes in the poll's one transaction.
 */
import type { UsageAlert } from '../../../domain/usage-summary';
import type { DeviceRow, LoadedState, LoadedVoucher } from './load';
import type { UsageReading } from './source';

export interface DeviceWrite {
  id: number;
  voucherId: number;
  dUp: number;
  dDown: number;
  ip: string | null;
  connected: boolean;
  lastSeenAt: number;
  queueId: string | null;
  baselineUp: number;
  baselineDown: number;
  rateUp: number;
  rateDown: number;
  /** ip, connected or the counter's queue changed (rarer than counters; written with a wider statement). */
  presenceChanged: boolean;
  /**
   * The only change is that the rates fell to zero (and the device was seen now): no bytes, no new baseline,
   * no presence change. A device gone idle; written with a narrower statement.
   */
  ratesZeroed: boolean;
  mac: string;
  /** The device came online (`started`) or went (`ended`) since the last poll: the feed's login/logout. */
  session?: 'started' | 'ended';
}

export interface VoucherWrite {
  id: number;
  dUp: number;
  dDown: number;
  dCounted: number;
  dUptime: number;
  /** Its devices whose bytes moved this poll (persist.ts writes a voucher with one straight from that row). */
  moved: number;
}

/** One device's traffic in one poll (the usage_samples columns); a poll's are its device writes whose bytes moved. */
export interface SampleRow {
  device_id: number;
  voucher_id: number;
  ts: number;
  bytes_up: number;
  bytes_down: number;
  rate_up: number;
  rate_down: number;
}

export interface AlertCandidate {
  voucher: LoadedVoucher;
  alert: UsageAlert;
  threshold: number;
}

export interface MeterResult {
  devices: DeviceWrite[];
  vouchers: VoucherWrite[];
  /** Device rows that handed their queue's baseline over to another voucher's device row. */
  clearBaselines: number[];
  alerts: AlertCandidate[];
  bytesCounted: number;
  /** The same bytes by direction, as booked to bytes_up and bytes_down. */
  bytesUp: number;
  bytesDown: number;
}

export interface MeterInput {
  reading: UsageReading;
  state: LoadedState;
  /** Baseline holders loaded by queue id for queues whose owner row does not hold the baseline. */
  handover: Map<string, DeviceRow>;
  now: number;
  prevPollAt: number | undefined;
  /** Every counter started again from zero since the last poll that was metered (see rebootedSince). */
  routerRebooted: boolean;
  tz: string;
  /** The device row of each counter (queueOwners), when the caller has worked them out already. */
  owners?: ReadonlyArray<DeviceRow | undefined>;
  /**
   * The router's connected time of ended sessions, by code, for the uptime vouchers whose sessions all ended since
   * the last poll (sessionsEnded): the time between that poll and each logout is counted from it.
   */
  endedSeconds?: ReadonlyMap<string, number>;
}
