/**
 * Sites: the routers this controller knows, stored with their API password encrypted,
 * each connected and read by the server (src/services/site-monitor/index.ts). Bounds are checked here so the admin,
 * the API and the CLI enforce the same ones; every change is audited without the password. The .env router is
 * the fixed site `default`: listed with its live state, never edited or removed here.
 */
import type { ShopDeps } from '../deps';
import { assertNameFree } from './unique-name';
import { AppError, notFound, SiteHasVouchersError, ValidationError } from '../../domain/errors';
import { isPostgres } from '../../db/knex';
import { radiusHeard, radiusStatus, unknownAccounting } from '../radius/status';
import { maskCode } from '../../lib/logger';
import { readPollState } from '../usage/persist';
import * as lifecycle from '../voucher-lifecycle';
import type { SiteMonitor } from '../site-monitor';
import type { RouterBinding } from '../router-binding';
import type { CredentialsBox } from './credentials';
import { NO_FIGURES, openVoucherCounts, siteFigures, type SiteFigures } from './figures';
import { parseSiteInput, type ParsedSite } from './validate';
import { radiusAllowed } from './radius-rules';
import {
  DEFAULT_SITE_ID,
  DEFAULT_SITE_NAME,
  type SiteRemoval,
  type SiteRow,
  type SiteService,
  type SiteStatus,
  type SiteView,
} from './types';
import { asksRadius, modeOf, RADIUS_SITES } from '../site-stack/mode';

export type { SiteService, SiteView, SiteStatus, SiteInput, SiteRemoval } from './types';
export { DEFAULT_SITE_ID, DEFAULT_SITE_NAME } from './types';

export interface SiteServiceOptions {
  box: CredentialsBox;
  /** The server's connections to the other sites; absent in the terminal menu (stored state only). */
  monitor?: SiteMonitor;
  /** The `default` site's state, from the main connection and the usage poll. */
  defaultStatus(): Promise<SiteStatus>;
  /** The sites whose router sees a device (src/services/sites/device-sites.ts); absent: the terminal menu's none. */
  locate?(mac: string, ip: string): Promise<{ id: number; name: string }[]>;
  /**
   * The router binding of a site connected in this process (src/services/router-binding/index.ts), to adopt its
   * router; undefined when this process has no connection to it (the terminal uses its own: `--site`).
   */
  binding?(siteId: number): RouterBinding | undefined;
}

const fixedDefault = () =>
  new AppError(
    'SITE_DEFAULT_FIXED',
    'The site "default" is the router set in .env (ROUTER_HOST, ROUTER_USER, ROUTER_PASSWORD…): change it there and restart.',
    409,
  );

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The refusal of a removal while the site has open vouchers: how many of each, and how to go ahead. */
function hasVouchers(name: string, open: { unused: number; active: number }): AppError {
  const parts = [
    ...(open.unused ? [plural(open.unused, 'unused voucher')] : []),
    ...(open.active ? [`${plural(open.active, 'active voucher')} (in use now)`] : []),
  ];
  return new SiteHasVouchersError(
    `The site "${name}" still has ${parts.join(' and ')}. Removing it ends them: they are revoked and can no ` +
      'longer be used on any site (their sales stay in the reports). To go ahead, remove it with force ' +
      '(the admin\'s "Remove anyway" button, `DELETE /admin/api/sites/:id?force=true`, or ' +
      '`pisonet sites remove SITE --force`).',
    open,
  );
}

