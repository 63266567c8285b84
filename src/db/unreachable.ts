/**
 * A PostgreSQL server that cannot be reached, in the owner's words: every query that cannot get a connection
 * fails with DATABASE_UNREACHABLE (503) naming the database and what to check, instead of the driver's raw
 * `connect ECONNREFUSED …` reported as an internal error. The terminal exits with its own code for it
 * (src/lib/error-reply.ts), the API answers 503, the admin shows the sentence.
 */
import type { Knex } from 'knex';
import { AppError } from '../domain/errors';
import { maskUrlPassword } from '../config/database-url';

function databaseUnreachable(shown: string, err: unknown): AppError {
  const why = maskUrlPassword(err instanceof Error ? err.message : String(err));
  return new AppError(
    'DATABASE_UNREACHABLE',
    `The database is not reachable (${shown}: ${why}). Nothing was changed. Check that the PostgreSQL server is running and that DATABASE_URL in .env names it.`,
    503,
  );
}

/** Wraps the pool's connection acquisition so its failures become DATABASE_UNREACHABLE. */
export function reportUnreachable(db: Knex, shown: string): void {
  const client = db.client as { acquireConnection: () => Promise<unknown> };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    try {
      return await acquire();
    } catch (err) {
      throw databaseUnreachable(shown, err);
    }
  };
}

/**
 * knex's own log: its "Acquire connection error" warning is the same failure the query then throws (and the
 * face reports once, in words); other messages still go to stderr.
 */
export const knexLog = {
  warn: (message: string): void => {
    if (!String(message).startsWith('Acquire connection error')) console.warn(message);
  },
};
