/**
 * `pisonet db copy`: moves a shop's whole database to another one, typically from the SQLite file to a
 * PostgreSQL database (either way works). The target is migrated, must be empty (or is emptied with
 * `force`), and receives every table in foreign-key order, in batches, inside ONE transaction: a copy that
 * fails half-way leaves the target as empty as it was. Ids are copied as they are, so PostgreSQL's id
 * sequences are moved past them afterwards. Then both sides are counted: rows per table and the sums of
 * every money and byte column, which must agree exactly.
 */
import type { Knex } from 'knex';
import { AppError } from '../domain/errors';
import { RADIUS_TABLES } from '../radius/tables';
import { isPostgres, migrateLatest, rawRows } from './knex';
import { RADIUS_CLIENTS } from '../domain/site-mode';

/** Rows per INSERT: well under PostgreSQL's 65,535 bindings for our widest table. */
const BATCH = 500;

/** Columns summed by the check: money (centavos) and traffic (bytes). */
const CHECKED_COLUMN = /(^|_)(price|amount|credit|expected|counted|bytes)(_|$)/;

export interface TableCheck {
  table: string;
  rows: { source: number; target: number };
  sums: Array<{ column: string; source: number; target: number }>;
  ok: boolean;
}

export interface CopyReport {
  tables: TableCheck[];
  copiedRows: number;
  ok: boolean;
}

interface CopyOptions {
  /** Empty a target that already holds data instead of refusing it. */
  force?: boolean;
  /** Progress lines (one per table). */
  progress?: (line: string) => void;
}

/** The application's tables (not knex's bookkeeping, not SQLite's own). */
export async function tablesOf(db: Knex): Promise<string[]> {
  const names: string[] = isPostgres(db)
    ? await db('information_schema.tables')
        .where({ table_schema: db.raw('current_schema()'), table_type: 'BASE TABLE' })
        .pluck('table_name')
    : await db('sqlite_master').where({ type: 'table' }).pluck('name');
  return names.filter((n) => !n.startsWith('knex_migrations') && !n.startsWith('sqlite_')).sort();
}

/** Parent tables each table's foreign keys point to. */
export async function parentsOf(db: Knex, tables: string[]): Promise<Map<string, Set<string>>> {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  if (isPostgres(db)) {
    const rows = rawRows<{ child: string; parent: string }>(
      await db.raw(
        `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
           FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE c.contype = 'f' AND n.nspname = current_schema()`,
      ),
    );
    for (const r of rows) parents.get(r.child.replace(/"/g, ''))?.add(r.parent.replace(/"/g, ''));
  } else {
    for (const t of tables) {
      const rows = rawRows<{ table: string }>(await db.raw(`PRAGMA foreign_key_list("${t}")`));
      for (const r of rows) parents.get(t)?.add(r.table);
    }
  }
  return parents;
}

/** Tables ordered so that every table comes after the tables it references. */
export function dependencyOrder(tables: string[], parents: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string): void => {
    if (state.get(t) === 'done' || state.get(t) === 'visiting') return; // a self-reference or cycle: as is
    state.set(t, 'visiting');
    for (const p of [...(parents.get(t) ?? [])].sort()) if (p !== t && parents.has(p)) visit(p);
    state.set(t, 'done');
    order.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return order;
}

async function columnsOf(db: Knex, table: string): Promise<string[]> {
  return Object.keys(await db(table).columnInfo());
}

async function countAndSums(
  db: Knex,
  table: string,
  summed: string[],
): Promise<{ n: number; sums: number[] }> {
  const row = (await db(table).first(
    db.raw('COUNT(*) AS n'),
    ...summed.map((c, i) => db.raw(`COALESCE(SUM("${c}"), 0) AS s${i}`)),
  )) as Record<string, unknown>;
  return { n: Number(row.n), sums: summed.map((_, i) => Number(row[`s${i}`])) };
}

/**
 * Rows a freshly migrated database holds before any shop data: they do not make a target "not empty", and the
 * source's own copies replace them. `sites` row 1 is the .env router (migration 0015); `subscriber_numbers` row 1
 * is the account-number counter before any subscriber (migration 0046), `invoice_numbers` row 1 the
 * invoice-number counter (migration 0050).
 */
const SEEDED: Record<string, Record<string, string | number>> = {
  sites: { id: 1, name: 'default' },
  subscriber_numbers: { id: 1, last: 0 },
  invoice_numbers: { id: 1, last: 0 },
};

