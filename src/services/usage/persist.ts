/**
 * Writes one poll's usage in ONE transaction: bytes, counted bytes, connected time, the counter baselines
 * they were measured against, the samples, the alerts and the poll time. Either all of it lands or none,
 * so a controller killed mid-cycle re-measures from the old baseline and counts each byte exactly once.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { maskCode } from '../../lib/logger';
import { formatBytes } from '../../domain/units';
import { recordEvent } from '../events';
import type { AlertCandidate, DeviceWrite, MeterResult, SampleRow, VoucherWrite } from './meter';

export const LAST_POLL_KEY = 'usage.last_poll_at';
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
 */
function jsonRows(width: number): string {
  const cols = Array.from({ length: width }, (_, i) => `value ->> ${i} AS c${i}`);
  return `(SELECT ${cols.join(', ')} FROM json_each(?))`;
}

/**
 * `UPDATE t SET … FROM (rows) AS u WHERE t.id = u.c0` for many rows in one statement (SQLite ≥ 3.33,
 * `->>` ≥ 3.38): 5,000 single-row updates would dominate the cycle's CPU. knex has no builder for
 * UPDATE … FROM, hence raw SQL; the rows are one bound value. `add` columns are increments
 * (`col = col + value`), the others are assigned.
 */
export async function bulkUpdate(
  trx: Knex,
  table: string,
  cols: { set?: string[]; add?: string[] },
  /** `[id, ...add, ...set]` per row. */
  rows: Cell[][],
): Promise<void> {
  const set = cols.set ?? [];
  const add = cols.add ?? [];
  const all = [...add, ...set];
  const assignments = all.map((c, i) =>
    i < add.length ? `"${c}" = "${table}"."${c}" + u.c${i + 1}` : `"${c}" = u.c${i + 1}`,
  );
  const sql = `${USAGE_SQL_TAG} UPDATE "${table}" SET ${assignments.join(', ')} FROM ${jsonRows(all.length + 1)} AS u WHERE "${table}".id = u.c0`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    await trx.raw(sql, [JSON.stringify(part)]);
  }
}

const COUNTER_COLS = {
  add: ['bytes_up', 'bytes_down'],
  set: ['last_seen_at', 'baseline_up', 'baseline_down', 'rate_up', 'rate_down'],
};
const PRESENCE_COLS = {
  add: COUNTER_COLS.add,
  set: [...COUNTER_COLS.set, 'ip', 'connected', 'counter_queue_id'],
};

/** Most rows only change counters; the few whose presence changed get the wider statement. */
async function writeDevices(trx: Knex, list: DeviceWrite[]): Promise<void> {
  const narrow: Cell[][] = [];
  const wide: Cell[][] = [];
  for (const d of list) {
    if (d.presenceChanged)
      wide.push([
        d.id,
        d.dUp,
        d.dDown,
        d.lastSeenAt,
        d.baselineUp,
        d.baselineDown,
        d.rateUp,
        d.rateDown,
        d.ip,
        d.connected ? 1 : 0,
        d.queueId,
      ]);
    else
      narrow.push([d.id, d.dUp, d.dDown, d.lastSeenAt, d.baselineUp, d.baselineDown, d.rateUp, d.rateDown]);
  }
  await bulkUpdate(trx, 'voucher_devices', COUNTER_COLS, narrow);
  await bulkUpdate(trx, 'voucher_devices', PRESENCE_COLS, wide);
}

const SAMPLE_COLS = ['device_id', 'voucher_id', 'ts', 'bytes_up', 'bytes_down', 'rate_up', 'rate_down'];
const HOUR_MS = 3600_000;

/**
 * The poll's samples, twice from one bound JSON text (see jsonRows; knex's insert builder costs more CPU
 * than SQLite itself): appended to the raw per-poll table, and added into each device's row of the current
 * UTC hour in the rollup (created by the hour's first poll, then updated in place; peak rates kept;
 * several rows for one device and hour, as in a test's history, add up through the same upsert).
 * Exported for tests that lay down history.
 */
export async function recordSamples(trx: Knex, samples: SampleRow[]): Promise<void> {
  const rows = jsonRows(SAMPLE_COLS.length);
  const raw = `INSERT INTO usage_samples (${SAMPLE_COLS.join(', ')}) SELECT * FROM ${rows}`;
  const rollup = `INSERT INTO usage_rollup (ts, resolution, device_id, voucher_id, bytes_up, bytes_down, rate_up, rate_down)
    SELECT (c2 / ${HOUR_MS}) * ${HOUR_MS}, 3600, c0, c1, c3, c4, c5, c6 FROM ${rows} WHERE true
    ON CONFLICT (ts, resolution, device_id) DO UPDATE SET
      bytes_up = bytes_up + excluded.bytes_up, bytes_down = bytes_down + excluded.bytes_down,
      rate_up = MAX(rate_up, excluded.rate_up), rate_down = MAX(rate_down, excluded.rate_down)`;
  for (let i = 0; i < samples.length; i += ROWS_PER_STATEMENT) {
    const part = samples.slice(i, i + ROWS_PER_STATEMENT);
    const json = JSON.stringify(
      part.map((s) => [s.device_id, s.voucher_id, s.ts, s.bytes_up, s.bytes_down, s.rate_up, s.rate_down]),
    );
    await trx.raw(raw, [json]);
    await trx.raw(rollup, [json]);
  }
}

function voucherRows(list: VoucherWrite[], now: number): Cell[][] {
  return list.map((v) => [v.id, v.dUp, v.dDown, v.dCounted, v.dUptime, now]);
}

/** Alerts are sent once per voucher and level: the candidates are checked against the voucher's events. */
async function recordAlerts(trx: Knex, clock: Clock, log: Logger, alerts: AlertCandidate[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const ids = [...new Set(alerts.map((a) => a.voucher.row.id))];
  const sent = new Set(
    (
      (await trx('events')
        .whereIn('voucher_id', ids)
        .whereIn('kind', [...new Set(alerts.map((a) => a.kind))])
        .select('voucher_id', 'kind')) as Array<{ voucher_id: number; kind: string }>
    ).map((e) => `${e.voucher_id}|${e.kind}`),
  );
  let n = 0;
  for (const a of alerts) {
    const k = `${a.voucher.row.id}|${a.kind}`;
    if (sent.has(k)) continue;
    sent.add(k);
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

export async function writeUsage(
  trx: Knex,
  deps: { clock: Clock; log: Logger },
  m: MeterResult,
  now: number,
): Promise<void> {
  if (m.clearBaselines.length > 0)
    await trx('voucher_devices').whereIn('id', m.clearBaselines).update({ counter_queue_id: null });
  await writeDevices(trx, m.devices);
  await bulkUpdate(
    trx,
    'vouchers',
    { add: ['bytes_up', 'bytes_down', 'counted_bytes', 'uptime_seconds'], set: ['updated_at'] },
    voucherRows(m.vouchers, now),
  );
  await recordSamples(trx, m.samples);
  await recordAlerts(trx, deps.clock, deps.log, m.alerts);
  await trx('router_state')
    .insert({ key: LAST_POLL_KEY, value: String(now), updated_at: now })
    .onConflict('key')
    .merge({ value: String(now), updated_at: now });
}

export async function readLastPoll(db: Knex): Promise<number | undefined> {
  const row = (await db('router_state').where({ key: LAST_POLL_KEY }).first()) as
    { value: string } | undefined;
  const n = row ? Number(row.value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
