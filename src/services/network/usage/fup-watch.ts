/**
 * The fair-use watch: between two polls, every FUP_WATCH_SECONDS, the devices whose voucher could reach a speed
 * threshold before the next poll (src/domain/fup-watch.ts) have just their counters read (UsageSource.readDevices);
 * a voucher whose counted bytes passed the threshold gets its new speed at once, through the same policy
 * (decideVouchers) and the same queue writes as the poll (Enforcer.applyDevices).
 *
 * Exactly once: the watch books nothing. It reads counters against the baselines the poll stored and decides from
 * what the poll booked plus what it sees; the poll books every byte as before, against the same baselines, so a
 * byte is booked once whether a watch read saw it or not. The watch runs under the poll's lock (index.ts): never
 * during a poll, and a poll waits for a watch tick under way. What it enforced is kept until the next poll, which
 * decides the same from the booked bytes and finds the queue already in line.
 *
 * Between ticks: a tick that finds a watched voucher moving fast enough to pass its threshold before the next tick
 * (projectedCrossing: its counted bytes' speed between its last two reads) notes the moment, and a targeted read of
 * just its devices' counters comes then (`watchOnce(c, s, 'due')`, scheduled by the site's poll job), once; the
 * crossing is decided and enforced as at a tick. A moment that falls in a poll is read as soon as the poll ends.
 *
 * A lost connection or a reboot since the last poll: the tick does nothing (a rebooted router's counters no
 * longer compare with the baselines) and the poll carries on as before.
 */
import { ChangeWatch } from '../../../db/change-watch';
import { couldCross, crossedAt, nextThreshold, topBytesPerSecond } from '../../../domain/fup-watch';
import { desiredLimits, QUEUED_STATES, sameRates, type DesiredLimits } from '../../../domain/policy';
import { decideVouchers, type DeviceDecision, type VoucherWithDevices } from '../../../domain/queues';
import { siteOf } from '../../deps';
import {
  keepDue,
  noteDue,
  watchKind,
  watchWindow,
  type Cycle,
  type Projecting,
  type WatchMemory,
  type WatchMode,
  type WatchSettings,
} from './cycle';
import { claimedMacs, voucherItem } from './decisions';
import { activeVouchersNow, type DeviceRow, type LoadedState, type LoadedVoucher } from './load';
import { watchSubscribers } from './fup-watch-subscribers';
import { countedBytes, rebootedSince } from './meter';
import { sessionGrowthEachWay } from './subscribers';
import type { CounterReading } from './source';
import type { WatchReport } from './types';

/** One watched voucher: its domain view, its devices online with a counter, its counted bytes as last known. */
interface Watched {
  v: LoadedVoucher;
  item: VoucherWithDevices;
  devices: DeviceRow[];
  counted: number;
}

/** Its devices online (as the poll saw them, or logged in or out since: `w`) that hold a counter the poll booked against. */
function countedDevices(v: LoadedVoucher, w?: WatchMemory): DeviceRow[] {
  return v.devices.filter(
    (d) =>
      (w?.online.has(d.mac) || (Boolean(d.connected) && !w?.offline.has(d.mac))) &&
      d.source_counter_id !== null,
  );
}

/** The vouchers that have a speed threshold ahead and a device online (computed once per poll). */
function candidatesOf(state: LoadedState): LoadedVoucher[] {
  const out: LoadedVoucher[] = [];
  for (const v of state.byId.values()) {
    if (v.row.status !== 'active' || countedDevices(v).length === 0) continue;
    if (nextThreshold(voucherItem(v).voucher) !== undefined) out.push(v);
  }
  return out;
}

function memoryFor(c: Cycle, state: LoadedState, pollAt: number): WatchMemory {
  const kept = c.memory.watch;
  if (kept && kept.pollAt === pollAt) return kept;
  const w: WatchMemory = {
    pollAt,
    candidates: candidatesOf(state),
    seen: new Map(),
    applied: new Map(),
    online: new Map(),
    offline: new Set(),
  };
  c.memory.watch = w;
  return w;
}

