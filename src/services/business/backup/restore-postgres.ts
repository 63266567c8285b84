/**
 * A restore into the PostgreSQL database, whatever the backup's engine:
 *
 * - pg_dump's file: pg_restore turns it into SQL (which also proves this pg_restore can read it), then psql runs
 *   that SQL in ONE transaction after dropping what the schema holds: it all happens, or nothing does.
 * - SQLite's file or the export: built as a staging copy first (the SQLite file in a working folder, the export
 *   in a schema of its own), checked and migrated there, then copied over the shop's tables by `copyDatabase`,
 *   again in one transaction, which also counts both sides.
 *
 * A restore cut short (a power cut, kill -9) changed nothing: the transaction never committed, and the lock went
 * with its connection. What it may leave is the export's staging schema (`pisonet_restore_…`) and its working
 * folder in the data folder (`.restore-…`): the next restore drops both first (it holds the database lock, so no
 * other restore is using one).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { PostgresConfig } from '../../../config/database-url';
import { copyDatabase } from '../../../db/copy';
import { migrateLatest, openDatabase, rawRows } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import { payloadStream } from './file-format';
import { openSqliteFile, rowCounts } from './inspect';
import { pgEnv, requireTool, runTool } from './pg-tools';
import { checkCounts, finishStaging, loadExportInto, writeSqlitePayload } from './staging';
import type { BackupManifest } from './types';

/** Drops everything the shop's schema holds, so the dump's SQL recreates it as it was. */
const CLEAR_SCHEMA = `
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT viewname FROM pg_views WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP VIEW IF EXISTS %I CASCADE', r.viewname);
  END LOOP;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', r.sequence_name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.prokind = 'f' LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.sig);
  END LOOP;
END $$;
`;

const WORK_PREFIX = '.restore-';

/**
 * A working folder in the data folder, not the system's temporary one: /tmp is often RAM (tmpfs), and a pg_dump's
 * SQL or a staging SQLite file as large as the shop does not fit beside the server on a 1 GB box. One left by a
 * restore cut short goes first: the caller holds the database lock, so no other restore is using it.
 */
async function withWorkDir<T>(dataDir: string, fn: (dir: string) => Promise<T>): Promise<T> {
  await fs.promises.mkdir(dataDir, { recursive: true });
  for (const name of await fs.promises.readdir(dataDir))
    if (name.startsWith(WORK_PREFIX))
      await fs.promises.rm(path.join(dataDir, name), { recursive: true, force: true });
  const dir = await fs.promises.mkdtemp(path.join(dataDir, WORK_PREFIX));
  try {
    return await fn(dir);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** pg_dump's file into the database; the migrations it then went through. */
export async function restorePgDump(
  file: string,
  manifest: BackupManifest,
  c: PostgresConfig,
  dataDir: string,
): Promise<string[]> {
  requireTool('pg_restore', 'Restoring a pg_dump backup');
  requireTool('psql', 'Restoring a pg_dump backup');
  await withWorkDir(dataDir, async (dir) => {
    const sql = path.join(dir, 'restore.sql');
    const prelude = path.join(dir, 'clear.sql');
    await fs.promises.writeFile(prelude, CLEAR_SCHEMA, { mode: 0o600 });
    await runTool({
      tool: 'pg_restore',
      args: ['--no-owner', '--no-privileges', '--file', sql],
      env: pgEnv(c, 'pisonet restore'),
      stdin: payloadStream(file, manifest),
    }).catch((err: AppError) => {
      throw new AppError(
        'BACKUP_DAMAGED',
        `${file} cannot be read by pg_restore (${err.message}); nothing was changed`,
        422,
      );
    });
    await runTool({
      tool: 'psql',
      args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', prelude, '-f', sql],
      env: pgEnv(c, 'pisonet restore'),
    }).catch((err: AppError) => {
      throw new AppError(
        'RESTORE_FAILED',
        `${err.message.replace(/^psql failed: /, 'the restore failed: ')}; nothing was changed`,
        500,
      );
    });
  });
  const db = openDatabase(c);
  try {
    try {
      checkCounts(file, manifest, await rowCounts(db));
    } catch (err) {
      throw new AppError(
        'RESTORE_FAILED',
        `${(err as Error).message.replace(/; nothing was changed$/, '')} after restoring it`,
        500,
      );
    }
    return await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

const STAGING_PREFIX = 'pisonet_restore_';

/** Staging schemas left by a restore cut short. */
async function dropLeftStaging(db: Knex): Promise<void> {
  const left = rawRows<{ name: string }>(
    await db.raw("SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE ? ESCAPE '!'", [
      `${STAGING_PREFIX.replace(/_/g, '!_')}%`,
    ]),
  );
  for (const { name } of left) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [name]);
}

/** SQLite's file or the export into the database, through a staging copy; the migrations staging went through. */
export async function restoreViaStaging(
  file: string,
  manifest: BackupManifest,
  c: PostgresConfig,
  dataDir: string,
): Promise<string[]> {
  return withWorkDir(dataDir, async (dir) => {
    const schema = `${STAGING_PREFIX}${crypto.randomBytes(4).toString('hex')}`;
    const target = openDatabase(c);
    let staging: Knex | undefined;
    try {
      await dropLeftStaging(target);
      if (manifest.format === 'sqlite') {
        const stagingFile = path.join(dir, 'staging.sqlite');
        await writeSqlitePayload(file, manifest, stagingFile);
        staging = openSqliteFile(stagingFile);
      } else {
        await target.raw('CREATE SCHEMA ??', [schema]);
        staging = openDatabase(c, { schema });
        await loadExportInto(staging, file, manifest);
      }
      const migrated = await finishStaging(staging, file, manifest, manifest.format === 'export');
      const report = await copyDatabase(staging, target, { force: true });
      if (!report.ok)
        throw new AppError('COPY_MISMATCH', 'the restored database does not agree with the backup', 500);
      return migrated;
    } finally {
      await staging?.destroy();
      await target.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await target.destroy();
    }
  });
}
