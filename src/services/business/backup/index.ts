/**
 * Backups of the shop's database: the one service behind the server's schedule, the admin's Backups page and
 * `pisonet backup`. A backup is one verifiable file (file-format.ts) made while the shop runs (make.ts); the
 * folder keeps the newest BACKUP_KEEP of the product's own files and never touches any other file.
 * `pisonet restore` reads the same files (restore.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../domain/errors';
import { timeFormatter, utcOffset } from '../../../lib/log-format';
import type { Logger } from '../../../lib/logger';
import { projectPath } from '../../../lib/paths';
import type { ShopDeps } from '../../deps';
import {
  beyondKeep,
  claimBackupPath,
  claimScheduledTurn,
  removeLeftovers,
  isBackupName,
  listBackups,
  newestGood,
  nextDueAt,
} from './files';
import { autoFormat, makeBackup } from './make';
import type { Actor } from '../audit/actor';
import type { BackupFile, BackupOptions, BackupResult, BackupService, BackupStatus } from './types';

/** `db`, the shop's database: PostgreSQL backups read through it; the audit log is written to it. */
type BackupDeps = Pick<ShopDeps, 'config' | 'db' | 'clock' | 'log' | 'audit'>;

/** A file system's refusal in the owner's words (the code kept for whoever reads the log). */
function describeFailure(err: unknown, dir: string): string {
  const e = err as NodeJS.ErrnoException;
  const where = e.path ?? dir;
  switch (e.code) {
    case 'ENOSPC':
      return `the disk is full (writing ${where}); free some space or set BACKUP_DIR to another disk (ENOSPC)`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${where}; give the controller's user that folder or set BACKUP_DIR (${e.code})`;
    case 'EEXIST':
    case 'ENOTDIR':
      return `${where} is not a folder; move that file away or set BACKUP_DIR to a folder (${e.code})`;
    case 'EROFS':
      return `${where} is on a read-only disk; set BACKUP_DIR to a writable folder (EROFS)`;
    default:
      return e?.message ?? String(err);
  }
}

let version: string | undefined;
/** The product's version (package.json), for the header. */
function productVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}

/** The service's state, shared by its steps. */
interface Backups {
  deps: BackupDeps;
  log: Logger;
  running?: Promise<BackupResult>;
  lastError?: { at: number; message: string };
}

export function createBackupService(deps: BackupDeps): BackupService {
  const b: Backups = { deps, log: deps.log.child({ module: 'backup' }) };
  return {
    backupNow(opts = {}) {
      if (opts.out !== undefined) return make(b, opts);
      b.running ??= make(b, opts).finally(() => {
        b.running = undefined;
      });
      return b.running;
    },
    list: () => listBackups(dirOf(b)),
    status: () => status(b),
    async due() {
      if (b.running) return false;
      const now = deps.clock.now();
      const at = (await status(b)).nextDueAt;
      if (at === undefined || at > now) return false;
      // The turn of the minute the schedule looks in (of the second, for a schedule under a minute).
      const turn = deps.config.backup.everySeconds < 60 ? 1000 : 60_000;
      // A folder that cannot take the mark cannot take the backup either: the backup tries, and says why.
      return claimScheduledTurn(dirOf(b), Math.floor(now / turn)).catch(() => true);
    },
    forDownload: (name, actor) => forDownload(b, name, actor),
  };
}

const dirOf = (b: Backups): string => b.deps.config.backup.dir;

