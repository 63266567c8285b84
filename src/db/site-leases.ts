/**
 * Who polls which site. With one server per database (CONTROLLER_MODE=exclusive, the default; the controller
 * lock makes sure) that server holds every site. With several servers sharing a PostgreSQL database
 * (CONTROLLER_MODE=shared) each site is polled by exactly one of them at a time: its lease is a session advisory
 * lock ('PISO', 1000 + site id) held by a connection of the server's own. PostgreSQL drops the lock the moment that
 * connection ends, a killed process or a lost machine included, and another server's next poll of the site takes
 * it: a site changes hands within one poll interval, with nothing stale to clean up. Metering commits each
 * cycle's bytes with their counter baselines in one transaction, so the new holder starts from exactly what the
 * old one committed: no byte lost, none counted twice.
 *
 * Every ask for a held lease checks on that connection that the lock is still there: a server whose lease
 * connection died stops polling at its next cycle, even before the driver reports the loss.
 *
 * A change made through a server that does not hold a site's lease (a revoked code, a plan changed) asks the holder
 * to poll the site now: `NOTIFY pisonet_poll, '<site id>'`, which every server LISTENs to on its lease connection;
 * the one holding that site's lease runs its poll at once (one at a time, as its own poll-now).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { pgDriver } from './pg-driver';
import { pgClientConfig, type PostgresConfig } from '../config/database-url';
import type { Logger } from '../lib/logger';
import { LOCK_CLASS } from './controller-lock-pg';

/** 'acquired': held from now on (the poll starts again from the database); 'other': another server holds it. */
export type LeaseState = 'held' | 'acquired' | 'other';

/**
 * Which servers sharing the database are running. A server's name is its lease connection's application_name
 * (pid, port, start and host), fixed for its life: PostgreSQL lists it while that connection is open and drops it
 * the moment the connection ends (a killed process, a lost machine), which is when the server's leases end too.
 */
export interface ServerPresence {
  /** This server's name: what its redemptions' claims and its logins in flight carry. */
  readonly name: string;
  /** Which of these servers are running now. Unsure (the database away): all of them. */
  running(names: readonly string[]): Promise<Set<string>>;
}

export interface SiteLeases {
  readonly shared: boolean;
  /** The servers sharing the database (shared leases only; one server per database has nobody to ask about). */
  readonly presence?: ServerPresence;
  /** Whether this server may poll the site now; takes its lease when it is free. Never throws. */
  hold(siteId: number): Promise<LeaseState>;
  /** Gives the site back (it was removed, or the server is stopping). */
  release(siteId: number): Promise<void>;
  /** The sites this server holds now. */
  held(): number[];
  /**
   * Several servers: asks the server holding the site's lease to poll it now. Never throws. Absent with one server
   * per database: it holds every site.
   */
  askPoll?(siteId: number): Promise<void>;
  /** Runs `poll` whenever another server asks for a poll of the site while this server holds it; returns the undo. */
  onPollAsked?(siteId: number, poll: () => void): () => void;
  close(): Promise<void>;
}

/** The channel a server asks the holder of a site's lease to poll it now on (the payload: the site's id). */
const POLL_CHANNEL = 'pisonet_poll';

/** The lease key of a site (the controller lock itself is slot 1). */
export const leaseSlot = (siteId: number): number => 1000 + siteId;

/** One server per database: it holds every site. */
export function exclusiveLeases(): SiteLeases {
  const seen = new Set<number>();
  return {
    shared: false,
    async hold(siteId) {
      if (seen.has(siteId)) return 'held';
      seen.add(siteId);
      return 'acquired';
    },
    async release(siteId) {
      seen.delete(siteId);
    },
    held: () => [...seen],
    async close() {
      seen.clear();
    },
  };
}

/** The lease connection and what this server holds on it. */
interface Lease {
  c: PostgresConfig;
  lg: Logger;
  name: string;
  held: Set<number>;
  client?: Promise<pg.Client>;
  closed: boolean;
  /** The tail of the queries asked of the lease connection, one at a time. */
  queue: Promise<unknown>;
  /** What runs a site's poll when another server asks for it, by site id. */
  asked: Map<number, () => void>;
}

/** Several servers on one PostgreSQL database: a lease per site, on a connection of this server's own. */
export function postgresLeases(c: PostgresConfig, log: Logger, port: () => number): SiteLeases {
  const l: Lease = {
    c,
    lg: log.child({ module: 'leases' }),
    name: serverName(port()),
    held: new Set(),
    closed: false,
    queue: Promise.resolve(),
    asked: new Map(),
  };
  // Connected at once: the other servers see this one running from its start, before its first poll.
  connection(l).catch(() => undefined);
  return {
    shared: true,
    presence: { name: l.name, running: (names) => serial(l, () => running(l, names)) },
    hold: (siteId) => serial(l, () => hold(l, siteId)),
    release: (siteId) => serial(l, () => release(l, siteId)),
    held: () => [...l.held],
    askPoll: (siteId) => serial(l, () => askPoll(l, siteId)),
    onPollAsked(siteId, poll) {
      l.asked.set(siteId, poll);
      return () => {
        if (l.asked.get(siteId) === poll) l.asked.delete(siteId);
      };
    },
    async close() {
      l.closed = true;
      l.held.clear();
      const p = l.client;
      l.client = undefined;
      const cl = await p?.catch(() => undefined);
      await cl?.end().catch(() => undefined);
    },
  };
}

