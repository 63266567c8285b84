/**
 * Writes one poll's usage in ONE transaction: bytes, counted bytes, connected time, the counter baselines
 * they were measured against, the samples, the alerts and the poll time. Either all of it lands or none,
 * so a controller killed mid-cycle re-measures from the old baseline and counts each byte exactly once.
 */
import type { Knex } from 'knex';
import { isPostgres } from '../../db/knex';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { maskCode } from '../../lib/logger';
import { formatBytes } from '../../domain/units';
import { recordEvent, recordEvents, type EventInput } from '../events';
import { loginEvent, logoutEvent } from '../activity-events';
import type { AlertCandidate, DeviceWrite, MeterResult, SampleRow, VoucherWrite } from './meter';
import { appendJournal } from './journal';
import { JOURNAL_DEVICE_WIDTH, routerId } from './journal-codec';

export const LAST_POLL_KEY = 'usage.last_poll_at';
/** When the router last booted, as the last metered poll computed it (see meter.ts bootTimeOf). */
export const BOOT_TIME_KEY = 'router.boot_time';

/** Each site's keys: `default` keeps the names it had before sites existed, the others are prefixed with their id. */
export function pollStateKeys(siteId: number): { lastPoll: string; bootTime: string } {
  if (siteId === 1) return { lastPoll: LAST_POLL_KEY, bootTime: BOOT_TIME_KEY };
  return { lastPoll: `site.${siteId}.${LAST_POLL_KEY}`, bootTime: `site.${siteId}.${BOOT_TIME_KEY}` };
}
/** Rows per statement: bounds the JSON text bound to one statement (~100 bytes a row). */
const ROWS_PER_STATEMENT = 10_000;

type Cell = string | number | null;

/**
 * Marks the meter's own row updates, which it has already applied to the usage service's in-memory copy
 * of the active vouchers, so that copy's ChangeWatch does not count them as somebody else's change.
 */
export const USAGE_SQL_TAG = '/* usage-meter */';

/**
 * `json_each(?)` over one bound JSON array of row arrays, as a subquery with columns c0, c1, …: many rows
 * in one statement with ONE binding. Binding thousands of parameters one by one (and knex scanning a SQL
 * text with thousands of `?`) cost more CPU than SQLite's own work; JSON.stringify and SQLite's JSON
 * parser are both native. Values stay parameters, never SQL text. `->>` returns SQL integers for JSON
 * integers, text for strings and NULL for null, so columns get the same values as with plain bindings.
 *
 * PostgreSQL: the same one binding, read by `jsonb_populate_recordset` into the row type of the table the
 * columns belong to (so each value gets its column's type: bigint, text, boolean from 0/1), the JSON then
 * holding one object per row keyed by column name.
 */
function jsonRows(pg: boolean, table: string, cols: readonly string[]): string {
  if (pg) {
    const picked = cols.map((c, i) => `"${c}" AS c${i}`);
    return `(SELECT ${picked.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb))`;
  }
  const picked = cols.map((_, i) => `value ->> ${i} AS c${i}`);
  return `(SELECT ${picked.join(', ')} FROM json_each(?))`;
}

/** The bound JSON for jsonRows: arrays for SQLite, objects keyed by column for PostgreSQL. */
function jsonRowsValue(pg: boolean, cols: readonly string[], rows: Cell[][]): string {
  if (!pg) return JSON.stringify(rows);
  return JSON.stringify(rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]]))));
}

/**
 * `UPDATE t SET … FROM (rows) AS u WHERE t.id = u.c0` for many rows in one statement (SQLite ≥ 3.33,
 * `->>` ≥ 3.38; PostgreSQL): 5,000 single-row updates would dominate the cycle's CPU. knex has no builder
 * for UPDATE … FROM, hence raw SQL; the rows are one bound value. `add` columns are increments
 * (`col = col + value`), `set` ones are assigned from the row, `fixed` ones get the same bound value on
 * every row (not repeated in the JSON).
 */
