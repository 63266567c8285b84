/**
 * Plain SQL for the few statements on a customer's critical path (a redemption's lookups, its claim and its
 * confirmation), without knex's query builder: on SQLite, building and compiling a query costs about four
 * times what running it does (measured: a keyed SELECT 315 µs of CPU through the builder, 52 µs as a
 * prepared statement), and a redemption runs six of them.
 *
 * SQLite: each statement is prepared once per connection and reused. The connection is taken from knex's own
 * pool for every call, exactly as knex does, so a statement never runs inside somebody else's transaction
 * (the writer's pool holds one connection; a transaction keeps it until it ends). Every statement is
 * reported through knex's 'query' event like a builder query, so listeners such as the usage meter's
 * ChangeWatch see these writes too.
 *
 * Cache: the prepared statements, per SQLite connection, keyed by SQL text (a fixed, small set: the SQL is
 * written in our code, never built from input). Reset when the pool replaces or closes the connection: the
 * statements are finalized before it closes (an unfinalized statement would keep the file open).
 *
 * PostgreSQL: the same SQL through `knex.raw` (the builder's cost is skipped, the pool is pg's).
 * Placeholders are `?` on both engines.
 */
import type { Knex } from 'knex';
import { isPostgres, rawRows } from './knex';

type Params = ReadonlyArray<string | number | boolean | null>;

interface Statements {
  /** The first row, or undefined. */
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: Params): Promise<number>;
}

interface SqliteStatement {
  get(params: unknown[], cb: (err: Error | null, row: unknown) => void): void;
  reset(cb: () => void): void;
  all(params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void;
  run(params: unknown[], cb: (this: { changes: number }, err: Error | null) => void): void;
  finalize(cb: () => void): void;
}

interface SqliteConnection {
  prepare(sql: string, cb: (err: Error | null) => void): SqliteStatement;
  close(cb?: (err: Error | null) => void): unknown;
}

const prepared = new WeakMap<SqliteConnection, Map<string, Promise<SqliteStatement>>>();

function statementOf(conn: SqliteConnection, sql: string): Promise<SqliteStatement> {
  let cache = prepared.get(conn);
  if (!cache) {
    const statements = new Map<string, Promise<SqliteStatement>>();
    cache = statements;
    prepared.set(conn, statements);
    // The pool closes the connection (shutdown, or after an error): finalize ours first, then close.
    const close = conn.close.bind(conn);
    conn.close = (cb?: (err: Error | null) => void) => {
      const all = [...statements.values()];
      statements.clear();
      void Promise.all(
        all.map((p) =>
          p.then(
            (s) => new Promise<void>((resolve) => s.finalize(() => resolve())),
            () => undefined,
          ),
        ),
      ).then(() => close(cb));
      return conn;
    };
  }
  let p = cache.get(sql);
  if (!p) {
    p = new Promise<SqliteStatement>((resolve, reject) => {
      const s = conn.prepare(sql, (err) => (err ? reject(err) : resolve(s)));
    });
    cache.set(sql, p);
    p.catch(() => cache!.delete(sql));
  }
  return p;
}

function sqliteStatements(db: Knex): Statements {
  const client = db.client as {
    acquireConnection(): Promise<SqliteConnection>;
    releaseConnection(conn: SqliteConnection): Promise<void>;
  };
  async function use<T>(
    sql: string,
    params: Params,
    call: (s: SqliteStatement, args: unknown[], done: (err: Error | null, v?: T) => void) => void,
  ): Promise<T> {
    const args = params as unknown[];
    const conn = await client.acquireConnection();
    try {
      // Announced as knex announces its own queries: on the connection, just before running.
      (db as unknown as { emit(e: string, o: unknown): void }).emit('query', { sql, bindings: args });
      const s = await statementOf(conn, sql);
      return await new Promise<T>((resolve, reject) =>
        call(s, args, (err, v) => (err ? reject(err) : resolve(v as T))),
      );
    } finally {
      await client.releaseConnection(conn);
    }
  }
  return {
    // A statement left on its first row keeps its read transaction open: every later read on that connection
    // would see the database as it was then (a separate reader served stale rows until the same statement ran
    // again). Reset before the connection goes back to the pool.
    get: <T>(sql: string, params: Params = []) =>
      use<T | undefined>(sql, params, (s, a, done) =>
        s.get(a, (err, row) => s.reset(() => done(err, row as T | undefined))),
      ),
    all: <T>(sql: string, params: Params = []) =>
      use<T[]>(sql, params, (s, a, done) => s.all(a, (err, rows) => done(err, rows as T[]))),
    run: (sql: string, params: Params = []) =>
      use<number>(sql, params, (s, a, done) =>
        s.run(a, function (err) {
          done(err, err ? 0 : this.changes);
        }),
      ),
  };
}

function postgresStatements(db: Knex): Statements {
  const raw = (sql: string, params: Params) => db.raw(sql, params as Knex.RawBinding[]);
  return {
    get: async <T>(sql: string, params: Params = []) => rawRows<T>(await raw(sql, params))[0],
    all: async <T>(sql: string, params: Params = []) => rawRows<T>(await raw(sql, params)),
    run: async (sql: string, params: Params = []) =>
      Number(((await raw(sql, params)) as { rowCount?: number }).rowCount ?? 0),
  };
}

const runners = new WeakMap<Knex, Statements>();

/** The plain-SQL runner of this database (one per knex instance). */
export function statements(db: Knex): Statements {
  // A transaction holds the pool's one SQLite connection: a statement taking its own would wait forever.
  if ((db as { isTransaction?: boolean }).isTransaction)
    throw new Error('statements(): pass the database, not a transaction');
  let s = runners.get(db);
  if (!s) {
    s = isPostgres(db) ? postgresStatements(db) : sqliteStatements(db);
    runners.set(db, s);
  }
  return s;
}
