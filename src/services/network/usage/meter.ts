/**
 * Turns one usage reading (any source: the router's queue counters, a RADIUS server's accounting) into usage: per
 * device and per voucher byte deltas from the counters, the new counter baselines, connected time (uptime mode),
 * presence and rates. No I/O: the caller writes
 * the result in ONE transaction, baselines beside the bytes, so a crash neither loses nor double-counts.
 * The loaded rows are updated in memory so the policy step sees this poll's totals.
 *
 * The loops over the snapshot and the kept vouchers are indexed (or forEach): they run once a poll over every
 * device, too rarely for V8 to optimise them, and an unoptimised for…of makes an iterator result per element.
 */
import { splitOffpeak } from '../../../domain/usage';
import { alertsCrossed } from '../../../domain/usage-summary';
import type { DeviceIndex, DeviceRow, LoadedState, LoadedVoucher } from './load';
import { deviceIndex, deviceOf, moveCounter, queueOwners } from './owners';
import { voucherProfile } from '../../shop/vouchers/state';
import type { BootWindow, CounterReading, SessionReading, UsageReading } from './source';
import { sessionGrowthEachWay } from './subscribers';
import type { AlertCandidate, DeviceWrite, MeterInput, MeterResult, VoucherWrite } from './meter-types';

export type { SampleRow } from './meter-types';

/** Whole seconds of uptime, plus the time a reply takes to arrive: boot times closer than this are one boot. */
export const BOOT_TIME_SLACK_MS = 2500;

/**
 * Whether the router booted since the boot time we knew: then every queue counter restarted at zero and
 * every stored baseline is void, even for a counter that has already climbed past its old value (which the
 * "counter went down" rule alone would miss), and however soon after the boot or however late the poll.
 */
export function rebootedSince(
  knownBoot: number | undefined,
  started: number | BootWindow | undefined,
): boolean {
  if (knownBoot === undefined || started === undefined) return false;
  const w = typeof started === 'number' ? { earliest: started, latest: started } : started;
  // Booted after the one we knew (a reboot), or before it (another router in its place), whatever the delay.
  return w.earliest - knownBoot > BOOT_TIME_SLACK_MS || knownBoot - w.latest > BOOT_TIME_SLACK_MS;
}

/**
 * The boot time to keep after a poll: the window's own after a boot (or at first), else the one known, moved into
 * the window when the two clocks drift apart over the days.
 */
export function keptBoot(
  knownBoot: number | undefined,
  started: BootWindow | undefined,
  rebooted: boolean,
): number | undefined {
  if (started === undefined) return knownBoot;
  if (knownBoot === undefined || rebooted) return started.earliest;
  return Math.min(Math.max(knownBoot, started.earliest), started.latest);
}

export { deviceIndex, indexDevices, queueIdsNeedingHandover, queueOwners } from './owners';

/**
 * The device row holding the baseline a counter is measured against (the owner itself, or the row it was handed
 * over from, whose baseline is then cleared), or undefined: a new counter, or every counter restarted.
 */
function baselineHolder(
  owner: DeviceRow,
  q: CounterReading,
  idx: DeviceIndex,
  input: MeterInput,
  clear: number[],
): DeviceRow | undefined {
  if (input.routerRebooted) return undefined;
  const holder =
    owner.source_counter_id === q.id ? owner : (idx.byQueueId.get(q.id) ?? input.handover.get(q.id));
  if (!holder || holder.source_counter_id !== q.id) return undefined;
  if (holder !== owner) clear.push(holder.id);
  return holder;
}

/**
 * The bytes of a delta that count toward FUP and the cap. Only an unlimited off-peak window makes bytes free
 * (splitOffpeak decides when); a profile without one counts them all, as most do, without the split's objects.
 */
