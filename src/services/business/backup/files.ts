/**
 * The backup folder: how the product names its files, which files are its own (retention never touches any
 * other file), which are kept, and when the next one is due. The rules are plain functions; the folder is read
 * by `listBackups`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../domain/errors';
import { readManifest } from './file-format';
import type { BackupFile, BackupFormat } from './types';

/**
 * `pisonet-20261128-021500+0800.sqlite.backup`: shop time with its UTC offset, so two names made before and after
 * a change of the shop's time zone still say when they were made; `-2` added when that second is taken. Names
 * without the offset (older backups) are the product's too.
 */
const BACKUP_NAME = /^pisonet-(\d{8})-(\d{6})([+-]\d{4})?(?:-(\d{1,3}))?\.(sqlite|pgdump|export)\.backup$/;

export function isBackupName(name: string): boolean {
  return BACKUP_NAME.test(name);
}

/**
 * `2026-11-28 02:15:00` (a shop-time stamp) and its offset `+0800` → `pisonet-20261128-021500+0800.<format>.backup`,
 * with `-n` from 2.
 */
export function backupName(localStamp: string, format: BackupFormat, n = 1, offset = ''): string {
  const digits = localStamp.replace(/\D/g, '');
  return `pisonet-${digits.slice(0, 8)}-${digits.slice(8, 14)}${offset}${n > 1 ? `-${n}` : ''}.${format}.backup`;
}

/**
 * A name in `dir` for a new backup made at `localStamp`, claimed: its `.partial` file made exclusively, so two
 * backups in the same second (the server's schedule and `pisonet backup`) get two names, never one file written
 * twice at once. The maker writes that `.partial` (file-format.ts writeBackupFile) and removes it on failure.
 */
