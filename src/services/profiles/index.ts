/**
 * Profiles live in the database; profiles.json seeds them and its later edits are applied at start.
 * To keep the database the truth (an admin's edit in the web UI must survive a restart), each start
 * compares the file with the version of the file applied last time, not with the database, and applies
 * only what changed in the file.
 */
import fs from 'node:fs';
import { parseProfile, parseProfiles, type Profile } from '../../domain/profiles';
import { diffProfiles, profileToJson } from '../../domain/profile-json';
import { ValidationError, ValidationErrors, AppError } from '../../domain/errors';
import { parseJsonText } from '../../domain/json-text';
import type { ShopDeps } from '../deps';
import { assertVendosAllow, parseSiteChoice, type SiteChoice } from './sites';
import { assertMonthlyFees } from './billing';
import { profileFromRow, type ProfileRow } from './plans';
import type { Actor, ProfileRecord, ProfileService } from '../types';

const APPLIED_KEY = 'internal.profiles_file_applied';

/** A row read with its site's name (profileRows). */
type SitedRow = ProfileRow & { site_id?: number | null; site_name?: string | null };

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

/** `site` taken out of a profile's JSON (profiles.json has no such key: the parser would refuse it). */
function splitSite(json: unknown): { spec: unknown; site: unknown } {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { spec: json, site: undefined };
  const { site, ...spec } = json as Record<string, unknown>;
  return { spec, site };
}

/**
 * A profile stays prepaid or monthly for life: its vouchers, vendos or subscribers were sold on those terms. A new
 * kind of plan is a new profile.
 */
function assertSameBilling(before: Profile, after: Profile): void {
  const was = before.billing ?? 'prepaid';
  if (was !== (after.billing ?? 'prepaid'))
    throw new ValidationError(
      'billing',
      `${before.name} is ${was === 'monthly' ? 'a monthly plan' : 'prepaid (vouchers)'}; a profile keeps its billing, so create a new profile instead`,
    );
}

/** A profiles.json file read and checked; every problem is the operator's to fix, so all are 400s. */
export function readProfilesFile(file: string): Profile[] {
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
    if (err instanceof ValidationError || err instanceof ValidationErrors) {
      const detail = err instanceof ValidationErrors ? err.message : `${err.message}`;
      throw new AppError('PROFILES_FILE', `${file}: ${detail}`, 400, 'file');
    }
    throw err;
  }
}

