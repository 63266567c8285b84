/**
 * The Router section: a site's router as its owner checks it daily, read live through the housekeeping service
 * (src/services/network/router-housekeeping/index.ts). Resources, the hotspot's hosts, sessions, IP bindings and cookies, the
 * DHCP leases, the traffic through an interface, the log, and the reboot (router-reboot.ts). Every page but the
 * reboot only reads. One site at a time: the one the picker names, else `default`. A router that is down or
 * refuses shows its reason in place of the table.
 */
import { Router, type Request, type Response } from 'express';
import { toAppError } from '../../../lib/error-reply';
import type { LogLine } from '../../../router/housekeeping';
import { DEFAULT_SITE, type SiteRef } from '../../../services/deps';
import type { HousekeepingService, RouterRead } from '../../../services/network/router-housekeeping';
import type { WebContext } from '../../context';
import { pageSiteScope, type SiteScope } from '../site-scope';
import { lineChart } from './charts';
import { page, pager, query, type Formatters } from './common';

/** The section's pages, in tab order: key, path, label. */
const ROUTER_TABS = [
  ['resources', '/admin/router', 'Resources'],
  ['hosts', '/admin/router/hosts', 'Hosts'],
  ['active', '/admin/router/active', 'Active'],
  ['bindings', '/admin/router/bindings', 'IP bindings'],
  ['cookies', '/admin/router/cookies', 'Cookies'],
  ['leases', '/admin/router/leases', 'DHCP leases'],
  ['traffic', '/admin/router/traffic', 'Traffic'],
  ['log', '/admin/router/log', 'Log'],
  ['setup', '/admin/router/setup', 'Setup'],
  ['reboot', '/admin/router/reboot', 'Reboot'],
] as const;

type RouterTab = (typeof ROUTER_TABS)[number][0];

/** Rows per page of a long list (a big shop's hosts and leases). */
const PER_PAGE = 100;

/**
 * The site whose router the pages show: the one asked for (`?site=`), else `default`; the picker offers each
 * site (no "all sites": a page shows one router). `param` keeps the choice in links when there are several.
 */
export async function routerSite(ctx: WebContext, req: Request) {
  const scope = await pageSiteScope(ctx, req);
  const site = scope.site ?? scope.choices.find((c) => c.id === DEFAULT_SITE.id) ?? DEFAULT_SITE;
  const param = scope.choices.length > 1 ? `site=${site.id}` : '';
  return { site, scope: { ...scope, siteId: site.id, site, param } };
}

/** `path` with the site kept and `extra` query values (empty ones left out). */
export function routerHref(
  path: string,
  scope: Pick<SiteScope, 'param'>,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams(scope.param);
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** What every Router page gets: its tab, the site and its picker, the tab links. */
export function routerLocals(tab: RouterTab, site: SiteRef, scope: SiteScope) {
  const tabs = ROUTER_TABS.map(([key, path, label]) => ({ key, label, href: routerHref(path, scope) }));
  return { tab, tabs, site, siteScope: scope };
}

/** A read, or the owner's words for why it failed (a bug still goes to the error page). */
async function attempt<T>(read: () => Promise<RouterRead<T>>) {
  try {
    return { result: await read(), error: null };
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'INTERNAL') throw err;
    return { result: null, error: e.message };
  }
}

/** Rows whose fields contain the search text (any case), a page of them. */
function listPage<T>(req: Request, rows: T[], fields: (row: T) => string[]) {
  const q = query(req, 'q').slice(0, 40);
  const needle = q.toLowerCase();
  const matching = needle
    ? rows.filter((r) => fields(r).some((f) => f.toLowerCase().includes(needle)))
    : rows;
  const p = pager(req, matching.length, PER_PAGE);
  return {
    q,
    rows: matching.slice(p.offset, p.offset + PER_PAGE),
    matching: matching.length,
    all: rows.length,
    pager: p,
  };
}

/** The traffic chart as first drawn: one sample (the script adds one every few seconds). */
function trafficChart(fmt: Formatters, rx: number, tx: number) {
  return lineChart(
    ['now'],
    [
      { name: 'Received (rx)', className: 's-down', values: [rx] },
      { name: 'Sent (tx)', className: 's-up', values: [tx] },
    ],
    (v) => fmt.rate(v),
  );
}

