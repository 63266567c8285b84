import { parseProfile, type Profile } from '../../../domain/profiles';
import { diffProfiles, profileToJson } from '../../../domain/profile-json';
import { ValidationError, AppError } from '../../../domain/errors';
import { assertVendosAllow, parseSiteChoice, type SiteChoice } from './sites';
import { askTypoFee, assertMonthlyFees } from './billing';
import { profileFromRow, type ProfileRow } from '../../../domain/profile-row';
import type { Actor, ProfileRecord, ProfileService } from '../../types';
import {
  assertSameBilling,
  findRow,
  profileNotFound,
  profileRows,
  toProfileRecord,
  upsert,
  type ProfileDeps,
  type SitedRow,
} from './rows';

/**
 * `site` and `confirm` (a fee that looked like a typo, meant) taken out of a profile's JSON: profiles.json has
 * no such keys, so the parser would refuse them.
 */
function splitSite(json: unknown): { spec: unknown; site: unknown; confirmed: boolean } {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return { spec: json, site: undefined, confirmed: false };
  const { site, confirm, ...spec } = json as Record<string, unknown>;
  return { spec, site, confirmed: confirm === true };
}

export async function listProfiles(
  d: ProfileDeps,
  opts: Parameters<ProfileService['list']>[0] = {},
): Promise<ProfileRecord[]> {
  const rows = (await profileRows(d.db)
    .modify((q) => {
      if (!opts.includeArchived) q.where('p.archived', false);
      const siteId = opts.siteId;
      if (siteId === null) q.whereNull('p.site_id');
      else if (siteId !== undefined) q.where((w) => w.whereNull('p.site_id').orWhere('p.site_id', siteId));
    })
    .orderBy('p.price')
    .orderBy('p.name')) as SitedRow[];
  return rows.map(toProfileRecord);
}

export async function getProfile(d: ProfileDeps, name: string): Promise<ProfileRecord> {
  const row = await findRow(d.db, String(name));
  if (!row) throw profileNotFound(name);
  return toProfileRecord(row);
}

export async function createProfile(d: ProfileDeps, json: unknown, actor: Actor): Promise<ProfileRecord> {
  const { spec, site: siteInput, confirmed } = splitSite(json);
  const profile = parseProfile(spec);
  assertMonthlyFees([profile]);
  if (await findRow(d.db, profile.name)) {
    throw new AppError('PROFILE_EXISTS', `A profile named "${profile.name}" already exists`, 409, 'name', {
      name: 'already used by another profile',
    });
  }
  const site = (await parseSiteChoice(d.db, siteInput)) ?? null;
  if (!confirmed) askTypoFee(profile);
  const row = await upsert(d, profile, 'admin', true, site);
  await d.audit.record(actor, 'profile.create', profile.name, {
    profile: profileToJson(profile),
    ...(site ? { site: site.name } : {}),
  });
  return toProfileRecord(row);
}

export async function updateProfile(
  d: ProfileDeps,
  name: string,
  json: unknown,
  actor: Actor,
): Promise<ProfileRecord> {
  const existing = await findRow(d.db, name);
  if (!existing) throw profileNotFound(name);
  const { spec, site: siteInput, confirmed } = splitSite(json);
  const profile = editedProfile(existing, spec);
  const site = await parseSiteChoice(d.db, siteInput);
  const siteBefore = existing.site_id == null ? null : Number(existing.site_id);
  const siteChanged = site !== undefined && (site?.id ?? null) !== siteBefore;
  if (siteChanged) await assertVendosAllow(d.db, existing, site ?? null);
  const before = profileFromRow(existing);
  if (!confirmed) askTypoFee(profile, before);
  const row = await upsert(d, profile, existing.source, false, site);
  const changes = diffProfiles([before], [profile]);
  if (siteChanged) changes.push(siteChangeLine(profile, site ?? null, existing, siteBefore));
  await d.audit.record(actor, 'profile.update', profile.name, { changes });
  return toProfileRecord(row);
}

/** The edit's profile: its name kept when the edit leaves it out; a rename or a change of billing refused. */
function editedProfile(existing: SitedRow, spec: unknown): Profile {
  const body =
    spec && typeof spec === 'object' && !Array.isArray(spec)
      ? { name: existing.name, ...(spec as Record<string, unknown>) }
      : spec;
  const profile = parseProfile(body);
  assertMonthlyFees([profile]);
  if (profile.name.toUpperCase() !== existing.name.toUpperCase()) {
    throw new ValidationError(
      'name',
      'a profile cannot be renamed (vouchers refer to it); create a new profile instead',
    );
  }
  assertSameBilling(profileFromRow(existing), profile);
  return profile;
}

function siteChangeLine(
  profile: Profile,
  site: SiteChoice,
  existing: SitedRow,
  siteBefore: number | null,
): string {
  const now = site ? `for the site ${site.name} only` : 'shared by every site';
  const was = existing.site_name
    ? `the site ${existing.site_name} only`
    : siteBefore === null
      ? 'shared'
      : `site #${siteBefore}`;
  return `profile ${profile.name}: ${now} (was ${was})`;
}

export async function setArchived(
  d: ProfileDeps,
  name: string,
  archived: boolean,
  actor: Actor,
): Promise<ProfileRecord> {
  const row = await findRow(d.db, String(name));
  if (!row) throw profileNotFound(name);
  if (Boolean(row.archived) !== archived) {
    await d.db('profiles').where({ id: row.id }).update({ archived, updated_at: d.clock.now() });
    await d.audit.record(actor, archived ? 'profile.archive' : 'profile.restore', row.name, {});
  }
  return toProfileRecord((await findRow(d.db, row.name)) as ProfileRow);
}
