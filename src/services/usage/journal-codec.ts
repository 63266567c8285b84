/**
 * How one poll's usage journal row is stored (journal.ts, docs/performance.md "eighth look"): packed numbers in a
 * binary column (`usage_journal.data`), not JSON text. At 10,000 devices a poll's JSON was a 1.3 MB string plus
 * an array per device, made on V8's heap every poll and promoted to its old generation before the insert was
 * done; the packed form is one Buffer (outside V8's heap), written field by field from the meter's writes.
 * Rows written as JSON before (`body`, with `data` NULL) are still read.
 *
 * Layout, every value a little-endian float64 (exact for integers up to 2^53, as JSON numbers in JavaScript):
 *   header   FORMAT, nd, nz, nv, ns
 *   d        nd × [deviceId, voucherId, dUp, dDown, rateUp, rateDown, lastSeenAt, baselineUp, baselineDown, queue]
 *   z        nz × [deviceId]
 *   v        nv × [voucherId, dUp, dDown, dCounted, dUptime]
 *   strings  the UTF-8 JSON array of the ns queue ids that are not in RouterOS's own `*HEX` form (usually none)
 * A value that is not a finite number reads back as null, as JSON writes it. `queue` is -1 for none, the id's
 * number for `*HEX` (upper-case hex without leading zeros, as RouterOS prints ids), or -2 - i for strings[i].
 */

/** `[deviceId, voucherId, dUp, dDown, rateUp, rateDown, lastSeenAt, baselineUp, baselineDown, queueId]` */
export type DeviceEntry = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number | null,
  number | null,
  string | null,
];
/** `[voucherId, dUp, dDown, dCounted, dUptime]` */
export type VoucherEntry = [number, number, number, number, number];

/** One poll's journal row, as the fold reads it. */
export interface JournalBody {
  /** Devices whose counters, baselines, rates or presence moved. */
  d: DeviceEntry[];
  /** Devices whose only change is that their rates fell to zero; seen at the row's time. */
  z: number[];
  v: VoucherEntry[];
}

const FORMAT = 1;
const HEADER = 5;
const D_WIDTH = 10;
const V_WIDTH = 5;
const NO_QUEUE = -1;
/** Hex digits a `*HEX` id may have and still be exact in a double. */
const MAX_HEX_DIGITS = 13;

/** What encode reads of a device write (a MeterResult's DeviceWrite). */
export interface DeviceDelta {
  id: number;
  voucherId: number;
  dUp: number;
  dDown: number;
  rateUp: number;
  rateDown: number;
  lastSeenAt: number;
  baselineUp: number | null;
  baselineDown: number | null;
  queueId: string | null;
  ratesZeroed: boolean;
}

/** What encode reads of a voucher write. */
export interface VoucherDelta {
  id: number;
  dUp: number;
  dDown: number;
  dCounted: number;
  dUptime: number;
}

/** The number of a `*HEX` id in RouterOS's printed form, or -1 when the id is anything else. */
export function routerIdNumber(id: string): number {
  const n = id.length - 1;
  if (n < 1 || n > MAX_HEX_DIGITS || id.charCodeAt(0) !== 42 /* * */) return -1;
  if (n > 1 && id.charCodeAt(1) === 48 /* 0 */) return -1; // a leading zero would not read back the same
  let v = 0;
  for (let i = 1; i <= n; i++) {
    const c = id.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return -1;
    v = v * 16 + digit;
  }
  return v;
}

/** A queue id's number back in RouterOS's printed `*HEX` form (routerIdNumber's inverse). */
export const routerId = (n: number): string => `*${n.toString(16).toUpperCase()}`;

/** A value as JSON would give it back: a number, or null for anything that is not a finite number. */
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Whether this machine stores a float64 little-endian (every platform Node runs on today): then a Float64Array
 * reads and writes the layout directly; otherwise each value goes through readDoubleLE / writeDoubleLE. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Packs one poll's deltas device by device as the meter finds them (see the layout above), so a poll needs no
 * object per device for the journal: the devices whose only change is that their rates fell to zero go to `z`,
 * the others to `d`; `finish` adds the vouchers with a change and returns the row (null when there is nothing
 * to write). The numbers grow in typed arrays, outside V8's heap.
 */
export class JournalPacker {
  private d: Float64Array;
  private nd = 0;
  private z: Float64Array;
  private nz = 0;
  private readonly strings: string[] = [];

