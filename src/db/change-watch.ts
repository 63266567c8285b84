/**
 * Tells whether some tables may have been written since a stamp, so a long-lived in-memory copy of their
 * rows (the usage cycle's active vouchers) is reused only while it is certainly current.
 *
 * Writes come from two places: this process, where every statement knex runs (transactions included)
 * passes through its 'query' event, and other processes sharing the file, such as the terminal menu, whose
 * commits change SQLite's `PRAGMA data_version` on our connection. The pool holds one connection; if it
 * is ever replaced, the stamp's epoch changes too.
 *
 * On PostgreSQL the other processes' commits are counted from notifications instead: triggers on the
 * watched tables send `NOTIFY pisonet_changes, '<table>'` (migration 0013), which a dedicated connection
 * LISTENs to; notifications from our own pool's connections are this process's writes, already counted
 * from the query event. A stamp first makes one round trip on that connection, so every notification
 * committed before it has arrived; a listener that lost its connection changes the epoch.
 *
 * Conservative on purpose: a statement whose table cannot be read from its SQL counts as a write to every
 * table, and so does one later rolled back. A false alarm costs one reload; a missed write would cost a
 * stale voucher, so there are none.
 */
import type { Knex } from 'knex';
import type pg from 'pg';
import { CHANGE_CHANNEL, NOTIFYING_TABLES } from '../../migrations/20261122_0013_change_notify';
import { connectionEpoch, dedicatedPostgresClient, isPostgres, ownBackendPids } from './knex';

export interface ChangeStamp {
  /** Writes to the watched tables seen in this process. */
  readonly local: number;
  /** Connections opened by the pool (data_version is per connection); PostgreSQL: listener connections. */
  readonly epoch: number;
  /** SQLite's count of commits by other connections, as seen by ours; PostgreSQL: their notifications. */
  readonly dataVersion: number;
}

export interface ChangeWatchOptions {
  /** Tables whose writes invalidate (lower case). */
  tables: readonly string[];
  /**
   * Statements containing this SQL comment are the copy's owner writing what it already holds in memory
   * (e.g. `/* usage-meter *\/`): they do not count.
   */
  ownTag?: string;
}

/** Statements that never change rows. Anything else is treated as a write. */
const READ_ONLY = /^(?:select|pragma|begin|commit|end|rollback|savepoint|release|explain)\b/i;
/**
 * The table an INSERT, UPDATE or DELETE writes, or a CREATE TEMP TABLE makes (private to its connection, so a watched
 * table only by its name: the poll's staging table is made before every poll's writes), quoted or not.
 */
const TARGET =
  /^(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from|create\s+temp(?:orary)?\s+table(?:\s+if\s+not\s+exists)?)\s+[`"[]?(\w+)/i;
const LEADING_COMMENTS = /^(?:\s*\/\*[\s\S]*?\*\/)*\s*/;

/** Whether one statement may write one of `tables` (exported for tests). */
export function mayWrite(sql: string, tables: ReadonlySet<string>): boolean {
  const text = sql.replace(LEADING_COMMENTS, '');
  if (READ_ONLY.test(text)) return false;
  const m = TARGET.exec(text);
  return m === null || tables.has(m[1].toLowerCase());
}

export class ChangeWatch {
  private local = 0;
  private readonly tables: ReadonlySet<string>;
  private readonly queryListener: (q: { sql?: unknown }) => void;
  private listener?: PgChangeListener;

  constructor(
    private readonly db: Knex,
    opts: ChangeWatchOptions,
  ) {
    this.tables = new Set(opts.tables.map((t) => t.toLowerCase()));
    const tag = opts.ownTag;
    if (isPostgres(db)) {
      const missing = opts.tables.filter((t) => !(NOTIFYING_TABLES as readonly string[]).includes(t));
      if (missing.length)
        throw new Error(`ChangeWatch: ${missing.join(', ')} send no change notifications (migration 0013)`);
    }
    this.queryListener = (q) => {
      const sql = typeof q.sql === 'string' ? q.sql : '';
      if (tag !== undefined && sql.includes(tag)) return;
      if (mayWrite(sql, this.tables)) this.local++;
    };
    db.on('query', this.queryListener);
  }

  /** The current stamp: one cheap query. Take it BEFORE reading the rows it will vouch for. */
  async stamp(): Promise<ChangeStamp> {
    if (isPostgres(this.db)) {
      this.listener ??= new PgChangeListener(this.db, this.tables);
      const local = this.local;
      const { epoch, count } = await this.listener.current();
      return { local, epoch, dataVersion: count };
    }
    const local = this.local;
    const epoch = connectionEpoch(this.db);
    const rows = (await this.db.raw('PRAGMA data_version')) as Array<{ data_version: number }>;
    const after = connectionEpoch(this.db);
    // A connection replaced while the pragma ran: its value is not comparable with anything; force a reload.
    const dataVersion = epoch === after ? Number(rows[0]?.data_version) : Number.NaN;
    return { local, epoch, dataVersion };
  }

  /** Whether nothing watched can have changed between two stamps. */
  static unchanged(a: ChangeStamp, b: ChangeStamp): boolean {
    return a.local === b.local && a.epoch === b.epoch && a.dataVersion === b.dataVersion;
  }

  close(): void {
    this.db.removeListener('query', this.queryListener);
    this.listener?.close();
  }
}

/** PostgreSQL: counts other connections' notified writes to the watched tables, on a LISTEN connection. */
class PgChangeListener {
  private client?: Promise<pg.Client>;
  private epoch = 0;
  private count = 0;
  private closed = false;

  constructor(
    private readonly db: Knex,
    private readonly tables: ReadonlySet<string>,
  ) {}

  private connect(): Promise<pg.Client> {
    this.epoch++;
    // Notifications may have been missed: the next stamp reconnects under a new epoch. Only while this is still
    // the listener: an old connection's late 'end' (after a new one took over) must not drop the new one.
    const lost = () => {
      if (this.client === p) this.client = undefined;
    };
    const p: Promise<pg.Client> = dedicatedPostgresClient(this.db, 'change listener', lost).then(
      async (client) => {
        client.on('notification', (n) => {
          if (n.channel !== CHANGE_CHANNEL) return;
          if (ownBackendPids(this.db).has(n.processId)) return;
          if (n.payload === undefined || this.tables.has(n.payload.toLowerCase())) this.count++;
        });
        client.once('end', lost);
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
        if (this.closed) await client.end();
        return client;
      },
    );
    p.catch(lost);
    return p;
  }

  async current(): Promise<{ epoch: number; count: number }> {
    try {
      this.client ??= this.connect();
      const client = await this.client;
      // A round trip: the server sends every notification committed before it ahead of the answer.
      await client.query('SELECT 1');
      return { epoch: this.epoch, count: this.count };
    } catch {
      this.client = undefined;
      // No listener: nothing vouches for a kept copy.
      return { epoch: this.epoch, count: Number.NaN };
    }
  }

  close(): void {
    this.closed = true;
    void this.client?.then((c) => c.end()).catch(() => undefined);
  }
}