/** The watch's memory since the last poll, for the logins followed between polls (fup-watch-logins.ts). */
export function currentWatch(c: Cycle): WatchMemory | undefined {
  const state = c.memory.active?.state;
  const pollAt = c.memory.lastPoll;
  if (!state || pollAt === undefined || c.memory.outage.since !== undefined) return undefined;
  return memoryFor(c, state, pollAt);
}

/**
 * The vouchers that could reach their next threshold before the next poll, plus one watch interval (of `only`, a
 * due read's, where given).
 */
function watchSet(c: Cycle, w: WatchMemory, s: WatchSettings, now: number, only?: Set<number>): Watched[] {
  const window = watchWindow(s, w.pollAt, now);
  const out: Watched[] = [];
  for (const v of w.candidates) {
    if (only && !only.has(v.row.id)) continue;
    const devices = countedDevices(v, w);
    if (v.row.status !== 'active' || devices.length === 0) continue;
    const item = voucherItem(v);
    const seen = w.seen.get(v.row.id);
    const counted = seen?.counted ?? item.voucher.countedBytes;
    const use = { ...item.voucher, countedBytes: counted };
    const limits = w.applied.get(v.row.id) ?? desiredLimits(use, now, c.deps.config.tz);
    const candidate = {
      countedBytes: counted,
      countedAt: seen?.at ?? w.pollAt,
      thresholdBytes: nextThreshold(use),
      deviceBytesPerSecond: topBytesPerSecond(limits),
      devicesOnline: devices.length,
    };
    if (couldCross(candidate, window)) out.push({ v, item, devices, counted });
  }
  return out;
}

/**
 * The watched vouchers as the database has them now: one that is no longer active (revoked, ended) or has no counted
 * device left leaves the set; the others carry their current rows (a top-up's bytes, a plan's new rates). Their
 * baselines are the poll's own: no poll runs during a watch read.
 */
async function asNow(c: Cycle, w: WatchMemory, set: Watched[]): Promise<Watched[]> {
  if (set.length === 0) return set;
  const ids = set.map((x) => x.v.row.id);
  const current = await activeVouchersNow(c.deps.db, c.opts.profiles, ids, siteOf(c.deps).id);
  const out: Watched[] = [];
  for (const x of set) {
    const v = current.get(x.v.row.id);
    const devices = v ? countedDevices(v, w) : [];
    if (v && devices.length > 0) out.push({ v, item: voucherItem(v), devices, counted: x.counted });
  }
  return out;
}

/** The voucher's counted bytes with what its counters moved since the poll's baselines (the meter's rule). */
function countedNow(c: Cycle, x: Watched, byId: Map<string, CounterReading>, now: number): number {
  let counted = Number(x.v.row.counted_bytes);
  for (const d of x.devices) {
    const q = byId.get(d.source_counter_id as string);
    if (!q) continue;
    const base = { up: Number(d.baseline_up), down: Number(d.baseline_down) };
    const { up, down } = sessionGrowthEachWay(q, base);
    const poll = { at: now, prevAt: c.memory.lastPoll };
    counted += countedBytes(up, down, poll, x.v.profile.offpeak, c.deps.config.tz);
  }
  return counted;
}

interface Crossing {
  voucherId: number;
  limits: DesiredLimits;
  devices: DeviceDecision[];
  crossedAt: number;
}