export async function claimBackupPath(
  dir: string,
  localStamp: string,
  format: BackupFormat,
  offset = '',
): Promise<string> {
  for (let n = 1; ; n++) {
    const file = path.join(dir, backupName(localStamp, format, n, offset));
    if (fs.existsSync(file)) continue;
    try {
      await (await fs.promises.open(`${file}.partial`, 'wx', 0o600)).close();
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * The schedule's turn `slot` (the minute, or second, it looks in) claimed in `dir`: a `.scheduled-<slot>` file made
 * exclusively, so servers sharing one folder (several servers on one database) make one scheduled backup between
 * them, not one each. Earlier turns' files are removed. False: another server took this turn.
 */
export async function claimScheduledTurn(dir: string, slot: number): Promise<boolean> {
  await fs.promises.mkdir(dir, { recursive: true });
  const mine = `.scheduled-${slot}`;
  try {
    await (await fs.promises.open(path.join(dir, mine), 'wx', 0o600)).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  const earlier = (await fs.promises.readdir(dir)).filter((n) => n.startsWith('.scheduled-') && n !== mine);
  for (const name of earlier) await fs.promises.rm(path.join(dir, name), { force: true });
  return true;
}

/** A backup cut short (a power cut while it was made) is left over after this long: nothing makes one for an hour. */
const LEFTOVER_AFTER_MS = 60 * 60_000;
const LEFTOVER = /^(.+\.backup)\.(partial|snapshot|snapshot-journal|snapshot-wal|snapshot-shm)$/;

/**
 * What backups cut short left in `dir` (a `.partial` file, a database snapshot beside it) older than
 * LEFTOVER_AFTER_MS by `now`, removed; their names. A backup being made (here or by the terminal) is younger.
 */
export async function removeLeftovers(dir: string, now: number): Promise<string[]> {
  const names = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((n) => {
    const m = LEFTOVER.exec(n);
    return m !== null && isBackupName(m[1]);
  });
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const st = await fs.promises.stat(file).catch(() => undefined);
    if (!st?.isFile() || now - st.mtimeMs < LEFTOVER_AFTER_MS) continue;
    await fs.promises.rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}

/** The folder's backups (the product's names only), newest first; a file whose header is damaged is listed too. */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    // No folder yet (or a file in its place, which the next backup reports): no backups.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const files: Array<BackupFile & { mtime: number }> = [];
  for (const name of names.filter(isBackupName)) {
    const file = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch {
      continue; // removed meanwhile
    }
    if (!st.isFile()) continue;
    const entry: BackupFile & { mtime: number } = { name, file, bytes: st.size, mtime: st.mtimeMs };
    try {
      const m = await readManifest(file);
      Object.assign(entry, { madeAt: m.made_at, format: m.format, engine: m.engine, version: m.version });
    } catch {
      // listed without what its header would say; never the newest good backup
    }
    files.push(entry);
  }
  return newestFirst(files).map(({ mtime: _mtime, ...f }) => f);
}

/** Which of the backups named for the same second it is: 1, then 2 for `-2`, ... */
const sequence = (name: string) => Number(BACKUP_NAME.exec(name)?.[4] ?? 1);

/**
 * Newest first: by the header's time (a damaged file by its modification time), then the later of two made in
 * the same second, then the name.
 */
export function newestFirst<T extends BackupFile & { mtime?: number }>(files: T[]): T[] {
  const at = (f: T) => f.madeAt ?? f.mtime ?? 0;
  return [...files].sort(
    (a, b) => at(b) - at(a) || sequence(b.name) - sequence(a.name) || (a.name < b.name ? 1 : -1),
  );
}

/** The files retention removes: all but the newest `keep` (the list newest first). */
export function beyondKeep(files: BackupFile[], keep: number): BackupFile[] {
  return files.slice(Math.max(0, keep));
}

/** After a failed attempt the schedule waits this long (or the interval, if shorter) before trying again. */
export const RETRY_AFTER_MS = 15 * 60 * 1000;

/**
 * Whether a scheduled backup is due now: never when none is scheduled; else when there is no good backup, or
 * the newest is `everySeconds` old; but not within RETRY_AFTER_MS of a failed attempt. A restart neither skips
 * nor repeats one, since the folder, not memory, says when the last one was made.
 */
export function nextDueAt(
  newestMadeAt: number | undefined,
  everySeconds: number,
  lastFailureAt?: number,
): number | undefined {
  if (everySeconds <= 0) return undefined;
  const every = everySeconds * 1000;
  const byAge = newestMadeAt === undefined ? 0 : newestMadeAt + every;
  const byRetry = lastFailureAt === undefined ? 0 : lastFailureAt + Math.min(every, RETRY_AFTER_MS);
  return Math.max(byAge, byRetry);
}

export function newestGood(files: BackupFile[]): BackupFile | undefined {
  return files.find((f) => f.madeAt !== undefined);
}

/**
 * The file `restore NAME` means. A bare name (no folder in it) that is no file in the current folder is looked for
 * in the backup folder, as the admin's Backups page and `pisonet backup` print it; a path, or a file that exists
 * here, is taken as it is. Neither: BACKUP_NOT_FOUND saying where it looked, with the folder's newest backups.
 */
export async function resolveBackupFile(
  given: string,
  backupDir: string,
  cwd = process.cwd(),
): Promise<string> {
  const here = path.resolve(cwd, given);
  if (fs.existsSync(here)) return here;
  const folder = path.resolve(cwd, backupDir);
  const bare = !given.includes('/') && !given.includes(path.sep);
  const inFolder = path.join(folder, given);
  if (bare && fs.existsSync(inFolder)) return inFolder;
  const newest = (await listBackups(folder)).slice(0, 5).map((b) => b.name);
  const looked = bare
    ? `there is no backup ${given} in the backup folder ${folder} (BACKUP_DIR) nor in the current folder ${path.resolve(cwd)}`
    : `there is no file ${here}`;
  throw new AppError(
    'BACKUP_NOT_FOUND',
    `${looked}. ` +
      (newest.length
        ? `The newest backups in ${folder}: ${newest.join(', ')}.`
        : `The backup folder ${folder} has no backups yet.`),
    404,
  );
}
