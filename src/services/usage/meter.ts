/**
 * Turns one router snapshot into usage: per device and per voucher byte deltas from the queue counters,
 * the new counter baselines, connected time (uptime mode), presence and rates. No I/O: the caller writes
 * the result in ONE transaction, baselines beside the bytes, so a crash neither loses nor double-counts.
 * The loaded rows are updated in memory so the policy step sees this poll's totals.
 *
 * The loops over the snapshot and the kept vouchers are indexed (or forEach): they run once a poll over every
 * device, too rarely for V8 to optimise them, and an unoptimised for…of makes an iterator result per element.
 */
import {
  bytesSince,
  crossesAlertLevel,
  splitOffpeak,
  thresholdAlerts,
  type CounterReading,
} from '../../domain/usage';
import type { DeviceIndex, DeviceRow, LoadedState, LoadedVoucher } from './load';
import { voucherProfile } from '../voucher-state';
import type { QueueReading, RouterSnapshot, SessionInfo } from '../../router/hotspot';
import { JournalPacker } from './journal-codec';
import { madeFor, type SnapshotVouchers } from './snapshot-vouchers';

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
  kind: string;
  percent: number;
  threshold: number;
}

export interface MeterResult {
  devices: DeviceWrite[];
  vouchers: VoucherWrite[];
  /** Device rows that handed their queue's baseline over to another voucher's device row. */
  clearBaselines: number[];
  alerts: AlertCandidate[];
  bytesCounted: number;
  /**
   * The deltas already packed for the usage journal (with MeterInput.journal; null: nothing to append), `devices`
   * then holding only the writes the tables and the feed take at once, and `vouchers` none.
   */
  packed?: Buffer | null;
}

export interface MeterInput {
  snapshot: RouterSnapshot;
  state: LoadedState;
  /** Baseline holders loaded by queue id for queues whose owner row does not hold the baseline. */
  handover: Map<string, DeviceRow>;
  now: number;
  prevPollAt: number | undefined;
  /** The router booted since the last poll that was metered (see rebootedSince). */
  routerRebooted: boolean;
  tz: string;
  /** MACs whose login landed while or after the snapshot was read: no session in it is not a logout for them. */
  loginsMissed?: ReadonlySet<string>;
  /** The owner of each of `snapshot.ours` (queueOwners), when the caller has them already. */
  owners?: ReadonlyArray<DeviceRow | undefined>;
  /** The voucher of each session of `snapshot` in `state` (snapshot-vouchers.ts), when the caller has them. */
  vouchers?: SnapshotVouchers;
  /**
   * Pack the deltas for the usage journal as they are found (MeterResult.packed): the result then keeps only the
   * device writes the tables and the feed take at once, and no voucher writes.
   */
  journal?: boolean;
}

/** Whole seconds of uptime, plus the time a reply takes to arrive: boot times closer than this are one boot. */
export const BOOT_TIME_SLACK_MS = 2500;

/**
 * When the router booted, from the uptime it reported and when the reply arrived. RouterOS gives no boot
 * timestamp, but `now − uptime` stays the same from poll to poll until the next boot, whatever the timing.
 */
export function bootTimeOf(uptimeSeconds: number | undefined, replyAt: number): number | undefined {
  return uptimeSeconds === undefined ? undefined : replyAt - uptimeSeconds * 1000;
}

/**
 * Whether the router booted since the boot time we knew: then every queue counter restarted at zero and
 * every stored baseline is void, even for a counter that has already climbed past its old value (which the
 * "counter went down" rule alone would miss), and however soon after the boot or however late the poll.
 */
export function rebootedSince(knownBoot: number | undefined, bootTime: number | undefined): boolean {
  if (knownBoot === undefined || bootTime === undefined) return false;
  return Math.abs(bootTime - knownBoot) > BOOT_TIME_SLACK_MS;
}

export type { DeviceIndex };

/** The state's device index, built from its rows (see deviceIndex for the kept one). */
export function indexDevices(state: LoadedState): DeviceIndex {
  const idx: DeviceIndex = { byMac: new Map(), byQueueId: new Map(), slot: new Map() };
  for (const v of state.byId.values()) {
    for (const d of v.devices) {
      idx.slot.set(d, idx.slot.size);
      const list = idx.byMac.get(d.mac);
      if (list) list.push(d);
      else idx.byMac.set(d.mac, [d]);
      if (d.counter_queue_id) idx.byQueueId.set(d.counter_queue_id, d);
    }
  }
  return idx;
}