/** The watched vouchers whose speed the policy changes at the counted bytes just read. */
function crossings(
  c: Cycle,
  set: Watched[],
  counters: readonly CounterReading[],
  now: number,
  project?: Projecting,
): Crossing[] {
  const { tz } = c.deps.config;
  const w = c.memory.watch as WatchMemory;
  const byId = new Map(counters.map((q) => [q.id, q]));
  const claimed = claimedMacs(c.memory.active?.state as LoadedState, now);
  const out: Crossing[] = [];
  for (const x of set) {
    const counted = countedNow(c, x, byId, now);
    const before = w.seen.get(x.v.row.id) ?? { at: w.pollAt, counted: x.counted };
    const after = { at: now, counted };
    w.seen.set(x.v.row.id, after);
    const use = { ...x.item.voucher, countedBytes: counted };
    const limits = desiredLimits(use, now, tz);
    if (!QUEUED_STATES.includes(limits.state)) continue;
    // What the router has now: the poll's decision from the booked bytes, or what a tick since enforced.
    const current = w.applied.get(x.v.row.id) ?? desiredLimits(x.item.voucher, now, tz);
    if (sameRates(limits, current)) {
      noteDue(x.v.row.id, nextThreshold(use), before, after, project);
      continue;
    }
    project?.due.delete(x.v.row.id);
    const threshold = nextThreshold({ ...use, countedBytes: x.counted }) ?? counted;
    const decided = decideVouchers([{ voucher: use, devices: x.item.devices }], now, tz);
    out.push({
      voucherId: x.v.row.id,
      limits,
      devices: decided.devices.filter((d) => !claimed.has(d.mac)),
      crossedAt: crossedAt(threshold, before, after),
    });
  }
  return out;
}

/** The crossings' new speeds written, and told to the metrics and the log. */
async function enforce(c: Cycle, found: Crossing[]): Promise<number> {
  const apply = c.opts.enforcer.applyDevices;
  if (!apply || found.length === 0) return 0;
  const outcome = await apply(found.flatMap((x) => x.devices));
  if (outcome.errors.length > 0) {
    // Left to the next tick, or the poll: nothing is kept as enforced.
    c.deps.log.warn({ failed: outcome.errors.length }, 'fair-use watch: a speed change failed; retrying');
    return 0;
  }
  const at = c.deps.clock.now();
  const w = c.memory.watch as WatchMemory;
  for (const x of found) {
    w.applied.set(x.voucherId, x.limits);
    c.deps.metrics?.fupEnforced(siteOf(c.deps).name, Math.max(0, at - x.crossedAt) / 1000, 'device');
  }
  c.deps.log.info(
    { vouchers: found.length, updated: outcome.updated },
    'fair-use watch: speeds changed between polls',
  );
  return found.length;
}

/**
 * One tick of the watch (under the poll's lock: index.ts): the devices', then the subscribers'. `due`: just those
 * whose projected crossing has come.
 */
export async function watchOnce(c: Cycle, s: WatchSettings, mode: WatchMode = 'tick'): Promise<WatchReport> {
  return { ...(await watchDevices(c, s, mode)), subscribers: await watchSubscribers(c, s, mode) };
}

function watchDevices(c: Cycle, s: WatchSettings, mode: WatchMode): Promise<WatchReport> {
  return watchKind(c, s, mode, {
    due: 'devices',
    read: c.opts.enforcer.applyDevices && c.opts.source.readDevices,
    metric: 'fupWatched',
    async select(due, now, only) {
      const { stamp, state } = c.memory.active!;
      const pollAt = c.memory.lastPoll!;
      // Another writer since the poll loaded the vouchers (a sale, a top-up, a revoke, a plan edited, the users' sync):
      // the watched ones are decided from their rows as they are now.
      const stale = !ChangeWatch.unchanged(stamp, await c.watch.stamp());
      const w = memoryFor(c, state, pollAt);
      const set = stale ? await asNow(c, w, watchSet(c, w, s, now, only)) : watchSet(c, w, s, now, only);
      if (!only) keepDue(due, new Set(set.map((x) => x.v.row.id)));
      return set;
    },
    watched: (set) => set.reduce((n, x) => n + x.devices.length, 0),
    names: (set) => set.flatMap((x) => x.devices.map((d) => d.mac)),
    rebooted: (got) => rebootedSince(c.memory.knownStart, got.countersStartedAt),
    enforce: (set, got, now, project) => enforce(c, crossings(c, set, got.counters, now, project)),
  });
}
