/**
 * The usage journal (docs/performance.md "The usage journal"). A poll no longer writes 10,000 device
 * rows, 10,000 voucher rows, 10,000 samples and 10,000 rollup rows: it appends what it metered as ONE row of
 * packed numbers (the deltas, and the counter baselines they were measured against; journal-codec.ts), in the same transaction as
 * its other writes, so a crash neither loses nor double-counts a byte. A fold, every USAGE_FOLD_SECONDS and
 * whenever the poll's in-memory copy is about to be read again from the database, adds the site's journal
 * rows into the tables and deletes them, in one transaction: per device the bytes are summed and the last
 * baseline, rates and last-seen time win; per voucher the bytes, counted bytes and connected time are summed.
 *
 * Readers in this process take the usage the polls hold in memory (UnfoldedUsage below), so the portal and the
 * admin show every poll's bytes at once; another process (the terminal menu, a second server on the same
 * PostgreSQL) sees them at the next fold. One sample per device per fold (charts read hours).
 */
import type { Knex } from 'knex';
import { USAGE_SQL_TAG, stageFolded, writeFoldedRest, type FoldedDevices } from './persist';
import {
  encodeJournal,
  grown,
  journalQueueId,
  journalView,
  JOURNAL_DEVICE_WIDTH,
  JOURNAL_VOUCHER_WIDTH,
  type JournalView,
} from './journal-codec';
import type { MeterResult } from './meter';
import type { DeviceRow, LoadedState, LoadedVoucher } from './load';

/**
 * Where this process's readers find usage that may not be folded into the tables yet: each site's usage poll
 * keeps its active vouchers and their devices in memory between polls (usage/index.ts), and the meter adds every
 * poll's bytes, connected time, rates and last-seen times to those rows before the poll commits them. So for a
 * voucher the poll holds, its in-memory figures are the current ones whether or not the journal is folded;
 * only the meter writes these columns. A poll that holds nothing (not started, failed, another server's turn)
 * answers nothing, and readers keep what the tables say. Nothing is copied: lookups go to the polls' own state.
 */
export class UnfoldedUsage {
  private readonly polls = new Map<number, () => LoadedState | undefined>();

  /** A site's poll, and how to read the state it holds now. */
  attach(siteId: number, held: () => LoadedState | undefined): void {
    this.polls.set(siteId, held);
  }

  /** The poll is closed (a site removed or reopened): only its own entry goes, not a newer poll's. */
  detach(siteId: number, held: () => LoadedState | undefined): void {
    if (this.polls.get(siteId) === held) this.polls.delete(siteId);
  }

  /** The voucher as a poll holds it in memory, if one does. */
  voucher(id: number): LoadedVoucher | undefined {
    for (const held of this.polls.values()) {
      const v = held()?.byId.get(id);
      if (v) return v;
    }
    return undefined;
  }

  /** One of a voucher's devices as a poll holds it in memory, if one does. */
  device(voucherId: number, deviceId: number): DeviceRow | undefined {
    return this.voucher(voucherId)?.devices.find((d) => d.id === deviceId);
  }

  /** A voucher row as read from the table, with the usage a poll holds in memory (a copy; the row is not changed). */
  withVoucher<
    T extends {
      id: number;
      bytes_up?: unknown;
      bytes_down?: unknown;
      counted_bytes?: unknown;
      uptime_seconds?: unknown;
    },
  >(row: T): T {
    const v = this.voucher(Number(row.id));
    if (!v) return row;
    const out = { ...row } as Record<string, unknown>;
    if ('bytes_up' in row) out.bytes_up = Number(v.row.bytes_up);
    if ('bytes_down' in row) out.bytes_down = Number(v.row.bytes_down);
    if ('counted_bytes' in row) out.counted_bytes = Number(v.row.counted_bytes);
    if ('uptime_seconds' in row) out.uptime_seconds = Number(v.row.uptime_seconds);
    return out as T;
  }
}

/**
 * Appends one poll's device and voucher deltas to the journal, in the poll's transaction. The rows whose
 * presence changed (ip, connected, counting queue) and the baselines handed over are written to the tables
 * by the caller, at once: they are few, and other writers (a redemption) read them.
 */
