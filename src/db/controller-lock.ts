import { timeFormatter } from '../lib/log-format';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usableSqliteFile } from './sqlite-file';
import { StartRefused } from '../domain/errors';
import type { Logger } from '../lib/logger';

/**
 * One controller per database. Two servers on one SQLite file would both poll the router and both
 * reconcile it to their own idea of the vouchers: doubled usage, queues fought over. The server takes
 * `<database>.lock` (created with O_EXCL) before it listens or contacts the router; the terminal menu never
 * takes it, because it shares the database with a running server by design. `pisonet restore` takes it too while
 * it replaces the database, marked as a restore (`holder`), so a start refused or a lock taken over names it.
 *
 * A controller that crashed or lost power leaves its lock behind. Such a lock is stale, and taken over,
 * when its process is gone (`process.kill(pid, 0)` → ESRCH) or it was written before this machine booted
 * (after a power cut the old pid may belong to some other program). A lock written on another host
 * (a database on a network share) cannot be checked and is respected.
 */

/** What the lock file holds (JSON). */
export interface ControllerLockInfo {
  pid: number;
  port: number;
  host: string;
  started_at: string;
  /** `restore`: `pisonet restore` holds it while it replaces the database. Absent: a server (and older files). */
  holder?: 'restore';
}

export interface ControllerLock {
  readonly file: string;
  readonly info: ControllerLockInfo;
  /** Records the port actually listened on (PORT=0 picks one). */
  setPort(port: number): void;
  /** Removes the lock if it is still ours; idempotent. */
  release(): void;
}

export interface LockOptions {
  port: number;
  log: Logger;
  /** IANA zone for the "since" in the refusal message; default the system's. */
  tz?: string;
  /** Who takes it, when not a server: written in the lock, so a refusal or a takeover names it. */
  holder?: 'restore';
}

/** An empty or half-written lock younger than this is a controller starting right now, not a crash. */
const UNREADABLE_GRACE_MS = 10_000;

export function lockFileFor(databaseFile: string): string {
  return `${path.resolve(databaseFile)}.lock`;
}

/**
 * Takes the controller lock for the database, or throws StartRefused naming the controller that holds it.
 * An in-memory database has nobody to share with: a no-op lock.
 */
export function acquireControllerLock(databaseFile: string, opts: LockOptions): ControllerLock {
  const info: ControllerLockInfo = {
    pid: process.pid,
    port: opts.port,
    host: os.hostname(),
    started_at: new Date().toISOString(),
    ...(opts.holder ? { holder: opts.holder } : {}),
  };
  if (databaseFile === ':memory:')
    return { file: '', info, setPort: (p) => void (info.port = p), release() {} };
  const file = lockFileFor(databaseFile);
  // The database file checked (its folder made) first: a mistake in DATABASE_URL is named before any lock.
  usableSqliteFile(path.resolve(databaseFile));

  // A few rounds: a stale lock removed here may be re-taken by another controller starting at the same moment.
  for (let round = 0; round < 3; round++) {
    if (tryCreate(file, info)) return held(file, info);
    const existing = readLock(file);
    if (existing === 'gone') continue;
    const verdict = judge(file, existing);
    if (verdict.alive) throw refusal(existing, file, opts.tz);
    if (!removeIfUnchanged(file, existing)) continue;
    opts.log.warn(
      { lockFile: file, stale: existing === 'unreadable' ? null : existing, reason: verdict.reason },
      takeoverLine(existing, verdict.reason),
    );
  }
  const last = readLock(file);
  throw refusal(last === 'gone' ? 'unreadable' : last, file, opts.tz);
}

/** The takeover's log line: who left the stale lock (a server, or a restore cut short), and why it is stale. */
function takeoverLine(existing: Existing, reason: string): string {
  if (existing === 'unreadable')
    return `taking over the database lock left by a controller that is no longer running (an unreadable lock file: ${reason})`;
  const since = `since ${existing.started_at}: ${reason}`;
  return existing.holder === 'restore'
    ? `taking over the database lock left by a restore that did not finish (pisonet restore, pid ${existing.pid}, ${since})`
    : `taking over the database lock left by a controller that is no longer running (pid ${existing.pid}, port ${existing.port}, ${since})`;
}

