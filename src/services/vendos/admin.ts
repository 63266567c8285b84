/** The owner's side of vendos: register, edit, rotate the secret. Bounds here serve the admin, API and CLI alike. */
import crypto from 'node:crypto';
import { assertNameFree } from '../sites/unique-name';
import { ValidationError, AppError } from '../../domain/errors';
import { ErrorCollector } from '../../domain/error-collector';
import { parseRates, type RateEntry } from '../../domain/vendo';
import type { ShopDeps } from '../deps';
import { assertSoldAsVoucher } from '../profiles/billing';
import { parseSiteChoice, type SiteChoice } from '../profiles/sites';
import type { Actor, ProfileService } from '../types';
import type { SecretBox } from './secrets';
import { newSecret } from './secrets';
import { requireVendo, toViews, type VendoRow, type VendoRowCache } from './store';
import type { VendoInput, VendoView } from './types';

export const MIN_WINDOW_SECONDS = 20;
export const MAX_WINDOW_SECONDS = 600;
export const DEFAULT_WINDOW_SECONDS = 60;

interface Parsed {
  name?: string;
  location?: string | null;
  profileId?: number;
  rates?: RateEntry[];
  windowSeconds?: number;
  enabled?: boolean;
  /** Undefined: not given (an edit keeps the site); null: shared. */
  site?: SiteChoice;
}

function text(v: unknown, field: string, max: number, what: string): string {
  if (typeof v !== 'string' || v.trim() === '' || v.trim().length > max)
    throw ValidationError.invalid(field, v, what, `use text of 1 to ${max} characters`);
  return v.trim();
}

