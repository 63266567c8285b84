/**
 * Tells whether some tables may have been written since a stamp, so a long-lived in-memory copy of their
 * rows (the usage cycle's active vouchers) is reused only while it is certainly current.
 *
 * Writes come from two places: this process, where every statement knex runs (transactions included)
 * passes through its 'query' event, and other processes sharing the file, such as the terminal menu, whose
 * commits change SQLite's `PRAGMA data_version` on our connection. The pool holds one connection; if it
 * is ever replaced, the stamp's epoch changes too.
 *
 * Conservative on purpose: a statement whose table cannot be read from its SQL counts as a write to every
 * table, and so does one later rolled back. A false alarm costs one reload; a missed write would cost a
 * stale voucher, so there are none.
 */
import type { Knex } from 'knex';
import { connectionEpoch } from './knex';

export interface ChangeStamp {
  /** Writes to the watched tables seen in this process. */
  readonly local: number;
  /** Connections opened by the pool (data_version is per connection). */
  readonly epoch: number;
  /** SQLite's count of commits by other connections, as seen by ours. */
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
/** The table an INSERT, UPDATE or DELETE writes, quoted or not. */
const TARGET =
  /^(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+[`"[]?(\w+)/i;
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
  private readonly listener: (q: { sql?: unknown }) => void;

  constructor(
    private readonly db: Knex,
    opts: ChangeWatchOptions,
  ) {
    this.tables = new Set(opts.tables.map((t) => t.toLowerCase()));
    const tag = opts.ownTag;
    this.listener = (q) => {
      const sql = typeof q.sql === 'string' ? q.sql : '';
      if (tag !== undefined && sql.includes(tag)) return;
      if (mayWrite(sql, this.tables)) this.local++;
    };
    db.on('query', this.listener);
  }

  /** The current stamp: one cheap query. Take it BEFORE reading the rows it will vouch for. */
  async stamp(): Promise<ChangeStamp> {
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
    this.db.removeListener('query', this.listener);
  }
}
