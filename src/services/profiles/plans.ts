/**
 * The plans as the rest of the house reads them: a profile's stored row, and its spec parsed into a Profile once
 * per change, not once per check. The spec text is the plan's version: a plan created, edited, restored or
 * changed by another server (or by hand) is a new text and is parsed again the first time it is read, so the
 * view never needs telling and never holds a stale plan. Parsed plans are frozen: one object serves every
 * reader (the poll, the PPP and RADIUS checks, the subscribers' pages), and a reader that wants a variant (a
 * voucher's extension, a top-up) makes a copy (vouchers/state.ts).
 */
import { parseProfile, type Profile } from '../../domain/profiles';

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
