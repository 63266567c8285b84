import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profiles';
import { profileToJson } from '../../../domain/profile-json';
import { AppError, ValidationError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import type { SiteChoice } from './sites';
import { profileFromRow, type ProfileRow } from '../../../domain/profile-row';
import type { ProfileRecord } from '../../types';

/** What the profile service's steps work with. */
export type ProfileDeps = Pick<ShopDeps, 'db' | 'clock' | 'audit'>;

/** A row read with its site's name (profileRows). */
export type SitedRow = ProfileRow & { site_id?: number | null; site_name?: string | null };

export function toProfileRecord(row: SitedRow): ProfileRecord {
  const profile = profileFromRow(row);
  const siteId = row.site_id == null ? null : Number(row.site_id);
  return {
    id: row.id,
    name: row.name,
    price: row.price,
    profile,
    json: profileToJson(profile) as unknown as Record<string, unknown>,
    source: row.source,
    archived: Boolean(row.archived),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    // A site removed under it (not through the sites service) leaves it shared in effect: named by id.
    site: siteId === null ? null : { id: siteId, name: row.site_name ?? `#${siteId}` },
  };
}

export const profileNotFound = (name: unknown) =>
  new AppError('PROFILE_NOT_FOUND', `No profile named "${String(name)}"`, 404, 'profile');

/** Profiles with their site's name. */
export const profileRows = (db: Knex) =>
  db('profiles as p').leftJoin('sites as s', 's.id', 'p.site_id').select('p.*', 's.name as site_name');

export async function findRow(db: Knex, name: string): Promise<SitedRow | undefined> {
  return (await profileRows(db).whereRaw('LOWER(p.name) = LOWER(?)', [name]).first()) as SitedRow | undefined;
}

/**
 * A profile's row written: updated when `id` names an existing one (renamed to `p.name`'s spelling when
 * `rename`, brought back from the archive when `restore`, tied to `site` when given), else inserted (shared
 * unless `site` says otherwise).
 */
export async function writeProfile(
  q: Knex | Knex.Transaction,
  p: Profile,
  o: { id?: number; source: string; restore: boolean; rename: boolean; site?: SiteChoice; now: number },
): Promise<void> {
  const spec = JSON.stringify(profileToJson(p));
  if (o.id !== undefined) {
    await q('profiles')
      .where({ id: o.id })
      .update({
        ...(o.rename ? { name: p.name } : {}),
        price: p.price,
        spec,
        ...(o.restore ? { archived: false } : {}),
        ...(o.site !== undefined ? { site_id: o.site?.id ?? null } : {}),
        updated_at: o.now,
      });
    return;
  }
  await q('profiles').insert({
    name: p.name,
    price: p.price,
    spec,
    source: o.source,
    archived: false,
    site_id: o.site?.id ?? null,
    created_at: o.now,
    updated_at: o.now,
  });
}

/**
 * Writes a profile; `restore` brings an archived one back (the file or an import names it again). `site`:
 * the site to tie it to (null: shared); undefined keeps an existing profile's and makes a new one shared.
 */
export async function upsert(
  d: ProfileDeps,
  p: Profile,
  source: 'file' | 'admin',
  restore = true,
  site?: SiteChoice,
): Promise<SitedRow> {
  const existing = await findRow(d.db, p.name);
  await writeProfile(d.db, p, { id: existing?.id, source, restore, rename: true, site, now: d.clock.now() });
  return (await findRow(d.db, p.name)) as SitedRow;
}

/**
 * A profile stays prepaid or monthly for life: its vouchers, vendos or subscribers were sold on those terms. A new
 * kind of plan is a new profile.
 */
export function assertSameBilling(before: Profile, after: Profile): void {
  const was = before.billing ?? 'prepaid';
  if (was !== (after.billing ?? 'prepaid'))
    throw new ValidationError(
      'billing',
      `${before.name} is ${was === 'monthly' ? 'a monthly plan' : 'prepaid (vouchers)'}; a profile keeps its billing, so create a new profile instead`,
    );
}