export async function bulkUpdate(
  trx: Knex,
  table: string,
  cols: { set?: string[]; add?: string[]; fixed?: Record<string, Cell> },
  /** `[id, ...add, ...set]` per row. */
  rows: Cell[][],
): Promise<void> {
  const pg = isPostgres(trx);
  const set = cols.set ?? [];
  const add = cols.add ?? [];
  const all = [...add, ...set];
  const assignments = all.map((c, i) =>
    i < add.length ? `"${c}" = "${table}"."${c}" + u.c${i + 1}` : `"${c}" = u.c${i + 1}`,
  );
  const fixed = Object.entries(cols.fixed ?? {});
  for (const [c] of fixed) assignments.push(`"${c}" = ?`);
  const rowCols = ['id', ...all];
  const sql = `${USAGE_SQL_TAG} UPDATE "${table}" SET ${assignments.join(', ')} FROM ${jsonRows(pg, table, rowCols)} AS u WHERE "${table}".id = u.c0`;
  const values = fixed.map(([, v]) => v);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    await trx.raw(sql, [...values, jsonRowsValue(pg, rowCols, part)]);
  }
}

/**
 * The poll's device rows are parsed from JSON ONCE, into a per-connection TEMP table, and the device
 * update, the raw samples, the hourly rollup and the vouchers' byte totals all read them from there. Each
 * of those statements used to parse its own JSON copy; SQLite's `->>` costs ~0.6 µs per value, which at
 * 10,000 devices is most of the transaction, so a poll stages only what differs per row (its time is bound
 * once). TEMP: private to the connection the transaction runs on, never in the database file, and its rows
 * are rolled back with the transaction they were written in. (PostgreSQL calls the temporary schema
 * `pg_temp` where SQLite calls it `temp`.)
 */
const STAGE_COLS = [
  'device_id',
  'voucher_id',
  'ts',
  'd_up',
  'd_down',
  'rate_up',
  'rate_down',
  'last_seen_at',
  'baseline_up',
  'baseline_down',
  'queue_id',
] as const;
/**
 * What a poll stages per device row: STAGE_COLS without `ts`, the poll's time, bound once per statement, and
 * without `queue_id` (NULL: only a fold of the usage journal checks the queue a baseline belongs to).
 */
const POLL_STAGE_COLS = STAGE_COLS.filter((c) => c !== 'ts' && c !== 'queue_id');
/** What a fold of the usage journal stages per device row (journal.ts): its time is bound once too. */
const FOLD_STAGE_COLS = STAGE_COLS.filter((c) => c !== 'ts');
const HOUR_MS = 3600_000;
/** A staged row is a sample when bytes moved (the poll's per-device traffic, for charts and reports). */
const MOVED = 'd_up > 0 OR d_down > 0';

/** `INSERT INTO stage … SELECT` of `cols` from one bound JSON value, `ts` bound first when it is not a column. */
function fillSql(pg: boolean, T: string, cols: readonly string[]): string {
  const rows = jsonRows(pg, T, cols);
  const picked = STAGE_COLS.map((c) => {
    const i = cols.indexOf(c);
    if (i !== -1) return `j.c${i}`;
    return c === 'ts' ? 'CAST(? AS BIGINT)' : 'NULL';
  });
  return `${USAGE_SQL_TAG} INSERT INTO ${T} (${STAGE_COLS.join(', ')}) SELECT ${picked.join(', ')} FROM ${rows} AS j`;
}