/**
 * Fixed for the life of the server (a lease connection made again keeps it): it is how the others know it runs.
 * The random part keeps two servers apart that share a pid, a port and a second (two in one process, or a pid
 * reused after a restart); the hostname comes last, so PostgreSQL's 63-byte limit cuts only that.
 */
function serverName(port: number): string {
  const nonce = crypto.randomBytes(4).toString('hex');
  return `pisonet controller ${process.pid} ${port} ${Math.floor(Date.now() / 1000)} ${nonce} ${os.hostname()}`.slice(
    0,
    63,
  );
}

/**
 * One query at a time on the lease connection: every site's poll asks at once, and a pg client must not be
 * handed a query while another runs. Each ask keeps its own answer and error.
 */
function serial<T>(l: Lease, fn: () => Promise<T>): Promise<T> {
  const p = l.queue.then(fn, fn);
  l.queue = p.catch(() => undefined);
  return p;
}

function lost(l: Lease, reason: string): void {
  if (l.held.size)
    l.lg.warn(
      { sites: [...l.held], reason },
      'lease connection lost: polling stops until leases are taken again',
    );
  l.held.clear();
  l.client = undefined;
}

function connection(l: Lease): Promise<pg.Client> {
  if (l.client) return l.client;
  const p = (async () => {
    const cl = new (pgDriver().Client)(pgClientConfig(l.c, l.name));
    cl.on('error', (err) => {
      if (l.client === p) lost(l, err.message);
    });
    cl.on('end', () => {
      if (l.client === p) lost(l, 'connection ended');
    });
    await cl.connect();
    cl.on('notification', (n) => pollAsked(l, n));
    await cl.query(`LISTEN ${POLL_CHANNEL}`);
    return cl;
  })();
  l.client = p;
  p.catch(() => {
    if (l.client === p) l.client = undefined;
  });
  return p;
}

/** Another server asked for a poll of a site: run it when this server holds the site (its own ask comes back too). */
function pollAsked(l: Lease, n: pg.Notification): void {
  if (n.channel !== POLL_CHANNEL) return;
  const siteId = Number(n.payload);
  if (l.held.has(siteId)) l.asked.get(siteId)?.();
}

async function askPoll(l: Lease, siteId: number): Promise<void> {
  if (l.closed) return;
  try {
    const cl = await connection(l);
    await cl.query('SELECT pg_notify($1, $2)', [POLL_CHANNEL, String(siteId)]);
  } catch (err) {
    // The database away: the holder polls the site at its next turn.
    l.lg.warn({ site: siteId, err: (err as Error).message }, 'could not ask for a poll of the site');
  }
}

async function hold(l: Lease, siteId: number): Promise<LeaseState> {
  if (l.closed) return 'other';
  try {
    const cl = await connection(l);
    if (l.held.has(siteId)) {
      const still = await cl.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
            AND classid = $1 AND objid = $2`,
        [LOCK_CLASS, leaseSlot(siteId)],
      );
      if (still.rowCount === 1) return 'held';
      l.held.delete(siteId);
    }
    const got = await cl.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      leaseSlot(siteId),
    ]);
    if (!got.rows[0]?.ok) return 'other';
    l.held.add(siteId);
    l.lg.info({ site: siteId }, `lease of site ${siteId} taken: this server polls it`);
    return 'acquired';
  } catch (err) {
    // The database away: nobody can meter now; this server retries at its next poll.
    l.lg.warn({ site: siteId, err: (err as Error).message }, 'could not check the site lease');
    lost(l, (err as Error).message);
    return 'other';
  }
}

async function release(l: Lease, siteId: number): Promise<void> {
  if (!l.held.delete(siteId) || !l.client) return;
  const cl = await l.client.catch(() => undefined);
  await cl
    ?.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, leaseSlot(siteId)])
    .catch(() => undefined);
}

async function running(l: Lease, names: readonly string[]): Promise<Set<string>> {
  const out = new Set(names.filter((n) => n === l.name));
  const others = names.filter((n) => n !== l.name);
  if (others.length === 0) return out;
  try {
    const cl = await connection(l);
    const r = await cl.query<{ name: string }>(
      `SELECT DISTINCT application_name AS name FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = ANY($1::text[])`,
      [others],
    );
    for (const row of r.rows) out.add(row.name);
    return out;
  } catch (err) {
    l.lg.warn({ err: (err as Error).message }, 'could not tell which servers are running');
    return new Set(names);
  }
}
