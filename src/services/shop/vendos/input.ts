/** A vendo's fields as the admin, the API and the CLI send them, checked here so every way in refuses the same. */
import type { Knex } from 'knex';
import { ValidationError, AppError } from '../../../domain/errors';
import { ErrorCollector } from '../../../domain/error-collector';
import { parseRates, type RateEntry } from '../../../domain/vendo';
import { assertSoldAsVoucher } from '../profiles/billing';
import { parseSiteChoice, type SiteChoice } from '../profiles/sites';
import type { ProfileService } from '../../types';
import type { VendoRow } from './store';
import type { VendoInput } from './types';

const MIN_WINDOW_SECONDS = 20;
const MAX_WINDOW_SECONDS = 600;
export const DEFAULT_WINDOW_SECONDS = 60;

export interface Parsed {
  name?: string;
  location?: string | null;
  profileId?: number;
  rates?: RateEntry[];
  windowSeconds?: number;
  enabled?: boolean;
  /** Undefined: not given (an edit keeps the site); null: shared. */
  site?: SiteChoice;
}

/** A profile's name and where it is sold. */
type ProfileSite = { name: string; site: SiteChoice };

function text(v: unknown, field: string, max: number, what: string): string {
  if (typeof v !== 'string' || v.trim() === '' || v.trim().length > max)
    throw ValidationError.invalid(field, v, what, `use text of 1 to ${max} characters`);
  return v.trim();
}

/**
 * Every field checked, every problem reported together; `current` for an edit (absent = unchanged). The
 * vendo's profile must be sold where the vendo sells: a shared vendo needs a shared profile, a vendo of one
 * site a shared profile or one of that site.
 */
export async function parseVendoInput(
  db: Knex,
  profiles: ProfileService,
  input: VendoInput,
  current?: VendoRow,
): Promise<Parsed> {
  const partial = current !== undefined;
  const c = new ErrorCollector();
  const out: Parsed = {};
  if (!partial || input.name !== undefined) out.name = c.field(() => text(input.name, 'name', 64, 'a name'));
  if (input.location !== undefined && input.location !== null && input.location !== '')
    out.location = c.field(() => text(input.location, 'location', 200, 'a location'));
  else if (input.location === '' || input.location === null) out.location = null;
  let profileSite: ProfileSite | undefined;
  if (!partial || input.profile !== undefined) {
    const p = await profileField(profiles, input.profile, c);
    if (p) [out.profileId, profileSite] = [p.id, p];
  }
  if (!partial || input.rates !== undefined) out.rates = c.field(() => parseRates(input.rates));
  if (input.window_seconds !== undefined && input.window_seconds !== '')
    out.windowSeconds = windowField(input.window_seconds, c);
  if (input.enabled !== undefined) out.enabled = enabledField(input.enabled, c);
  if (input.site !== undefined) out.site = await siteField(db, input.site, c);
  if (!c.errors.some((e) => e.field === 'profile' || e.field === 'site'))
    await checkSoldThere(db, { out, current, profileSite, c });
  c.throwIfAny('Invalid vendo');
  return out;
}

/** The vendo's profile: one sold as vouchers, not archived, with a validity (coins buy time). */
async function profileField(
  profiles: ProfileService,
  name: unknown,
  c: ErrorCollector,
): Promise<(ProfileSite & { id: number }) | undefined> {
  if (typeof name !== 'string' || name === '') {
    c.add('profile', 'missing; name a profile like BASIC');
    return undefined;
  }
  try {
    const p = await profiles.get(name);
    assertSoldAsVoucher(p);
    if (p.archived) c.add('profile', `${p.name} is archived; pick a profile you sell`);
    else if (p.profile.validitySeconds === null)
      c.add('profile', `${p.name} has no time limit; coins buy time, so pick a profile with a validity`);
    else return p;
  } catch (e) {
    if (!(e instanceof AppError) || e.code === 'PROFILE_MONTHLY') throw e;
    c.add('profile', e.message);
  }
  return undefined;
}

function windowField(value: unknown, c: ErrorCollector): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= MIN_WINDOW_SECONDS && n <= MAX_WINDOW_SECONDS)
    return n;
  c.add(
    'window_seconds',
    `${JSON.stringify(value)} is not a coin window; use ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS} seconds`,
  );
  return undefined;
}

function enabledField(v: unknown, c: ErrorCollector): boolean | undefined {
  if (v === true || v === 'true' || v === 'on') return true;
  if (v === false || v === 'false' || v === '') return false;
  c.add('enabled', `${JSON.stringify(v)} is not true or false`);
  return undefined;
}

async function siteField(db: Knex, value: unknown, c: ErrorCollector): Promise<SiteChoice | undefined> {
  try {
    return await parseSiteChoice(db, value);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    c.add('site', e.message);
    return undefined;
  }
}

/** The profile of an edit that does not name one: the vendo's own, with its site. */
async function currentProfileSite(db: Knex, current: VendoRow): Promise<ProfileSite | undefined> {
  const row = (await db('profiles as p')
    .leftJoin('sites as s', 's.id', 'p.site_id')
    .where('p.id', current.profile_id)
    .first('p.name', 'p.site_id', 's.name as site_name')) as
    { name: string; site_id: number | null; site_name: string | null } | undefined;
  if (!row) return undefined;
  const site =
    row.site_id == null ? null : { id: Number(row.site_id), name: row.site_name ?? `#${row.site_id}` };
  return { name: row.name, site };
}

/** A profile of one site is refused for a vendo that sells elsewhere or everywhere. */
async function checkSoldThere(
  db: Knex,
  o: { out: Parsed; current?: VendoRow; profileSite?: ProfileSite; c: ErrorCollector },
): Promise<void> {
  const { out, current } = o;
  const site =
    out.site !== undefined
      ? out.site
      : current?.site_id != null
        ? { id: Number(current.site_id), name: '' }
        : null;
  const profileSite = o.profileSite ?? (current ? await currentProfileSite(db, current) : undefined);
  if (!profileSite?.site || profileSite.site.id === site?.id) return;
  o.c.add(
    out.profileId !== undefined ? 'profile' : 'site',
    site === null
      ? `${profileSite.name} is sold on the site ${profileSite.site.name} only, and this vendo sells on every site: tie the vendo to ${profileSite.site.name}, or pick a shared profile`
      : `${profileSite.name} is sold on the site ${profileSite.site.name} only, not where this vendo sells: pick a shared profile or one of the vendo's site`,
  );
}