/** One backup made into the folder (named, then the old ones pruned) or to `out`; a failure kept for the status. */
async function make(b: Backups, opts: BackupOptions): Promise<BackupResult> {
  const { config, clock } = b.deps;
  const madeAt = clock.now();
  // The shop's zone at this moment (Settings may have changed it since the start), and the name says which.
  const tz = config.tz;
  const local = timeFormatter(tz)(madeAt);
  const offset = utcOffset(madeAt, tz);
  const format = opts.format ?? config.backup.format;
  const intoFolder = opts.out === undefined;
  let dest = opts.out === undefined ? dirOf(b) : path.resolve(opts.out);
  let claimed = false;
  try {
    if (intoFolder) {
      await fs.promises.mkdir(dirOf(b), { recursive: true });
      dest = await claimBackupPath(dirOf(b), local, format === 'auto' ? autoFormat(config) : format, offset);
      claimed = true;
    }
    const manifest = await makeBackup({
      config,
      db: b.deps.db,
      dest,
      format,
      stamp: { version: productVersion(), madeAt, local, tz },
    });
    return await settle(b, opts, intoFolder, dest, manifest);
  } catch (err) {
    if (claimed) await fs.promises.rm(`${dest}.partial`, { force: true }).catch(() => undefined);
    b.lastError = { at: clock.now(), message: describeFailure(err, dirOf(b)) };
    b.log.error({ err: b.lastError.message, file: dest }, 'backup failed');
    throw err instanceof AppError
      ? err
      : new AppError('BACKUP_FAILED', `the backup failed: ${b.lastError.message}`, 500);
  }
}

/** A file made: named for its format, the folder pruned, logged and audited. */
async function settle(
  b: Backups,
  opts: BackupOptions,
  intoFolder: boolean,
  dest: string,
  manifest: BackupResult['manifest'],
): Promise<BackupResult> {
  // pg_dump's place may have been taken by the export (an older pg_dump): the name says what it is.
  const file = intoFolder ? await renameToFormat(b, dest, manifest.format) : dest;
  const bytes = (await fs.promises.stat(file)).size;
  const pruned = intoFolder ? await prune(b) : [];
  b.lastError = undefined;
  b.log.info({ file, bytes, format: manifest.format, pruned }, `backup made: ${file} (${bytes} bytes)`);
  if (opts.actor)
    await b.deps.audit.record(opts.actor, 'backup.made', path.basename(file), {
      bytes,
      format: manifest.format,
    });
  return { file, bytes, manifest, pruned };
}

async function renameToFormat(b: Backups, file: string, format: string): Promise<string> {
  if (file.endsWith(`.${format}.backup`)) return file;
  const { config, clock } = b.deps;
  const now = clock.now();
  const local = timeFormatter(config.tz)(now);
  const target = await claimBackupPath(dirOf(b), local, format as 'export', utcOffset(now, config.tz));
  await fs.promises.rename(file, target);
  await fs.promises.rm(`${target}.partial`, { force: true });
  return target;
}

/** Keeps the newest `keep` of the folder's backups; never a file the product did not name. */
async function prune(b: Backups): Promise<string[]> {
  // What backups cut short left behind (a power cut while one was made): never listed, never kept.
  // (Their age is the file system's, so the real clock.)
  const removed = await removeLeftovers(dirOf(b), Date.now());
  for (const f of beyondKeep(await listBackups(dirOf(b)), b.deps.config.backup.keep)) {
    if (!isBackupName(f.name)) continue;
    try {
      await fs.promises.rm(f.file);
      removed.push(f.name);
    } catch (err) {
      b.log.warn({ file: f.file, err: (err as Error).message }, 'could not remove an old backup');
    }
  }
  return removed;
}

async function status(b: Backups): Promise<BackupStatus> {
  const { config } = b.deps;
  const files = await listBackups(dirOf(b));
  return {
    ...config.backup,
    autoFormat: autoFormat(config),
    files,
    running: b.running !== undefined,
    lastError: b.lastError,
    nextDueAt: nextDueAt(newestGood(files)?.madeAt, config.backup.everySeconds, b.lastError?.at),
  };
}

async function forDownload(b: Backups, name: string, actor: Actor): Promise<BackupFile> {
  const file: BackupFile | undefined = isBackupName(name)
    ? (await listBackups(dirOf(b))).find((f) => f.name === name)
    : undefined;
  if (!file) throw new AppError('BACKUP_NOT_FOUND', `there is no backup ${name} in the backup folder`, 404);
  await b.deps.audit.record(actor, 'backup.downloaded', name, { bytes: file.bytes });
  return file;
}