export function createProfileService(deps: Pick<ShopDeps, 'db' | 'clock' | 'audit'>): ProfileService {
  const { db, clock, audit } = deps;

  /** Profiles with their site's name. */
  const profileRows = () =>
    db('profiles as p').leftJoin('sites as s', 's.id', 'p.site_id').select('p.*', 's.name as site_name');

  async function findRow(name: string): Promise<SitedRow | undefined> {
    return (await profileRows().whereRaw('LOWER(p.name) = LOWER(?)', [name]).first()) as SitedRow | undefined;
  }

  /**
   * Writes a profile; `restore` brings an archived one back (the file or an import names it again). `site`:
   * the site to tie it to (null: shared); undefined keeps an existing profile's and makes a new one shared.
   */
  async function upsert(
    p: Profile,
    source: 'file' | 'admin',
    restore = true,
    site?: SiteChoice,
  ): Promise<SitedRow> {
    const now = clock.now();
    const spec = JSON.stringify(profileToJson(p));
    const existing = await findRow(p.name);
    if (existing) {
      await db('profiles')
        .where({ id: existing.id })
        .update({
          name: p.name,
          price: p.price,
          spec,
          ...(restore ? { archived: false } : {}),
          ...(site !== undefined ? { site_id: site?.id ?? null } : {}),
          updated_at: now,
        });
    } else {
      await db('profiles').insert({
        name: p.name,
        price: p.price,
        spec,
        source,
        archived: false,
        site_id: site?.id ?? null,
        created_at: now,
        updated_at: now,
      });
    }
    return (await findRow(p.name)) as SitedRow;
  }

  async function lastApplied(): Promise<Profile[]> {
    const row = await db('settings').where({ key: APPLIED_KEY }).first();
    if (!row) return [];
    try {
      return parseProfiles(JSON.parse(row.value));
    } catch {
      return [];
    }
  }

  return {
    async list(opts = {}) {
      const rows = (await profileRows()
        .modify((q) => {
          if (!opts.includeArchived) q.where('p.archived', false);
          const siteId = opts.siteId;
          if (siteId === null) q.whereNull('p.site_id');
          else if (siteId !== undefined)
            q.where((w) => w.whereNull('p.site_id').orWhere('p.site_id', siteId));
        })
        .orderBy('p.price')
        .orderBy('p.name')) as SitedRow[];
      return rows.map(toProfileRecord);
    },

    async get(name) {
      const row = await findRow(String(name));
      if (!row) throw new AppError('PROFILE_NOT_FOUND', `No profile named "${name}"`, 404, 'profile');
      return toProfileRecord(row);
    },

    async create(json, actor: Actor) {
      const { spec, site: siteInput } = splitSite(json);
      const profile = parseProfile(spec);
      assertMonthlyFees([profile]);
      if (await findRow(profile.name)) {
        throw new AppError(
          'PROFILE_EXISTS',
          `A profile named "${profile.name}" already exists`,
          409,
          'name',
          { name: 'already used by another profile' },
        );
      }
      const site = (await parseSiteChoice(db, siteInput)) ?? null;
      const row = await upsert(profile, 'admin', true, site);
      await audit.record(actor, 'profile.create', profile.name, {
        profile: profileToJson(profile),
        ...(site ? { site: site.name } : {}),
      });
      return toProfileRecord(row);
    },

    async update(name, json, actor: Actor) {
      const existing = await findRow(name);
      if (!existing) throw new AppError('PROFILE_NOT_FOUND', `No profile named "${name}"`, 404, 'profile');
      const { spec, site: siteInput } = splitSite(json);
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
      const site = await parseSiteChoice(db, siteInput);
      const siteBefore = existing.site_id == null ? null : Number(existing.site_id);
      const siteChanged = site !== undefined && (site?.id ?? null) !== siteBefore;
      if (siteChanged) await assertVendosAllow(db, existing, site ?? null);
      const before = profileFromRow(existing);
      const row = await upsert(profile, existing.source, false, site);
      const changes = diffProfiles([before], [profile]);
      if (siteChanged)
        changes.push(
          `profile ${profile.name}: ${site ? `for the site ${site.name} only` : 'shared by every site'} (was ${existing.site_name ? `the site ${existing.site_name} only` : siteBefore === null ? 'shared' : `site #${siteBefore}`})`,
        );
      await audit.record(actor, 'profile.update', profile.name, { changes });
      return toProfileRecord(row);
    },

    async setArchived(name, archived, actor) {
      const row = await findRow(String(name));
      if (!row) throw new AppError('PROFILE_NOT_FOUND', `No profile named "${name}"`, 404, 'profile');
      if (Boolean(row.archived) !== archived) {
        await db('profiles').where({ id: row.id }).update({ archived, updated_at: clock.now() });
        await audit.record(actor, archived ? 'profile.archive' : 'profile.restore', row.name, {});
      }
      return toProfileRecord((await findRow(row.name)) as ProfileRow);
    },

    async importProfiles(json, opts, actor) {
      // One entry or a whole profiles.json list; every entry is checked before anything is written.
      // `site`: every profile in the list is for that site only; without it new ones are shared and existing
      // ones keep their site.
      const wanted = parseProfiles(Array.isArray(json) ? json : [json]);
      assertMonthlyFees(wanted, (i) => (Array.isArray(json) ? `profiles[${i}].price` : 'price'));
      const site = await parseSiteChoice(db, opts.site);
      const rows = (await profileRows()) as SitedRow[];
      const current = new Map(rows.map((r) => [r.name.toUpperCase(), r]));
      const changes: string[] = [];
      for (const p of wanted) {
        const row = current.get(p.name.toUpperCase());
        if (!row) changes.push(`profile ${p.name} added${site ? ` for the site ${site.name} only` : ''}`);
        else {
          assertSameBilling(profileFromRow(row), p);
          changes.push(...diffProfiles([profileFromRow(row)], [p]));
          if (row.archived) changes.push(`profile ${p.name} restored from the archive`);
          const was = row.site_id == null ? null : Number(row.site_id);
          if (site !== undefined && (site?.id ?? null) !== was) {
            await assertVendosAllow(db, row, site);
            changes.push(
              `profile ${p.name}: ${site ? `for the site ${site.name} only` : 'shared by every site'}`,
            );
          }
        }
      }
      if (opts.dryRun || changes.length === 0) return { changes, applied: false };
      await db.transaction(async (trx) => {
        const now = clock.now();
        for (const p of wanted) {
          const spec = JSON.stringify(profileToJson(p));
          const row = current.get(p.name.toUpperCase());
          if (row) {
            await trx('profiles')
              .where({ id: row.id })
              .update({
                price: p.price,
                spec,
                archived: false,
                ...(site !== undefined ? { site_id: site?.id ?? null } : {}),
                updated_at: now,
              });
          } else {
            await trx('profiles').insert({
              name: p.name,
              price: p.price,
              spec,
              source: 'admin',
              archived: false,
              site_id: site?.id ?? null,
              created_at: now,
              updated_at: now,
            });
          }
        }
      });
      await audit.record(actor, 'profile.import', `${wanted.length} profile(s)`, { changes });
      return { changes, applied: true };
    },

    async syncFromFile(file) {
      const wanted = readProfilesFile(file);
      const before = await lastApplied();
      const changes = diffProfiles(before, wanted);
      const beforeNames = new Map(
        before.map((p) => [p.name.toUpperCase(), JSON.stringify(profileToJson(p))]),
      );
      for (const p of wanted) {
        const prev = beforeNames.get(p.name.toUpperCase());
        // Changed in the file, or missing from the database (first start, or deleted by hand).
        if (prev !== JSON.stringify(profileToJson(p)) || !(await findRow(p.name))) await upsert(p, 'file');
      }
      const wantedNames = new Set(wanted.map((p) => p.name.toUpperCase()));
      for (const p of before) {
        if (wantedNames.has(p.name.toUpperCase())) continue;
        // Vouchers keep their profile, so a profile removed from the file is archived, not deleted.
        await db('profiles')
          .whereRaw('LOWER(name) = LOWER(?)', [p.name])
          .andWhere({ source: 'file' })
          .update({ archived: true, updated_at: clock.now() });
      }
      const value = JSON.stringify(wanted.map(profileToJson));
      await db('settings')
        .insert({ key: APPLIED_KEY, value, updated_at: clock.now() })
        .onConflict('key')
        .merge({ value, updated_at: clock.now() });
      return changes.map((line) =>
        line.endsWith(' removed') ? `${line} from ${file} (archived; its vouchers keep working)` : line,
      );
    },
  };
}
