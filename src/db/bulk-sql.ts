/**
 * Many rows in one statement, for the ledger's writes: a poll updates thousands of device and voucher rows, and a
 * statement per row would be most of the poll's CPU. The rows are ONE bound JSON value, never SQL text.
 */
import type { Knex } from 'knex';
import { isPostgres, rawRows } from './knex';

/**
 * Rows per statement, bounding the JSON text bound to one statement (~80 bytes a row). SQLite: 500 rows, so that the
 * text, the driver's copy of it and SQLite's parse of it (a node per value) each stay under glibc's 128 KiB mmap
 * threshold (src/config/runtime.ts): a larger block is mapped afresh and faulted in page by page on every statement,
 * and page faults are dear on a virtual machine. A poll's 10,000 staged device rows cost 46 ms of CPU in one
 * statement and 22 ms in 500-row ones (bind, parse and insert; 24 ms at 1,000 rows, 33 ms at 100, where each
 * statement's own cost shows). PostgreSQL: 10,000, a round trip each.
 */
export function rowsPerStatement(pg: boolean): number {
  return pg ? 10_000 : 500;
}

export type Cell = string | number | null;

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
export function jsonRows(pg: boolean, table: string, cols: readonly string[]): string {
  if (pg) {
    const picked = cols.map((c, i) => `"${c}" AS c${i}`);
    return `(SELECT ${picked.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb))`;
  }
  // `value` (a row's JSON text) made once per row: SQLite flattens a plain subquery and renders it again for every
  // `->>`; OFFSET 0 keeps the inner query whole (a poll's 10,000-row stage 30 → 28 ms, 2,000 PPP sessions 7.0 → 5.7).
  const picked = cols.map((_, i) => `r.value ->> ${i} AS c${i}`);
  return `(SELECT ${picked.join(', ')} FROM (SELECT value FROM json_each(?) LIMIT -1 OFFSET 0) AS r)`;
}

/** The bound JSON for jsonRows: arrays for SQLite, objects keyed by column for PostgreSQL. */
export function jsonRowsValue(pg: boolean, cols: readonly string[], rows: Cell[][]): string {
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
  const size = rowsPerStatement(pg);
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    await trx.raw(sql, [...values, jsonRowsValue(pg, rowCols, part)]);
  }
}

/**
 * Rows of a large SELECT as ONE JSON text built by SQLite (json_group_array of json_object) and parsed
 * with JSON.parse: for thousands of rows this takes half the CPU of the driver building one object per
 * row. Values are the same: integers come back as numbers (doubles, as the driver gives them), text as
 * strings, NULL as null. `cols`: a column of `alias` by name, or [name, expression] for one of another table;
 * `from` is fixed SQL written here; every value is a binding.
 */
export async function jsonSelect<T>(
  db: Knex,
  alias: string,
  cols: ReadonlyArray<string | readonly [string, string]>,
  from: string,
  bindings: readonly (string | number)[],
): Promise<T[]> {
  const named = cols.map((c) => (typeof c === 'string' ? ([c, `${alias}."${c}"`] as const) : c));
  if (isPostgres(db)) {
    // The pg driver's rows are already cheap objects; its type parsers (src/db/knex.ts) give numbers.
    const list = named.map(([name, expr]) => `${expr} AS "${name}"`).join(', ');
    return rawRows<T>(await db.raw(`SELECT ${list} ${from}`, [...bindings]));
  }
  const obj = named.map(([name, expr]) => `'${name}', ${expr}`).join(', ');
  const rows = (await db.raw(`SELECT json_group_array(json_object(${obj})) AS j ${from}`, [
    ...bindings,
  ])) as Array<{ j: string | null }>;
  return rows[0]?.j ? (JSON.parse(rows[0].j) as T[]) : [];
}
