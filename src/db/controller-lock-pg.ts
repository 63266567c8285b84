import os from 'node:os';
import type pg from 'pg';
import { pgDriver } from './pg-driver';
import {
  maskUrlPassword,
  pgClientConfig,
  type DatabaseConfig,
  type PostgresConfig,
} from '../config/database-url';
import { StartRefused } from '../domain/errors';
import { timeFormatter } from '../lib/log-format';
import { acquireControllerLock, type ControllerLock, type LockOptions } from './controller-lock';

/**
 * The controller lock on PostgreSQL: a session advisory lock, held by a connection of its own for the life
 * of the process. PostgreSQL releases it by itself when that connection ends, a crash or power cut
 * included, so there is no stale lock to judge. The key is two numbers: 'PISO' and a database-wide slot
 * (1; servers sharing a database under CONTROLLER_MODE=shared take none of it, but a lease per site under the
 * same 'PISO': src/db/site-leases.ts). The holder's pid, host and port travel in the connection's
 * application_name, which the refusal reads back from pg_stat_activity.
 */
export const LOCK_CLASS = 0x5049534f; // 'PISO'
export const LOCK_SLOT = 1;
const NAME_PREFIX = 'pisonet controller';

/** The lock of whichever engine DATABASE_URL names: the `<file>.lock` for SQLite, an advisory lock here. */
export async function acquireDatabaseLock(db: DatabaseConfig, opts: LockOptions): Promise<ControllerLock> {
  if (db.engine === 'sqlite') return acquireControllerLock(db.file, opts);
  return acquirePostgresLock(db, opts);
}

/** At most 63 characters (PostgreSQL cuts the rest): the host goes last, so only it can be cut short. */
const appName = (port: number, startedAt: string) =>
  `${NAME_PREFIX} ${process.pid} ${port} ${Math.floor(Date.parse(startedAt) / 1000)} ${os.hostname()}`.slice(
    0,
    63,
  );

export async function acquirePostgresLock(c: PostgresConfig, opts: LockOptions): Promise<ControllerLock> {
  const info = {
    pid: process.pid,
    port: opts.port,
    host: os.hostname(),
    started_at: new Date().toISOString(),
  };
  let released = false;
  const client = new (pgDriver().Client)(pgClientConfig(c, appName(info.port, info.started_at)));
  client.on('error', (err) => {
    if (!released)
      opts.log.error(
        { err: err.message, database: c.shown },
        'lost the connection holding the database lock: another controller could now start on this database',
      );
  });
  try {
    await client.connect();
  } catch (err) {
    // Unreachable, wrong password, no such database: one line for the owner (pg's messages hold no password).
    throw new StartRefused(
      'DATABASE_UNREACHABLE',
      `cannot open the database ${c.shown}: ${maskUrlPassword((err as Error).message)}. Check DATABASE_URL in .env and that the PostgreSQL server is running.`,
    );
  }
  try {
    const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      LOCK_SLOT,
    ]);
    if (!got.rows[0]?.ok) throw await refusal(client, c, opts.tz);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    void client.end().catch(() => undefined);
  };
  process.on('exit', release);
  return {
    file: '',
    info,
    setPort(port) {
      if (released || port === info.port) return;
      info.port = port;
      void client
        .query("SELECT set_config('application_name', $1, false)", [appName(port, info.started_at)])
        .catch(() => undefined);
    },
    release,
  };
}

/** Names the controller holding the lock, from its connection's application_name. */
async function refusal(client: pg.Client, c: PostgresConfig, tz?: string): Promise<StartRefused> {
  const holder = await client.query<{ application_name: string; client_addr: string | null }>(
    `SELECT a.application_name, host(a.client_addr) AS client_addr
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.database =
            (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_CLASS, LOCK_SLOT],
  );
  const name = holder.rows[0]?.application_name ?? '';
  const m = /^pisonet controller (\d+) (\d+) (\d+) (.*)$/.exec(name);
  const here = m !== null && os.hostname().startsWith(m[4]);
  const who = m
    ? `pid ${m[1]}${here ? '' : ` on ${m[4]}`}, port ${m[2]}, since ${localTime(Number(m[3]) * 1000, tz)}`
    : `connected from ${holder.rows[0]?.client_addr ?? 'this machine'}`;
  return new StartRefused(
    'CONTROLLER_RUNNING',
    `another PisoNet Manager (${who}) is already using this database (${c.shown}). Stop it first, or set DATABASE_URL in .env to another database.`,
  );
}

function localTime(ms: number, tz?: string): string {
  return Number.isFinite(ms) ? timeFormatter(tz)(ms) : 'an unknown time';
}