export async function appendJournal(
  trx: Knex,
  siteId: number,
  m: MeterResult,
  now: number,
): Promise<boolean> {
  const data = m.packed !== undefined ? m.packed : encodeJournal(m.devices, m.vouchers);
  if (data === null) return false;
  await trx.raw(`${USAGE_SQL_TAG} INSERT INTO usage_journal (site_id, ts, body, data) VALUES (?, ?, ?, ?)`, [
    siteId,
    now,
    '',
    data,
  ]);
  return true;
}

/** Whether the site has journal rows not folded yet (a server starting, or taking the site over). */
export async function journalPending(db: Knex, siteId: number): Promise<boolean> {
  const row = (await db('usage_journal').where('site_id', siteId).first('id')) as { id: number } | undefined;
  return row !== undefined;
}

const HOUR_MS = 3600_000;

/**
 * Adds the site's journal rows into the tables and deletes them, in one transaction. Returns how many
 * journal rows (polls) it folded.
 *
 * The rows are summed per UTC hour (a fold normally covers a minute or two; one that spans an hour, or a
 * server's leftovers, is written an hour at a time), then written as one poll's are (persist.ts writeFolded):
 * one staged row per device, from which the device rows, the vouchers, one sample and the hour's rollup are
 * written. A device's baseline is written only while its row still counts the queue it was read from. A
 * device deleted since (an undone claim, a voucher deleted by the admin) matches no row and gets no sample;
 * its voucher's bytes are still added when the voucher exists.
 */
export async function foldJournal(db: Knex, siteId: number): Promise<number> {
  return db.transaction(async (trx) => {
    const rows = (await trx('usage_journal')
      .where('site_id', siteId)
      .orderBy('id')
      .select('id', 'ts', 'body', 'data')) as Array<{
      id: number;
      ts: number | string;
      body: string | null;
      data: Buffer | null;
    }>;
    if (rows.length === 0) return 0;
    const hours = new Map<number, Array<{ ts: number; row: JournalRow }>>();
    for (const r of rows) {
      const ts = Number(r.ts);
      const hour = Math.floor(ts / HOUR_MS);
      const list = hours.get(hour);
      const entry = { ts, row: r };
      if (list) list.push(entry);
      else hours.set(hour, [entry]);
    }
    for (const polls of hours.values()) await foldHour(trx, polls);
    await trx.raw(`${USAGE_SQL_TAG} DELETE FROM usage_journal WHERE site_id = ? AND id <= ?`, [
      siteId,
      rows[rows.length - 1].id,
    ]);
    return rows.length;
  });
}

/** A usage_journal row as the fold reads it: the packed `data`, or the JSON `body` of rows written before. */
interface JournalRow {
  body: string | null;
  data: Buffer | null;
}

const DW = JOURNAL_DEVICE_WIDTH;
const VW = JOURNAL_VOUCHER_WIDTH;

/**
 * One hour's polls summed, in columns (persist.ts FoldedDevices): the devices in the journal's device entry layout,
 * the vouchers as `[id, dUp, dDown, dCounted, dUptime]`, each in the order first met, found by id through a map.
 * A fold sums every device of the site; an object per device (and the arrays it was decoded into) lived through
 * the fold's statements and was promoted to V8's old generation, about 12 MB per fold at 10,000 devices.
 */
class FoldSums implements FoldedDevices {
  n = 0;
  f: Float64Array = new Float64Array(64 * DW);
  strings: string[] = [];
  nv = 0;
  v: Float64Array = new Float64Array(64 * VW);
  private readonly deviceSlot = new Map<number, number>();
  private readonly voucherSlot = new Map<number, number>();

  /** The row of device `id`, a new one (zero bytes) when it has none yet. */
  device(id: number): number {
    let at = this.deviceSlot.get(id);
    if (at !== undefined) return at;
    if ((this.n + 1) * DW > this.f.length) this.f = grown(this.f);
    at = this.n++ * DW;
    this.deviceSlot.set(id, at);
    this.f[at] = id;
    this.f[at + 2] = 0;
    this.f[at + 3] = 0;
    return at;
  }

  /** The row of voucher `id`, a new one (zeros) when it has none yet. */
  voucher(id: number): number {
    let at = this.voucherSlot.get(id);
    if (at !== undefined) return at;
    if ((this.nv + 1) * VW > this.v.length) this.v = grown(this.v);
    at = this.nv++ * VW;
    this.voucherSlot.set(id, at);
    this.v[at] = id;
    for (let k = 1; k < VW; k++) this.v[at + k] = 0;
    return at;
  }

