/** Usage from queue byte counters: deltas across resets, free off-peak traffic, alerts, downsampling. */
import { offpeakActive } from './clock';
import type { Profile } from './profiles';

export interface CounterReading {
  /** The queue's `.id`: a new id means a new queue, whose counters started at zero. */
  id: string;
  /** Bytes uploaded / downloaded so far, as the queue's `bytes=up/down` reports. */
  up: number;
  down: number;
}

export interface CounterDelta {
  up: number;
  down: number;
  /** The reading to compare the next poll with. */
  baseline: CounterReading;
  /** True when the counters started again from zero (reset-counters, reboot, queue re-created). */
  reset: boolean;
}

/**
 * Bytes used since the previous reading. If the counter went down or the `.id` changed, the queue was
 * reset or re-created; it counted from zero since then, so the whole current value is new usage. Without a
 * previous reading (a queue we just created) the whole value counts too: new queues start at zero
 * (docs/routeros.md "Counters"). The caller keeps `baseline` between polls (persist it across restarts).
 * Traffic between the last poll and a reset is lost; polls are frequent so that window is small.
 */
export function counterDelta(prev: CounterReading | undefined, now: CounterReading): CounterDelta {
  const bytes = { up: 0, down: 0 };
  const reset = bytesSince(prev, now, bytes);
  return { up: bytes.up, down: bytes.down, baseline: { id: now.id, up: now.up, down: now.down }, reset };
}

/**
 * counterDelta's bytes alone, written into `out`: the poll meters every queue with it and makes no object per
 * queue. Returns counterDelta's `reset`.
 */
export function bytesSince(
  prev: CounterReading | undefined,
  now: CounterReading,
  out: { up: number; down: number },
): boolean {
  if (prev === undefined || prev.id !== now.id || now.up < prev.up || now.down < prev.down) {
    out.up = now.up;
    out.down = now.down;
    return prev !== undefined;
  }
  out.up = now.up - prev.up;
  out.down = now.down - prev.down;
  return false;
}

export interface UsageSplit {
  /** Bytes that count toward FUP and data cap. */
  counted: { up: number; down: number };
  /** Bytes used inside an unlimited off-peak window. */
  free: { up: number; down: number };
}

/**
 * Whether a poll's delta is free off-peak traffic, decided per poll interval: free only when the window is
 * on both at the previous poll and at this one (or, with no previous poll, at this one). So the interval in
 * which a window opens or closes counts in full: the edge errs toward the shop by at most one poll interval.
 */
export function splitOffpeak(
  delta: { up: number; down: number },
  poll: { at: number; prevAt?: number },
  offpeak: Profile['offpeak'] | undefined,
  tz: string,
): UsageSplit {
  const free =
    offpeak?.unlimited === true &&
    offpeakActive(offpeak, poll.at, tz) &&
    (poll.prevAt === undefined || offpeakActive(offpeak, poll.prevAt, tz));
  const zero = { up: 0, down: 0 };
  const bytes = { up: delta.up, down: delta.down };
  return free ? { counted: zero, free: bytes } : { counted: bytes, free: zero };
}

export const ALERT_LEVELS = [80, 90, 100] as const;

/**
 * Percent levels (80/90/100 of `threshold`) crossed by going from `prevBytes` to `newBytes` and not yet in
 * `alreadySent`; ascending. A jump past several levels returns all of them.
 */
export function thresholdAlerts(
  prevBytes: number,
  newBytes: number,
  threshold: number,
  alreadySent: ReadonlySet<number>,
): number[] {
  if (threshold <= 0) return [];
  return ALERT_LEVELS.filter((pct) => {
    const level = (threshold * pct) / 100;
    return prevBytes < level && newBytes >= level && !alreadySent.has(pct);
  });
}

/** Whether going from `prevBytes` to `newBytes` crosses any of thresholdAlerts' levels (no array made). */
export function crossesAlertLevel(prevBytes: number, newBytes: number, threshold: number): boolean {
  if (threshold <= 0 || newBytes <= prevBytes) return false;
  for (let i = 0; i < ALERT_LEVELS.length; i++) {
    const level = (threshold * ALERT_LEVELS[i]) / 100;
    if (prevBytes < level && newBytes >= level) return true;
  }
  return false;
}

export interface UsageSample {
  /** ms since epoch. */
  ts: number;
  up: number;
  down: number;
}

/** Sums samples into buckets of `bucketMs` (bucket start as ts), sorted by time; keeps the database small. */
export function downsample(samples: readonly UsageSample[], bucketMs: number): UsageSample[] {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0)
    throw new RangeError('bucketMs must be a positive integer');
  const buckets = new Map<number, UsageSample>();
  for (const s of samples) {
    const ts = Math.floor(s.ts / bucketMs) * bucketMs;
    const b = buckets.get(ts) ?? { ts, up: 0, down: 0 };
    b.up += s.up;
    b.down += s.down;
    buckets.set(ts, b);
  }
  return [...buckets.values()].sort((a, b) => a.ts - b.ts);
}
