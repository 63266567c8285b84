import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { isPostgres, migrateLatest, openDatabase } from '../../src/db/knex';
import { hashPassword } from '../../src/services/business/admins';
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
  return postgresDatabase(db);
}

/**
 * The owner's account the product's first start would make from ADMIN_USERNAME / ADMIN_PASSWORD, already in a
 * template: a harness with a web server starts as a shop restarted after its first start, and its password is
 * hashed once per template, not once per harness (scrypt, ~50 ms of CPU; hundreds of harnesses a run). The first
 * start's own making of the account is tested where it happens (test/admin/admins.test.ts, the product processes).
 */
export interface TemplateOwner {
  username: string;
  password: string;
  /** Its created_at / updated_at (the harness's clock at start). */
  at: number;
}

/**
 * A fresh database with every migration applied, as the product's first start leaves it (with its owner's account
 * when `owner` is given): a copy of a template migrated once per set of migrations (keyed by their text), instead
 * of 56 migrations run again by every harness. SQLite: the template is a file in the system's temporary folder,
 * copied; PostgreSQL: a template database on the test server (`CREATE DATABASE … TEMPLATE`). The product still
 * runs its migrations at start (they find nothing to do); test/db/migrations.test.ts runs them from an empty
 * database.
 */
export async function createMigratedTestDatabase(
  dir: string,
  name = 'test.sqlite',
  owner?: TemplateOwner,
): Promise<TestDatabase> {
  if (!onPostgres) return copiedSqlite(dir, name, owner);
  const template = await postgresTemplate(owner);
  const db = `pisonet_t_${crypto.randomBytes(6).toString('hex')}`;
  await admin((c) => createFromTemplate(c, db, template));
  return postgresDatabase(db);
}

/** A copy of the migrated SQLite template at `<dir>/<name>` (SQLite whatever engine the tests run on). */
export async function copiedSqlite(
  dir: string,
  name = 'test.sqlite',
  owner?: TemplateOwner,
): Promise<TestDatabase> {
  fs.copyFileSync(await sqliteTemplate(owner), path.join(dir, name));
  return { url: `sqlite:${path.join(dir, name)}`, drop: async () => undefined };
}

/** What the template holds: a digest of the migrations' files (and of the owner), so a change makes a new one. */
function templateKey(owner: TemplateOwner | undefined): string {
  const folder = path.resolve(__dirname, '../../migrations');
  const hash = crypto.createHash('sha256');
  for (const f of fs.readdirSync(folder).sort()) hash.update(f).update(fs.readFileSync(path.join(folder, f)));
  if (owner) hash.update(JSON.stringify([owner.username, owner.password, owner.at]));
  return hash.digest('hex').slice(0, 16);
}

/** Migrated, and the owner's account added as the product's first start adds it (admins' ensureInitial). */
async function fillTemplate(db: Knex, owner: TemplateOwner | undefined): Promise<void> {
  await migrateLatest(db);
  if (!owner) return;
  await db('admin_users').insert({
    username: owner.username,
    password_hash: await hashPassword(owner.password),
    created_at: owner.at,
    updated_at: owner.at,
  });
}

async function sqliteTemplate(owner: TemplateOwner | undefined): Promise<string> {
  const file = path.join(os.tmpdir(), `pisonet-test-template-${templateKey(owner)}.sqlite`);
  if (fs.existsSync(file)) return file;
  // Made under another name and renamed into place: a worker making it at the same time writes its own.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  const db = openDatabase(tmp);
  try {
    await fillTemplate(db, owner);
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.raw('PRAGMA journal_mode = DELETE');
  } finally {
    await db.destroy();
  }
  fs.renameSync(tmp, file);
  for (const extra of ['-wal', '-shm']) fs.rmSync(`${tmp}${extra}`, { force: true });
  return file;
}

async function postgresTemplate(owner: TemplateOwner | undefined): Promise<string> {
  const template = `pisonet_tpl_${templateKey(owner)}`;
  // One worker makes it; the others wait on the lock, then find it made.
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(724001)');
    try {
      const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (found.rowCount) return;
      await c.query(`CREATE DATABASE ${template}_new`);
      const u = new URL(BASE);
      u.pathname = `/${template}_new`;
      const db = openDatabase(parseDatabaseUrl(u.toString(), '/'));
      try {
        await fillTemplate(db, owner);
      } finally {
        await db.destroy();
      }
      await renameWhenFree(c, `${template}_new`, template);
    } finally {
      await c.query('SELECT pg_advisory_unlock(724001)');
    }
  });
  return template;
}

/** PostgreSQL refuses to rename or copy a database someone is still connected to: a closed pool's backends end a moment later. */
async function whenFree(op: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await op();
      return;
    } catch (err) {
      if (attempt >= 50 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function renameWhenFree(c: pg.Client, from: string, to: string): Promise<void> {
  await whenFree(() => c.query(`ALTER DATABASE ${from} RENAME TO ${to}`));
}

async function createFromTemplate(c: pg.Client, db: string, template: string): Promise<void> {
  await whenFree(() => c.query(`CREATE DATABASE ${db} TEMPLATE ${template}`));
}

function postgresDatabase(db: string): TestDatabase {
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
