/**
 * `pisonet restore FILE`: the shop's database replaced by a backup. Everything that can refuse does so before
 * anything changes: the file is read whole and checked against its header (a damaged or cut-short file is one
 * line), the backup must be of a schema this version knows, no server may be using the database (the restore
 * holds the controller lock itself while it works, so none can start either), and a database that holds a shop
 * is replaced only when the owner said so (`yes`). Then the backup is built and migrated apart and put in place
 * in one step (restore-sqlite.ts, restore-postgres.ts). Afterwards: whether the data folder's keys open the
 * sealed secrets it holds.
 */
import fs from 'node:fs';
import type { AppConfig } from '../../../config/env';
import { acquireDatabaseLock, LOCK_CLASS, LOCK_SLOT } from '../../../db/controller-lock-pg';
import type { ControllerLock } from '../../../db/controller-lock';
import { openDatabase, rawRows } from '../../../db/knex';
import { AppError, StartRefused } from '../../../domain/errors';
import { timeFormatter } from '../../../lib/log-format';
import type { Logger } from '../../../lib/logger';
import { verifyBackup } from './file-format';
import {
  describeContents,
  knownMigrations,
  openSqliteFile,
  rowCounts,
  shopContents,
  type ShopContents,
} from './inspect';
import { restorePgDump, restoreViaStaging } from './restore-postgres';
import { restoreIntoSqlite } from './restore-sqlite';
import { sealedKeyWarnings } from './sealed-keys';
import type { BackupManifest } from './types';

interface RestoreOptions {
  /** Replace a database that holds a shop. */
  yes?: boolean;
  log: Logger;
  now: number;
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** The database restored into (password masked). */
  target: string;
  /** What the database held before, when it held a shop. */
  replaced?: ShopContents;
  /** SQLite: where the replaced database file was kept. */
  keptAside?: string;
  /** Migrations run after the backup's own, to this version's schema. */
  migrated: string[];
  /** Rows per table now. */
  tables: Record<string, number>;
  /** Sealed secrets the data folder's keys cannot open (one line each). */
  warnings: string[];
}

/** The header's checks that need no database: a schema this version knows, an engine that can take it. */
async function checkFits(file: string, manifest: BackupManifest, config: AppConfig): Promise<void> {
  const known = await knownMigrations();
  if (!known.includes(manifest.migration))
    throw new AppError(
      'BACKUP_NEWER',
      `${file} was made by PisoNet Manager ${manifest.version}, whose database is newer than this version knows (${manifest.migration}); update this installation first, then restore`,
      409,
    );
  if (manifest.format === 'pgdump' && config.database.engine !== 'postgres')
    throw new AppError(
      'BACKUP_WRONG_ENGINE',
      `${file} is a pg_dump backup, which restores into PostgreSQL only; set DATABASE_URL to a PostgreSQL database, or make an export backup (pisonet backup --format export) to move to SQLite`,
      409,
    );
}

/** The controller lock, with "stop the server first" when a server holds it. */
async function lockDatabase(config: AppConfig, o: RestoreOptions): Promise<ControllerLock> {
  try {
    return await acquireDatabaseLock(config.database, {
      port: 0,
      log: o.log,
      tz: config.tz,
      holder: 'restore',
    });
  } catch (err) {
    if (!(err instanceof StartRefused)) throw err;
    if (err.code !== 'CONTROLLER_RUNNING')
      throw new AppError(
        err.code,
        err.message.replace(/^PisoNet Manager cannot start: /, 'cannot restore: '),
        409,
      );
    const who = /\((?:pisonet restore, )?(pid [^)]*)\)/.exec(err.message)?.[1];
    const by = who ? ` (${who})` : '';
    throw new AppError(
      'CONTROLLER_RUNNING',
      /: a restore \(/.test(err.message)
        ? `another restore is replacing this database${by}: wait for it to finish`
        : `a PisoNet Manager server is using this database${by}: stop the server first, then restore`,
      409,
    );
  }
}

/**
 * Servers sharing a PostgreSQL database (CONTROLLER_MODE=shared) take no database-wide lock, only a lease per
 * site: any such lease held means a server is running on it.
 */
async function refuseSharedServers(config: AppConfig): Promise<void> {
  if (config.database.engine !== 'postgres') return;
  const db = openDatabase(config.database);
  try {
    const rows = rawRows<{ n: unknown }>(
      await db.raw(
        `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ? AND objid <> ?
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [LOCK_CLASS, LOCK_SLOT],
      ),
    );
    if (Number(rows[0]?.n) > 0)
      throw new AppError(
        'CONTROLLER_RUNNING',
        'PisoNet Manager servers sharing this database (CONTROLLER_MODE=shared) are using it: stop them all first, then restore',
        409,
      );
  } finally {
    await db.destroy();
  }
}

async function contentsOf(config: AppConfig): Promise<ShopContents | undefined> {
  const c = config.database;
  if (c.engine === 'sqlite' && !fs.existsSync(c.file)) return undefined;
  const db = c.engine === 'sqlite' ? openSqliteFile(c.file, { readonly: true }) : openDatabase(c);
  try {
    const contents = await shopContents(db);
    return contents.empty ? undefined : contents;
  } finally {
    await db.destroy();
  }
}

export async function restoreBackup(
  config: AppConfig,
  file: string,
  o: RestoreOptions,
): Promise<RestoreReport> {
  const manifest = await verifyBackup(file);
  await checkFits(file, manifest, config);
  const lock = await lockDatabase(config, o);
  try {
    await refuseSharedServers(config);
    const replaced = await contentsOf(config);
    if (replaced && !o.yes)
      throw new AppError(
        'RESTORE_NOT_EMPTY',
        `the database ${config.database.shown} already holds a shop: ${describeContents(replaced)}. Add --yes to replace all of it with the backup of ${manifest.made_at_local} ${manifest.tz} (${new Date(manifest.made_at).toISOString()})`,
        409,
      );
    const stamp = timeFormatter(config.tz)(o.now).replace(/-|:/g, '').replace(' ', '-');
    let migrated: string[];
    let keptAside: string | undefined;
    const c = config.database;
    if (c.engine === 'sqlite') {
      ({ migrated, keptAside } = await restoreIntoSqlite(file, manifest, c.file, {
        keepOld: !!replaced,
        stamp,
      }));
    } else if (manifest.format === 'pgdump') {
      migrated = await restorePgDump(file, manifest, c, config.dataDir);
    } else {
      migrated = await restoreViaStaging(file, manifest, c, config.dataDir);
    }
    const db = c.engine === 'sqlite' ? openSqliteFile(c.file, { readonly: true }) : openDatabase(c);
    try {
      const tables = await rowCounts(db);
      const warnings = await sealedKeyWarnings(db, config);
      o.log.info({ file, target: c.shown, migrated, keptAside }, 'backup restored');
      return { manifest, target: c.shown, replaced, keptAside, migrated, tables, warnings };
    } finally {
      await db.destroy();
    }
  } finally {
    lock.release();
  }
}
