import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { knexLog, reportUnreachable } from './unreachable';
import type pg from 'pg';
import { pgDriver } from './pg-driver';
import { usableSqliteFile } from './sqlite-file';
import { migrationSource } from '../../migrations';
import { pgClientConfig, type DatabaseConfig, type PostgresConfig } from '../config/database-url';

export type Db = Knex;

/** Where a database is: a config from DATABASE_URL, or a bare SQLite file name (tests, tools). */
type DatabaseTarget = DatabaseConfig | string;

/**
 * Opens the shop's database: SQLite (the embedded default) or PostgreSQL, from DATABASE_URL's config.
 * A bare string is a SQLite file (or ':memory:').
 */
export function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Db {
  if (typeof target !== 'string' && target.engine === 'postgres') return openPostgres(target, opts.schema);
  return openSqlite(typeof target === 'string' ? target : target.file, opts);
}

interface OpenOptions {
  /**
   * SQLite: this process runs startWalCheckpointer() for the file, so the writing connection does not checkpoint
   * after its own commits (see there). Only the server does; the CLI's connections checkpoint as SQLite does.
   */
  backgroundCheckpoints?: boolean;
  /** PostgreSQL: the schema to work in instead of the user's default (a restore's staging copy). */
  schema?: string;
}

/** Whether this database is PostgreSQL (else SQLite): for the few statements that differ. */
export function isPostgres(db: Knex): boolean {
  const client = (db.client as { config?: { client?: unknown } }).config?.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/**
 * The rows of a `db.raw(...)` result: SQLite's driver gives the array itself, pg a result object holding it.
 */
export function rawRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

/**
 * The id of the one row an `insert(…).returning('id')` wrote. Both engines answer `[{ id }]` with RETURNING;
 * without it SQLite gives `[id]` and PostgreSQL nothing, so every insert whose id is needed asks for it.
 */
export function insertedId(rows: unknown): number {
  const first = Array.isArray(rows) ? (rows[0] as unknown) : undefined;
  const id = typeof first === 'object' && first !== null ? (first as { id?: unknown }).id : first;
  const n = Number(id);
  if (!Number.isSafeInteger(n)) throw new Error('insert returned no id');
  return n;
}

/** Integer types PostgreSQL returns as text by default: bigint (counters, times in ms) and numeric (SUMs). */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/**
 * PostgreSQL: a pool of up to 10 connections (a redemption's lookup does not wait behind a poll's writes).
 * Our counters and timestamps are bigint and SUMs of them numeric, both returned as JS numbers like SQLite
 * does (bytes and milliseconds stay far below 2^53). Errors never carry the password: pg's messages name
 * the host and user only.
 */
function openPostgres(c: PostgresConfig, schema?: string): Db {
  const pgTypes = pgDriver().types;
  const pids = new Set<number>();
  const db = knexFactory({
    client: 'pg',
    ...(schema ? { searchPath: [schema] } : {}),
    connection: {
      ...pgClientConfig(c, 'pisonet'),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 || oid === PG_NUMERIC
            ? (v: string) => (v === null ? null : Number(v))
            : pgTypes.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    } as Knex.PgConnectionConfig,
    pool: {
      min: 0,
      max: 10,
      afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => {
        const pid = (conn as pg.Client & { processID?: number | null }).processID;
        if (typeof pid === 'number') {
          pids.add(pid);
          conn.once('end', () => pids.delete(pid));
        }
        done(null, conn);
      },
    },
    acquireConnectionTimeout: 20_000,
    migrations: { migrationSource, tableName: 'knex_migrations' },
    log: knexLog,
  });
  reportUnreachable(db, c.shown);
  const extras: PgExtras = { config: c, pids, closers: [] };
  postgresExtras.set(db, extras);
  // Connections of our own beside the pool (the change listener, the controller lock) end with it.
  // (knex's own destroy is read-only; it ends the pool through its client's, wrapped here.)
  const client = db.client as { destroy: (cb?: unknown) => Promise<void> };
  const destroyPool = client.destroy.bind(client);
  client.destroy = async (cb?: unknown) => {
    const closers = extras.closers.splice(0);
    await Promise.all(closers.map((fn) => fn().catch(() => undefined)));
    return destroyPool(cb);
  };
  return db;
}

interface PgExtras {
  config: PostgresConfig;
  /** Server process ids of the pool's connections: their notifications are this process's own writes. */
  pids: Set<number>;
  closers: Array<() => Promise<void>>;
}
const postgresExtras = new WeakMap<Db, PgExtras>();

/** The server process ids of this pool's PostgreSQL connections (empty for SQLite). */
export function ownBackendPids(db: Db): ReadonlySet<number> {
  return postgresExtras.get(db)?.pids ?? new Set();
}

/**
 * A connection of its own to the same PostgreSQL database, outside the pool (LISTEN, a session's advisory
 * lock), ended when the database is destroyed. An 'error' on it (the server gone) is reported to `onError`
 * rather than crashing the process.
 */
export async function dedicatedPostgresClient(
  db: Db,
  purpose: string,
  onError: (err: Error) => void,
): Promise<pg.Client> {
  const extras = postgresExtras.get(db);
  if (!extras) throw new Error('not a PostgreSQL database opened by openDatabase');
  const client = new (pgDriver().Client)(pgClientConfig(extras.config, `pisonet ${purpose}`));
  client.on('error', onError);
  await client.connect();
  const close = () => client.end();
  extras.closers.push(close);
  client.once('end', () => {
    const i = extras.closers.indexOf(close);
    if (i >= 0) extras.closers.splice(i, 1);
  });
  return client;
}

/**
 * Opens the SQLite database with WAL, a busy timeout and foreign keys on every pooled connection,
 * so the server and the terminal menu (separate processes) can share it safely.
 */
function openSqlite(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') usableSqliteFile(path.resolve(file));
  const opened = { count: 0 };
  const pragmas = ['journal_mode = WAL', 'busy_timeout = 5000', 'synchronous = NORMAL'];
  if (opts.backgroundCheckpoints && file !== ':memory:') pragmas.push('wal_autocheckpoint = 0');
  const db = sqliteKnex(file, 1, [...pragmas, 'foreign_keys = ON'], () => opened.count++);
  connectionsOpened.set(db, () => opened.count);
  return db;
}

interface WalCheckpointer {
  /** One checkpoint now (the timer's step; tests). */
  checkpointNow(): Promise<void>;
  /** Stops the timer and closes its connection (after any checkpoint in progress). */
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the writing connection. By default the connection that commits past 1,000
 * WAL pages copies them into the database file and syncs it before its statement returns; every write queued
 * behind it (customers' claims at the portal) waits, which was most of the redemption bench's slowest 5 %. Here a
 * connection of its own runs a PASSIVE checkpoint every `everyMs` (it never blocks writers or readers: it copies
 * what no reader still needs, and the writer starts the WAL over once all of it is copied), on libuv's thread
 * pool beside the writer's. The writer is opened with `backgroundCheckpoints` (no checkpoints of its own); if this
 * stops, a new writer connection checkpoints again as SQLite does. PostgreSQL and in-memory databases: none.
 */
export function startWalCheckpointer(
  target: DatabaseTarget,
  onError: (err: Error) => void,
  everyMs = 1000,
): WalCheckpointer | undefined {
  if (typeof target !== 'string' && target.engine === 'postgres') return undefined;
  const file = typeof target === 'string' ? target : target.file;
  if (file === ':memory:') return undefined;
  // The driver knex loads for SQLite, used directly: this connection runs one PRAGMA and nothing else.
  const sqlite3 = require('sqlite3') as {
    Database: new (file: string, cb: (err: Error | null) => void) => CheckpointConn;
  };
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const conn = new sqlite3.Database(file, (err) => {
    if (err) onError(err);
  });
  conn.run('PRAGMA busy_timeout = 1000', (err) => {
    if (err) onError(err);
  });
  let busy = false;
  // One checkpoint at a time: a tick while one runs joins it.
  const tick = (): Promise<void> => {
    if (busy) return running;
    busy = true;
    running = new Promise<void>((resolve) =>
      conn.all('PRAGMA wal_checkpoint(PASSIVE)', (err) => {
        // Busy is normal (another process is checkpointing): the next tick tries again.
        if (err && !/SQLITE_BUSY|SQLITE_LOCKED/.test(err.message)) onError(err);
        busy = false;
        resolve();
      }),
    );
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, everyMs);
  timer.unref();
  return {
    checkpointNow: () => (stopped ? Promise.resolve() : tick()),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      await new Promise<void>((resolve) => conn.close(() => resolve()));
    },
  };
}

interface CheckpointConn {
  run(sql: string, cb: (err: Error | null) => void): unknown;
  all(sql: string, cb: (err: Error | null) => void): unknown;
  close(cb: (err: Error | null) => void): unknown;
}

/**
 * A second connection for reads on the customer's hot path (the portal looking a code up). SQLite in WAL mode
 * lets it read while the main connection writes, so a redemption's lookup does not queue behind other
 * redemptions' writes on the one writing connection. It sees committed data only, which is all a lookup needs:
 * every claim is a conditional write on the main connection. `query_only` makes a write on it an error.
 * An in-memory database has no second view of itself: the main connection is returned.
 */
export function openReader(db: Db, target: DatabaseTarget): Db {
  // PostgreSQL's pool already reads beside writes (MVCC): the same pool serves both.
  if (typeof target !== 'string' && target.engine === 'postgres') return db;
  const file = typeof target === 'string' ? target : target.file;
  if (file === ':memory:') return db;
  return sqliteKnex(file, 0, ['busy_timeout = 5000', 'query_only = ON']);
}

const connectionsOpened = new WeakMap<Db, () => number>();

/**
 * How many SQLite connections this database's pool has opened so far. Per-connection values (PRAGMA
 * data_version) are only comparable while this number stays the same. 0 for a Knex not made here.
 */
export function connectionEpoch(db: Db): number {
  return connectionsOpened.get(db)?.() ?? 0;
}

/**
 * A knex over one SQLite file on a single pooled connection (`min` kept open), running these pragmas in order
 * on each connection it opens; `onOpen` counts the connections.
 */
export function sqliteKnex(file: string, min: 0 | 1, pragmas: string[], onOpen?: () => void): Db {
  const last = pragmas[pragmas.length - 1];
  return knexFactory({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min,
      max: 1,
      afterCreate: (conn: SqliteConn, done: (err: Error | null, conn: SqliteConn) => void) => {
        onOpen?.();
        // Each pragma with its own callback (one without would crash the process on a file that is not a
        // database); the first failure is the connection's.
        let failed: Error | null = null;
        const keep = (err: Error | null) => void (failed ??= err);
        conn.serialize(() => {
          for (const p of pragmas.slice(0, -1)) conn.run(`PRAGMA ${p}`, keep);
          conn.run(`PRAGMA ${last}`, (err: Error | null) => done(failed ?? err, conn));
        });
      },
    },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

interface SqliteConn {
  serialize(cb: () => void): void;
  run(sql: string, cb?: (err: Error | null) => void): void;
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export async function migrateDownAll(db: Db): Promise<void> {
  await db.migrate.rollback(undefined, true);
}

export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `err` is the refusal of a unique index whose columns include `column` (SQLite names `table.column` in
 * its message, PostgreSQL the index, which knex names `table_col1_col2_unique`). A repeat is told apart this
 * way, by the index itself, never by a read before the write.
 */
export function isUniqueViolation(err: unknown, table: string, column: string): boolean {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e?.code === '23505')
    return (
      typeof e.constraint === 'string' && e.constraint.startsWith(table) && e.constraint.includes(column)
    );
  return (
    typeof e?.message === 'string' &&
    e.message.includes('UNIQUE constraint failed') &&
    e.message.includes(`${table}.${column}`)
  );
}
