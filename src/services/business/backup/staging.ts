/**
 * A restore builds the backup's database apart first (a staging copy: a SQLite file, or a schema of its own on
 * PostgreSQL) and only then puts it in place of the shop's. In staging the backup's rows are loaded at the
 * backup's own schema, counted against its header, and migrated on to this version's schema.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { migrateLatest } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import { RADIUS_TABLES } from '../../../radius/tables';
import { exportOrder, loadExport } from './export-format';
import { payloadStream } from './file-format';
import { rowCounts } from './inspect';
import type { BackupManifest } from './types';
import { RADIUS_CLIENTS } from '../../../domain/site-mode';

/** Runs this program's migrations up to and including `name` (the backup's last), none after it. */
export async function migrateTo(db: Knex, name: string): Promise<void> {
  for (;;) {
    const [done, pending] = (await db.migrate.list()) as [Array<string | { name: string }>, unknown[]];
    const last = done.at(-1);
    const lastName = typeof last === 'string' ? last : last?.name;
    if (lastName?.replace(/\.(ts|js)$/, '') === name) return;
    if (pending.length === 0) throw new Error(`migration ${name} not found`);
    await db.migrate.up();
  }
}

/** Rows per table against the header's: a backup that does not hold what it says is refused. */
export function checkCounts(file: string, manifest: BackupManifest, found: Record<string, number>): void {
  const wrong = Object.entries(manifest.tables).filter(([t, n]) => (found[t] ?? 0) !== n);
  if (wrong.length) {
    const [t, n] = wrong[0];
    throw new AppError(
      'BACKUP_DAMAGED',
      `${file} is not a usable backup: it holds ${found[t] ?? 0} row(s) of ${t} where its header says ${n}; nothing was changed`,
      422,
    );
  }
}

/** The SQLite payload written out as a database file. */
export async function writeSqlitePayload(
  file: string,
  manifest: BackupManifest,
  into: string,
): Promise<void> {
  await pipeline(payloadStream(file, manifest), fs.createWriteStream(into, { mode: 0o600 }));
}

/**
 * The export loaded into `db` (empty): migrated to the backup's schema, the rows loaded in one transaction and
 * counted. Tables that exist on PostgreSQL only are passed over on SQLite (see `refuseRadiusOnSqlite`).
 */
export async function loadExportInto(db: Knex, file: string, manifest: BackupManifest): Promise<void> {
  await migrateTo(db, manifest.migration);
  const order = await exportOrder(db);
  const counts = await db.transaction(async (trx) => {
    // The rows the migrations made (the .env router's site) are in the export as they were at backup time.
    for (const t of [...order].reverse()) await trx(t).del();
    return loadExport(payloadStream(file, manifest), trx, { mayLack: RADIUS_TABLES });
  });
  checkCounts(file, manifest, counts);
}

/** A SQLite database cannot hold sites in RADIUS mode (FreeRADIUS needs PostgreSQL). */
export async function refuseRadiusOnSqlite(db: Knex): Promise<void> {
  if (!(await db.schema.hasColumn('sites', 'mode'))) return;
  if ((await db('sites').where(RADIUS_CLIENTS).first('id')) !== undefined)
    throw new AppError(
      'RADIUS_NEEDS_POSTGRES',
      'the backup has sites in RADIUS mode, which need PostgreSQL; restore it into a PostgreSQL database (DATABASE_URL)',
      409,
    );
}

/** The staging copy's rows checked against the header, then migrated to this version's schema. */
export async function finishStaging(
  db: Knex,
  file: string,
  manifest: BackupManifest,
  counted: boolean,
): Promise<string[]> {
  if (!counted) checkCounts(file, manifest, await rowCounts(db));
  return migrateLatest(db);
}
