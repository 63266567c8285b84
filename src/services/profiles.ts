/**
 * Profiles live in the database; profiles.json seeds them and its later edits are applied at start.
 * To keep the database the truth (an admin's edit in the web UI must survive a restart), each start
 * compares the file with the version of the file applied last time, not with the database, and applies
 * only what changed in the file.
 */
import fs from 'node:fs';
import { parseProfile, parseProfiles, type Profile } from '../domain/profiles';
import { diffProfiles, profileToJson } from '../domain/profile-json';
import { parseJsonText, ValidationError, ValidationErrors } from '../domain/errors';
import { AppError } from '../lib/errors';
import type { ServiceDeps } from './deps';
import { profileFromRow, type ProfileRow } from './voucher-state';
import type { Actor, ProfileRecord, ProfileService } from './types';

const APPLIED_KEY = 'internal.profiles_file_applied';

export function toProfileRecord(row: ProfileRow): ProfileRecord {
  const profile = profileFromRow(row);
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
  };
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
    return parseProfiles(parseJsonText(text, file));
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ValidationErrors) {
      const detail = err instanceof ValidationErrors ? err.message : `${err.message}`;
      throw new AppError('PROFILES_FILE', `${file}: ${detail}`, 400, 'file');
    }
    throw err;
  }
}

export function createProfileService(deps: ServiceDeps): ProfileService {
  const { db, clock, audit } = deps;

  async function findRow(name: string): Promise<ProfileRow | undefined> {
    return (await db('profiles').whereRaw('LOWER(name) = LOWER(?)', [name]).first()) as
      ProfileRow | undefined;
  }

  /** Writes a profile; `restore` brings an archived one back (the file or an import names it again). */
  async function upsert(p: Profile, source: 'file' | 'admin', restore = true): Promise<ProfileRow> {
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
          updated_at: now,
        });
    } else {
      await db('profiles').insert({
        name: p.name,
        price: p.price,
        spec,
        source,
        archived: false,
        created_at: now,
        updated_at: now,
      });
    }
    return (await findRow(p.name)) as ProfileRow;
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
      const rows = (await db('profiles')
        .modify((q) => {
          if (!opts.includeArchived) q.where({ archived: false });
        })
        .orderBy('price')
        .orderBy('name')) as ProfileRow[];
      return rows.map(toProfileRecord);
    },

    async get(name) {
      const row = await findRow(String(name));
      if (!row) throw new AppError('PROFILE_NOT_FOUND', `No profile named "${name}"`, 404, 'profile');
      return toProfileRecord(row);
    },

    async create(json, actor: Actor) {
      const profile = parseProfile(json);
      if (await findRow(profile.name)) {
        throw new AppError(
          'PROFILE_EXISTS',
          `A profile named "${profile.name}" already exists`,
          409,
          'name',
          { name: 'already used by another profile' },
        );
      }
      const row = await upsert(profile, 'admin');
      await audit.record(actor, 'profile.create', profile.name, { profile: profileToJson(profile) });
      return toProfileRecord(row);
    },

    async update(name, json, actor: Actor) {
      const existing = await findRow(name);
      if (!existing) throw new AppError('PROFILE_NOT_FOUND', `No profile named "${name}"`, 404, 'profile');
      const body =
        json && typeof json === 'object' && !Array.isArray(json)
          ? { name: existing.name, ...(json as Record<string, unknown>) }
          : json;
      const profile = parseProfile(body);
      if (profile.name.toUpperCase() !== existing.name.toUpperCase()) {
        throw new ValidationError(
          'name',
          'a profile cannot be renamed (vouchers refer to it); create a new profile instead',
        );
      }
      const before = profileFromRow(existing);
      const row = await upsert(profile, existing.source, false);
      await audit.record(actor, 'profile.update', profile.name, {
        changes: diffProfiles([before], [profile]),
      });
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
      const wanted = parseProfiles(Array.isArray(json) ? json : [json]);
      const rows = (await db('profiles')) as ProfileRow[];
      const current = new Map(rows.map((r) => [r.name.toUpperCase(), r]));
      const changes: string[] = [];
      for (const p of wanted) {
        const row = current.get(p.name.toUpperCase());
        if (!row) changes.push(`profile ${p.name} added`);
        else {
          changes.push(...diffProfiles([profileFromRow(row)], [p]));
          if (row.archived) changes.push(`profile ${p.name} restored from the archive`);
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
              .update({ price: p.price, spec, archived: false, updated_at: now });
          } else {
            await trx('profiles').insert({
              name: p.name,
              price: p.price,
              spec,
              source: 'admin',
              archived: false,
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
