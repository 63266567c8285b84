import type { Knex } from 'knex';
import { AppError, type ErrorCode } from '../../../domain/errors';

/**
 * Refuses a name another row of `table` already has, in any case (sites, vendos: names people type and read).
 * `except` is the row being renamed. The tables' unique indexes on LOWER(name) stay the last word in a race.
 */
export async function assertNameFree(
  db: Knex,
  what: { table: string; noun: string; code: ErrorCode },
  name: string,
  except?: string | number,
): Promise<void> {
  const q = db(what.table).whereRaw('LOWER(name) = LOWER(?)', [name]);
  if (except !== undefined) q.whereNot({ id: except });
  if (await q.first())
    throw new AppError(
      what.code,
      `A ${what.noun} named "${name}" exists already; pick another name`,
      409,
      'name',
    );
}
