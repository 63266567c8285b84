/**
 * A restore into the SQLite database: the backup becomes a complete database file beside the shop's
 * (`<file>.restoring`), checked and migrated there, and then takes the shop's file's place in one rename. The
 * file it replaces is kept as `<file>.before-restore-YYYYMMDD-HHMMSS` when it held a shop.
 *
 * A restore cut short (a power cut, kill -9) before that rename leaves the shop's file as it was and the
 * `.restoring` file beside it: the server's start and `pisonet doctor` say so (interruptedRestore), and the next
 * restore starts by removing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { openSqliteFile } from './inspect';
import { finishStaging, loadExportInto, refuseRadiusOnSqlite, writeSqlitePayload } from './staging';
import type { BackupManifest } from './types';

const SIDE_FILES = ['-wal', '-shm', '-journal'];

const stagingFor = (target: string): string => `${target}.restoring`;

/** The `.restoring` file a restore cut short left beside the database, and when it was last written; or none. */
export function interruptedRestore(target: string): { file: string; at: number } | undefined {
  const file = stagingFor(path.resolve(target));
  try {
    return { file, at: fs.statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

async function removeWithSideFiles(file: string): Promise<void> {
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) await fs.promises.rm(f, { force: true });
}

/** The backup as a migrated database at `staging`; the migrations it went through. */
async function buildStaging(file: string, manifest: BackupManifest, staging: string): Promise<string[]> {
  await removeWithSideFiles(staging);
  let db: Knex | undefined;
  try {
    if (manifest.format === 'sqlite') await writeSqlitePayload(file, manifest, staging);
    db = openSqliteFile(staging);
    if (manifest.format === 'export') await loadExportInto(db, file, manifest);
    await refuseRadiusOnSqlite(db);
    return await finishStaging(db, file, manifest, manifest.format === 'export');
  } finally {
    await db?.destroy();
  }
}

/**
 * Folds the shop's WAL into its file and closes it, so the file alone is the whole database. Its WAL still
 * there afterwards means another program has it open (the terminal menu, sqlite3).
 */
async function settle(target: string): Promise<void> {
  const db = openSqliteFile(target);
  try {
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    await db.destroy();
  }
  if (fs.existsSync(`${target}-wal`) || fs.existsSync(`${target}-shm`))
    throw new AppError(
      'CONTROLLER_RUNNING',
      `another program has ${target} open (the terminal menu, or sqlite3): close it first, then restore`,
      409,
    );
}

export async function restoreIntoSqlite(
  file: string,
  manifest: BackupManifest,
  target: string,
  o: { keepOld: boolean; stamp: string },
): Promise<{ migrated: string[]; keptAside?: string }> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staging = stagingFor(target);
  try {
    const migrated = await buildStaging(file, manifest, staging);
    let keptAside: string | undefined;
    if (fs.existsSync(target)) {
      await settle(target);
      if (o.keepOld) keptAside = await keepAside(target, o.stamp);
    }
    await fs.promises.rename(staging, target);
    for (const s of SIDE_FILES) await fs.promises.rm(target + s, { force: true });
    return { migrated, keptAside };
  } finally {
    await removeWithSideFiles(staging);
  }
}

/** The file replaced, kept as `<file>.before-restore-<stamp>` (`-2`, `-3`… after another restore that second). */
async function keepAside(target: string, stamp: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = `${target}.before-restore-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      await fs.promises.link(target, name);
      return name;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