/** The hotspot interface first: the traffic most owners want to watch. */
function defaultInterface(names: string[]): string {
  return names.find((n) => n.startsWith('bridge')) ?? names[0] ?? '';
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** The housekeeping reads that return a list, and the row each list holds. */
type ListRead = 'hosts' | 'sessions' | 'bindings' | 'cookies' | 'leases';
type RowOf<K extends ListRead> = Awaited<ReturnType<HousekeepingService[K]>>['data'][number];

/** The tabs that list what one read returns, with a search box (over `fields`) and pages; titled by their label. */
function listTabs(ctx: WebContext, router: Router) {
  return <K extends ListRead>(tab: RouterTab, read: K, fields: (row: RowOf<K>) => string[]) => {
    const [, path, title] = ROUTER_TABS.find((t) => t[0] === tab)!;
    router.get(path.replace(/^\/admin/, ''), async (req, res) => {
      const { site, scope } = await routerSite(ctx, req);
      const { result, error } = await attempt(
        () => ctx.services.housekeeping[read](site) as Promise<RouterRead<RowOf<K>[]>>,
      );
      page(res, `router/${tab}`, 'router', `${title} · Router`, {
        ...routerLocals(tab, site, scope),
        result,
        error,
        list: listPage(req, result?.data ?? [], fields),
        // The search form's address; the site goes with it as a field.
        action: path,
      });
    });
  };
}

function resourcesPage(ctx: WebContext): Handler {
  return async (req, res) => {
    const { site, scope } = await routerSite(ctx, req);
    const { result, error } = await attempt(() => ctx.services.housekeeping.overview(site));
    page(res, 'router/resources', 'router', 'Router', {
      ...routerLocals('resources', site, scope),
      result,
      error,
    });
  };
}

/** The interface asked for (else the hotspot's), its first reading, and the graph the script keeps drawing. */
function trafficPage(ctx: WebContext): Handler {
  return async (req, res) => {
    const hk = ctx.services.housekeeping;
    const { site, scope } = await routerSite(ctx, req);
    const listed = await attempt(() => hk.interfaces(site));
    const names = (listed.result?.data ?? []).map((i) => i.name);
    const asked = query(req, 'interface');
    const iface = names.includes(asked) ? asked : defaultInterface(names);
    const sample = iface ? await attempt(() => hk.traffic(site, iface)) : { result: null, error: null };
    const now = sample.result?.data ?? { rxBps: 0, txBps: 0, rxPps: 0, txPps: 0 };
    page(res, 'router/traffic', 'router', 'Traffic · Router', {
      ...routerLocals('traffic', site, scope),
      interfaces: listed.result?.data ?? [],
      iface,
      asked,
      sample: sample.result,
      // The router's identity and the time of the reading, in the page's heading.
      result: sample.result ?? listed.result,
      error: listed.error ?? sample.error,
      chart: trafficChart(res.locals.fmt as Formatters, now.rxBps, now.txBps),
      scripts: ['/public/js/admin-router-traffic.js'],
    });
  };
}

function logPage(ctx: WebContext): Handler {
  return async (req, res) => {
    const { site, scope } = await routerSite(ctx, req);
    const topic = query(req, 'topic').toLowerCase().slice(0, 32);
    const text = query(req, 'q').slice(0, 100);
    const { result, error } = await attempt(() => ctx.services.housekeeping.log(site, { topic, text }));
    page(res, 'router/log', 'router', 'Log · Router', {
      ...routerLocals('log', site, scope),
      result,
      error,
      topic,
      text,
      // The levels every line has say nothing: the tags show what the line is about.
      topicOf: (l: LogLine) => l.topics.filter((t) => t !== 'info' && t !== 'debug'),
    });
  };
}

export function routerRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/router', resourcesPage(ctx));
  const list = listTabs(ctx, router);
  list('hosts', 'hosts', (h) => [h.mac, h.address, h.toAddress, h.server, h.comment]);
  list('active', 'sessions', (a) => [a.user, a.mac, a.address, a.server, a.loginBy]);
  list('bindings', 'bindings', (b) => [b.mac, b.address, b.type, b.comment]);
  list('cookies', 'cookies', (c) => [c.user, c.mac]);
  list('leases', 'leases', (l) => [l.address, l.mac, l.hostName, l.server, l.status]);
  router.get('/router/traffic', trafficPage(ctx));
  router.get('/router/log', logPage(ctx));
  return router;
}