/** The staging statements in each engine's words (temporary schema, larger-of-two function). */
function stageSql(pg: boolean) {
  const T = pg ? 'pg_temp.usage_stage' : 'temp.usage_stage';
  const greatest = pg ? 'GREATEST' : 'MAX';
  return {
    create: `${USAGE_SQL_TAG} CREATE TEMP TABLE IF NOT EXISTS usage_stage (
  device_id BIGINT NOT NULL, voucher_id BIGINT NOT NULL, ts BIGINT NOT NULL,
  d_up BIGINT NOT NULL, d_down BIGINT NOT NULL, rate_up BIGINT NOT NULL, rate_down BIGINT NOT NULL,
  last_seen_at BIGINT, baseline_up BIGINT, baseline_down BIGINT, queue_id TEXT)`,
    clear: `${USAGE_SQL_TAG} DELETE FROM ${T}`,
    fill: fillSql(pg, T, STAGE_COLS),
    /** A poll's rows: every column but `ts`, which is bound once (the poll's time). */
    fillPoll: fillSql(pg, T, POLL_STAGE_COLS),
    /** A fold's rows: every column but `ts`, bound once. */
    fillFold: fillSql(pg, T, FOLD_STAGE_COLS),
    samples: `${USAGE_SQL_TAG} INSERT INTO usage_samples (device_id, voucher_id, ts, bytes_up, bytes_down, rate_up, rate_down)
  SELECT device_id, voucher_id, ts, d_up, d_down, rate_up, rate_down FROM ${T} WHERE ${MOVED}`,
    /**
     * Added into each device's row of the current UTC hour (created by the hour's first poll, then updated
     * in place; peak rates kept; several rows for one device and hour, as in a test's history, add up).
     * SQLite upserts row by row, so a second row of the same device and hour meets the first one's and is
     * added to it: no GROUP BY, whose sort was 17 of the 38 ms this statement took for 10,000 devices.
     * PostgreSQL refuses to update one row twice in one statement, so there the rows are summed first.
     */
    rollup: `${USAGE_SQL_TAG} INSERT INTO usage_rollup (ts, resolution, device_id, voucher_id, bytes_up, bytes_down, rate_up, rate_down)
  ${
    pg
      ? `SELECT (ts / ${HOUR_MS}) * ${HOUR_MS}, 3600, device_id, MAX(voucher_id), SUM(d_up), SUM(d_down), MAX(rate_up), MAX(rate_down)
  FROM ${T} WHERE ${MOVED} GROUP BY (ts / ${HOUR_MS}) * ${HOUR_MS}, device_id`
      : `SELECT (ts / ${HOUR_MS}) * ${HOUR_MS}, 3600, device_id, voucher_id, d_up, d_down, rate_up, rate_down
  FROM ${T} WHERE ${MOVED}`
  }
  ON CONFLICT (ts, resolution, device_id) DO UPDATE SET
    bytes_up = usage_rollup.bytes_up + excluded.bytes_up, bytes_down = usage_rollup.bytes_down + excluded.bytes_down,
    rate_up = ${greatest}(usage_rollup.rate_up, excluded.rate_up), rate_down = ${greatest}(usage_rollup.rate_down, excluded.rate_down)`,
    /** Counters and baselines of every written device row (rows with no counter change carry zero deltas). */
    devices: `${USAGE_SQL_TAG} UPDATE voucher_devices SET
  bytes_up = voucher_devices.bytes_up + s.d_up, bytes_down = voucher_devices.bytes_down + s.d_down,
  last_seen_at = s.last_seen_at, baseline_up = s.baseline_up, baseline_down = s.baseline_down,
  rate_up = s.rate_up, rate_down = s.rate_down
  FROM ${T} AS s WHERE voucher_devices.id = s.device_id`,
    /**
     * A fold's device rows (journal.ts): the same, but a baseline is written only while the row still counts
     * the queue it was read from (a redemption that gave the device another queue since, with a zero
     * baseline, is newer than the journal), and a row with no baseline (its rates fell to zero) keeps its own.
     */
    devicesFolded: `${USAGE_SQL_TAG} UPDATE voucher_devices SET
  bytes_up = voucher_devices.bytes_up + s.d_up, bytes_down = voucher_devices.bytes_down + s.d_down,
  last_seen_at = s.last_seen_at,
  baseline_up = CASE WHEN s.baseline_up IS NOT NULL AND voucher_devices.counter_queue_id ${pg ? 'IS NOT DISTINCT FROM' : 'IS'} s.queue_id
    THEN s.baseline_up ELSE voucher_devices.baseline_up END,
  baseline_down = CASE WHEN s.baseline_down IS NOT NULL AND voucher_devices.counter_queue_id ${pg ? 'IS NOT DISTINCT FROM' : 'IS'} s.queue_id
    THEN s.baseline_down ELSE voucher_devices.baseline_down END,
  rate_up = s.rate_up, rate_down = s.rate_down
  FROM ${T} AS s WHERE voucher_devices.id = s.device_id`,
    /**
     * Each voucher's bytes are its devices' (meter.ts adds them up the same way), so a voucher whose bytes
     * moved on one device takes them straight from that device's staged row instead of being staged a
     * second time; counted bytes start as the same bytes. Vouchers listed in the bound JSON array (bytes
     * moved on several devices: an UPDATE … FROM uses one matching row) and the few whose count differs (an
     * off-peak window) or that add connected time are written after, from their meter totals.
     */
    vouchers: `${USAGE_SQL_TAG} UPDATE vouchers SET
  bytes_up = vouchers.bytes_up + s.d_up, bytes_down = vouchers.bytes_down + s.d_down,
  counted_bytes = vouchers.counted_bytes + s.d_up + s.d_down, updated_at = CAST(? AS BIGINT)
  FROM ${T} AS s WHERE vouchers.id = s.voucher_id AND (${MOVED})
  AND s.voucher_id NOT IN (${pg ? 'SELECT (jsonb_array_elements_text(?::jsonb))::bigint' : 'SELECT value FROM json_each(?)'})`,
    /**
     * Device rows whose only change is that their rates fell to zero (a device gone idle): no counter, no
     * sample, so one id each instead of a staged row of nine values.
     */
    /** A fold's staged rows whose device row is gone (an undone claim, a voucher deleted since): usually none. */
    gone: `${USAGE_SQL_TAG} SELECT device_id FROM ${T} WHERE device_id NOT IN (SELECT id FROM voucher_devices)`,
    dropGone: `${USAGE_SQL_TAG} DELETE FROM ${T} WHERE device_id NOT IN (SELECT id FROM voucher_devices)`,
    ratesZeroed: pg
      ? `${USAGE_SQL_TAG} UPDATE voucher_devices SET rate_up = 0, rate_down = 0, last_seen_at = CAST(? AS BIGINT)
  WHERE id IN (SELECT (jsonb_array_elements_text(?::jsonb))::bigint)`
      : `${USAGE_SQL_TAG} UPDATE voucher_devices SET rate_up = 0, rate_down = 0, last_seen_at = ?
  WHERE id IN (SELECT value FROM json_each(?))`,
  };
}
const STAGE_SQL = { sqlite: stageSql(false), pg: stageSql(true) };
const stageSqlOf = (trx: Knex) => (isPostgres(trx) ? STAGE_SQL.pg : STAGE_SQL.sqlite);

