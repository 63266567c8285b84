/**
 * The hand-written readers of the rows every poll reads (docs/performance.md "What stays"): a queue's `up/down`
 * counter pairs and a session's uptime, read character by character, with the full parsers behind them for
 * anything unusual, so the result is always theirs.
 */
import { QUEUE_PREFIX } from '../../domain/queues';
import { macOf, parseCounterPair, parseRouterDuration } from '../../domain/units';
import type { PrintOptions, RosRow, RouterClient } from '../types';

/**
 * `123/456` read digit by digit: two numbers per counter for every queue, every cycle, without a regex
 * match and its substrings. Up to 15 digits a side (exact in a double); anything else, including spaces,
 * goes through parseCounterPair, so the result is always the same as its.
 */
function plainPair(value: string, out: Pair): boolean {
  let up = 0;
  let n = 0;
  let digits = 0;
  let slash = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      n = n * 10 + c;
      if (++digits > 15) return false;
    } else if (c === -1 /* '/' */ && slash === -1 && digits > 0) {
      slash = i;
      up = n;
      n = 0;
      digits = 0;
    } else return false;
  }
  if (slash === -1 || digits === 0) return false;
  out.up = up;
  out.down = n;
  return true;
}

interface Pair {
  up: number;
  down: number;
}

/** Reads `value` into `out` (no object per counter: two per queue, every queue, every poll); false if unreadable. */
function pair(value: string | undefined, out: Pair): boolean {
  if (value !== undefined && plainPair(value, out)) return true;
  try {
    const p = parseCounterPair(value, 'bytes');
    out.up = p.up;
    out.down = p.down;
    return true;
  } catch {
    return false;
  }
}

const bytesRead: Pair = { up: 0, down: 0 };
const rateRead: Pair = { up: 0, down: 0 };

/** One of our queues with its counters: `bytes`/`rate` are upload/download from the device's side (docs/routeros.md "Direction"). */
export type QueueReading = NonNullable<ReturnType<typeof queueReading>>;

/** One of our queues' counters from its row, or undefined when the row is not one of ours or unreadable. */
export function queueReading(row: RosRow) {
  const name = row.name ?? '';
  if (!name.startsWith(QUEUE_PREFIX) || row.dynamic === 'true' || !row['.id']) return undefined;
  const mac = macOf(name.slice(QUEUE_PREFIX.length));
  if (!mac || !pair(row.bytes, bytesRead)) return undefined;
  const rate = pair(row.rate, rateRead);
  return {
    id: row['.id'],
    mac,
    /** The comment: the code of the voucher the queue was serving when we last wrote it. */
    code: row.comment ?? '',
    up: bytesRead.up,
    down: bytesRead.down,
    rateUp: rate ? rateRead.up : 0,
    rateDown: rate ? rateRead.down : 0,
  };
}

const UNIT_SECONDS: Record<number, number> = { 119: 604800, 100: 86400, 104: 3600, 109: 60, 115: 1 }; // w d h m s

/**
 * `1w2d3h4m5s` read character by character: every session's uptime, every poll, without a regex match
 * per unit. Whole units only; anything else (`300ms`, `18:33:07`, spaces) returns -1 and goes through
 * parseRouterDuration, so the result is always the same as its.
 */
function plainDuration(value: string): number {
  let total = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (++digits > 12) return -1;
      continue;
    }
    const unit = UNIT_SECONDS[c];
    if (unit === undefined || digits === 0 || (c === 109 && value.charCodeAt(i + 1) === 115)) return -1;
    total += n * unit;
    n = 0;
    digits = 0;
  }
  return digits === 0 && value.length > 0 ? total : -1;
}

/** A RouterOS duration (`1w2d3h4m5s`, `18:33:07`) in seconds; 0 when unreadable. */
export function uptime(value: string | undefined): number {
  const plain = value === undefined ? -1 : plainDuration(value);
  if (plain >= 0) return plain;
  try {
    return parseRouterDuration(value ?? '0s', 'uptime') ?? 0;
  } catch {
    return 0;
  }
}

/** A print's rows one by one: as they arrive where the client lends them (printEach), else once all have come. */
export async function eachRow(
  router: RouterClient,
  menu: string,
  opts: PrintOptions,
  onRow: (row: RosRow) => void,
): Promise<void> {
  if (router.printEach) return router.printEach(menu, opts, onRow);
  for (const row of await router.print(menu, opts)) onRow(row);
}
