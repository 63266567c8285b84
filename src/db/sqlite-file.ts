/**
 * The SQLite file DATABASE_URL names, checked before anything opens it (the server, the terminal, `pisonet doctor`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../domain/errors';

/**
 * DATABASE_URL's SQLite file, checked before it is opened, so a mistake is one line naming the setting and the file
 * (the driver's own errors name neither): its folder made when missing, never a folder itself, and a file that is
 * there already is a SQLite database (an empty one is made into one). A backup file is restored, not opened.
 */
export function usableSqliteFile(file: string): void {
  const refuse = (why: string) => new ConfigError([`DATABASE_URL: ${why}`]);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw refuse(
      `cannot make the folder ${path.dirname(file)} (${(err as NodeJS.ErrnoException).code}): a file is in the way?`,
    );
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw refuse(`cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw refuse(`${file} is a folder; name the database file in it`);
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n > 0 && head.toString('latin1') !== 'SQLite format 3\0')
      throw refuse(
        `${file} is not a SQLite database${file.endsWith('.backup') ? ' (a backup: restore it with `pisonet restore FILE`)' : ''}`,
      );
  } finally {
    fs.closeSync(fd);
  }
}