/**
 * Replaces the stage's rows with `rows`, in the caller's transaction: in STAGE_COLS order, or, with `ts`
 * given, in POLL_STAGE_COLS order, every row at that time.
 */
async function stage(trx: Knex, rows: Cell[][], ts?: number): Promise<void> {
  const sql = stageSqlOf(trx);
  const pg = isPostgres(trx);
  await trx.raw(sql.create);
  await trx.raw(sql.clear);
  const cols = ts === undefined ? STAGE_COLS : POLL_STAGE_COLS;
  const fill = ts === undefined ? sql.fill : sql.fillPoll;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const json = jsonRowsValue(pg, cols, rows.slice(i, i + ROWS_PER_STATEMENT));
    await trx.raw(fill, ts === undefined ? [json] : [ts, json]);
  }
}

async function samplesFromStage(trx: Knex): Promise<void> {
  const sql = stageSqlOf(trx);
  await trx.raw(sql.samples);
  await trx.raw(sql.rollup);
}

const PRESENCE_COLS = { set: ['ip', 'connected', 'counter_queue_id'] };

/** A device row's staged values, in POLL_STAGE_COLS order. */
function stagedCells(d: DeviceWrite): Cell[] {
  return [
    d.id,
    d.voucherId,
    d.dUp,
    d.dDown,
    d.rateUp,
    d.rateDown,
    d.lastSeenAt,
    d.baselineUp,
    d.baselineDown,
  ];
}

/**
 * Every written device row's counters, baselines and rates, the poll's samples and the vouchers' byte
 * totals, from one staged copy; the few rows whose presence (ip, connected, counting queue) changed get one
 * more statement, and rows whose rates alone fell to zero a cheaper one. (A usage journal fold writes its
 * sums with stageFolded and writeFoldedRest below.)
 */
async function writeDevices(
  trx: Knex,
  m: { devices: readonly DeviceWrite[]; vouchers: readonly VoucherWrite[] },
  now: number,
): Promise<void> {
  const list = m.devices;
  const staged: Cell[][] = [];
  const presence: Cell[][] = [];
  const zeroed: number[] = [];
  for (const d of list) {
    if (d.presenceChanged) presence.push([d.id, d.ip, d.connected ? 1 : 0, d.queueId]);
    if (d.ratesZeroed) {
      zeroed.push(d.id);
      continue;
    }
    staged.push(stagedCells(d));
  }
  const sql = stageSqlOf(trx);
  for (let i = 0; i < zeroed.length; i += ROWS_PER_STATEMENT)
    await trx.raw(sql.ratesZeroed, [now, JSON.stringify(zeroed.slice(i, i + ROWS_PER_STATEMENT))]);
  await bulkUpdate(trx, 'voucher_devices', PRESENCE_COLS, presence);
  if (staged.length === 0) return;
  await stage(trx, staged, now);
  await trx.raw(sql.devices);
  const several = m.vouchers.filter((v) => v.moved > 1).map((v) => v.id);
  await trx.raw(sql.vouchers, [now, JSON.stringify(several)]);
  await samplesFromStage(trx);
}