function tryCreate(file: string, info: ControllerLockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(info)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

type Existing = ControllerLockInfo | 'unreadable';

function readLock(file: string): Existing | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<ControllerLockInfo>;
    if (
      typeof v.pid === 'number' &&
      Number.isInteger(v.pid) &&
      v.pid > 0 &&
      typeof v.port === 'number' &&
      typeof v.host === 'string' &&
      typeof v.started_at === 'string'
    )
      return v as ControllerLockInfo;
  } catch {
    // fall through: a lock file cut short by a crash or a full disk
  }
  return 'unreadable';
}

function judge(file: string, existing: Existing): { alive: boolean; reason: string } {
  if (existing === 'unreadable') {
    let age = Infinity;
    try {
      age = Date.now() - fs.statSync(file).mtimeMs;
    } catch {
      // removed meanwhile: stale as far as we are concerned
    }
    return age < UNREADABLE_GRACE_MS
      ? { alive: true, reason: 'being written' }
      : { alive: false, reason: 'unreadable and not being written' };
  }
  if (existing.host !== os.hostname()) return { alive: true, reason: 'held on another host' };
  const bootedAt = Date.now() - os.uptime() * 1000;
  const started = Date.parse(existing.started_at);
  // A minute of slack: uptime and the wall clock are read at slightly different moments.
  if (Number.isFinite(started) && started < bootedAt - 60_000)
    return { alive: false, reason: 'written before this machine last started' };
  try {
    process.kill(existing.pid, 0);
    return { alive: true, reason: 'process running' };
  } catch (err) {
    // EPERM: the process exists but belongs to another user; it is alive.
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return { alive: true, reason: 'process running' };
    return { alive: false, reason: `process ${existing.pid} is not running` };
  }
}

/** Removes the stale lock unless it changed since it was read (another controller took it over meanwhile). */
function removeIfUnchanged(file: string, seen: Existing): boolean {
  const now = readLock(file);
  if (now === 'gone') return true;
  if (JSON.stringify(now) !== JSON.stringify(seen)) return false;
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return true;
}

function held(file: string, info: ControllerLockInfo): ControllerLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const now = readLock(file);
    // Only our own lock: after a takeover (we were judged dead) the file belongs to someone else.
    if (
      now !== 'gone' &&
      now !== 'unreadable' &&
      now.pid === info.pid &&
      now.started_at === info.started_at
    ) {
      try {
        fs.unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  // A process that exits without stop() (an uncaught error) still leaves no lock behind.
  process.on('exit', release);
  return {
    file,
    info,
    setPort(port) {
      if (released || port === info.port) return;
      info.port = port;
      fs.writeFileSync(file, `${JSON.stringify(info)}\n`);
    },
    release,
  };
}

function refusal(existing: Existing, file: string, tz?: string): StartRefused {
  if (existing === 'unreadable')
    return new StartRefused(
      'CONTROLLER_RUNNING',
      `another PisoNet Manager is starting on the same database (${file} is being written). If none is, delete that file.`,
    );
  const where = existing.host === os.hostname() ? '' : ` on ${existing.host}`;
  if (existing.holder === 'restore')
    return new StartRefused(
      'CONTROLLER_RUNNING',
      `a restore (pisonet restore, pid ${existing.pid}${where}, since ${localTime(existing.started_at, tz)}) is replacing this database (${file.replace(/\.lock$/, '')}). Wait for it to finish, then start again.`,
    );
  return new StartRefused(
    'CONTROLLER_RUNNING',
    `another PisoNet Manager (pid ${existing.pid}${where}, port ${existing.port}, since ${localTime(existing.started_at, tz)}) is already using this database (${file.replace(/\.lock$/, '')}). Stop it first, or set DATABASE_URL in .env to another database.`,
  );
}

/** `2026-11-22 17:44:05` in the shop's zone, as the log lines show time. */
function localTime(iso: string, tz?: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? timeFormatter(tz)(ms) : iso;
}
