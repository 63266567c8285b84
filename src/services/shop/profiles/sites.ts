/**
 * Profiles and vendos shared or per site. A profile with a site is sold on that site only: its
 * batches, the portal's price list there, the vendos there, and a voucher moved to it. The rules live here so
 * the admin, the API, the CLI and the vendos enforce the same ones.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { findSite } from '../../business/sites/lookup';
import type { SiteRef } from '../../deps';

/** A profile's or vendo's site as stored: the site, or null for shared. */
export type SiteChoice = SiteRef | null;

/**
 * The `site` of a profile or vendo as the API, the admin form and the CLI send it: undefined when not given (an
 * edit leaves the site as it is), null for shared (null, '', or the words "shared"/"all"), else the site named by
 * its id or name (404 SITE_NOT_FOUND on the field `site` when there is none).
 */
export async function parseSiteChoice(db: Knex, value: unknown): Promise<SiteChoice | undefined> {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'string' && ['', 'shared', 'all'].includes(value.trim().toLowerCase())) return null;
  return findSite(db, value, 'site');
}

/** The name of a site by id, for messages (a removed site reads as "a removed site"). */
async function siteName(db: Knex, id: number | null): Promise<string> {
  if (id === null) return 'every site';
  const row = (await db('sites').where({ id }).first('name')) as { name: string } | undefined;
  return row ? `the site ${row.name}` : 'a removed site';
}

/**
 * Refuses a profile tied to one site for vouchers of another: `forSite` is the site the vouchers are for, or
 * null for a roaming batch (valid on every site), which needs a shared profile.
 */
export async function assertProfileSellsOn(
  db: Knex,
  profile: { name: string; site: SiteChoice },
  forSite: number | null,
): Promise<void> {
  if (!profile.site || profile.site.id === forSite) return;
  if (forSite === null)
    throw new AppError(
      'PROFILE_NOT_SHARED',
      `Profile ${profile.name} is sold on the site ${profile.site.name} only; a roaming batch (valid on every site) needs a shared profile.`,
      409,
      'profile',
    );
  throw new AppError(
    'PROFILE_OTHER_SITE',
    `Profile ${profile.name} is sold on the site ${profile.site.name} only, not on ${await siteName(db, forSite)}. Pick a profile of that site or a shared one.`,
    409,
    'profile',
  );
}

/**
 * A profile moving to `site` (null: shared) must still suit every vendo that sells it: a vendo of another site,
 * or a shared vendo (it sells on every site), cannot sell a profile of one site.
 */
export async function assertVendosAllow(
  db: Knex,
  profile: { id: number; name: string },
  site: SiteChoice,
): Promise<void> {
  if (site === null) return;
  const clash = (await db('vendos')
    .where({ profile_id: profile.id })
    .where((q) => q.whereNull('site_id').orWhereNot('site_id', site.id))
    .orderBy('name')
    .select('name')) as { name: string }[];
  if (!clash.length) return;
  const names = clash.map((v) => v.name).join(', ');
  throw new AppError(
    'PROFILE_USED_BY_VENDO',
    `Profile ${profile.name} cannot be for the site ${site.name} only: the vendo${clash.length === 1 ? '' : 's'} ${names} sell${clash.length === 1 ? 's' : ''} it elsewhere. Tie ${clash.length === 1 ? 'that vendo' : 'those vendos'} to ${site.name} or give ${clash.length === 1 ? 'it' : 'them'} another profile first.`,
    409,
    'site',
    { site: `sold by ${names} on other sites` },
  );
}