async function hasRadiusSites(db: Knex): Promise<boolean> {
  if (!(await db.schema.hasColumn('sites', 'mode'))) return false;
  return (await db('sites').where(RADIUS_CLIENTS).first('id')) !== undefined;
}

/** Copies everything from `source` into `target` (both open); see the module comment. */
export async function copyDatabase(source: Knex, target: Knex, opts: CopyOptions = {}): Promise<CopyReport> {
  const say = opts.progress ?? (() => undefined);
  // Both at the same schema: the source as its server would bring it at start, the target from nothing.
  await migrateLatest(source);
  await migrateLatest(target);
  const sourceTables = await tablesOf(source);
  const targetTables = await tablesOf(target);
  // FreeRADIUS's tables exist on PostgreSQL only (RADIUS mode needs it): a copy to SQLite leaves them, and is
  // refused while a site runs in RADIUS mode.
  if (!isPostgres(target) && (await hasRadiusSites(source)))
    throw new AppError(
      'RADIUS_NEEDS_POSTGRES',
      'the source has sites in RADIUS mode, which need PostgreSQL (FreeRADIUS reads and writes its tables); copy into a PostgreSQL database, or switch those sites to API mode first',
      409,
    );
  const missing = sourceTables.filter((t) => !targetTables.includes(t) && !RADIUS_TABLES.includes(t));
  if (missing.length)
    throw new AppError(
      'SCHEMA_MISMATCH',
      `the target has no table ${missing.join(', ')} after migrating`,
      409,
    );
  const order = dependencyOrder(targetTables, await parentsOf(target, targetTables));

  const holding: string[] = [];
  for (const t of order) {
    const seeded = SEEDED[t];
    const n = seeded
      ? Number(((await target(t).whereNot(seeded).count({ n: '*' })) as Array<{ n: unknown }>)[0].n)
      : (await countAndSums(target, t, [])).n;
    if (n > 0) holding.push(t);
  }
  if (holding.length && !opts.force)
    throw new AppError(
      'TARGET_NOT_EMPTY',
      `the target database already holds data (${holding.join(', ')}); copy into an empty database, or add --force to replace everything in it`,
      409,
    );

  let copiedRows = 0;
  await target.transaction(async (dst) => {
    // Children first when emptying, parents first when filling. The rows the target's own migrations made are
    // replaced by the source's.
    if (holding.length) for (const t of [...order].reverse()) await dst(t).del();
    else
      for (const t of Object.keys(SEEDED)) if (sourceTables.includes(t)) await dst(t).where(SEEDED[t]).del();
    for (const t of order) {
      if (!sourceTables.includes(t)) continue;
      const cols = await columnsOf(source, t);
      const targetCols = new Set(await columnsOf(dst, t));
      const shared = cols.filter((c) => targetCols.has(c));
      const orderBy = shared.includes('id') ? ['id'] : shared;
      let n = 0;
      for (let offset = 0; ; offset += BATCH) {
        const rows = (await source(t).select(shared).orderBy(orderBy).limit(BATCH).offset(offset)) as Array<
          Record<string, unknown>
        >;
        if (rows.length === 0) break;
        await dst(t).insert(rows);
        n += rows.length;
        if (rows.length < BATCH) break;
      }
      copiedRows += n;
      say(`${t}: ${n} row(s)`);
      // Ids were copied as they are: PostgreSQL's sequence must continue after the highest one.
      if (isPostgres(target) && shared.includes('id')) {
        const [seq] = rawRows<{ name: string | null }>(
          await dst.raw("SELECT pg_get_serial_sequence(?, 'id') AS name", [t]),
        );
        if (seq?.name)
          await dst.raw(`SELECT setval(?, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "${t}"`, [
            seq.name,
          ]);
      }
    }
  });

  const tables: TableCheck[] = [];
  for (const t of order) {
    if (!sourceTables.includes(t)) continue;
    const summed = (await columnsOf(target, t)).filter((c) => CHECKED_COLUMN.test(c));
    const a = await countAndSums(source, t, summed);
    const b = await countAndSums(target, t, summed);
    const sums = summed.map((column, i) => ({ column, source: a.sums[i], target: b.sums[i] }));
    tables.push({
      table: t,
      rows: { source: a.n, target: b.n },
      sums,
      ok: a.n === b.n && sums.every((s) => s.source === s.target),
    });
  }
  return { tables, copiedRows, ok: tables.every((t) => t.ok) };
}
