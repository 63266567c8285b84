/**
 * A site named by its id or its name (any case), as the API, the admin forms, the portal and the CLI take it.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import type { SiteRef } from '../../deps';
import type { SiteRow } from './types';

const MAX_REF = 64;

/** The stored site; AppError SITE_NOT_FOUND (404, on `field`) when there is none. */
export async function findSiteRow(db: Knex, ref: unknown, field = 'site'): Promise<SiteRow> {
  if ((typeof ref !== 'string' && typeof ref !== 'number') || String(ref).trim() === '')
    throw new AppError('SITE_INVALID', 'Name the site by its id or its name', 400, field);
  const s = String(ref).trim();
  if (s.length > MAX_REF)
    throw new AppError('SITE_INVALID', `A site is named in at most ${MAX_REF} characters`, 400, field);
  const q = db('sites');
  if (/^\d+$/.test(s)) q.where({ id: Number(s) });
  else q.whereRaw('LOWER(name) = LOWER(?)', [s]);
  const row = (await q.first()) as SiteRow | undefined;
  if (!row) throw new AppError('SITE_NOT_FOUND', `Site ${JSON.stringify(s)} not found`, 404, field);
  return row;
}

/** The site as services pass it around. */
export async function findSite(db: Knex, ref: unknown, field = 'site'): Promise<SiteRef> {
  const row = await findSiteRow(db, ref, field);
  return { id: row.id, name: row.name };
}
