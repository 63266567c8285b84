/**
 * The database as every face opens it: brought up to date (whichever face opens it first, the server or the
 * terminal menu on a fresh install, runs the migrations and then seeds the profiles from profiles.json, so the
 * menu never starts empty), with a read-only second connection for the portal's hot-path lookups. The server
 * checkpoints SQLite's WAL from a connection of its own, off the customers' writes.
 */
import type { AppConfig } from '../config/env';
import { openDatabase, openReader, migrateLatest, startWalCheckpointer, type Db } from '../db/knex';
import type { Logger } from '../lib/logger';
import type { ProfileService } from '../services/types';

interface CoreDatabase {
  db: Db;
  /** The read-only connection (the same as `db` where the engine has none of its own). */
  reader: Db;
  /** The reader, the checkpointer, then the database. */
  close(): Promise<void>;
}

export async function openCoreDatabase(
  config: AppConfig,
  o: { server: boolean; log: Logger },
): Promise<CoreDatabase> {
  const db = openDatabase(config.database, { backgroundCheckpoints: o.server });
  const checkpointer = o.server
    ? startWalCheckpointer(config.database, (err) =>
        o.log.warn({ err: err.message }, 'database checkpoint failed; the next one tries again'),
      )
    : undefined;
  const applied = await migrateLatest(db);
  if (applied.length) o.log.info({ applied }, `database migrated (${applied.length} migration(s))`);
  const reader = openReader(db, config.database);
  return {
    db,
    reader,
    async close() {
      if (reader !== db) await reader.destroy();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** profiles.json into the database, after the migrations; each change is logged. */
export async function seedProfiles(
  profiles: Pick<ProfileService, 'syncFromFile'>,
  config: AppConfig,
  log: Logger,
): Promise<void> {
  for (const line of await profiles.syncFromFile(config.profilesFile)) log.info({ module: 'profiles' }, line);
}
