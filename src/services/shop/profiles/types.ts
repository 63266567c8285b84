/**
 * The profile service's contract (index.ts): the plans a shop sells, from profiles.json or the admin.
 */
import type { Profile } from '../../../domain/profile-types';
import type { Actor } from '../../business/audit/actor';

export interface ProfileRecord {
  id: number;
  name: string;
  price: number;
  profile: Profile;
  /** The profile in the profiles.json format (human units), for forms and the API. */
  json: Record<string, unknown>;
  source: 'file' | 'admin';
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  /** The site it is sold on only, or null: shared by every site. */
  site: { id: number; name: string } | null;
}

export interface ProfileService {
  /**
   * `siteId`: what that site sells (shared profiles and its own); null: shared profiles only; absent: all.
   */
  list(opts?: { includeArchived?: boolean; siteId?: number | null }): Promise<ProfileRecord[]>;
  /** Case-insensitive; AppError PROFILE_NOT_FOUND (404). */
  get(name: string): Promise<ProfileRecord>;
  /**
   * Validated like profiles.json; AppError INVALID_INPUT with `fields` per field. Audited. A `site` key (id or
   * name; null, '' or absent: shared) ties it to one site; on update an absent `site` leaves it as it is.
   */
  create(json: unknown, actor: Actor): Promise<ProfileRecord>;
  update(name: string, json: unknown, actor: Actor): Promise<ProfileRecord>;
  /** Applies profiles.json: adds new, updates changed; returns one human line per change. */
  syncFromFile(file: string): Promise<string[]>;
  /**
   * A whole profiles.json list (or one entry): each profile added or replaced, profiles not in it untouched.
   * Every entry is validated first; nothing is written on any error, or with `dryRun`. Audited.
   */
  importProfiles(
    json: unknown,
    opts: { dryRun?: boolean; site?: unknown },
    actor: Actor,
  ): Promise<{ changes: string[]; applied: boolean }>;
  /** Archived profiles leave pickers and the portal; their vouchers and sales stay. Audited. */
  setArchived(name: string, archived: boolean, actor: Actor): Promise<ProfileRecord>;
}
