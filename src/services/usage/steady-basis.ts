/**
 * Whether the router is still in line with the vouchers: what the last empty reconcile plan was made from, and
 * the check that none of it changed since (enforce.ts skips planning then).
 */
import { desiredLimits, type DesiredLimits, type LimitState } from '../../domain/policy';
import type { VoucherWithDevices } from '../../domain/queues';
import type { QueueOnRouter } from '../../domain/reconcile';
import type { VoucherState } from '../../domain/vouchers';
import type { RouterSnapshot } from '../../router/hotspot';
import { refreshVoucherUsage, sameVoucherInputs, VOUCHER_INPUTS, voucherInputs } from '../voucher-state';
import type { DeviceRow, LoadedState, LoadedVoucher } from './load';

/**
 * The inputs of the last enforcement whose plan was empty: the router's queues already were what the vouchers
 * called for. Nearly every poll of a shop finds the same, with 10,000 devices as with 10; building every desired
 * queue and comparing it with every router queue again was a third of the poll after the read.
 *
 * Cache (README "Caches"): one per usage service (so per site and server process). It is used only while the
 * kept vouchers are the same objects (a reload makes new ones), the router's queues are the same array (the
 * hotspot hands the last read's on only when the router printed every row the same, snapshot.ts routerQueues),
 * every active voucher's limits at this poll's time are the same as then, and every device is where it was; then
 * the plan would be empty again. Anything else plans in full and replaces it; a plan with changes, ended
 * vouchers, claims in progress or router errors leaves none.
 */
export interface EnforceMemory {
  basis?: SteadyBasis;
}

export interface SteadyBasis {
  state: LoadedState;
  queues: readonly QueueOnRouter[];
  /** The active vouchers in the state's order. */
  vouchers: LoadedVoucher[];
  /**
   * The domain's view of each, kept and brought up to its row's usage at every check (refreshVoucherUsage), and
   * the row's other inputs to it (VOUCHER_INPUTS numbers per voucher): a check makes no object per voucher.
   */
  views: VoucherState[];
  inputs: Float64Array;
  /** Each voucher's limits then: their state, and LIMIT_NUMBERS numbers (limitNumbers). */
  states: LimitState[];
  limits: Float64Array;
  /** Each of those vouchers' devices in turn: the address its queue targets, or null when it had none. */
  presence: Array<string | null>;
}

const LIMIT_NUMBERS = 7;

/** What of a voucher's limits its queues are made from (sameRates), as numbers at `out[at…]` (-1: no burst). */
function limitNumbers(l: DesiredLimits, out: Float64Array, at: number): void {
  out[at] = l.rateUp;
  out[at + 1] = l.rateDown;
  const b = l.burst;
  out[at + 2] = b ? b.limitUp : -1;
  out[at + 3] = b ? b.limitDown : -1;
  out[at + 4] = b ? b.thresholdUp : -1;
  out[at + 5] = b ? b.thresholdDown : -1;
  out[at + 6] = b ? b.timeSeconds : -1;
}

function sameLimitNumbers(l: DesiredLimits, seen: Float64Array, at: number): boolean {
  if (seen[at] !== l.rateUp || seen[at + 1] !== l.rateDown) return false;
  const b = l.burst;
  if (!b) return seen[at + 2] === -1;
  return (
    seen[at + 2] === b.limitUp &&
    seen[at + 3] === b.limitDown &&
    seen[at + 4] === b.thresholdUp &&
    seen[at + 5] === b.thresholdDown &&
    seen[at + 6] === b.timeSeconds
  );
}

/** What the desired queues read of a device: a connected device's IP (see desiredQueues). */
function presenceOf(d: DeviceRow): string | null {
  return d.connected ? d.ip : null;
}

export function steadyBasis(
  state: LoadedState,
  queues: readonly QueueOnRouter[],
  vouchers: LoadedVoucher[],
  items: readonly VoucherWithDevices[],
  limits: readonly DesiredLimits[],
): SteadyBasis {
  const n = vouchers.length;
  const basis: SteadyBasis = {
    state,
    queues,
    vouchers,
    views: new Array<VoucherState>(n),
    inputs: new Float64Array(n * VOUCHER_INPUTS),
    states: new Array<LimitState>(n),
    limits: new Float64Array(n * LIMIT_NUMBERS),
    presence: [],
  };
  for (let k = 0; k < n; k++) {
    const v = vouchers[k];
    basis.views[k] = items[k].voucher;
    voucherInputs(v.row, basis.inputs, k * VOUCHER_INPUTS);
    basis.states[k] = limits[k].state;
    limitNumbers(limits[k], basis.limits, k * LIMIT_NUMBERS);
    const devices = v.devices;
    for (let i = 0; i < devices.length; i++) basis.presence.push(presenceOf(devices[i]));
  }
  return basis;
}

/** Whether the desired queues and the router's queues are what they were when `basis` was planned. */
export function stillInLine(
  basis: SteadyBasis,
  state: LoadedState,
  snapshot: RouterSnapshot,
  now: number,
  tz: string,
): boolean {
  if (basis.state !== state || basis.queues !== snapshot.queues) return false;
  let k = 0;
  let j = 0;
  let same = true;
  // forEach, not for…of over values(): once a poll, every voucher, without an iterator result each.
  state.byId.forEach((v) => {
    if (!same) return;
    const devices = v.devices;
    // A claim in progress owns its device's queue for a while (handsOffClaims): planned in full meanwhile.
    for (let i = 0; i < devices.length; i++) if (devices[i].login_pending_at != null) same = false;
    if (!same || v.row.status !== 'active') return;
    if (basis.vouchers[k] !== v || !sameVoucherInputs(v.row, basis.inputs, k * VOUCHER_INPUTS))
      return void (same = false);
    const view = basis.views[k];
    refreshVoucherUsage(view, v.row);
    const limits = desiredLimits(view, now, tz);
    if (limits.state !== basis.states[k] || !sameLimitNumbers(limits, basis.limits, k * LIMIT_NUMBERS))
      return void (same = false);
    k++;
    for (let i = 0; i < devices.length; i++)
      if (presenceOf(devices[i]) !== basis.presence[j++]) return void (same = false);
  });
  return same && k === basis.vouchers.length && j === basis.presence.length;
}