export function countedBytes(
  up: number,
  down: number,
  poll: { at: number; prevAt?: number },
  offpeak: LoadedVoucher['profile']['offpeak'],
  tz: string,
): number {
  if (offpeak?.unlimited !== true) return up + down;
  const split = splitOffpeak({ up, down }, poll, offpeak, tz);
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

/** What a poll found for one device row: the counter it was read from and the bytes since its baseline, its session. */
interface Finding {
  counter?: CounterReading;
  dUp: number;
  dDown: number;
  session?: SessionReading;
}

function findingOf(found: Map<DeviceRow, Finding>, d: DeviceRow): Finding {
  let f = found.get(d);
  if (!f) {
    f = { dUp: 0, dDown: 0 };
    found.set(d, f);
  }
  return f;
}

/** Each counter's bytes since its baseline, booked to the device row that owns it and to that row's voucher. */
function meterCounters(
  input: MeterInput,
  idx: DeviceIndex,
  out: MeterResult,
  vw: Map<number, VoucherWrite>,
  found: Map<DeviceRow, Finding>,
): void {
  const counters = input.reading.counters;
  const poll = { at: input.now, prevAt: input.prevPollAt };
  const owners = input.owners ?? queueOwners(input.reading, input.state, idx);
  for (let i = 0; i < counters.length; i++) {
    const q = counters[i];
    const owner = owners[i];
    const v = owner ? input.state.byId.get(owner.voucher_id) : undefined;
    // One counter per device row a poll: a second one for the same row (a stray copy) is not booked.
    if (!owner || !v || found.get(owner)?.counter) continue;
    // Bytes since the baseline (counterDelta's rule: a counter that went down, or a new one, counts from zero).
    const base = baselineHolder(owner, q, idx, input, out.clearBaselines);
    const b = base && { up: Number(base.baseline_up), down: Number(base.baseline_down) };
    const { up, down } = sessionGrowthEachWay(q, b);
    const f = findingOf(found, owner);
    f.counter = q;
    f.dUp = up;
    f.dDown = down;
    if (up === 0 && down === 0) continue;
    const w = voucherWrite(vw, v.row.id);
    w.dUp += up;
    w.dDown += down;
    w.dCounted += countedBytes(up, down, poll, v.profile.offpeak, input.tz);
    w.moved++;
    out.bytesCounted += up + down;
    out.bytesUp += up;
    out.bytesDown += down;
  }
}

/**
 * The session of each device row (its voucher's code as the user, its MAC), if it has one; and the session
 * uptimes of active uptime-mode vouchers by voucher id (meterUptime), from the same pass.
 */
function presence(input: MeterInput, found: Map<DeviceRow, Finding>, uptimes: Map<number, number[]>): void {
  for (const s of input.reading.sessions) {
    const v = input.state.byCode.get(s.user);
    if (v && runsOnUptime(v)) {
      const list = uptimes.get(v.row.id);
      if (list) list.push(s.uptimeSeconds);
      else uptimes.set(v.row.id, [s.uptimeSeconds]);
    }
    const d = v ? deviceOf(v, s.mac) : undefined;
    if (d) findingOf(found, d).session = s;
  }
}

/** What the poll writes for device row `d`, or undefined when nothing changed. */
function deviceWrite(
  d: DeviceRow,
  f: Finding | undefined,
  input: MeterInput,
  loginsMissed: ReadonlySet<string>,
): DeviceWrite | undefined {
  const s = f?.session;
  const connected = s !== undefined || (Boolean(d.connected) && loginsMissed.has(d.mac));
  const ip = s ? (s.hostIp ?? s.ip ?? d.ip) : d.ip;
  const r = f?.counter;
  const queueId = r ? r.id : d.source_counter_id;
  const baselineUp = r ? r.up : Number(d.baseline_up);
  const baselineDown = r ? r.down : Number(d.baseline_down);
  const rateUp = r ? r.rateUp : 0;
  const rateDown = r ? r.rateDown : 0;
  const dUp = f?.dUp ?? 0;
  const dDown = f?.dDown ?? 0;
  const presenceChanged =
    connected !== Boolean(d.connected) || ip !== d.ip || queueId !== d.source_counter_id;
  const countersChanged =
    presenceChanged ||
    dUp > 0 ||
    dDown > 0 ||
    baselineUp !== Number(d.baseline_up) ||
    baselineDown !== Number(d.baseline_down);
  const ratesChanged = rateUp !== d.rate_up || rateDown !== d.rate_down;
  if (!countersChanged && !ratesChanged) return undefined;
  const lastSeenAt = connected || Boolean(d.connected) ? input.now : Number(d.last_seen_at);
  return {
    id: d.id,
    voucherId: d.voucher_id,
    dUp,
    dDown,
    ip,
    connected,
    lastSeenAt,
    queueId,
    baselineUp,
    baselineDown,
    rateUp,
    rateDown,
    presenceChanged,
    ratesZeroed: !countersChanged && rateUp === 0 && rateDown === 0 && lastSeenAt === input.now,
    mac: d.mac,
    // A login or logout: the feed's event.
    session: connected === Boolean(d.connected) ? undefined : connected ? 'started' : 'ended',
  };
}

function applyToRow(d: DeviceRow, w: DeviceWrite, idx: DeviceIndex): void {
  moveCounter(idx, d, w.queueId);
  d.bytes_up = Number(d.bytes_up) + w.dUp;
  d.bytes_down = Number(d.bytes_down) + w.dDown;
  d.ip = w.ip;
  d.connected = w.connected;
  d.last_seen_at = w.lastSeenAt;
  d.source_counter_id = w.queueId;
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

/**
 * Connected time for uptime-mode vouchers, from their sessions' uptimes (collected by presence). A voucher whose
 * sessions all ended since the last poll is brought up to what the router counted for its login (`endedSeconds`):
 * the minutes between that poll and the logout were connected, and the router holds `limit-uptime` against them.
 */
function meterUptime(input: MeterInput, uptimes: Map<number, number[]>, vw: Map<number, VoucherWrite>): void {
  for (const [id, list] of uptimes) {
    const v = input.state.byId.get(id) as LoadedVoucher;
    const secs = connectedSeconds(input.now, input.prevPollAt, v.row.activated_at, list);
    if (secs > 0) voucherWrite(vw, id).dUptime += secs;
  }
  for (const [code, seconds] of input.endedSeconds ?? []) {
    const v = input.state.byCode.get(code);
    if (!v || uptimes.has(v.row.id) || !runsOnUptime(v)) continue;
    const tail = Math.floor(seconds) - Number(v.row.uptime_seconds);
    if (tail > 0) voucherWrite(vw, v.row.id).dUptime += tail;
  }
}

const runsOnUptime = (v: LoadedVoucher): boolean =>
  v.row.status === 'active' && v.profile.timeMode === 'uptime';

/**
 * The uptime vouchers a device of which was online at the last poll and none of which has a session now: their
 * sessions ended since, and the time from that poll to each logout is the router's to tell (meterUptime).
 */
export function sessionsEnded(state: LoadedState, reading: UsageReading): string[] {
  const was: LoadedVoucher[] = [];
  state.byId.forEach((v) => {
    if (runsOnUptime(v) && v.devices.some((d) => Boolean(d.connected))) was.push(v);
  });
  // The reading's users looked up only when an uptime voucher was online (none of 10,000 on validity plans).
  if (was.length === 0) return [];
  const online = new Set(reading.sessions.map((s) => s.user));
  return was.filter((v) => !online.has(v.row.code)).map((v) => v.row.code);
}

/**
 * The 80/90/100 % alerts crossed by this cycle's bytes, against the voucher's own limits: the plan's cap and
 * fair-use threshold raised by the codes added to it (the figures the portal, the admin and enforcement use).
 * Whether one was sent before is the ledger's to check against the events (persist.ts recordAlerts).
 */
function alertsFor(v: LoadedVoucher, before: number, after: number, out: AlertCandidate[]): void {
  const own = voucherProfile(v.row, v.profile);
  const fup = own.fup?.thresholdBytes;
  const cap = own.dataCapBytes;
  for (const alert of alertsCrossed('fup', before, after, fup))
    out.push({ voucher: v, alert, threshold: fup as number });
  for (const alert of alertsCrossed('cap', before, after, cap))
    out.push({ voucher: v, alert, threshold: cap as number });
}

export function meter(input: MeterInput): MeterResult {
  const out: MeterResult = {
    devices: [],
    vouchers: [],
    clearBaselines: [],
    alerts: [],
    bytesCounted: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
  const idx = deviceIndex(input.state);
  const vw = new Map<number, VoucherWrite>();
  const found = new Map<DeviceRow, Finding>();
  meterCounters(input, idx, out, vw, found);
  const uptimes = new Map<number, number[]>();
  presence(input, found, uptimes);
  // Logins that landed since the reading, as of now (the vouchers were loaded since).
  const missed = input.reading.loginsMissed();
  for (const v of input.state.byId.values()) {
    for (const d of v.devices) {
      const w = deviceWrite(d, found.get(d), input, missed);
      if (!w) continue;
      out.devices.push(w);
      applyToRow(d, w, idx);
    }
  }
  meterUptime(input, uptimes, vw);
  for (const w of vw.values()) {
    const v = input.state.byId.get(w.id) as LoadedVoucher;
    const before = Number(v.row.counted_bytes);
    v.row.bytes_up = Number(v.row.bytes_up) + w.dUp;
    v.row.bytes_down = Number(v.row.bytes_down) + w.dDown;
    v.row.counted_bytes = before + w.dCounted;
    v.row.uptime_seconds = Number(v.row.uptime_seconds) + w.dUptime;
    alertsFor(v, before, v.row.counted_bytes, out.alerts);
    out.vouchers.push(w);
  }
  return out;
}
