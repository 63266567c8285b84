/**
 * The product's own export: every table's rows as JSON lines, readable by either engine. A table starts with
 * `{"table":"vouchers","columns":["id","code",...]}`, each row follows as an array in that column order, and the
 * last line says how many tables and rows there were (`{"end":true,...}`). Binary values are
 * `{"$b":"<base64>"}`, times PostgreSQL returns as dates are ISO text. Tables come parents first, each in id
 * order, so a load meets every row's references before the row.
 */
import { Readable } from 'node:stream';
import readline from 'node:readline';
import type { Knex } from 'knex';
import { dependencyOrder, parentsOf, tablesOf } from '../../../db/copy';
import { AppError } from '../../../domain/errors';

/** Rows read and inserted at a time (well under either engine's limit of bound values per statement). */
const BATCH = 500;

function encode(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $b: v.toString('base64') };
  if (v instanceof Date) return v.toISOString();
  return v;
}

function decode(v: unknown): unknown {
  if (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof (v as { $b?: unknown }).$b === 'string'
  )
    return Buffer.from((v as { $b: string }).$b, 'base64');
  return v;
}

/** The tables of `db` in the order a load needs them. */
export async function exportOrder(db: Knex): Promise<string[]> {
  const tables = await tablesOf(db);
  return dependencyOrder(tables, await parentsOf(db, tables));
}

/**
 * The export of `db` as text lines (read it inside one snapshot: a transaction that sees one moment, or a
 * SQLite snapshot file). `counts` receives the rows per table as they are written.
 */
export function exportStream(db: Knex, tables: string[], counts: Record<string, number> = {}): Readable {
  async function* lines(): AsyncGenerator<string> {
    let total = 0;
    for (const t of tables) {
      const columns = Object.keys(await db(t).columnInfo());
      yield `${JSON.stringify({ table: t, columns })}\n`;
      const orderBy = columns.includes('id') ? ['id'] : columns;
      let n = 0;
      for (let offset = 0; ; offset += BATCH) {
        const rows = (await db(t).select(columns).orderBy(orderBy).limit(BATCH).offset(offset)) as Array<
          Record<string, unknown>
        >;
        if (rows.length)
          yield rows.map((r) => `${JSON.stringify(columns.map((c) => encode(r[c])))}\n`).join('');
        n += rows.length;
        if (rows.length < BATCH) break;
      }
      counts[t] = n;
      total += n;
    }
    yield `${JSON.stringify({ end: true, tables: tables.length, rows: total })}\n`;
  }
  return Readable.from(lines());
}

interface Pending {
  table: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
  skip: boolean;
}

const broken = (why: string) =>
  new AppError('BACKUP_DAMAGED', `the backup's export cannot be read: ${why}; nothing was changed`, 422);

/** Loads an export into `db` (a database at the export's schema); returns the rows per table it read. */
export async function loadExport(
  input: Readable,
  db: Knex,
  /** `mayLack`: tables of the export the database lacks that may be passed over (PostgreSQL-only on SQLite). */
  opts: { mayLack?: readonly string[] } = {},
): Promise<Record<string, number>> {
  const have = new Set(await tablesOf(db));
  const counts: Record<string, number> = {};
  let current: Pending | undefined;
  let ended = false;
  const flush = async () => {
    if (current && !current.skip && current.rows.length) await db(current.table).insert(current.rows);
    if (current) current.rows = [];
  };
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    if (ended) throw broken('there is more after its end');
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw broken('a line is not JSON');
    }
    if (Array.isArray(value)) {
      if (!current) throw broken('a row comes before its table');
      if (value.length !== current.columns.length)
        throw broken(`a row of ${current.table} has the wrong width`);
      counts[current.table]++;
      if (current.skip) continue;
      current.rows.push(Object.fromEntries(current.columns.map((c, i) => [c, decode(value[i])])));
      if (current.rows.length >= BATCH) await flush();
      continue;
    }
    const head = value as { table?: unknown; columns?: unknown; end?: unknown };
    await flush();
    if (head.end === true) {
      ended = true;
      continue;
    }
    if (typeof head.table !== 'string' || !Array.isArray(head.columns)) throw broken('a table has no name');
    const table = head.table;
    const skip = !have.has(table);
    if (skip && !opts.mayLack?.includes(table))
      throw new AppError('SCHEMA_MISMATCH', `the restored database has no table ${table}`, 409);
    if (!skip) {
      const cols = new Set(Object.keys(await db(table).columnInfo()));
      const missing = (head.columns as string[]).filter((c) => !cols.has(c));
      if (missing.length)
        throw new AppError(
          'SCHEMA_MISMATCH',
          `the restored ${table} has no column ${missing.join(', ')}`,
          409,
        );
    }
    current = { table, columns: head.columns as string[], rows: [], skip };
    counts[table] = 0;
  }
  if (!ended) throw broken('it ends before its last line');
  return counts;
}