/**
 * The state's index, built on the first call and kept with the state: the usage service keeps the state
 * between cycles, and rebuilding 10,000 rows' index every cycle was the meter's largest allocation. The
 * meter keeps it current (moveCounter); a reloaded state starts without one.
 */
export function deviceIndex(state: LoadedState): DeviceIndex {
  state.index ??= indexDevices(state);
  return state.index;
}

/** The row now holds the counter of queue `to` (or none): the index follows, as indexDevices would build it. */
function moveCounter(idx: DeviceIndex, d: DeviceRow, to: string | null): void {
  const from = d.counter_queue_id;
  if (from === to) return;
  if (from !== null && idx.byQueueId.get(from) === d) idx.byQueueId.delete(from);
  if (to !== null) idx.byQueueId.set(to, d);
}

/** A voucher's row for one MAC: a voucher has a handful of devices at most, so a scan beats a keyed map. */
function deviceOf(v: LoadedVoucher, mac: string): DeviceRow | undefined {
  const devices = v.devices;
  for (let i = 0; i < devices.length; i++) if (devices[i].mac === mac) return devices[i];
  return undefined;
}

/**
 * The device row a queue's bytes belong to: the voucher in its comment (`v`, that voucher in `state`), else
 * whoever holds its baseline, else the newest active one.
 */
function queueOwner(
  q: QueueReading,
  v: LoadedVoucher | undefined,
  state: LoadedState,
  idx: DeviceIndex,
): DeviceRow | undefined {
  const direct = v ? deviceOf(v, q.mac) : undefined;
  if (direct) return direct;
  const holder = idx.byQueueId.get(q.id);
  if (holder && holder.mac === q.mac) return holder;
  let best: DeviceRow | undefined;
  let bestAt = -1;
  for (const d of idx.byMac.get(q.mac) ?? []) {
    const owner = state.byId.get(d.voucher_id);
    const at = owner?.row.activated_at ?? 0;
    if (owner?.row.status === 'active' && at > bestAt) {
      best = d;
      bestAt = at;
    }
  }
  return best;
}

/** The device row each of the snapshot's queues (`snapshot.ours`, by position) belongs to (queueOwner). */
export function queueOwners(
  snapshot: RouterSnapshot,
  state: LoadedState,
  idx: DeviceIndex = deviceIndex(state),
  vouchers?: SnapshotVouchers,
): Array<DeviceRow | undefined> {
  const ours = snapshot.ours;
  const known = madeFor(vouchers, snapshot, state)?.ours;
  const owners = new Array<DeviceRow | undefined>(ours.length);
  for (let i = 0; i < ours.length; i++) {
    const q = ours[i];
    owners[i] = queueOwner(q, known ? known[i] : state.byCode.get(q.code), state, idx);
  }
  return owners;
}

export function queueIdsNeedingHandover(
  snapshot: RouterSnapshot,
  state: LoadedState,
  idx: DeviceIndex = deviceIndex(state),
  owners: ReadonlyArray<DeviceRow | undefined> = queueOwners(snapshot, state, idx),
): string[] {
  const ids: string[] = [];
  const ours = snapshot.ours;
  for (let i = 0; i < ours.length; i++) {
    const q = ours[i];
    const owner = owners[i];
    if (owner && owner.counter_queue_id !== q.id && !idx.byQueueId.has(q.id)) ids.push(q.id);
  }
  return ids;
}

/** The baseline a queue's counters are measured against (read into one reused object: one per queue per poll otherwise). */
const baseline: CounterReading = { id: '', up: 0, down: 0 };

function previous(
  owner: DeviceRow,
  q: QueueReading,
  idx: DeviceIndex,
  input: MeterInput,
  clear: number[],
): CounterReading | undefined {
  if (input.routerRebooted) return undefined;
  const holder =
    owner.counter_queue_id === q.id ? owner : (idx.byQueueId.get(q.id) ?? input.handover.get(q.id));
  if (!holder || holder.counter_queue_id !== q.id) return undefined;
  if (holder !== owner) clear.push(holder.id);
  baseline.id = q.id;
  baseline.up = Number(holder.baseline_up);
  baseline.down = Number(holder.baseline_down);
  return baseline;
}