  /** `devices`: how many devices the poll may write, so that the columns are made once at their size rather
   * than grown by doubling (a poll at 10,000 devices: one 800 KB column instead of nine, 2.6 MB in all). */
  constructor(devices = 64) {
    const n = Math.max(1, Math.floor(devices));
    this.d = new Float64Array(n * D_WIDTH);
    this.z = new Float64Array(n);
  }

  device(w: DeviceDelta): void {
    if (w.ratesZeroed) {
      if (this.nz === this.z.length) this.z = grown(this.z);
      this.z[this.nz++] = w.id;
      return;
    }
    if ((this.nd + 1) * D_WIDTH > this.d.length) this.d = grown(this.d);
    const f = this.d;
    const at = this.nd++ * D_WIDTH;
    f[at] = w.id;
    f[at + 1] = w.voucherId;
    f[at + 2] = w.dUp;
    f[at + 3] = w.dDown;
    f[at + 4] = w.rateUp;
    f[at + 5] = w.rateDown;
    f[at + 6] = w.lastSeenAt;
    f[at + 7] = w.baselineUp ?? NaN;
    f[at + 8] = w.baselineDown ?? NaN;
    let queue = NO_QUEUE;
    if (w.queueId !== null) {
      queue = routerIdNumber(w.queueId);
      if (queue < 0) queue = -2 - (this.strings.push(w.queueId) - 1);
    }
    f[at + 9] = queue;
  }

  finish(vouchers: readonly VoucherDelta[]): Buffer | null {
    let nv = 0;
    for (let i = 0; i < vouchers.length; i++) {
      const v = vouchers[i];
      if (v.dUp !== 0 || v.dDown !== 0 || v.dCounted !== 0 || v.dUptime !== 0) nv++;
    }
    const { nd, nz, strings } = this;
    if (nd === 0 && nz === 0 && nv === 0) return null;
    const f = new Float64Array(HEADER + nd * D_WIDTH + nz + nv * V_WIDTH);
    f[0] = FORMAT;
    f[1] = nd;
    f[2] = nz;
    f[3] = nv;
    f[4] = strings.length;
    f.set(this.d.subarray(0, nd * D_WIDTH), HEADER);
    f.set(this.z.subarray(0, nz), HEADER + nd * D_WIDTH);
    let at = HEADER + nd * D_WIDTH + nz;
    for (let i = 0; i < vouchers.length; i++) {
      const w = vouchers[i];
      if (w.dUp === 0 && w.dDown === 0 && w.dCounted === 0 && w.dUptime === 0) continue;
      f[at] = w.id;
      f[at + 1] = w.dUp;
      f[at + 2] = w.dDown;
      f[at + 3] = w.dCounted;
      f[at + 4] = w.dUptime;
      at += V_WIDTH;
    }
    const numbers = Buffer.from(f.buffer, 0, f.byteLength);
    if (!LITTLE_ENDIAN) for (let i = 0; i < f.length; i++) numbers.writeDoubleLE(f[i], i * 8);
    return strings.length === 0
      ? numbers
      : Buffer.concat([numbers, Buffer.from(JSON.stringify(strings), 'utf8')]);
  }
}

