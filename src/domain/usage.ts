/** Usage from cumulative byte counters: deltas across resets, free off-peak traffic, alerts, downsampling. */
import { offpeakActive } from './clock';
import type { Profile } from './profiles';

/**
 * A counter's cumulative totals at one moment: the part of a usage source's counter reading that byte deltas
 * are measured with, and what a device keeps between polls as its baseline.
 */
interface CounterTotals {
  /** The counter's id at the source (a queue's `.id`): a new id means a new counter, which started at zero. */
  id: string;
  /** Bytes uploaded / downloaded so far (a queue's `bytes=up/down`). */
  up: number;
  down: number;
}

interface CounterDelta {
  up: number;
  down: number;
  /** The reading to compare the next poll with. */
  baseline: CounterTotals;
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
export function counterDelta(prev: CounterTotals | undefined, now: CounterTotals): CounterDelta {
  const baseline = { id: now.id, up: now.up, down: now.down };
  if (prev === undefined || prev.id !== now.id || now.up < prev.up || now.down < prev.down)
    return { up: now.up, down: now.down, baseline, reset: prev !== undefined };
  return { up: now.up - prev.up, down: now.down - prev.down, baseline, reset: false };
}

interface UsageSplit {
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

interface UsageSample {
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
