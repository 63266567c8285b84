/**
 * `describe` by engine. Kept apart from test-db.ts, which the benchmarks' build reaches through the harness
 * and which must therefore not use jest's globals.
 */
import { onPostgres } from './test-db';

/** `describe` for behaviour that only SQLite has (its lock file, WAL); skipped on PostgreSQL with the reason. */
export function describeSqliteOnly(name: string, reason: string, fn: () => void): void {
  // Skipped on purpose: the behaviour does not exist on PostgreSQL; the reason is in the suite's name.
  if (onPostgres) describe.skip(`${name} [SQLite only: ${reason}]`, fn);
  else describe(name, fn);
}

/** `describe` for the PostgreSQL version of a behaviour; skipped on SQLite. */
export function describePostgresOnly(name: string, fn: () => void): void {
  if (onPostgres) describe(name, fn);
  // Skipped on purpose on SQLite: `npm run test:pg` (and .ci/run's second pass) runs it.
  else describe.skip(`${name} [PostgreSQL only: run npm run test:pg]`, fn);
}
