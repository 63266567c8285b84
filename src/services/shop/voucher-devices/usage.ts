/**
 * The poll's writes to the device rows, many rows a statement (the poll bench's budget: see src/db/bulk-sql.ts).
 * The usage ledger (usage/persist.ts) decides them and runs them in its one transaction with the vouchers'
 * totals and the samples; the statements are the device rows' owner's. Each is tagged USAGE_SQL_TAG: the meter
 * has already applied them to its in-memory copy, so its ChangeWatch does not count them as another's change.
 */
import type { Knex } from 'knex';
import { isPostgres, rawRows } from '../../../db/knex';
import { bulkUpdate, USAGE_SQL_TAG, type Cell } from '../../../db/bulk-sql';

/** Device rows whose only change is that their rates fell to zero (a device gone idle): one id each. */
const RATES_ZEROED = {
  pg: `${USAGE_SQL_TAG} UPDATE voucher_devices SET rate_up = 0, rate_down = 0, last_seen_at = CAST(? AS BIGINT)
  WHERE id IN (SELECT (jsonb_array_elements_text(?::jsonb))::bigint)`,
  sqlite: `${USAGE_SQL_TAG} UPDATE voucher_devices SET rate_up = 0, rate_down = 0, last_seen_at = ?
  WHERE id IN (SELECT value FROM json_each(?))`,
};

/** Counters and baselines of every staged device row (rows with no counter change carry zero deltas). */
const fromStageSql = (T: string) => `${USAGE_SQL_TAG} UPDATE voucher_devices SET
  bytes_up = voucher_devices.bytes_up + s.d_up, bytes_down = voucher_devices.bytes_down + s.d_down,
  last_seen_at = s.last_seen_at, baseline_up = s.baseline_up, baseline_down = s.baseline_down,
  rate_up = s.rate_up, rate_down = s.rate_down
  FROM ${T} AS s WHERE voucher_devices.id = s.device_id`;
/** Made once per stage table (one per engine), as the other staged statements are. */
const FROM_STAGE = new Map<string, string>();

const PRESENCE_COLS = { set: ['ip', 'connected', 'source_counter_id'] };

/** Rows the poll saw go offline that are still online here: set offline, their ids returned. */
const WENT_OFFLINE = {
  pg: `${USAGE_SQL_TAG} UPDATE voucher_devices SET connected = false
  WHERE connected AND id IN (SELECT (jsonb_array_elements_text(?::jsonb))::bigint) RETURNING id`,
  sqlite: `${USAGE_SQL_TAG} UPDATE voucher_devices SET connected = 0
  WHERE connected = 1 AND id IN (SELECT value FROM json_each(?)) RETURNING id`,
};

/** The counters these rows were measured against are gone (a queue removed or replaced): no baseline's counter. */
export async function clearCounters(trx: Knex, ids: readonly number[]): Promise<void> {
  if (ids.length > 0)
    await trx('voucher_devices')
      .whereIn('id', [...ids])
      .update({ source_counter_id: null });
}

/** Rows whose rates alone fell to zero, seen at `at`: `idChunks` are JSON arrays of ids. */
export async function zeroRates(trx: Knex, idChunks: readonly string[], at: number): Promise<void> {
  const sql = isPostgres(trx) ? RATES_ZEROED.pg : RATES_ZEROED.sqlite;
  for (const ids of idChunks) await trx.raw(sql, [at, ids]);
}

/**
 * Of the rows whose session the poll saw end (`idChunks`: JSON arrays of ids), the ones this statement sets
 * offline. A row already offline was set so by someone else meanwhile (the owner's kick, which records its own
 * logout), so the poll records no logout of its own for it. One statement: it flips a row or finds it flipped.
 */
export async function wentOffline(trx: Knex, idChunks: readonly string[]): Promise<Set<number>> {
  const sql = isPostgres(trx) ? WENT_OFFLINE.pg : WENT_OFFLINE.sqlite;
  const ids = new Set<number>();
  for (const chunk of idChunks)
    for (const r of rawRows<{ id: number | string }>(await trx.raw(sql, [chunk]))) ids.add(Number(r.id));
  return ids;
}

/** `[id, ip, connected, source_counter_id]` of the rows whose presence changed. */
export async function setPresence(trx: Knex, rows: Cell[][]): Promise<void> {
  await bulkUpdate(trx, 'voucher_devices', PRESENCE_COLS, rows);
}

/** Counters, baselines, rates and last seen of every row staged in `stageTable` (its d_up, d_down, …). */
export async function addStagedUsage(trx: Knex, stageTable: string): Promise<void> {
  let sql = FROM_STAGE.get(stageTable);
  if (sql === undefined) FROM_STAGE.set(stageTable, (sql = fromStageSql(stageTable)));
  await trx.raw(sql);
}
