/**
 * Sites: the routers this controller knows, stored with their API password encrypted,
 * each connected and read by the server (src/services/network/site-monitor/index.ts). Bounds are checked here so the admin,
 * the API and the CLI enforce the same ones; every change is audited without the password. The .env router is
 * the fixed site `default`: listed with its live state, never edited or removed here.
 */
import type { ShopDeps } from '../../deps';
import { insertedId, type Db } from '../../../db/knex';
import { assertNameFree } from './unique-name';
import { AppError, ValidationError } from '../../../domain/errors';
import { findSiteRow } from './lookup';
import { modeOf, RADIUS_CLIENTS } from '../../../domain/site-mode';
import type { RouterBinding } from '../../network/router-binding';
import type { CredentialsBox } from './credentials';
import { siteFigures, type SiteFigures } from './figures';
import { parseSiteInput, type ParsedSite } from './validate';
import { radiusAllowed } from './radius-rules';
import { auditDetails, columns } from './columns';
import { defaultNameTaken, fixedDefault } from './refusals';
import { removeSite } from './removal';
import { siteView, statusOf } from './view';
import {
  DEFAULT_SITE_ID,
  DEFAULT_SITE_NAME,
  type SiteLoginServer,
  type SiteRemoval,
  type SiteRow,
  type SiteService,
  type SiteStatus,
  type SiteView,
  type SiteWatch,
  type SiteInput,
} from './types';
import type { Actor } from '../audit/actor';

interface SiteServiceOptions {
  box: CredentialsBox;
  /** The server's connections to the other sites (site-monitor); absent in the terminal menu (stored state only). */
  monitor?: SiteWatch;
  /** What lets customers in at the sites whose router does not (FreeRADIUS): their state as it heard it. */
  loginServer?: SiteLoginServer;
  /** The `default` site's state, from the main connection and the usage poll. */
  defaultStatus(): Promise<SiteStatus>;
  /** The sites whose router sees a device (src/services/business/sites/device-sites.ts); absent: the terminal menu's none. */
  locate?(mac: string, ip: string): Promise<{ id: number; name: string }[]>;
  /**
   * The router binding of a site connected in this process (src/services/network/router-binding/index.ts), to adopt its
   * router; undefined when this process has no connection to it (the terminal uses its own: `--site`).
   */
  binding?(siteId: number): RouterBinding | undefined;
}

/** A name free for a site (`except`: the site being renamed); `default` is the .env router's. */
async function assertSiteName(db: Db, name: string, except?: number): Promise<void> {
  if (name.toLowerCase() === DEFAULT_SITE_NAME) throw defaultNameTaken();
  await assertNameFree(db, { table: 'sites', noun: 'site', code: 'SITE_NAME_TAKEN' }, name, except);
}

/** Stores a new site's columns; two adds racing for one name: the unique index on LOWER(name) refuses the second. */
async function insertSite(db: Db, c: Record<string, unknown>, now: number): Promise<number> {
  try {
    const rows = await db('sites')
      .insert({ ...c, created_at: now, updated_at: now })
      .returning('id');
    return insertedId(rows);
  } catch (err) {
    if (/unique|duplicate/i.test((err as Error).message)) await assertSiteName(db, c.name as string);
    throw err;
  }
}

/** An edit's bounds beyond its fields': a site with a host needs a router user. */
function assertUserWithHost(row: SiteRow, p: ParsedSite): void {
  const hostAfter = p.host !== undefined ? p.host : row.host;
  if (hostAfter && !(p.user ?? row.username))
    throw new ValidationError('user', 'is needed with a host (a router user in a group with the api policy)');
}

/** The scope's refusal: 400 INVALID_INPUT on the field `site`. */
const badScope = (why: string) =>
  new AppError('INVALID_INPUT', `site: ${why}; use a site's id or name, or "all"`, 400, 'site', {
    site: why,
  });

/** The site a `?site=` / `--site` names: undefined for none (empty or `all`). */
async function scopeOf(db: Db, ref: unknown): Promise<{ id: number; name: string } | undefined> {
  const s = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref.trim() : null;
  if (s === '' || s?.toLowerCase() === 'all') return undefined;
  if (s === null || s.length > 64) throw badScope('not a site');
  try {
    const row = await findSiteRow(db, s);
    return { id: row.id, name: row.name };
  } catch (err) {
    if ((err as AppError).code === 'SITE_NOT_FOUND') throw badScope(`no site ${JSON.stringify(s)}`);
    throw err;
  }
}

const unreachable = (name: string) =>
  new AppError(
    'SITE_UNREACHABLE',
    `Site ${name}'s router is not connected to this server: adopt it when it is online, or from the terminal (npm run cli -- router adopt --site ${name}).`,
    503,
  );

/** What the service's steps share: the shop's deps, the options, and how a row is shown. */
interface Ctx {
  deps: ShopDeps;
  opts: SiteServiceOptions;
  figures(): Promise<Map<number, SiteFigures>>;
  view(r: SiteRow, fig: Map<number, SiteFigures>): Promise<SiteView>;
  /** The site as it is now stored, shown. */
  fresh(id: number): Promise<SiteView>;
}

