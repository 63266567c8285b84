/**
 * What RADIUS mode needs of a site beyond its fields' own bounds (validate.ts): PostgreSQL, where FreeRADIUS reads
 * the codes and writes its accounting, and a router address no other RADIUS site uses (FreeRADIUS tells its clients
 * apart by the address their packets come from).
 */
import type { Knex } from 'knex';
import { isPostgres } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import type { ParsedSite } from './validate';
import { isRadiusClient, RADIUS_CLIENTS } from '../../../domain/site-mode';

export async function radiusAllowed(db: Knex, p: ParsedSite, except?: number): Promise<void> {
  if (!isRadiusClient(p) && p.nasAddress === undefined) return;
  if (!isPostgres(db))
    throw new AppError(
      'RADIUS_NEEDS_POSTGRES',
      'RADIUS mode needs PostgreSQL (DATABASE_URL=postgres://…): FreeRADIUS reads the vouchers from the ' +
        "shop's database and writes their accounting there. This shop runs on SQLite; move it with " +
        '`pisonet db copy` first (docs/operations.md, Moving a shop to PostgreSQL), or keep this site in API mode.',
      409,
      'mode',
    );
  if (p.nasAddress === undefined) return;
  const q = db('sites').where({ ...RADIUS_CLIENTS, nas_address: p.nasAddress });
  if (except !== undefined) q.whereNot({ id: except });
  const other = (await q.first('name')) as { name: string } | undefined;
  if (other)
    throw new AppError(
      'NAS_ADDRESS_TAKEN',
      `The RADIUS site "${other.name}" already uses ${p.nasAddress}: FreeRADIUS tells routers apart by the address their packets come from.`,
      409,
      'nas_address',
    );
}