/**
 * Appends samples to the raw per-poll table and adds them into the hourly rollup, through the same staged
 * statements as a poll (devices untouched). Exported for tests that lay down history.
 */
export async function recordSamples(trx: Knex, samples: SampleRow[]): Promise<void> {
  if (samples.length === 0) return;
  await stage(
    trx,
    samples.map((s) => [
      s.device_id,
      s.voucher_id,
      s.ts,
      s.bytes_up,
      s.bytes_down,
      s.rate_up,
      s.rate_down,
      null,
      null,
      null,
      null,
    ]),
  );
  await samplesFromStage(trx);
}

/**
 * A fold's summed device rows (journal.ts), in columns: row i is `f[i * FOLD_WIDTH + k]` for k in the journal's
 * device entry order (journal-codec.ts): id, voucher id, bytes up and down, rates up and down, last seen, baselines
 * up and down (NaN for none), and the queue the baselines were read from (-1 for none, a `*HEX` id's number, or
 * -2 - i for `strings[i]`). Columns, not an object and a JSON array per device: a fold handles every device of
 * the site at once, and those objects lived long enough (the fold's statements) to be promoted.
 */
export interface FoldedDevices {
  n: number;
  f: Float64Array;
  strings: readonly string[];
}
/** Values per device row: the journal's device entry. */
export const FOLD_WIDTH = JOURNAL_DEVICE_WIDTH;
/**
 * Rows per fill statement of a fold: each statement's JSON text (about 70 bytes a row for SQLite, 200 for
 * PostgreSQL) stays a young object that dies before the next, instead of one text for every device.
 */
const FOLD_ROWS_PER_STATEMENT = 500;

const jsonNumber = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

function jsonQueue(d: FoldedDevices, q: number): string {
  if (q === -1) return 'null';
  if (q >= 0) return `"${routerId(q)}"`; // `*` and hex digits: nothing to escape
  const text = d.strings[-2 - q];
  if (text === undefined) throw new Error(`usage fold: queue id ${q} out of range`);
  return JSON.stringify(text);
}

/** Rows [from, to) of a fold as jsonRows' bound value, in FOLD_STAGE_COLS order (see jsonRowsValue). */
function foldedJson(pg: boolean, d: FoldedDevices, from: number, to: number): string {
  const f = d.f;
  const parts = new Array<string>(to - from);
  for (let i = from; i < to; i++) {
    const at = i * FOLD_WIDTH;
    const q = jsonQueue(d, f[at + 9]);
    parts[i - from] = pg
      ? `{"device_id":${f[at]},"voucher_id":${f[at + 1]},"d_up":${f[at + 2]},"d_down":${f[at + 3]},"rate_up":${f[at + 4]},"rate_down":${f[at + 5]},"last_seen_at":${jsonNumber(f[at + 6])},"baseline_up":${jsonNumber(f[at + 7])},"baseline_down":${jsonNumber(f[at + 8])},"queue_id":${q}}`
      : `[${f[at]},${f[at + 1]},${f[at + 2]},${f[at + 3]},${f[at + 4]},${f[at + 5]},${jsonNumber(f[at + 6])},${jsonNumber(f[at + 7])},${jsonNumber(f[at + 8])},${q}]`;
  }
  return `[${parts.join(',')}]`;
}

/**
 * A fold of the usage journal, first step: stages its summed device rows (at `ts`) and leaves out those whose
 * device row is gone since (an undone claim, a voucher deleted by the admin: no row to update, and the rollup's
 * rows belong to a device row). Returns the ids left out, for the voucher sums (journal.ts), and then
 * writeFoldedRest writes everything from the stage.
 */