/** The sites as read: shown with their state and figures, their states alone, ids and names. */
function siteReads({ deps: { db }, opts, figures, view }: Ctx) {
  return {
    async list() {
      const [rows, fig] = await Promise.all([db('sites').orderBy('id') as Promise<SiteRow[]>, figures()]);
      return Promise.all(rows.map((r) => view(r, fig)));
    },
    async statuses(o: { defaultSite?: boolean } = {}) {
      const q = db('sites').orderBy('id');
      if (o.defaultSite === false) q.whereNot('id', DEFAULT_SITE_ID);
      const rows = (await q) as SiteRow[];
      return Promise.all(
        rows.map(async (r) => ({ id: Number(r.id), name: r.name, status: await statusOf(opts, r) })),
      );
    },
    async radiusIds() {
      return ((await db('sites').where(RADIUS_CLIENTS).pluck('id')) as unknown[]).map(Number);
    },
    async names() {
      const rows = (await db('sites').orderBy('id').select('id', 'name')) as { id: number; name: string }[];
      return rows.map((r) => ({ id: Number(r.id), name: r.name }));
    },
    get: async (ref: string | number) => view(await findSiteRow(db, ref), await figures()),
  };
}

/** Adds a site: its bounds, a free name, stored, audited, and connected by the monitor. */
async function addSite({ deps, opts, fresh }: Ctx, input: SiteInput, actor: Actor): Promise<SiteView> {
  const { db, clock, audit } = deps;
  const p = parseSiteInput(input, false);
  await radiusAllowed(db, p);
  await assertSiteName(db, p.name!);
  const c = columns(p, opts.box);
  const id = await insertSite(db, c, clock.now());
  await audit.record(actor, 'site.add', p.name!, auditDetails(c, true));
  await opts.monitor?.siteChanged(id);
  return fresh(id);
}

/** What may be changed of the `default` site here: its connection is .env's. */
const DEFAULT_SITE_FIELDS: readonly string[] = ['static_pool'];

/** Edits a site (of the .env router's, its fixed addresses only): what changed is stored, audited and (re)connected. */
async function updateSite(
  { deps, opts, fresh }: Ctx,
  ref: string | number,
  input: SiteInput,
  actor: Actor,
): Promise<SiteView> {
  const { db, clock, audit } = deps;
  const row = await findSiteRow(db, ref);
  // The .env router's connection stays in .env; what is kept of it here (its fixed addresses) may change.
  if (
    row.id === DEFAULT_SITE_ID &&
    Object.entries(input).some(([k, v]) => v !== undefined && !DEFAULT_SITE_FIELDS.includes(k))
  )
    throw fixedDefault();
  const current = { mode: modeOf(row), host: row.host, radiusSecretSet: Boolean(row.radius_secret_enc) };
  const p = parseSiteInput(input, true, current);
  await radiusAllowed(db, p, row.id);
  assertUserWithHost(row, p);
  if (p.name !== undefined) await assertSiteName(db, p.name, row.id);
  const c = columns(p, opts.box);
  if (Object.keys(c).length) {
    await db('sites')
      .where({ id: row.id })
      .update({ ...c, updated_at: clock.now() });
    await audit.record(actor, 'site.update', row.name, auditDetails(c, false));
    // Its fixed addresses are the subscribers' business: the router's connection is not touched for them.
    if (Object.keys(c).some((k) => k !== 'static_pool')) await opts.monitor?.siteChanged(row.id);
  }
  return fresh(row.id);
}

/** Removes a site (never the .env router's): see removal.ts; disconnected, then audited with what it ended. */
async function dropSite(
  { deps, opts }: Ctx,
  ref: string | number,
  actor: Actor,
  force: boolean,
): Promise<SiteRemoval> {
  const { db, clock, audit } = deps;
  const row = await findSiteRow(db, ref);
  if (row.id === DEFAULT_SITE_ID) throw fixedDefault();
  const ended = await removeSite(db, row, clock.now(), force);
  await opts.monitor?.siteRemoved(row.id);
  await audit.record(actor, 'site.remove', row.name, {
    host: row.host,
    port: row.port,
    ...(ended.unused + ended.active > 0
      ? { forced: true, ended_unused: ended.unused, ended_active: ended.active }
      : {}),
  });
  return { id: row.id, name: row.name, ended };
}

/** Makes the router connected now at the site's address its router (binding.adopt), shown at once. */
async function adoptRouter({ deps, opts }: Ctx, ref: string | number, actor: Actor) {
  const row = await findSiteRow(deps.db, ref);
  const binding = opts.binding?.(row.id);
  if (!binding) throw unreachable(row.name);
  const st = await binding.adopt(actor);
  // The Sites page shows the end of safe mode at once, not at the next minute's read.
  await opts.monitor?.refresh(row.id).catch(() => undefined);
  return { site: { id: Number(row.id), name: row.name }, identity: st.identity ?? null };
}

export function createSiteService(deps: ShopDeps, opts: SiteServiceOptions): SiteService {
  const { db, clock, config } = deps;
  const figures = () => siteFigures(db, clock.now(), config.tz);
  const view = (r: SiteRow, fig: Map<number, SiteFigures>) => siteView(config, opts, r, fig);
  const fresh = async (id: number) => view(await findSiteRow(db, id), await figures());
  const ctx: Ctx = { deps, opts, figures, view, fresh };
  return {
    ...siteReads(ctx),
    add: (input, actor) => addSite(ctx, input, actor),
    update: (ref, input, actor) => updateSite(ctx, ref, input, actor),
    remove: (ref, actor, { force = false } = {}) => dropSite(ctx, ref, actor, force),
    adopt: (ref, actor) => adoptRouter(ctx, ref, actor),
    async deviceSite(mac, ip) {
      if (!opts.locate) return null;
      const seen = await opts.locate(mac, ip);
      return seen.length === 1 ? seen[0] : null;
    },
    scope: (ref) => scopeOf(db, ref),
  };
}
