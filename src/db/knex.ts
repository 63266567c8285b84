import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { migrationSource } from '../../migrations';

export type Db = Knex;

/**
 * Opens the SQLite database with WAL, a busy timeout and foreign keys on every pooled connection,
 * so the server and the terminal menu (separate processes) can share it safely.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const opened = { count: 0 };
  const db = knexFactory({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConn, done: (err: Error | null, conn: SqliteConn) => void) => {
        opened.count++;
        conn.serialize(() => {
          conn.run('PRAGMA journal_mode = WAL');
          conn.run('PRAGMA busy_timeout = 5000');
          conn.run('PRAGMA synchronous = NORMAL');
          conn.run('PRAGMA foreign_keys = ON', (err: Error | null) => done(err, conn));
        });
      },
    },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
  connectionsOpened.set(db, () => opened.count);
  return db;
}

/**
 * A second connection for reads on the customer's hot path (the portal looking a code up). SQLite in WAL mode
 * lets it read while the main connection writes, so a redemption's lookup does not queue behind other
 * redemptions' writes on the one writing connection. It sees committed data only, which is all a lookup needs:
 * every claim is a conditional write on the main connection. `query_only` makes a write on it an error.
 * An in-memory database has no second view of itself: the main connection is returned.
 */
export function openReader(db: Db, file: string): Db {
  if (file === ':memory:') return db;
  return knexFactory({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 0,
      max: 1,
      afterCreate: (conn: SqliteConn, done: (err: Error | null, conn: SqliteConn) => void) => {
        conn.serialize(() => {
          conn.run('PRAGMA busy_timeout = 5000');
          conn.run('PRAGMA query_only = ON', (err: Error | null) => done(err, conn));
        });
      },
    },
  });
}

const connectionsOpened = new WeakMap<Db, () => number>();

/**
 * How many SQLite connections this database's pool has opened so far. Per-connection values (PRAGMA
 * data_version) are only comparable while this number stays the same. 0 for a Knex not made here.
 */
export function connectionEpoch(db: Db): number {
  return connectionsOpened.get(db)?.() ?? 0;
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
