/**
 * Writes one poll's usage in ONE transaction: bytes, counted bytes, connected time, the counter baselines
 * they were measured against, the samples, the alerts and the poll time. Either all of it lands or none,
 * so a controller killed mid-cycle re-measures from the old baseline and counts each byte exactly once.
 */
import type { Knex } from 'knex';
import { isPostgres } from '../../../db/knex';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import { recordEvents, type EventInput } from '../../business/events';
import { recordAlerts } from './alert-events';
import { chunks } from './load';
import { loginEvent, logoutEvent } from '../../business/events/activity';
import type { AlertCandidate, DeviceWrite, MeterResult, SampleRow, VoucherWrite } from './meter-types';
import * as voucherDevices from '../../shop/voucher-devices/usage';
import {
  bulkUpdate,
  jsonRows,
  jsonRowsValue,
  rowsPerStatement,
  USAGE_SQL_TAG,
  type Cell,
} from '../../../db/bulk-sql';

const LAST_POLL_KEY = 'usage.last_poll_at';
/** When the router last booted, as the last metered poll computed it (see meter.ts bootTimeOf). */
const BOOT_TIME_KEY = 'router.boot_time';

/** Each site's keys: `default` keeps the names it had before sites existed, the others are prefixed with their id. */
function pollStateKeys(siteId: number): { lastPoll: string; bootTime: string } {
  if (siteId === 1) return { lastPoll: LAST_POLL_KEY, bootTime: BOOT_TIME_KEY };
  return { lastPoll: `site.${siteId}.${LAST_POLL_KEY}`, bootTime: `site.${siteId}.${BOOT_TIME_KEY}` };
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
/** What a poll stages per device row: STAGE_COLS but `ts` (the poll's time, bound once per statement) and `queue_id`. */
const POLL_STAGE_COLS = STAGE_COLS.filter((c) => c !== 'ts' && c !== 'queue_id');
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
    /** The stage's name, for the device rows' statement that reads it (voucher-devices/usage.ts). */
    table: T,
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
  };
}
const STAGE_SQL = { sqlite: stageSql(false), pg: stageSql(true) };
const stageSqlOf = (trx: Knex) => (isPostgres(trx) ? STAGE_SQL.pg : STAGE_SQL.sqlite);

/** `rows` as jsonRows' bound values, rowsPerStatement rows each. */
export function jsonChunks(pg: boolean, cols: readonly string[], rows: Cell[][]): string[] {
  return chunks(rows, rowsPerStatement(pg)).map((part) => jsonRowsValue(pg, cols, part));
}

/**
 * Replaces the stage's rows with `chunks` (jsonChunks), in the caller's transaction: in STAGE_COLS order, or, with
 * `ts` given, in POLL_STAGE_COLS order, every row at that time.
 */
async function stage(trx: Knex, chunks: readonly string[], ts?: number): Promise<void> {
  const sql = stageSqlOf(trx);
  await trx.raw(sql.create);
  await trx.raw(sql.clear);
  const fill = ts === undefined ? sql.fill : sql.fillPoll;
  for (const json of chunks) await trx.raw(fill, ts === undefined ? [json] : [ts, json]);
}

