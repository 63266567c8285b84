/**
 * The usage journal (issue 17, docs/performance.md "The usage journal"). A poll no longer writes 10,000 device
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
import { isPostgres } from '../../db/knex';
import { USAGE_SQL_TAG, writeFolded, type StagedDevice } from './persist';
import { decodeJournal, encodeJournal, type JournalBody } from './journal-codec';
import type { MeterResult, VoucherWrite } from './meter';
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
  const data = encodeJournal(m.devices, m.vouchers);
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
    // Each row is decoded only when its hour is summed (foldHour), one poll at a time: its entries are then
    // garbage at once, instead of every poll's being held through the fold's statements.
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

/** One hour's polls, in order, summed and written. */
async function foldHour(trx: Knex, polls: Array<{ ts: number; row: JournalRow }>): Promise<void> {
  const devices = new Map<number, StagedDevice>();
  const vouchers = new Map<number, VoucherWrite>();
  // Indexed loops and reads by position: a fold runs once a minute, too rarely to be optimised, and an
  // unoptimised for…of (with array destructuring) makes iterator results for every entry of every poll.
  for (let p = 0; p < polls.length; p++) {
    const ts = polls[p].ts;
    const body: JournalBody = decodeJournal(polls[p].row);
    for (let i = 0; i < body.d.length; i++) {
      const e = body.d[i];
      const id = e[0];
      const voucherId = e[1];
      const up = e[2];
      const down = e[3];
      const rateUp = e[4];
      const rateDown = e[5];
      const lastSeenAt = e[6];
      const bUp = e[7];
      const bDown = e[8];
      const queueId = e[9];
      const f = devices.get(id);
      if (f) {
        f.voucherId = voucherId;
        f.dUp += up;
        f.dDown += down;
        f.rateUp = rateUp;
        f.rateDown = rateDown;
        f.lastSeenAt = lastSeenAt;
        f.baselineUp = bUp;
        f.baselineDown = bDown;
        f.queueId = queueId;
      } else
        devices.set(id, staged(id, voucherId, up, down, rateUp, rateDown, lastSeenAt, bUp, bDown, queueId));
    }
    for (let i = 0; i < body.z.length; i++) {
      const id = body.z[i];
      const f = devices.get(id);
      if (f) {
        f.rateUp = 0;
        f.rateDown = 0;
        f.lastSeenAt = ts;
      } else devices.set(id, staged(id, 0, 0, 0, 0, 0, ts, null, null, null));
    }
    for (let i = 0; i < body.v.length; i++) {
      const e = body.v[i];
      const id = e[0];
      const up = e[1];
      const down = e[2];
      const counted = e[3];
      const uptime = e[4];
      const v = vouchers.get(id);
      if (v) {
        v.dUp += up;
        v.dDown += down;
        v.dCounted += counted;
        v.dUptime += uptime;
      } else vouchers.set(id, { id, dUp: up, dDown: down, dCounted: counted, dUptime: uptime, moved: 0 });
    }
  }
  // Rows deleted since are left out (no row to update, and the rollup's rows belong to a device row).
  const kept = await existingDevices(trx, [...devices.keys()]);
  const rows: StagedDevice[] = [];
  /** Per voucher: its kept devices whose bytes moved, and their bytes. */
  const fromDevices = new Map<number, { n: number; up: number; down: number }>();
  for (const d of devices.values()) {
    if (!kept.has(d.id)) continue;
    rows.push(d);
    if (d.dUp === 0 && d.dDown === 0) continue;
    const m = fromDevices.get(d.voucherId);
    if (m) {
      m.n++;
      m.up += d.dUp;
      m.down += d.dDown;
    } else fromDevices.set(d.voucherId, { n: 1, up: d.dUp, down: d.dDown });
  }
  // A voucher takes its bytes from its one staged device row only when that row carries all of them;
  // otherwise (several devices, or one deleted since) they are written from its own sums.
  for (const v of vouchers.values()) {
    const m = fromDevices.get(v.id);
    if (m && m.n === 1 && m.up === v.dUp && m.down === v.dDown) v.moved = 1;
    else v.moved = v.dUp !== 0 || v.dDown !== 0 ? 2 : 0;
  }
  await writeFolded(trx, rows, [...vouchers.values()], polls[polls.length - 1].ts);
}

function staged(
  id: number,
  voucherId: number,
  dUp: number,
  dDown: number,
  rateUp: number,
  rateDown: number,
  lastSeenAt: number,
  baselineUp: number | null,
  baselineDown: number | null,
  queueId: string | null,
): StagedDevice {
  return {
    id,
    voucherId,
    dUp,
    dDown,
    rateUp,
    rateDown,
    lastSeenAt,
    baselineUp,
    baselineDown,
    queueId,
    ip: null,
    connected: false,
    presenceChanged: false,
    ratesZeroed: false,
  };
}

async function existingDevices(trx: Knex, ids: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  if (ids.length === 0) return out;
  const pg = isPostgres(trx);
  const sql = pg
    ? 'SELECT id FROM voucher_devices WHERE id IN (SELECT (jsonb_array_elements_text(?::jsonb))::bigint)'
    : 'SELECT id FROM voucher_devices WHERE id IN (SELECT value FROM json_each(?))';
  const res = (await trx.raw(sql, [JSON.stringify(ids)])) as unknown;
  const rows = (pg ? (res as { rows: Array<{ id: number }> }).rows : (res as Array<{ id: number }>)) ?? [];
  for (const r of rows) out.add(Number(r.id));
  return out;
}
