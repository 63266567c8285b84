/**
 * A profile as the `profiles` table stores it, its spec (the profiles.json form) parsed back, and the wall-clock
 * end it gives a voucher, for every room that reads the stored profiles (vouchers, their lifecycle, profiles,
 * accounts, the poll, the PPP and RADIUS checks).
 *
 * A spec is parsed once per text, not once per check: the text is the plan's version (a plan created, edited,
 * restored or changed by another server or by hand is a new text, parsed the first time it is read), so the kept
 * parses never need telling and never hold a stale plan. Parsed plans are frozen: one object serves every reader,
 * and a reader that wants a variant (a voucher's extension, a top-up) makes a copy (vouchers/state.ts).
 */
import { parseProfile, type Profile } from './profiles';

export interface ProfileRow {
  id: number;
  name: string;
  price: number;
  spec: string;
  source: 'file' | 'admin';
  archived: number | boolean;
  created_at: number;
  updated_at: number;
}

/** How many distinct plan texts are kept (a shop sells a few dozen plans; edits leave old texts behind). */
const KEPT = 256;

const parsed = new Map<string, Profile>();

function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

/** The stored spec (profiles.json form) parsed back into a Profile: parsed once per spec text, then shared. */
export function profileFromRow(row: Pick<ProfileRow, 'spec'>): Profile {
  const hit = parsed.get(row.spec);
  if (hit) return hit;
  const profile = frozen(parseProfile(JSON.parse(row.spec)));
  if (parsed.size >= KEPT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(row.spec, profile);
  return profile;
}

/** Wall-clock end for a voucher activated at `activatedAt`; null for staff, unlimited and uptime mode. */
export function expiresAtFor(
  profile: Profile,
  activatedAt: number,
  extraSeconds: number,
  staff: boolean,
): number | null {
  if (staff || profile.validitySeconds === null || profile.timeMode === 'uptime') return null;
  return activatedAt + (profile.validitySeconds + extraSeconds) * 1000;
}
