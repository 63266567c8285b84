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
const ROWS_PER_STATEMENT = 400;

type Cell = string | number | null;

/**
 * `UPDATE t SET … FROM (VALUES …)` for many rows in one statement (SQLite ≥ 3.33): 5,000 single-row
 * updates would dominate the cycle's CPU. knex has no builder for UPDATE … FROM, hence raw SQL; every
 * value is a binding. `add` columns are increments (`col = col + value`), the others are assigned.
 */
export async function bulkUpdate(
  trx: Knex,
  table: string,
  cols: { set?: string[]; add?: string[] },
  rows: Array<{ id: number; values: Cell[] }>,
): Promise<void> {
  const set = cols.set ?? [];
  const add = cols.add ?? [];
  const all = [...add, ...set];
  const assignments = all.map((c, i) =>
    i < add.length ? `"${c}" = "${table}"."${c}" + u.column${i + 2}` : `"${c}" = u.column${i + 2}`,
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    const tuple = `(${Array(all.length + 1)
      .fill('?')
      .join(',')})`;
    const bindings: Cell[] = [];
    for (const r of part) bindings.push(r.id, ...r.values);
    await trx.raw(
      `UPDATE "${table}" SET ${assignments.join(', ')} FROM (VALUES ${part.map(() => tuple).join(',')}) AS u WHERE "${table}".id = u.column1`,
      bindings,
    );
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
  const counters = (d: DeviceWrite): Cell[] => [
    d.dUp,
    d.dDown,
    d.lastSeenAt,
    d.baselineUp,
    d.baselineDown,
    d.rateUp,
    d.rateDown,
  ];
  const narrow = list.filter((d) => !d.presenceChanged).map((d) => ({ id: d.id, values: counters(d) }));
  const wide = list
    .filter((d) => d.presenceChanged)
    .map((d) => ({ id: d.id, values: [...counters(d), d.ip, d.connected ? 1 : 0, d.queueId] }));
  await bulkUpdate(trx, 'voucher_devices', COUNTER_COLS, narrow);
  await bulkUpdate(trx, 'voucher_devices', PRESENCE_COLS, wide);
}

const SAMPLE_COLS = [
  'device_id',
  'voucher_id',
  'ts',
  'resolution',
  'bytes_up',
  'bytes_down',
  'rate_up',
  'rate_down',
] as const;

/** Multi-row INSERT built here: knex's insert builder costs more CPU than SQLite itself for 5,000 rows. */
async function insertSamples(trx: Knex, samples: SampleRow[]): Promise<void> {
  const tuple = `(${SAMPLE_COLS.map(() => '?').join(',')})`;
  for (let i = 0; i < samples.length; i += ROWS_PER_STATEMENT) {
    const part = samples.slice(i, i + ROWS_PER_STATEMENT);
    const bindings: number[] = [];
    for (const s of part) for (const c of SAMPLE_COLS) bindings.push(s[c]);
    await trx.raw(
      `INSERT INTO usage_samples (${SAMPLE_COLS.join(', ')}) VALUES ${part.map(() => tuple).join(',')}`,
      bindings,
    );
  }
}

function voucherRows(list: VoucherWrite[], now: number): Array<{ id: number; values: Cell[] }> {
  return list.map((v) => ({ id: v.id, values: [v.dUp, v.dDown, v.dCounted, v.dUptime, now] }));
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
  await insertSamples(trx, m.samples);
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