/** A copy of `a` with twice the room (the packer's and the fold's growing columns). */
export function grown(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** One poll's deltas packed at once (JournalPacker); null when there is nothing to write. */
export function encodeJournal(
  devices: readonly DeviceDelta[],
  vouchers: readonly VoucherDelta[],
): Buffer | null {
  const p = new JournalPacker(devices.length);
  for (let i = 0; i < devices.length; i++) p.device(devices[i]);
  return p.finish(vouchers);
}

/**
 * A journal row's numbers in place (the layout above), for reading without an object per entry: device entry i
 * is `f[d + i * D_WIDTH + k]`, zeroed device i `f[z + i]`, voucher entry i `f[v + i * V_WIDTH + k]`. A device's
 * baselines are NaN for none; its queue is -1 for none, the `*HEX` id's number, or -2 - i for `strings[i]`.
 */
export interface JournalView {
  f: Float64Array;
  nd: number;
  nz: number;
  nv: number;
  d: number;
  z: number;
  v: number;
  strings: readonly string[];
}

export const JOURNAL_DEVICE_WIDTH = D_WIDTH;
export const JOURNAL_VOUCHER_WIDTH = V_WIDTH;

/** The queue id a view's device entry names (see JournalView), as RouterOS prints it. */
export function journalQueueId(view: JournalView, queue: number): string | null {
  if (queue === NO_QUEUE) return null;
  if (queue >= 0) return routerId(queue);
  const text = view.strings[-2 - queue];
  if (text === undefined) throw new Error(`usage journal row: queue id ${queue} out of range`);
  return text;
}

/** A journal row as a view: the packed `data` read in place, or the JSON `body` rows were written with before, packed. */
export function journalView(row: { data?: Uint8Array | null; body?: string | null }): JournalView {
  const data = row.data;
  if (data !== undefined && data !== null) return packedView(data);
  return viewOfBody(JSON.parse(row.body ?? '') as JournalBody);
}

/** A journal row's body: the packed `data` when there is one, else the JSON `body` rows were written with before. */
export function decodeJournal(row: { data?: Uint8Array | null; body?: string | null }): JournalBody {
  const data = row.data;
  if (data !== undefined && data !== null) return bodyOf(packedView(data));
  return JSON.parse(row.body ?? '') as JournalBody;
}

/** The row's numbers as float64s: a view when the bytes are aligned and in this machine's order, else a copy. */
function float64s(data: Uint8Array, count: number): Float64Array {
  if (LITTLE_ENDIAN && data.byteOffset % 8 === 0)
    return new Float64Array(data.buffer, data.byteOffset, count);
  const out = new Float64Array(count);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

function packedView(data: Uint8Array): JournalView {
  const head = data.length >= HEADER * 8 ? float64s(data, HEADER) : undefined;
  if (head === undefined || head[0] !== FORMAT)
    throw new Error(`usage journal row in an unknown format (${data.length} bytes)`);
  const nd = head[1];
  const nz = head[2];
  const nv = head[3];
  const ns = head[4];
  const count = HEADER + nd * D_WIDTH + nz + nv * V_WIDTH;
  if (![nd, nz, nv, ns].every((n) => Number.isInteger(n) && n >= 0) || data.length < count * 8)
    throw new Error(`usage journal row cut short (${data.length} of ${count * 8} bytes)`);
  const strings =
    ns > 0
      ? (JSON.parse(
          Buffer.from(data.buffer, data.byteOffset + count * 8, data.length - count * 8).toString('utf8'),
        ) as string[])
      : [];
  if (strings.length !== ns) throw new Error('usage journal row: its queue ids do not match its count');
  const d = HEADER;
  const z = d + nd * D_WIDTH;
  return { f: float64s(data, count), nd, nz, nv, d, z, v: z + nz, strings };
}

/** A row written as JSON, in the packed layout (rows from before the packed journal; rare). */
function viewOfBody(body: JournalBody): JournalView {
  const strings: string[] = [];
  const nd = body.d.length;
  const nz = body.z.length;
  const nv = body.v.length;
  const f = new Float64Array(HEADER + nd * D_WIDTH + nz + nv * V_WIDTH);
  let at = HEADER;
  for (const e of body.d) {
    for (let k = 0; k < 9; k++) f[at + k] = (e[k] as number | null) ?? NaN;
    const q = e[9];
    let queue = NO_QUEUE;
    if (q !== null) {
      queue = routerIdNumber(q);
      if (queue < 0) queue = -2 - (strings.push(q) - 1);
    }
    f[at + 9] = queue;
    at += D_WIDTH;
  }
  for (const id of body.z) f[at++] = id;
  for (const e of body.v) {
    for (let k = 0; k < V_WIDTH; k++) f[at + k] = e[k];
    at += V_WIDTH;
  }
  return { f, nd, nz, nv, d: HEADER, z: HEADER + nd * D_WIDTH, v: HEADER + nd * D_WIDTH + nz, strings };
}

function bodyOf(view: JournalView): JournalBody {
  const { f, nd, nz, nv } = view;
  const body: JournalBody = { d: new Array(nd), z: new Array(nz), v: new Array(nv) };
  for (let i = 0, at = view.d; i < nd; i++, at += D_WIDTH) {
    body.d[i] = [
      f[at],
      f[at + 1],
      f[at + 2],
      f[at + 3],
      f[at + 4],
      f[at + 5],
      f[at + 6],
      num(f[at + 7]),
      num(f[at + 8]),
      journalQueueId(view, f[at + 9]),
    ];
  }
  for (let i = 0; i < nz; i++) body.z[i] = f[view.z + i];
  for (let i = 0, at = view.v; i < nv; i++, at += V_WIDTH)
    body.v[i] = [f[at], f[at + 1], f[at + 2], f[at + 3], f[at + 4]];
  return body;
}