  /** The voucher's row, if it has one. */
  voucherAt(id: number): number | undefined {
    return this.voucherSlot.get(id);
  }

  /** A journal row's queue number in this fold's numbering (its strings are the fold's, not the row's). */
  queue(view: JournalView, q: number): number {
    if (q >= -1) return q;
    const text = journalQueueId(view, q) as string;
    let i = this.strings.indexOf(text);
    if (i === -1) i = this.strings.push(text) - 1;
    return -2 - i;
  }

  /** Adds one poll's journal row, taken at `ts`. */
  add(view: JournalView, ts: number): void {
    const src = view.f;
    for (let i = 0, from = view.d; i < view.nd; i++, from += DW) {
      const at = this.device(src[from]);
      const f = this.f;
      f[at + 1] = src[from + 1];
      f[at + 2] += src[from + 2];
      f[at + 3] += src[from + 3];
      for (let k = 4; k < 9; k++) f[at + k] = src[from + k]; // rates, last seen, baselines: the last poll's
      f[at + 9] = this.queue(view, src[from + 9]);
    }
    for (let i = 0; i < view.nz; i++) {
      const id = src[view.z + i];
      const fresh = !this.deviceSlot.has(id);
      const at = this.device(id);
      const f = this.f;
      if (fresh) {
        f[at + 1] = 0;
        f[at + 7] = NaN;
        f[at + 8] = NaN;
        f[at + 9] = -1;
      }
      f[at + 4] = 0;
      f[at + 5] = 0;
      f[at + 6] = ts;
    }
    for (let i = 0, from = view.v; i < view.nv; i++, from += VW) {
      const at = this.voucher(src[from]);
      for (let k = 1; k < VW; k++) this.v[at + k] += src[from + k];
    }
  }
}

/** One hour's polls, in order, summed and written. */
async function foldHour(trx: Knex, polls: Array<{ ts: number; row: JournalRow }>): Promise<void> {
  const sums = new FoldSums();
  // Each row is read in place when its turn comes (journalView): nothing of it outlives its own summing.
  for (let p = 0; p < polls.length; p++) sums.add(journalView(polls[p].row), polls[p].ts);
  const ts = polls[polls.length - 1].ts;
  // Rows deleted since are left out (no row to update, and the rollup's rows belong to a device row).
  const gone = await stageFolded(trx, sums, ts);
  // Per voucher: how many of its kept devices moved bytes, and their bytes.
  const fromDevices = new Float64Array(sums.nv * 3);
  const f = sums.f;
  for (let i = 0, at = 0; i < sums.n; i++, at += DW) {
    if ((f[at + 2] === 0 && f[at + 3] === 0) || (gone.size > 0 && gone.has(f[at]))) continue;
    const v = sums.voucherAt(f[at + 1]);
    if (v === undefined) continue;
    const m = (v / VW) * 3;
    fromDevices[m]++;
    fromDevices[m + 1] += f[at + 2];
    fromDevices[m + 2] += f[at + 3];
  }
  // A voucher takes its bytes from its one staged device row only when that row carries all of them; otherwise
  // (several devices, or one deleted since) they are written from its own sums, as are the counted bytes that
  // differ from the bytes (an off-peak window) and connected time.
  const several: number[] = [];
  const corrections: Array<[number, number, number, number, number]> = [];
  const v = sums.v;
  for (let i = 0, at = 0; i < sums.nv; i++, at += VW) {
    const id = v[at];
    const up = v[at + 1];
    const down = v[at + 2];
    const counted = v[at + 3];
    const uptime = v[at + 4];
    const m = i * 3;
    const fromOne = fromDevices[m] === 1 && fromDevices[m + 1] === up && fromDevices[m + 2] === down;
    if (!fromOne && (up !== 0 || down !== 0)) {
      several.push(id);
      corrections.push([id, up, down, counted, uptime]);
      continue;
    }
    const notCounted = counted - (up + down);
    if (notCounted !== 0 || uptime !== 0) corrections.push([id, 0, 0, notCounted, uptime]);
  }
  await writeFoldedRest(trx, sums.n - gone.size, several, corrections, ts);
}