const list = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * A removal refused while the site still sells something of its own: profiles not archived, vendos switched
 * on. Making them shared would put a branch's own prices on every site's portal (or its coin box on every
 * site's), so the owner decides: share them, tie them to another site, archive or switch them off.
 */
function hasOwnItems(name: string, profiles: string[], vendos: string[]): AppError {
  const parts = [
    ...(profiles.length ? [`the profile${profiles.length === 1 ? '' : 's'} ${list(profiles)}`] : []),
    ...(vendos.length ? [`the coin vendo${vendos.length === 1 ? '' : 's'} ${list(vendos)}`] : []),
  ];
  return new AppError(
    'SITE_HAS_OWN_ITEMS',
    `The site "${name}" still sells ${parts.join(' and ')} of its own. Before removing it, make ` +
      `${profiles.length + vendos.length === 1 ? 'it' : 'them'} shared or tie ${profiles.length + vendos.length === 1 ? 'it' : 'them'} to another site` +
      `${profiles.length ? ', or archive the profile' + (profiles.length === 1 ? '' : 's') : ''}` +
      `${vendos.length ? ', or switch the vendo' + (vendos.length === 1 ? '' : 's') + ' off' : ''}.`,
    409,
  );
}

function storedStatus(r: SiteRow): SiteStatus {
  return {
    connected: r.last_error_code === null && r.last_poll_at !== null,
    identity: r.identity,
    online: r.online,
    lastPollAt: r.last_poll_at === null ? null : Number(r.last_poll_at),
    error: r.last_error_code ? { code: r.last_error_code, message: r.last_error ?? '' } : null,
    live: false,
  };
}

export function createSiteService(deps: ShopDeps, opts: SiteServiceOptions): SiteService {
  const { db, clock, audit, config } = deps;

  const figures = () => siteFigures(db, clock.now(), config.tz);

  /** What the server sees of the site's router now (the monitor's reading), else what it last stored. */
  async function statusOf(r: SiteRow): Promise<SiteStatus> {
    if (r.id === DEFAULT_SITE_ID) return opts.defaultStatus();
    // A RADIUS site: what FreeRADIUS heard from its router, and its last booked poll.
    if (asksRadius(r) && isPostgres(db)) {
      const [heard, poll] = await Promise.all([
        radiusHeard(db, r.nas_address ?? null),
        readPollState(db, r.id),
      ]);
      return radiusStatus(heard, clock.now(), poll.lastPollAt ?? null, opts.monitor?.status(r.id));
    }
    return opts.monitor?.status(r.id) ?? storedStatus(r);
  }

  async function view(r: SiteRow, fig: Map<number, SiteFigures>): Promise<SiteView> {
    const isDefault = r.id === DEFAULT_SITE_ID;
    const env = config.router;
    return {
      id: r.id,
      name: r.name,
      isDefault,
      host: isDefault ? env.host : (r.host ?? ''),
      // Demo mode: the built-in simulated router on SIMULATOR_PORT.
      port: isDefault ? (env.simulated ? config.simulatorPort : env.port) : (r.port ?? 8728),
      user: isDefault ? env.user : (r.username ?? ''),
      tls: isDefault ? env.tls : Boolean(r.tls),
      passwordSet: isDefault ? env.password !== '' : Boolean(r.password_enc),
      hotspotServer: isDefault ? config.hotspotServer : (r.hotspot_server ?? 'all'),
      hotspotUserProfile: isDefault ? config.hotspotUserProfile : (r.hotspot_user_profile ?? 'default'),
      tz: isDefault ? null : r.tz,
      // The .env router's cards print WIFI_NAME (changed in .env, like its connection).
      wifiName: isDefault ? config.wifiName || null : r.wifi_name,
      mode: modeOf(r),
      nasAddress: asksRadius(r) ? (r.nas_address ?? null) : null,
      coaPort: asksRadius(r) ? (r.coa_port ?? 3799) : null,
      radiusSecretSet: Boolean(r.radius_secret_enc),
      apiAccess: isDefault || Boolean(r.host),
      radiusUnknownCodes:
        asksRadius(r) && r.nas_address && isPostgres(db)
          ? (
              await unknownAccounting(db, r.nas_address, { since: clock.now() - 7 * 86400_000, limit: 10 })
            ).map(maskCode)
          : [],
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      status: await statusOf(r),
      figures: fig.get(r.id) ?? NO_FIGURES,
    };
  }

  async function find(ref: string | number): Promise<SiteRow> {
    const s = String(ref).trim();
    const q = db('sites');
    if (/^\d+$/.test(s)) q.where({ id: Number(s) });
    else q.whereRaw('LOWER(name) = LOWER(?)', [s]);
    const row = (await q.first()) as SiteRow | undefined;
    if (!row) throw notFound(`Site ${JSON.stringify(s)}`, 'SITE_NOT_FOUND');
    return row;
  }

  const nameFree = (name: string, except?: number) =>
    assertNameFree(db, { table: 'sites', noun: 'site', code: 'SITE_NAME_TAKEN' }, name, except);

  /** Columns for a parsed input; the password only when one was given. */
  function columns(p: ParsedSite): Record<string, unknown> {
    const c: Record<string, unknown> = {};
    if (p.name !== undefined) c.name = p.name;
    if (p.host !== undefined) c.host = p.host;
    if (p.port !== undefined) c.port = p.port;
    if (p.user !== undefined) c.username = p.user;
    // An empty password (a RouterOS user may have none) is stored as none.
    if (p.password !== undefined) c.password_enc = p.password === '' ? null : opts.box.seal(p.password);
    if (p.tls !== undefined) c.tls = p.tls;
    if (p.hotspotServer !== undefined) c.hotspot_server = p.hotspotServer;
    if (p.hotspotUserProfile !== undefined) c.hotspot_user_profile = p.hotspotUserProfile;
    if (p.tz !== undefined) c.tz = p.tz;
    if (p.wifiName !== undefined) c.wifi_name = p.wifiName;
    if (p.mode !== undefined) c.mode = p.mode;
    if (p.nasAddress !== undefined) c.nas_address = p.nasAddress;
    if (p.radiusSecret !== undefined) c.radius_secret_enc = opts.box.seal(p.radiusSecret);
    if (p.coaPort !== undefined) c.coa_port = p.coaPort;
    // A RADIUS site without API access keeps no connection details.
    if (p.host === '') Object.assign(c, { host: null, username: null, password_enc: null });
    return c;
  }

  /** What the audit log keeps of a change: every field but the password, which is only said to have changed. */
  function auditDetails(c: Record<string, unknown>, adding: boolean): Record<string, unknown> {
    const { password_enc, username, radius_secret_enc, ...rest } = c;
    return {
      ...rest,
      ...(radius_secret_enc !== undefined ? { radius_secret_set: true } : {}),
      ...(username !== undefined ? { user: username } : {}),
      ...(adding
        ? { password_set: password_enc != null }
        : password_enc !== undefined
          ? { password_changed: true }
          : {}),
    };
  }

  return {
    async list() {
      const [rows, fig] = await Promise.all([db('sites').orderBy('id') as Promise<SiteRow[]>, figures()]);
      return Promise.all(rows.map((r) => view(r, fig)));
    },
    async statuses(o = {}) {
      const q = db('sites').orderBy('id');
      if (o.defaultSite === false) q.whereNot('id', DEFAULT_SITE_ID);
      const rows = (await q) as SiteRow[];
      return Promise.all(
        rows.map(async (r) => ({ id: Number(r.id), name: r.name, status: await statusOf(r) })),
      );
    },
    async radiusIds() {
      return ((await db('sites').where(RADIUS_SITES).pluck('id')) as unknown[]).map(Number);
    },
    async names() {
      const rows = (await db('sites').orderBy('id').select('id', 'name')) as { id: number; name: string }[];
      return rows.map((r) => ({ id: Number(r.id), name: r.name }));
    },
    async get(ref) {
      return view(await find(ref), await figures());
    },
    async adopt(ref, actor) {
      const row = await find(ref);
      const binding = opts.binding?.(row.id);
      if (!binding)
        throw new AppError(
          'SITE_UNREACHABLE',
          `Site ${row.name}'s router is not connected to this server: adopt it when it is online, or from the terminal (npm run cli -- router adopt --site ${row.name}).`,
          503,
        );
      const st = await binding.adopt(actor);
      // The Sites page shows the end of safe mode at once, not at the next minute's read.
      await opts.monitor?.refresh(row.id).catch(() => undefined);
      return { site: { id: Number(row.id), name: row.name }, identity: st.identity ?? null };
    },
    async deviceSite(mac, ip) {
      if (!opts.locate) return null;
      const seen = await opts.locate(mac, ip);
      return seen.length === 1 ? seen[0] : null;
    },
    async scope(ref) {
      const s = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref.trim() : null;
      if (s === '' || s?.toLowerCase() === 'all') return undefined;
      const bad = (why: string) =>
        new AppError('INVALID_INPUT', `site: ${why}; use a site's id or name, or "all"`, 400, 'site', {
          site: why,
        });
      if (s === null || s.length > 64) throw bad('not a site');
      try {
        const row = await find(s);
        return { id: row.id, name: row.name };
      } catch (err) {
        if ((err as AppError).code === 'SITE_NOT_FOUND') throw bad(`no site ${JSON.stringify(s)}`);
        throw err;
      }
    },
    async add(input, actor) {
      const p = parseSiteInput(input, false);
      await radiusAllowed(db, p);
      if (p.name!.toLowerCase() === DEFAULT_SITE_NAME)
        throw new AppError(
          'SITE_NAME_TAKEN',
          'The name "default" belongs to the router in .env; pick another name',
          409,
          'name',
        );
      await nameFree(p.name!);
      const now = clock.now();
      const c = columns(p);
      let id: number;
      try {
        const [ret] = await db('sites')
          .insert({ ...c, created_at: now, updated_at: now })
          .returning('id');
        id = typeof ret === 'object' ? Number((ret as { id: number }).id) : Number(ret);
      } catch (err) {
        // Two adds racing for one name: the unique index on LOWER(name) refuses the second.
        if (/unique|duplicate/i.test((err as Error).message)) await nameFree(p.name!);
        throw err;
      }
      await audit.record(actor, 'site.add', p.name!, auditDetails(c, true));
      await opts.monitor?.siteChanged(id);
      return view(await find(id), await figures());
    },
    async update(ref, input, actor) {
      const row = await find(ref);
      if (row.id === DEFAULT_SITE_ID) throw fixedDefault();
      const p = parseSiteInput(input, true, {
        mode: modeOf(row),
        host: row.host,
        radiusSecretSet: Boolean(row.radius_secret_enc),
      });
      await radiusAllowed(db, p, row.id);
      const hostAfter = p.host !== undefined ? p.host : row.host;
      if (hostAfter && !(p.user ?? row.username))
        throw new ValidationError(
          'user',
          'is needed with a host (a router user in a group with the api policy)',
        );
      if (p.name !== undefined) {
        if (p.name.toLowerCase() === DEFAULT_SITE_NAME)
          throw new AppError(
            'SITE_NAME_TAKEN',
            'The name "default" belongs to the router in .env; pick another name',
            409,
            'name',
          );
        await nameFree(p.name, row.id);
      }
      const c = columns(p);
      if (Object.keys(c).length) {
        await db('sites')
          .where({ id: row.id })
          .update({ ...c, updated_at: clock.now() });
        await audit.record(actor, 'site.update', row.name, auditDetails(c, false));
        await opts.monitor?.siteChanged(row.id);
      }
      return view(await find(row.id), await figures());
    },
    async remove(ref, actor, { force = false } = {}): Promise<SiteRemoval> {
      const row = await find(ref);
      if (row.id === DEFAULT_SITE_ID) throw fixedDefault();
      const now = clock.now();
      // Counted and ended in the removal's transaction: a voucher sold meanwhile is refused or ended, never
      // left behind with no site.
      const ended = await db.transaction(async (trx) => {
        // What still sells there only refuses the removal, forced or not (force is about vouchers).
        const ownProfiles = (await trx('profiles')
          .where({ site_id: row.id, archived: false })
          .orderBy('name')
          .pluck('name')) as string[];
        const ownVendos = (await trx('vendos')
          .where({ site_id: row.id, enabled: true })
          .orderBy('name')
          .pluck('name')) as string[];
        if (ownProfiles.length + ownVendos.length > 0) throw hasOwnItems(row.name, ownProfiles, ownVendos);
        // Subscribers (ended ones too: their history) stay tied to their site.
        const [{ n: subscribers }] = await trx('subscribers').where({ site_id: row.id }).count({ n: '*' });
        if (Number(subscribers) > 0)
          throw new AppError(
            'SITE_HAS_OWN_ITEMS',
            `The site "${row.name}" has ${Number(subscribers)} subscriber(s); they stay tied to it with their history, so it cannot be removed.`,
            409,
          );
        const open = await openVoucherCounts(trx, row.id);
        if (open.unused + open.active > 0 && !force) throw hasVouchers(row.name, open);
        if (open.unused + open.active > 0) await lifecycle.revokeForSite(trx, row.id, now);
        // No foreign key (migration 0017): the site's history stays, with no site.
        await trx('vouchers').where({ site_id: row.id }).update({ site_id: null });
        await trx('batches').where({ site_id: row.id }).update({ site_id: null });
        // Its archived profiles and switched-off vendos (they sell nowhere) become shared: nothing names a
        // site that is gone. Restoring or switching one on later sells it on every site.
        await trx('profiles').where({ site_id: row.id }).update({ site_id: null });
        await trx('vendos').where({ site_id: row.id }).update({ site_id: null });
        await trx('sites').where({ id: row.id }).delete();
        return open;
      });
      await opts.monitor?.siteRemoved(row.id);
      await audit.record(actor, 'site.remove', row.name, {
        host: row.host,
        port: row.port,
        ...(ended.unused + ended.active > 0
          ? { forced: true, ended_unused: ended.unused, ended_active: ended.active }
          : {}),
      });
      return { id: row.id, name: row.name, ended };
    },
  };
}