/**
 * The bytes of a delta that count toward FUP and the cap. Only an unlimited off-peak window makes bytes free
 * (splitOffpeak decides when); a profile without one counts them all, as most do, without the split's objects.
 */
function countedBytes(
  delta: { up: number; down: number },
  poll: { at: number; prevAt?: number },
  offpeak: LoadedVoucher['profile']['offpeak'],
  tz: string,
): number {
  if (offpeak?.unlimited !== true) return delta.up + delta.down;
  const split = splitOffpeak(delta, poll, offpeak, tz);
  return split.counted.up + split.counted.down;
}

function voucherWrite(map: Map<number, VoucherWrite>, id: number): VoucherWrite {
  let w = map.get(id);
  if (!w) {
    w = { id, dUp: 0, dDown: 0, dCounted: 0, dUptime: 0, moved: 0 };
    map.set(id, w);
  }
  return w;
}

/**
 * What a poll found for each device row, in arrays by the row's slot (DeviceIndex.slot): the queue it was read
 * from (its position in `snapshot.ours`, -1 for none) and that queue's bytes since its baseline, and its router
 * session. Numbers and references in arrays, no object or map entry per device.
 */
interface Findings {
  reading: Int32Array;
  dUp: Float64Array;
  dDown: Float64Array;
  session: Array<SessionInfo | undefined>;
}

function findings(idx: DeviceIndex): Findings {
  const n = idx.slot.size;
  return {
    reading: new Int32Array(n).fill(-1),
    dUp: new Float64Array(n),
    dDown: new Float64Array(n),
    session: new Array<SessionInfo | undefined>(n),
  };
}

const delta = { up: 0, down: 0 };

function meterQueues(
  input: MeterInput,
  idx: DeviceIndex,
  out: MeterResult,
  vw: Map<number, VoucherWrite>,
  found: Findings,
): void {
  const ours = input.snapshot.ours;
  const poll = { at: input.now, prevAt: input.prevPollAt };
  const owners = input.owners ?? queueOwners(input.snapshot, input.state, idx);
  for (let i = 0; i < ours.length; i++) {
    const q = ours[i];
    const owner = owners[i];
    const v = owner ? input.state.byId.get(owner.voucher_id) : undefined;
    const slot = owner ? idx.slot.get(owner) : undefined;
    if (!owner || !v || slot === undefined || found.reading[slot] !== -1) continue;
    // The reading itself is the counter (its id, up and down): no copy of it per queue, every poll.
    bytesSince(previous(owner, q, idx, input, out.clearBaselines), q, delta);
    found.reading[slot] = i;
    found.dUp[slot] = delta.up;
    found.dDown[slot] = delta.down;
    if (delta.up === 0 && delta.down === 0) continue;
    const counted = countedBytes(delta, poll, v.profile.offpeak, input.tz);
    const w = voucherWrite(vw, v.row.id);
    w.dUp += delta.up;
    w.dDown += delta.down;
    w.dCounted += counted;
    w.moved++;
    out.bytesCounted += delta.up + delta.down;
  }
}

/**
 * The router session of each device row (its voucher's code as the user, its MAC), if it has one; and the
 * session uptimes of active uptime-mode vouchers by voucher id (meterUptime), from the same pass.
 */
function presence(
  input: MeterInput,
  idx: DeviceIndex,
  found: Findings,
  uptimes: Map<number, number[]>,
): void {
  const sessions = input.snapshot.sessions;
  const known = madeFor(input.vouchers, input.snapshot, input.state)?.sessions;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    const v = known ? known[i] : input.state.byCode.get(s.user);
    if (v && v.row.status === 'active' && v.profile.timeMode === 'uptime') {
      const list = uptimes.get(v.row.id);
      if (list) list.push(s.uptimeSeconds);
      else uptimes.set(v.row.id, [s.uptimeSeconds]);
    }
    const d = v ? deviceOf(v, s.mac) : undefined;
    const slot = d ? idx.slot.get(d) : undefined;
    if (slot !== undefined) found.session[slot] = s;
  }
}

