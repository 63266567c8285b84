/**
 * Profiles live in the database; profiles.json seeds them and its later edits are applied at start
 * (import.ts). The steps live beside this file: rows.ts reads and writes the rows, edit.ts holds the admin's
 * edits, import.ts the imports and the file.
 */
import type { ProfileService } from '../../types';
import type { ProfileDeps } from './rows';
import { createProfile, getProfile, listProfiles, setArchived, updateProfile } from './edit';
import { importProfiles, syncFromFile } from './import';

export function createProfileService(deps: ProfileDeps): ProfileService {
  return {
    list: (opts = {}) => listProfiles(deps, opts),
    get: (name) => getProfile(deps, name),
    create: (json, actor) => createProfile(deps, json, actor),
    update: (name, json, actor) => updateProfile(deps, name, json, actor),
    setArchived: (name, archived, actor) => setArchived(deps, name, archived, actor),
    importProfiles: (json, opts, actor) => importProfiles(deps, json, opts, actor),
    syncFromFile: (file) => syncFromFile(deps, file),
  };
}
