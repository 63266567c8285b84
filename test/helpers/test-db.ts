import crypto from 'node:crypto';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { isPostgres } from '../../src/db/knex';
import {
  parseDatabaseUrl,
  pgClientConfig,
  withDatabase,
  type PostgresConfig,
} from '../../src/config/database-url';

/**
 * Which engine the tests run on. `PISONET_TEST_DATABASE=postgres://user:password@host:port/postgres` (set by
 * `npm run test:pg`) makes every harness and every test opening its own database create a fresh PostgreSQL
 * database on that server, dropped again on close; unset, they use SQLite files in temporary folders.
 */
const BASE = process.env.PISONET_TEST_DATABASE?.trim() ?? '';

export const onPostgres = BASE !== '';

function baseConfig(): PostgresConfig {
  const c = parseDatabaseUrl(BASE, '/');
  if (c.engine !== 'postgres') throw new Error('PISONET_TEST_DATABASE must be a postgres:// URL');
  return c;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = baseConfig();
  const client = new pg.Client(pgClientConfig(c));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** DATABASE_URL for the config (with the password: tests only). */
  url: string;
  /** Removes the database (PostgreSQL) — the SQLite file goes with its temporary folder. */
  drop(): Promise<void>;
}

/** A fresh, empty database: a new PostgreSQL database, or `<dir>/<name>` as SQLite. */
export async function createTestDatabase(dir: string, name = 'test.sqlite'): Promise<TestDatabase> {
  if (!onPostgres) return { url: `sqlite:${path.join(dir, name)}`, drop: async () => undefined };
  const db = `pisonet_t_${crypto.randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const u = new URL(BASE);
  u.pathname = `/${db}`;
  let dropped = false;
  return {
    url: u.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
    },
  };
}

/** The PostgreSQL config of a test database's URL. */
export function postgresConfigOf(url: string): PostgresConfig {
  const c = parseDatabaseUrl(url, '/');
  if (c.engine !== 'postgres') throw new Error(`not a PostgreSQL URL: ${c.shown}`);
  return withDatabase(c, c.database);
}

/**
 * Makes every `op` on `table` fail with `message` (a trigger), on either engine, until the returned function
 * removes it: a write transaction that dies half-way, as when the controller is killed or the disk fails.
 * `when` is an SQL condition on NEW (SQLite: in the trigger's WHEN; PostgreSQL: in the function).
 */
export async function failWrites(
  db: Knex,
  name: string,
  op: 'INSERT' | 'UPDATE',
  table: string,
  message: string,
  when?: string,
): Promise<() => Promise<void>> {
  if (!isPostgres(db)) {
    await db.raw(
      `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} ${when ? `WHEN ${when}` : ''}
       BEGIN SELECT RAISE(ABORT, '${message}'); END`,
    );
    return async () => void (await db.raw(`DROP TRIGGER ${name}`));
  }
  await db.raw(`CREATE FUNCTION ${name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF ${when ?? 'TRUE'} THEN RAISE EXCEPTION '${message}'; END IF;
      RETURN NEW;
    END $$`);
  await db.raw(`CREATE TRIGGER ${name} BEFORE ${op} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}_fn()`);
  return async () => {
    await db.raw(`DROP TRIGGER ${name} ON ${table}`);
    await db.raw(`DROP FUNCTION ${name}_fn()`);
  };
}
