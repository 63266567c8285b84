/**
 * Making one backup file of the running shop's database, consistent while polls and customers write:
 *
 * - SQLite: `VACUUM INTO` a snapshot beside the backup (sqlite-snapshot.ts); the header's counts are read from
 *   that snapshot, and the payload is the snapshot gzipped (or its export).
 * - PostgreSQL: one REPEATABLE READ, READ ONLY transaction sees one moment; the counts are read in it, and
 *   pg_dump is given the same moment (`--snapshot`), or the export is read in it.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import type { AppConfig } from '../../../config/env';
import { AppError } from '../../../domain/errors';
import type { Db } from '../../../db/knex';
import { exportOrder, exportStream } from './export-format';
import { writeBackupFile } from './file-format';
import { lastMigration, openSqliteFile, rowCounts, sealedCounts } from './inspect';
import { findTool, isVersionMismatch, pgEnv, runToolStream } from './pg-tools';
import { snapshotSqlite } from './sqlite-snapshot';
import type { BackupFormat, BackupManifest } from './types';

interface MakeInput {
  config: AppConfig;
  /** The shop's database (PostgreSQL reads through it; SQLite is read from its own snapshot). */
  db?: Db;
  dest: string;
  format: 'auto' | BackupFormat;
  /** Product version, time and shop time for the header. */
  stamp: { version: string; madeAt: number; local: string; tz: string };
}

/** What `auto` writes on this engine now. */
export function autoFormat(config: AppConfig, env: NodeJS.ProcessEnv = process.env): BackupFormat {
  if (config.database.engine === 'sqlite') return 'sqlite';
  return findTool('pg_dump', env) ? 'pgdump' : 'export';
}

function wrongFormat(format: BackupFormat, engine: string): AppError {
  return new AppError(
    'BACKUP_WRONG_ENGINE',
    `a ${format} backup cannot be made of a ${engine} database; use --format auto or export`,
    400,
  );
}

async function describe(db: Knex, input: MakeInput): Promise<Omit<BackupManifest, 'payload' | 'format'>> {
  const migration = await lastMigration(db);
  if (!migration)
    throw new AppError(
      'BACKUP_FAILED',
      'the database has never been set up (no migrations); start the server once first',
      409,
    );
  return {
    product: 'pisonet-manager',
    version: input.stamp.version,
    made_at: input.stamp.madeAt,
    made_at_local: input.stamp.local,
    tz: input.stamp.tz,
    engine: input.config.database.engine,
    migration,
    tables: await rowCounts(db),
    sealed: await sealedCounts(db),
  };
}

export async function makeBackup(input: MakeInput): Promise<BackupManifest> {
  const engine = input.config.database.engine;
  const format = input.format === 'auto' ? autoFormat(input.config) : input.format;
  if (engine === 'sqlite' && format === 'pgdump') throw wrongFormat(format, 'SQLite');
  if (engine === 'postgres' && format === 'sqlite') throw wrongFormat(format, 'PostgreSQL');
  return engine === 'sqlite'
    ? backupSqlite(input, format)
    : backupPostgres(input, format, input.format === 'auto');
}

async function backupSqlite(input: MakeInput, format: BackupFormat): Promise<BackupManifest> {
  const { database } = input.config;
  if (database.engine !== 'sqlite') throw new Error('not SQLite');
  const snapshot = `${input.dest}.snapshot`;
  await snapshotSqlite(database.file, snapshot);
  const snap = openSqliteFile(snapshot, { readonly: true });
  try {
    const described = await describe(snap, input);
    const order = format === 'export' ? await exportOrder(snap) : null;
    return await writeBackupFile(
      input.dest,
      () => (order ? exportStream(snap, order) : fs.createReadStream(snapshot)),
      'gzip',
      (payload) => ({ ...described, format, payload }),
    );
  } finally {
    await snap.destroy();
    await fs.promises.rm(snapshot, { force: true });
  }
}

async function backupPostgres(
  input: MakeInput,
  format: BackupFormat,
  auto: boolean,
): Promise<BackupManifest> {
  const { database } = input.config;
  if (database.engine !== 'postgres' || !input.db) throw new Error('not PostgreSQL');
  return input.db.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const described = await describe(trx, input);
    if (format === 'pgdump') {
      const [{ id }] = (await trx.raw('SELECT pg_export_snapshot() AS id')).rows as Array<{ id: string }>;
      try {
        return await writeBackupFile(
          input.dest,
          () =>
            runToolStream({
              tool: 'pg_dump',
              args: ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${id}`],
              env: pgEnv(database, 'pisonet backup'),
            }),
          'none',
          (payload) => ({ ...described, format, payload }),
        );
      } catch (err) {
        // An older pg_dump than the server: the export instead, when the owner left the choice to us.
        if (!auto || !isVersionMismatch(err)) throw err;
      }
    }
    const order = await exportOrder(trx);
    return writeBackupFile(
      input.dest,
      () => exportStream(trx, order),
      'gzip',
      (payload) => ({
        ...described,
        format: 'export',
        payload,
      }),
    );
  });
}
