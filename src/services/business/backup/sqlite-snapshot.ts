/**
 * A consistent copy of the SQLite database while the server writes to it: `VACUUM INTO` on a read-only
 * connection of its own. It reads one snapshot (WAL mode: the server's writes go on beside it, never wait for
 * it) and runs in sqlite3's thread pool, so a poll is never held up by a backup. The copy is an ordinary,
 * compact database file with no WAL of its own.
 */
import fs from 'node:fs';
import { AppError } from '../../../domain/errors';

interface SnapshotConn {
  run(sql: string, params: unknown[], cb: (err: Error | null) => void): unknown;
  close(cb: (err: Error | null) => void): unknown;
}

type SqliteDriver = {
  OPEN_READONLY: number;
  Database: new (file: string, mode: number, cb: (err: Error | null) => void) => SnapshotConn;
};

export async function snapshotSqlite(dbFile: string, into: string): Promise<void> {
  if (!fs.existsSync(dbFile))
    throw new AppError('BACKUP_FAILED', `there is no database at ${dbFile} (DATABASE_URL) to back up`, 404);
  await fs.promises.rm(into, { force: true });
  // The driver knex loads for SQLite, used directly for these two statements.
  const sqlite3 = require('sqlite3') as SqliteDriver;
  const conn = await new Promise<SnapshotConn>((resolve, reject) => {
    const c: SnapshotConn = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY, (err) =>
      err ? reject(err) : resolve(c),
    );
  });
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => conn.run(sql, params, (err) => (err ? reject(err) : resolve())));
  try {
    await run('PRAGMA busy_timeout = 10000');
    await run('VACUUM INTO ?', [into]);
  } catch (err) {
    await fs.promises.rm(into, { force: true });
    throw err;
  } finally {
    await new Promise<void>((resolve) => conn.close(() => resolve()));
  }
}
