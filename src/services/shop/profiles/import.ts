/**
 * Profiles from JSON: an admin's import (one entry or a whole list) and profiles.json at start. To keep the
 * database the truth (an admin's edit in the web UI must survive a restart), each start compares the file
 * with the version of the file applied last time, not with the database, and applies only what changed in it.
 */
import fs from 'node:fs';
import { parseProfiles, type Profile } from '../../../domain/profiles';
import { diffProfiles, profileToJson } from '../../../domain/profile-json';
import { ValidationError, ValidationErrors, AppError } from '../../../domain/errors';
import { parseJsonText } from '../../../domain/json-text';
import { assertVendosAllow, parseSiteChoice, type SiteChoice } from './sites';
import { assertMonthlyFees } from './billing';
import { profileFromRow } from '../../../domain/profile-row';
import type { Actor } from '../../types';
import {
  assertSameBilling,
  findRow,
  profileRows,
  upsert,
  writeProfile,
  type ProfileDeps,
  type SitedRow,
} from './rows';

const APPLIED_KEY = 'internal.profiles_file_applied';

/** A profiles.json file read and checked; every problem is the operator's to fix, so all are 400s. */
function readProfilesFile(file: string): Profile[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder, not a file'
            : (err as Error).message;
    throw new AppError('PROFILES_FILE', `Cannot read profiles file ${file}: ${why}`, 400, 'file');
  }
  try {
    const profiles = parseProfiles(parseJsonText(text, file));
    assertMonthlyFees(profiles, (i) => `profiles[${i}].price`);
    return profiles;
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ValidationErrors)
      throw new AppError('PROFILES_FILE', `${file}: ${err.message}`, 400, 'file');
    throw err;
  }
}

/**
 * One entry or a whole profiles.json list; every entry is checked before anything is written. `site`: every
 * profile in the list is for that site only; without it new ones are shared and existing ones keep their site.
 */
export async function importProfiles(
  d: ProfileDeps,
  json: unknown,
  opts: { dryRun?: boolean; site?: unknown },
  actor: Actor,
): Promise<{ changes: string[]; applied: boolean }> {
  const wanted = parseProfiles(Array.isArray(json) ? json : [json]);
  assertMonthlyFees(wanted, (i) => (Array.isArray(json) ? `profiles[${i}].price` : 'price'));
  const site = await parseSiteChoice(d.db, opts.site);
  const rows = (await profileRows(d.db)) as SitedRow[];
  const current = new Map(rows.map((r) => [r.name.toUpperCase(), r]));
  const changes: string[] = [];
  for (const p of wanted)
    changes.push(...(await importChanges(d, p, current.get(p.name.toUpperCase()), site)));
  if (opts.dryRun || changes.length === 0) return { changes, applied: false };
  await d.db.transaction(async (trx) => {
    const now = d.clock.now();
    for (const p of wanted) {
      const id = current.get(p.name.toUpperCase())?.id;
      await writeProfile(trx, p, { id, source: 'admin', restore: true, rename: false, site, now });
    }
  });
  await d.audit.record(actor, 'profile.import', `${wanted.length} profile(s)`, { changes });
  return { changes, applied: true };
}

/** What importing `p` over its row (if any) changes; refuses a change of billing or a site its vendos forbid. */
async function importChanges(
  d: ProfileDeps,
  p: Profile,
  row: SitedRow | undefined,
  site: SiteChoice | undefined,
): Promise<string[]> {
  if (!row) return [`profile ${p.name} added${site ? ` for the site ${site.name} only` : ''}`];
  assertSameBilling(profileFromRow(row), p);
  const changes = diffProfiles([profileFromRow(row)], [p]);
  if (row.archived) changes.push(`profile ${p.name} restored from the archive`);
  const was = row.site_id == null ? null : Number(row.site_id);
  if (site !== undefined && (site?.id ?? null) !== was) {
    await assertVendosAllow(d.db, row, site);
    changes.push(`profile ${p.name}: ${site ? `for the site ${site.name} only` : 'shared by every site'}`);
  }
  return changes;
}

async function lastApplied(d: ProfileDeps): Promise<Profile[]> {
  const row = await d.db('settings').where({ key: APPLIED_KEY }).first();
  if (!row) return [];
  try {
    return parseProfiles(JSON.parse(row.value));
  } catch {
    return [];
  }
}

/** Applies profiles.json: what changed in the file since it was applied last; returns a line per change. */
export async function syncFromFile(d: ProfileDeps, file: string): Promise<string[]> {
  const wanted = readProfilesFile(file);
  const before = await lastApplied(d);
  const changes = diffProfiles(before, wanted);
  await writeFileChanges(d, before, wanted);
  await archiveRemoved(d, before, wanted);
  const value = JSON.stringify(wanted.map(profileToJson));
  await d
    .db('settings')
    .insert({ key: APPLIED_KEY, value, updated_at: d.clock.now() })
    .onConflict('key')
    .merge({ value, updated_at: d.clock.now() });
  return changes.map((line) =>
    line.endsWith(' removed') ? `${line} from ${file} (archived; its vouchers keep working)` : line,
  );
}

/** Writes each profile changed in the file, or missing from the database (first start, or deleted by hand). */
async function writeFileChanges(d: ProfileDeps, before: Profile[], wanted: Profile[]): Promise<void> {
  const beforeNames = new Map(before.map((p) => [p.name.toUpperCase(), JSON.stringify(profileToJson(p))]));
  for (const p of wanted) {
    const prev = beforeNames.get(p.name.toUpperCase());
    if (prev !== JSON.stringify(profileToJson(p)) || !(await findRow(d.db, p.name)))
      await upsert(d, p, 'file');
  }
}

/** Vouchers keep their profile, so a profile removed from the file is archived, not deleted. */
async function archiveRemoved(d: ProfileDeps, before: Profile[], wanted: Profile[]): Promise<void> {
  const wantedNames = new Set(wanted.map((p) => p.name.toUpperCase()));
  for (const p of before) {
    if (wantedNames.has(p.name.toUpperCase())) continue;
    await d
      .db('profiles')
      .whereRaw('LOWER(name) = LOWER(?)', [p.name])
      .andWhere({ source: 'file' })
      .update({ archived: true, updated_at: d.clock.now() });
  }
}