export async function stageFolded(trx: Knex, d: FoldedDevices, ts: number): Promise<Set<number>> {
  const sql = stageSqlOf(trx);
  const pg = isPostgres(trx);
  await trx.raw(sql.create);
  await trx.raw(sql.clear);
  for (let i = 0; i < d.n; i += FOLD_ROWS_PER_STATEMENT)
    await trx.raw(sql.fillFold, [ts, foldedJson(pg, d, i, Math.min(d.n, i + FOLD_ROWS_PER_STATEMENT))]);
  const res = (await trx.raw(sql.gone)) as unknown;
  const rows =
    (pg ? (res as { rows: Array<{ device_id: number }> }).rows : (res as Array<{ device_id: number }>)) ?? [];
  const gone = new Set<number>();
  for (const r of rows) gone.add(Number(r.device_id));
  if (gone.size > 0) await trx.raw(sql.dropGone);
  return gone;
}

/**
 * A fold's second step: the staged device rows, each voucher's bytes from its one device's staged row, the
 * samples and the hour's rollup, as a poll's are (the fold never spans two UTC hours); then `corrections`,
 * `[id, up, down, counted, uptime]` increments per voucher (voucherCorrections' rows): the bytes of the
 * vouchers in `several` (bytes moved on several devices, or on one that is gone), off-peak bytes not counted,
 * connected time.
 */
export async function writeFoldedRest(
  trx: Knex,
  staged: number,
  several: readonly number[],
  corrections: Array<[number, number, number, number, number]>,
  ts: number,
): Promise<void> {
  const sql = stageSqlOf(trx);
  if (staged > 0) {
    await trx.raw(sql.devicesFolded);
    await trx.raw(sql.vouchers, [ts, JSON.stringify(several)]);
    await samplesFromStage(trx);
  }
  await bulkUpdate(
    trx,
    'vouchers',
    { add: ['bytes_up', 'bytes_down', 'counted_bytes', 'uptime_seconds'], fixed: { updated_at: ts } },
    corrections,
  );
}

/**
 * What writeDevices' voucher statement leaves out, as increments: the bytes of vouchers whose bytes moved
 * on several devices, the off-peak part not counted (counted bytes less than the bytes moved), and connected
 * time (uptime-mode vouchers).
 */
function voucherCorrections(list: VoucherWrite[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const v of list) {
    if (v.moved > 1) rows.push([v.id, v.dUp, v.dDown, v.dCounted, v.dUptime]);
    else {
      const notCounted = v.dCounted - (v.dUp + v.dDown);
      if (notCounted !== 0 || v.dUptime !== 0) rows.push([v.id, 0, 0, notCounted, v.dUptime]);
    }
  }
  return rows;
}

