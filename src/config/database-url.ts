import path from 'node:path';
import { DatabaseUrlError } from '../domain/errors';

/**
 * DATABASE_URL: which engine keeps the shop's data and where.
 *
 * - `sqlite:PATH` (the embedded default for a single shop; a relative path is the project's);
 * - `postgres://user:password@host:port/database` (or `postgresql://`), with `?sslmode=` `disable` (default),
 *   `require` (encrypted, certificate not checked, as libpq), `verify-ca` or `verify-full`, and `?host=/dir`
 *   for a unix socket folder (postgres://user@localhost/db?host=/run/postgresql).
 *
 * A URL may hold a password: nothing here ever puts one in a message. `shown` is the URL with the password
 * replaced by `***`, for logs, errors and the configuration listing.
 */
export type DatabaseConfig =
  | { engine: 'sqlite'; file: string; shown: string }
  | {
      engine: 'postgres';
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
      /** false, or the TLS options given to the driver. */
      ssl: false | { rejectUnauthorized: boolean; checkServerIdentity?: () => undefined };
      sslmode: SslMode;
      shown: string;
    };

export type PostgresConfig = Extract<DatabaseConfig, { engine: 'postgres' }>;

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];
const QUERY_KEYS = new Set(['sslmode', 'host']);

/** Replaces the password in anything that looks like a URL with credentials (also inside longer text). */
export function maskUrlPassword(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^\s]*@/gi, '$1***@');
}

/**
 * Parses DATABASE_URL. Throws DatabaseUrlError with a message that names the problem and shows the URL
 * with its password masked.
 */
export function parseDatabaseUrl(raw: string, baseDir: string): DatabaseConfig {
  const value = raw.trim();
  if (/^sqlite:.+/.test(value)) {
    const file = path.resolve(baseDir, value.replace(/^sqlite:(\/\/)?/, ''));
    return { engine: 'sqlite', file, shown: `sqlite:${file}` };
  }
  const shownRaw = maskUrlPassword(value);
  if (!/^postgres(ql)?:\/\//i.test(value))
    throw new DatabaseUrlError(
      `must look like sqlite:./data/pisonet.sqlite or postgres://user:password@host:5432/database (got "${shownRaw}")`,
    );
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new DatabaseUrlError(
      `is not a valid address; write postgres://user:password@host:5432/database, with special characters in the password %-encoded (got "${shownRaw}")`,
    );
  }
  const problems: string[] = [];
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      problems.push('has a badly %-encoded part');
      return s;
    }
  };
  const socketDir = u.searchParams.get('host') ?? '';
  const host = socketDir || decode(u.hostname.replace(/^\[|\]$/g, ''));
  if (!host) problems.push('needs a host (postgres://user:password@host:5432/database)');
  const database = decode(u.pathname.replace(/^\//, ''));
  if (!database || database.includes('/'))
    problems.push('needs the database name after the host (…:5432/pisonet)');
  const user = decode(u.username);
  if (!user) problems.push('needs a user name (postgres://user:password@…)');
  const port = u.port === '' ? 5432 : Number(u.port);
  for (const key of u.searchParams.keys())
    if (!QUERY_KEYS.has(key)) problems.push(`has an unknown option "${key}" (known: sslmode, host)`);
  const mode = (u.searchParams.get('sslmode') ?? 'disable') as SslMode;
  if (!SSL_MODES.includes(mode))
    problems.push(`sslmode must be one of ${SSL_MODES.join(', ')} (got "${u.searchParams.get('sslmode')}")`);
  if (problems.length) throw new DatabaseUrlError(`${problems.join('; ')} (got "${shownRaw}")`);
  const ssl: PostgresConfig['ssl'] =
    mode === 'disable'
      ? false
      : mode === 'require'
        ? { rejectUnauthorized: false }
        : mode === 'verify-ca'
          ? { rejectUnauthorized: true, checkServerIdentity: () => undefined }
          : { rejectUnauthorized: true };
  const shown = u.password ? value.replace(`:${u.password}@`, ':***@') : value;
  return {
    engine: 'postgres',
    host,
    port,
    user,
    password: decode(u.password),
    database,
    ssl,
    sslmode: mode,
    shown: maskUrlPassword(shown),
  };
}

/** The same server and credentials, another database (tests, `pisonet db copy`'s checks). */
export function withDatabase(c: PostgresConfig, database: string): PostgresConfig {
  const shown = c.shown.replace(/(\/\/[^/]*\/)[^?]*/, `$1${encodeURIComponent(database)}`);
  return { ...c, database, shown };
}

/** How the database is named to people: the SQLite file, or the URL with its password masked. */
export function databaseLabel(c: DatabaseConfig): string {
  return c.engine === 'sqlite' ? c.file : c.shown;
}

/** The connection settings a PostgreSQL client takes (pg.ClientConfig's fields), one mapping for every client. */
export function pgClientConfig(c: PostgresConfig, applicationName?: string) {
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl: c.ssl,
    ...(applicationName ? { application_name: applicationName } : {}),
  };
}