/** A device write with no device yet: deviceWrite fills it in place (one per poll, not one per device). */
function blankWrite(): DeviceWrite {
  return {
    id: 0,
    voucherId: 0,
    dUp: 0,
    dDown: 0,
    ip: null,
    connected: false,
    lastSeenAt: 0,
    queueId: null,
    baselineUp: 0,
    baselineDown: 0,
    rateUp: 0,
    rateDown: 0,
    presenceChanged: false,
    ratesZeroed: false,
    mac: '',
    session: undefined,
  };
}

/** What the poll writes for device row `d`, into `w`; false (and `w` left unfinished) when nothing changed. */
function deviceWrite(
  d: DeviceRow,
  found: Findings,
  slot: number,
  input: MeterInput,
  w: DeviceWrite,
): boolean {
  const s = found.session[slot];
  const connected = s !== undefined || (Boolean(d.connected) && input.loginsMissed?.has(d.mac) === true);
  const ip = s ? (s.hostIp ?? s.ip ?? d.ip) : d.ip;
  const at = found.reading[slot];
  const r = at === -1 ? undefined : input.snapshot.ours[at];
  const queueId = r ? r.id : d.counter_queue_id;
  const baselineUp = r ? r.up : Number(d.baseline_up);
  const baselineDown = r ? r.down : Number(d.baseline_down);
  const rateUp = r ? r.rateUp : 0;
  const rateDown = r ? r.rateDown : 0;
  const dUp = found.dUp[slot];
  const dDown = found.dDown[slot];
  const presenceChanged = connected !== Boolean(d.connected) || ip !== d.ip || queueId !== d.counter_queue_id;
  const countersChanged =
    presenceChanged ||
    dUp > 0 ||
    dDown > 0 ||
    baselineUp !== Number(d.baseline_up) ||
    baselineDown !== Number(d.baseline_down);
  const ratesChanged = rateUp !== d.rate_up || rateDown !== d.rate_down;
  if (!countersChanged && !ratesChanged) return false;
  const lastSeenAt = connected || Boolean(d.connected) ? input.now : Number(d.last_seen_at);
  w.id = d.id;
  w.voucherId = d.voucher_id;
  w.dUp = dUp;
  w.dDown = dDown;
  w.ip = ip;
  w.connected = connected;
  w.lastSeenAt = lastSeenAt;
  w.queueId = queueId;
  w.baselineUp = baselineUp;
  w.baselineDown = baselineDown;
  w.rateUp = rateUp;
  w.rateDown = rateDown;
  w.presenceChanged = presenceChanged;
  w.ratesZeroed = !countersChanged && rateUp === 0 && rateDown === 0 && lastSeenAt === input.now;
  w.mac = d.mac;
  // A login or logout (rare): the feed's event.
  w.session = connected === Boolean(d.connected) ? undefined : connected ? 'started' : 'ended';
  return true;
}

function applyToRow(d: DeviceRow, w: DeviceWrite, idx: DeviceIndex): void {
  moveCounter(idx, d, w.queueId);
  d.bytes_up = Number(d.bytes_up) + w.dUp;
  d.bytes_down = Number(d.bytes_down) + w.dDown;
  d.ip = w.ip;
  d.connected = w.connected;
  d.last_seen_at = w.lastSeenAt;
  d.counter_queue_id = w.queueId;
  d.baseline_up = w.baselineUp;
  d.baseline_down = w.baselineDown;
  d.rate_up = w.rateUp;
  d.rate_down = w.rateDown;
}

/**
 * Connected time for uptime-mode vouchers: the time since the previous poll, but never more than the
 * longest current session has lasted (a session that began 10 s ago adds 10 s, and an outage of the
 * controller or the router is not charged beyond what the router itself reports).
 */
export function connectedSeconds(
  now: number,
  prevPollAt: number | undefined,
  activatedAt: number | null,
  sessionUptimes: number[],
): number {
  if (sessionUptimes.length === 0) return 0;
  let s = Math.floor(Math.max(...sessionUptimes));
  if (prevPollAt !== undefined) s = Math.min(s, Math.floor(now / 1000) - Math.floor(prevPollAt / 1000));
  if (activatedAt !== null) s = Math.min(s, Math.floor(now / 1000) - Math.floor(Number(activatedAt) / 1000));
  return Math.max(0, s);
}