/** The threshold an alert event was measured against (its data); unknown (older events) counts as any. */
function sentThreshold(data: unknown): number {
  try {
    const d = (typeof data === 'string' ? JSON.parse(data) : data) as { threshold?: unknown } | null;
    return typeof d?.threshold === 'number' ? d.threshold : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * Alerts are sent once per voucher, level and limit: the candidates are checked against the voucher's events.
 * A limit raised since (a code added to the voucher) makes its levels new again: "80 % used" of the raised
 * cap is news even when 80 % of the plan's was said before.
 */
async function recordAlerts(trx: Knex, clock: Clock, log: Logger, alerts: AlertCandidate[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const ids = [...new Set(alerts.map((a) => a.voucher.row.id))];
  const sent = new Map<string, number>();
  const rows = (await trx('events')
    .whereIn('voucher_id', ids)
    .whereIn('kind', [...new Set(alerts.map((a) => a.kind))])
    .select('voucher_id', 'kind', 'data')) as Array<{ voucher_id: number; kind: string; data: unknown }>;
  for (const e of rows) {
    const k = `${e.voucher_id}|${e.kind}`;
    sent.set(k, Math.max(sent.get(k) ?? 0, sentThreshold(e.data)));
  }
  let n = 0;
  for (const a of alerts) {
    const k = `${a.voucher.row.id}|${a.kind}`;
    if ((sent.get(k) ?? 0) >= a.threshold) continue;
    sent.set(k, a.threshold);
    const what = a.kind.startsWith('fup') ? 'fair-use threshold' : 'data cap';
    const used = formatBytes(Number(a.voucher.row.counted_bytes));
    await recordEvent(trx, clock, {
      voucherId: a.voucher.row.id,
      kind: a.kind,
      level: a.percent >= 100 ? 'warn' : 'info',
      message: `${a.percent}% of the ${what} used (${used} of ${formatBytes(a.threshold)})`,
      data: { percent: a.percent, threshold: a.threshold, counted: Number(a.voucher.row.counted_bytes) },
    });
    log.info(
      { voucher: maskCode(a.voucher.row.code), kind: a.kind },
      `voucher ${maskCode(a.voucher.row.code)}: ${a.percent}% of its ${what} used`,
    );
    n++;
  }
  return n;
}

/**
 * Devices that came back online on the router by themselves (its own login page, or the hotspot's login by
 * cookie) and devices whose session ended, for the activity feed. A portal login marks its device online
 * itself and records its own event, so it is not seen here a second time.
 */
async function recordSessions(trx: Knex, clock: Clock, devices: readonly DeviceWrite[]): Promise<void> {
  const events: EventInput[] = [];
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    if (d.session === 'ended') events.push(logoutEvent({ voucherId: d.voucherId, mac: d.mac }));
    else if (d.session === 'started')
      events.push(loginEvent({ voucherId: d.voucherId, mac: d.mac, ip: d.ip, via: 'router', again: true }));
  }
  await recordEvents(trx, clock, events);
}

/**
 * One poll's writes. With `journal`, the device and voucher deltas (with their baselines) are appended as one
 * journal row (journal.ts) and only the rows whose presence changed are written to the tables now; without,
 * everything is written to the tables (tests that lay down history, and the fold's own statements).
 * Returns whether a journal row was appended.
 */
export async function writeUsage(
  trx: Knex,
  deps: { clock: Clock; log: Logger; siteId: number; journal?: boolean },
  m: MeterResult,
  now: number,
  bootTime?: number,
): Promise<boolean> {
  if (!deps.journal && m.packed !== undefined)
    throw new Error(
      'a poll packed for the usage journal is written to the journal (its device writes are gone)',
    );
  if (m.clearBaselines.length > 0)
    await trx('voucher_devices').whereIn('id', m.clearBaselines).update({ counter_queue_id: null });
  let appended = false;
  if (deps.journal) {
    const presence: Cell[][] = [];
    for (let i = 0; i < m.devices.length; i++) {
      const d = m.devices[i];
      if (d.presenceChanged) presence.push([d.id, d.ip, d.connected ? 1 : 0, d.queueId]);
    }
    await bulkUpdate(trx, 'voucher_devices', PRESENCE_COLS, presence);
    appended = await appendJournal(trx, deps.siteId, m, now);
  } else {
    await writeDevices(trx, m, now);
    await bulkUpdate(
      trx,
      'vouchers',
      { add: ['bytes_up', 'bytes_down', 'counted_bytes', 'uptime_seconds'], fixed: { updated_at: now } },
      voucherCorrections(m.vouchers),
    );
  }
  await recordAlerts(trx, deps.clock, deps.log, m.alerts);
  await recordSessions(trx, deps.clock, m.devices);
  const keys = pollStateKeys(deps.siteId);
  const values: Array<string | number> = [keys.lastPoll, String(now), now];
  if (bootTime !== undefined) values.push(keys.bootTime, String(bootTime), now);
  // Plain SQL, the same on both engines: every poll of every site runs it, and knex built it anew each time.
  await trx.raw(
    `INSERT INTO router_state ("key", "value", updated_at) VALUES ${values.length > 3 ? '(?, ?, ?), (?, ?, ?)' : '(?, ?, ?)'}
     ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", updated_at = excluded.updated_at`,
    values,
  );
  return appended;
}

/** The last metered poll and the router's boot time it saw, kept across controller restarts. */
export async function readPollState(
  db: Knex,
  siteId: number,
): Promise<{ lastPollAt?: number; bootTime?: number }> {
  const keys = pollStateKeys(siteId);
  const rows = (await db('router_state').whereIn('key', [keys.lastPoll, keys.bootTime])) as Array<{
    key: string;
    value: string;
  }>;
  const num = (key: string) => {
    const n = Number(rows.find((r) => r.key === key)?.value);
    return Number.isFinite(n) ? n : undefined;
  };
  return { lastPollAt: num(keys.lastPoll), bootTime: num(keys.bootTime) };
}