async function samplesFromStage(trx: Knex): Promise<void> {
  const sql = stageSqlOf(trx);
  await trx.raw(sql.samples);
  await trx.raw(sql.rollup);
}

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
 * A poll's writes as the statements bind them: mostly text. Made at once from the meter's result, before the
 * transaction begins, so the poll's per-device objects die young instead of living through the transaction's
 * round trips (and being promoted to V8's old generation with 10,000 devices).
 */
interface UsageWrites {
  clearBaselines: number[];
  /** Device rows whose only change is that their rates fell to zero: JSON arrays of ids. */
  zeroed: string[];
  /** `[id, ip, connected, source_counter_id]` of the rows whose presence changed (few). */
  presence: Cell[][];
  /** The other written device rows, staged: jsonRows' values in POLL_STAGE_COLS order. */
  staged: string[];
  /** JSON array of the vouchers whose bytes moved on several devices. */
  several: string;
  /** voucherCorrections' rows. */
  corrections: Cell[][];
  alerts: AlertCandidate[];
  /** Logins the router saw by itself, for the activity feed. */
  logins: EventInput[];
  /** Rows whose session the router ended by itself: a logout each, where the poll is the one to set it offline. */
  ended: Array<{ id: number; voucherId: number; mac: string }>;
}

/** Row ids as JSON arrays, rowsPerStatement each (one bound value a statement). */
function idChunks(pg: boolean, ids: readonly number[]): string[] {
  return chunks(ids, rowsPerStatement(pg)).map((part) => JSON.stringify(part));
}

export function prepareUsage(m: MeterResult, pg: boolean): UsageWrites {
  const staged: Cell[][] = [];
  const presence: Cell[][] = [];
  const zeroed: number[] = [];
  const logins: EventInput[] = [];
  const ended: UsageWrites['ended'] = [];
  for (const d of m.devices) {
    if (d.presenceChanged) presence.push([d.id, d.ip, d.connected ? 1 : 0, d.queueId]);
    // A portal login marks its device online and records its own event, so it is not seen here a second time.
    if (d.session === 'ended') ended.push({ id: d.id, voucherId: d.voucherId, mac: d.mac });
    else if (d.session === 'started')
      logins.push(loginEvent({ voucherId: d.voucherId, mac: d.mac, ip: d.ip, via: 'router', again: true }));
    if (d.ratesZeroed) zeroed.push(d.id);
    else staged.push(stagedCells(d));
  }
  return {
    clearBaselines: m.clearBaselines,
    zeroed: idChunks(pg, zeroed),
    presence,
    staged: jsonChunks(pg, POLL_STAGE_COLS, staged),
    several: JSON.stringify(m.vouchers.filter((v) => v.moved > 1).map((v) => v.id)),
    corrections: voucherCorrections(m.vouchers),
    alerts: m.alerts,
    logins,
    ended,
  };
}

/**
 * Every written device row's counters, baselines and rates, the poll's samples and the vouchers' byte
 * totals, from one staged copy; the few rows whose presence (ip, connected, counting queue) changed get one
 * more statement, and rows whose rates alone fell to zero a cheaper one.
 */
async function writeDevices(trx: Knex, w: UsageWrites, now: number): Promise<void> {
  const sql = stageSqlOf(trx);
  await voucherDevices.zeroRates(trx, w.zeroed, now);
  await voucherDevices.setPresence(trx, w.presence);
  if (w.staged.length === 0) return;
  await stage(trx, w.staged, now);
  await voucherDevices.addStagedUsage(trx, sql.table);
  await trx.raw(sql.vouchers, [now, w.several]);
  await samplesFromStage(trx);
}

/**
 * Appends samples to the raw per-poll table and adds them into the hourly rollup, through the same staged
 * statements as a poll (devices untouched). Exported for tests that lay down history.
 */
export async function recordSamples(trx: Knex, samples: SampleRow[]): Promise<void> {
  if (samples.length === 0) return;
  const rows: Cell[][] = samples.map((s) => [
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
  ]);
  await stage(trx, jsonChunks(isPostgres(trx), STAGE_COLS, rows));
  await samplesFromStage(trx);
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

/**
 * A logout event for each ended session whose row the poll itself sets offline. A row someone else set offline
 * between the poll's read and this write (the owner's kick) keeps that one's logout as the last word.
 */
async function logoutsOf(trx: Knex, ended: UsageWrites['ended']): Promise<EventInput[]> {
  if (ended.length === 0) return [];
  const flipped = await voucherDevices.wentOffline(
    trx,
    idChunks(
      isPostgres(trx),
      ended.map((e) => e.id),
    ),
  );
  return ended
    .filter((e) => flipped.has(e.id))
    .map((e) => logoutEvent({ voucherId: e.voucherId, mac: e.mac }));
}

/**
 * One poll's writes, in the caller's transaction: bytes, counted bytes and connected time with the baselines
 * they were measured against, presence, samples, alerts, login/logout events and the poll's time.
 */
export async function writeUsage(
  trx: Knex,
  deps: { clock: Clock; log: Logger; siteId: number },
  w: UsageWrites,
  now: number,
  countersStartedAt?: number,
): Promise<void> {
  await voucherDevices.clearCounters(trx, w.clearBaselines);
  const logouts = await logoutsOf(trx, w.ended);
  await writeDevices(trx, w, now);
  await bulkUpdate(
    trx,
    'vouchers',
    { add: ['bytes_up', 'bytes_down', 'counted_bytes', 'uptime_seconds'], fixed: { updated_at: now } },
    w.corrections,
  );
  await recordAlerts(trx, deps.clock, deps.log, w.alerts);
  await recordEvents(trx, deps.clock, [...w.logins, ...logouts]);
  const keys = pollStateKeys(deps.siteId);
  const values: Array<string | number> = [keys.lastPoll, String(now), now];
  if (countersStartedAt !== undefined) values.push(keys.bootTime, String(countersStartedAt), now);
  await trx.raw(
    `INSERT INTO router_state ("key", "value", updated_at) VALUES ${values.length > 3 ? '(?, ?, ?), (?, ?, ?)' : '(?, ?, ?)'}
     ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", updated_at = excluded.updated_at`,
    values,
  );
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
