import type pg from 'pg';

/**
 * The PostgreSQL driver, loaded the first time a PostgreSQL database is opened. A shop on SQLite (the
 * embedded default) never loads it: its fourteen modules kept about 9 MiB resident in every server, poll
 * bench and terminal process (measured: `require('./dist/src/core')` with and without it, 69 → 60 MiB RSS).
 * Types come from `import type`, which compiles to nothing.
 */
export function pgDriver(): typeof pg {
  return require('pg') as typeof pg;
}
