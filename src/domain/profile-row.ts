/**
 * A profile as the `profiles` table stores it, its spec (the profiles.json form) parsed back, and the wall-clock
 * end it gives a voucher: pure, for every room that reads the stored profiles (vouchers, their lifecycle,
 * profiles, accounts).
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

/** The stored spec (profiles.json form) parsed back into a Profile. */
export function profileFromRow(row: Pick<ProfileRow, 'spec'>): Profile {
  return parseProfile(JSON.parse(row.spec));
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