/** Connected time for uptime-mode vouchers, from their sessions' uptimes (collected by presence). */
function meterUptime(input: MeterInput, uptimes: Map<number, number[]>, vw: Map<number, VoucherWrite>): void {
  uptimes.forEach((list, id) => {
    const v = input.state.byId.get(id) as LoadedVoucher;
    const secs = connectedSeconds(input.now, input.prevPollAt, v.row.activated_at, list);
    if (secs > 0) voucherWrite(vw, id).dUptime += secs;
  });
}

/**
 * The 80/90/100 % alerts crossed by this cycle's bytes, against the voucher's own limits: the plan's cap and
 * fair-use threshold raised by the codes added to it (the figures the portal, the admin and enforcement use).
 */
function alertsFor(v: LoadedVoucher, before: number, after: number, out: AlertCandidate[]): void {
  const own = voucherProfile(v.row, v.profile);
  addAlerts(out, v, 'fup', own.fup?.thresholdBytes, before, after);
  addAlerts(out, v, 'cap', own.dataCapBytes, before, after);
}

/** Which alerts were sent before is the caller's to check (persist.ts recordAlerts): none are known here. */
const NONE_SENT: ReadonlySet<number> = new Set();

function addAlerts(
  out: AlertCandidate[],
  v: LoadedVoucher,
  kind: 'fup' | 'cap',
  threshold: number | undefined,
  before: number,
  after: number,
): void {
  if (!threshold || !crossesAlertLevel(before, after, threshold)) return;
  for (const pct of thresholdAlerts(before, after, threshold, NONE_SENT))
    out.push({ voucher: v, kind: `${kind}-${pct}`, percent: pct, threshold });
}

export function meter(input: MeterInput): MeterResult {
  const out: MeterResult = {
    devices: [],
    vouchers: [],
    clearBaselines: [],
    alerts: [],
    bytesCounted: 0,
  };
  const idx = deviceIndex(input.state);
  const vw = new Map<number, VoucherWrite>();
  const found = findings(idx);
  meterQueues(input, idx, out, vw, found);
  const uptimes = new Map<number, number[]>();
  presence(input, idx, found, uptimes);
  // With `journal`, each write goes into the packed journal row as it is made, and only those the tables and the
  // feed take at once are kept as objects: 10,000 objects per poll otherwise, promoted to V8's old generation
  // when a young collection landed while they were alive (docs/performance.md, tenth look).
  const packer = input.journal ? new JournalPacker(idx.slot.size) : undefined;
  const dw = blankWrite();
  // forEach rather than for…of over values(): every poll, every voucher, without an iterator result each.
  input.state.byId.forEach((v) => {
    for (let i = 0; i < v.devices.length; i++) {
      const d = v.devices[i];
      const slot = idx.slot.get(d);
      // Every row of the state has its slot: the index is built from these very rows (a reload builds another).
      if (slot === undefined) throw new Error(`device row ${d.id} is not in the poll's device index`);
      if (!deviceWrite(d, found, slot, input, dw)) continue;
      packer?.device(dw);
      if (!packer || dw.presenceChanged || dw.session !== undefined) out.devices.push({ ...dw });
      applyToRow(d, dw, idx);
    }
  });
  meterUptime(input, uptimes, vw);
  vw.forEach((w) => {
    const v = input.state.byId.get(w.id) as LoadedVoucher;
    const before = Number(v.row.counted_bytes);
    v.row.bytes_up = Number(v.row.bytes_up) + w.dUp;
    v.row.bytes_down = Number(v.row.bytes_down) + w.dDown;
    v.row.counted_bytes = before + w.dCounted;
    v.row.uptime_seconds = Number(v.row.uptime_seconds) + w.dUptime;
    alertsFor(v, before, v.row.counted_bytes, out.alerts);
    out.vouchers.push(w);
  });
  if (packer) {
    out.packed = packer.finish(out.vouchers);
    out.vouchers = [];
  }
  return out;
}
