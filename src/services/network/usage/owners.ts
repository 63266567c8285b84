/**
 * Which device row each counter's bytes belong to: the voucher in the counter's own label (a queue's comment),
 * else whoever holds its baseline, else the newest active device row of its MAC. The index of device rows by MAC
 * and by the counter they hold is kept with the state the usage service keeps (a reload starts without one).
 */
import type { DeviceIndex, DeviceRow, LoadedState, LoadedVoucher } from './load';
import type { CounterReading, UsageReading } from './source';

/** The state's device index, built from its rows (see deviceIndex for the kept one). */
export function indexDevices(state: LoadedState): DeviceIndex {
  const idx: DeviceIndex = { byMac: new Map(), byQueueId: new Map() };
  for (const v of state.byId.values()) {
    for (const d of v.devices) {
      const list = idx.byMac.get(d.mac);
      if (list) list.push(d);
      else idx.byMac.set(d.mac, [d]);
      if (d.source_counter_id) idx.byQueueId.set(d.source_counter_id, d);
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
export function moveCounter(idx: DeviceIndex, d: DeviceRow, to: string | null): void {
  const from = d.source_counter_id;
  if (from === to) return;
  if (from !== null && idx.byQueueId.get(from) === d) idx.byQueueId.delete(from);
  if (to !== null) idx.byQueueId.set(to, d);
}

/** A voucher's row for one MAC: a voucher has a handful of devices at most, so a scan beats a keyed map. */
export function deviceOf(v: LoadedVoucher, mac: string): DeviceRow | undefined {
  const devices = v.devices;
  for (let i = 0; i < devices.length; i++) if (devices[i].mac === mac) return devices[i];
  return undefined;
}

/**
 * The device row a queue's bytes belong to: the voucher in its comment (`v`, that voucher in `state`), else
 * whoever holds its baseline, else the newest active one.
 */
function queueOwner(
  q: CounterReading,
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

/** The device row each of the reading's counters (by position) belongs to (queueOwner). */
export function queueOwners(
  reading: UsageReading,
  state: LoadedState,
  idx: DeviceIndex = deviceIndex(state),
): Array<DeviceRow | undefined> {
  return reading.counters.map((q) => queueOwner(q, state.byCode.get(q.code), state, idx));
}

/** Counters whose baseline is held by a device row the state does not have (a counter handed to another voucher). */
export function queueIdsNeedingHandover(
  reading: UsageReading,
  state: LoadedState,
  idx: DeviceIndex = deviceIndex(state),
  owners: ReadonlyArray<DeviceRow | undefined> = queueOwners(reading, state, idx),
): string[] {
  const ids: string[] = [];
  const ours = reading.counters;
  for (let i = 0; i < ours.length; i++) {
    const q = ours[i];
    const owner = owners[i];
    if (owner && owner.source_counter_id !== q.id && !idx.byQueueId.has(q.id)) ids.push(q.id);
  }
  return ids;
}