export function vendoAdmin(
  deps: ShopDeps,
  d: { profiles: ProfileService; box: SecretBox; rows: VendoRowCache },
) {
  const { db, clock, audit } = deps;

  /**
   * Every field checked, every problem reported together; `current` for an edit (absent = unchanged). The
   * vendo's profile must be sold where the vendo sells: a shared vendo needs a shared profile, a vendo of one
   * site a shared profile or one of that site.
   */
  async function parse(input: VendoInput, current?: VendoRow): Promise<Parsed> {
    const partial = current !== undefined;
    const c = new ErrorCollector();
    const out: Parsed = {};
    let profileSite: { name: string; site: SiteChoice } | undefined;
    if (!partial || input.name !== undefined)
      out.name = c.field(() => text(input.name, 'name', 64, 'a name'));
    if (input.location !== undefined && input.location !== null && input.location !== '')
      out.location = c.field(() => text(input.location, 'location', 200, 'a location'));
    else if (input.location === '' || input.location === null) out.location = null;
    if (!partial || input.profile !== undefined) {
      const name = input.profile;
      if (typeof name !== 'string' || name === '') c.add('profile', 'missing; name a profile like BASIC');
      else {
        try {
          const p = await d.profiles.get(name);
          assertSoldAsVoucher(p);
          if (p.archived) c.add('profile', `${p.name} is archived; pick a profile you sell`);
          else if (p.profile.validitySeconds === null)
            c.add(
              'profile',
              `${p.name} has no time limit; coins buy time, so pick a profile with a validity`,
            );
          else {
            out.profileId = p.id;
            profileSite = p;
          }
        } catch (e) {
          if (!(e instanceof AppError) || e.code === 'PROFILE_MONTHLY') throw e;
          c.add('profile', e.message);
        }
      }
    }
    if (!partial || input.rates !== undefined) out.rates = c.field(() => parseRates(input.rates));
    if (input.window_seconds !== undefined && input.window_seconds !== '') {
      const n =
        typeof input.window_seconds === 'string' ? Number(input.window_seconds) : input.window_seconds;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_WINDOW_SECONDS || n > MAX_WINDOW_SECONDS)
        c.add(
          'window_seconds',
          `${JSON.stringify(input.window_seconds)} is not a coin window; use ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS} seconds`,
        );
      else out.windowSeconds = n;
    }
    if (input.enabled !== undefined) {
      const v = input.enabled;
      if (v === true || v === 'true' || v === 'on') out.enabled = true;
      else if (v === false || v === 'false' || v === '') out.enabled = false;
      else c.add('enabled', `${JSON.stringify(v)} is not true or false`);
    }
    if (input.site !== undefined) {
      try {
        out.site = await parseSiteChoice(db, input.site);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        c.add('site', e.message);
      }
    }
    if (!c.errors.some((e) => e.field === 'profile' || e.field === 'site')) {
      const site =
        out.site !== undefined
          ? out.site
          : current?.site_id != null
            ? { id: Number(current.site_id), name: '' }
            : null;
      if (!profileSite && current) {
        const row = (await db('profiles as p')
          .leftJoin('sites as s', 's.id', 'p.site_id')
          .where('p.id', current.profile_id)
          .first('p.name', 'p.site_id', 's.name as site_name')) as
          { name: string; site_id: number | null; site_name: string | null } | undefined;
        if (row)
          profileSite = {
            name: row.name,
            site:
              row.site_id == null
                ? null
                : { id: Number(row.site_id), name: row.site_name ?? `#${row.site_id}` },
          };
      }
      if (profileSite?.site && profileSite.site.id !== site?.id)
        c.add(
          out.profileId !== undefined ? 'profile' : 'site',
          site === null
            ? `${profileSite.name} is sold on the site ${profileSite.site.name} only, and this vendo sells on every site: tie the vendo to ${profileSite.site.name}, or pick a shared profile`
            : `${profileSite.name} is sold on the site ${profileSite.site.name} only, not where this vendo sells: pick a shared profile or one of the vendo's site`,
        );
    }
    c.throwIfAny('Invalid vendo');
    return out;
  }

  const nameFree = (name: string, except?: string) =>
    assertNameFree(db, { table: 'vendos', noun: 'vendo', code: 'VENDO_NAME_TAKEN' }, name, except);

  async function view(id: string): Promise<VendoView> {
    const row = await requireVendo(db, id);
    return (await toViews(db, [row], clock.now()))[0];
  }

  return {
    view,
    async list(opts: { siteId?: number } = {}): Promise<VendoView[]> {
      const rows = (await db('vendos')
        .modify((q) => {
          if (opts.siteId !== undefined)
            q.where((w) => w.whereNull('site_id').orWhere('site_id', opts.siteId!));
        })
        .orderBy('name')) as VendoRow[];
      return toViews(db, rows, clock.now());
    },

    async create(input: VendoInput, actor: Actor): Promise<{ vendo: VendoView; secret: string }> {
      const p = await parse(input);
      await nameFree(p.name!);
      const secret = newSecret();
      const now = clock.now();
      let id = '';
      for (let i = 0; i < 5 && !id; i++) {
        const candidate = `vendo-${crypto.randomBytes(4).toString('hex').slice(0, 6)}`;
        if (!(await db('vendos').where({ id: candidate }).first())) id = candidate;
      }
      await db('vendos').insert({
        id,
        name: p.name,
        location: p.location ?? null,
        profile_id: p.profileId,
        rates: JSON.stringify(p.rates),
        secret_enc: d.box.seal(secret),
        secret_rotated_at: now,
        window_seconds: p.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
        enabled: p.enabled ?? true,
        site_id: p.site?.id ?? null,
        created_at: now,
        updated_at: now,
      });
      d.rows.drop(id);
      await audit.record(actor, 'vendo.create', id, {
        name: p.name,
        rates: p.rates?.length,
        ...(p.site ? { site: p.site.name } : {}),
      });
      return { vendo: await view(id), secret };
    },

    async update(id: string, input: VendoInput, actor: Actor): Promise<VendoView> {
      const row = await requireVendo(db, id);
      const p = await parse(input, row);
      if (p.name !== undefined) await nameFree(p.name, row.id);
      const changes: Record<string, unknown> = {};
      if (p.name !== undefined) changes.name = p.name;
      if (p.location !== undefined) changes.location = p.location;
      if (p.profileId !== undefined) changes.profile_id = p.profileId;
      if (p.rates !== undefined) changes.rates = JSON.stringify(p.rates);
      if (p.windowSeconds !== undefined) changes.window_seconds = p.windowSeconds;
      if (p.enabled !== undefined) changes.enabled = p.enabled;
      if (p.site !== undefined && (p.site?.id ?? null) !== (row.site_id == null ? null : Number(row.site_id)))
        changes.site_id = p.site?.id ?? null;
      if (Object.keys(changes).length) {
        await db('vendos')
          .where({ id: row.id })
          .update({ ...changes, updated_at: clock.now() });
        d.rows.drop(row.id);
        await audit.record(actor, 'vendo.update', row.id, {
          fields: Object.keys(changes).map((k) => (k === 'site_id' ? 'site' : k)),
          ...('site_id' in changes ? { site: p.site?.name ?? 'shared' } : {}),
        });
      }
      return view(row.id);
    },

    /**
     * Forgets a vendo registered by mistake (never used). One that has opened a coin window, taken a coin, sold
     * a voucher or had its box collected is refused (VENDO_HAS_HISTORY): the coin ledger, the sales and the
     * collections name it, and that history is the owner's record of cash; switching it off stops it selling.
     */
    async remove(id: string, actor: Actor): Promise<VendoView> {
      const row = await requireVendo(db, id);
      const before = await view(row.id);
      const count = async (table: string) =>
        Number(
          ((await db(table).where({ vendo_id: row.id }).count({ n: '*' })) as { n: number | string }[])[0].n,
        );
      const refuse = (used: string[]) =>
        new AppError(
          'VENDO_HAS_HISTORY',
          `Vendo ${row.name} has a history (${used.join(', ')}) that the coin ledger and the reports keep: it cannot be removed. Switch it off instead; it then sells nothing.`,
          409,
          'vendo',
        );
      const used = [
        [await count('vendo_sessions'), 'coin window(s)'],
        [await count('vendo_coins'), 'coin(s)'],
        [await count('vouchers'), 'voucher(s) sold'],
        [await count('vendo_topups'), 'top-up(s)'],
        [await count('vendo_collections'), 'cash collection(s)'],
      ]
        .filter(([n]) => Number(n) > 0)
        .map(([n, what]) => `${n} ${what}`);
      if (used.length) throw refuse(used);
      // Not if a customer opened a window on it meanwhile (every later record starts with a window).
      const gone = await db('vendos')
        .where({ id: row.id })
        .whereNotExists(db('vendo_sessions').where({ vendo_id: row.id }).select(db.raw('1')))
        .delete();
      if (!gone) throw refuse(['a coin window opened just now']);
      d.rows.drop(row.id);
      await audit.record(actor, 'vendo.remove', row.id, { name: row.name });
      return before;
    },

    /** A new secret at once: the old one stops working (a board flashed with it gets 401 until updated). */
    async rotateSecret(id: string, actor: Actor): Promise<{ vendo: VendoView; secret: string }> {
      const row = await requireVendo(db, id);
      const secret = newSecret();
      const now = clock.now();
      await db('vendos')
        .where({ id: row.id })
        .update({ secret_enc: d.box.seal(secret), secret_rotated_at: now, updated_at: now });
      d.rows.drop(row.id);
      await audit.record(actor, 'vendo.rotate-secret', row.id);
      return { vendo: await view(row.id), secret };
    },
  };
}
