import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import { pageSiteScope, siteNamesForRows, type SiteScope } from '../site-scope';
import { routerStateOf } from '../../router-state';
import type {
  BandwidthChange,
  BandwidthService,
  ProfileRecord,
  RouterQueueView,
  UserTraffic,
} from '../../../services/types';
import { formatLimitHuman, normaliseMac, parseSpeedLimit } from '../../../domain/units';
import { toAppError } from '../../../lib/error-reply';
import { PENDING_MESSAGE } from '../../../services/network/bandwidth/json';
import { actorOf, failIfAny, field, FieldErrors, flash, formFailure, page, query } from './common';

/** The service names the API's fields; the form's inputs are `up` and `down`. */
const formField = (k: string) => (k === 'upload' ? 'up' : k === 'download' ? 'down' : k);

/** `1 Mbps down / 512 kbps up` (or `unlimited`), for the messages after a change. */
const speeds = (c: BandwidthChange) =>
  c.up === 0 && c.down === 0
    ? 'unlimited'
    : `${formatLimitHuman(c.down)} down / ${formatLimitHuman(c.up)} up`;

/**
 * Set-limit form: a preset (a profile's speeds) or custom upload/download speeds ("2M", "2 Mbps",
 * "unlimited"), parsed like the API; the bounds are the service's.
 */
export function parseLimitForm(body: unknown, profiles: ProfileRecord[]) {
  const errors: FieldErrors = {};
  let mac = '';
  try {
    mac = normaliseMac(field(body, 'mac'));
  } catch {
    errors.mac = 'not a MAC address like AA:BB:CC:DD:EE:FF';
  }
  const preset = field(body, 'preset');
  // Speeds in bits/s; null = unlimited that way.
  let up: number | null = 0;
  let down: number | null = 0;
  if (preset) {
    const p = profiles.find((r) => r.name.toUpperCase() === preset.toUpperCase());
    if (!p) errors.preset = 'choose a profile or “custom”';
    else [up, down] = [p.profile.rateUp, p.profile.rateDown];
  } else {
    for (const dir of ['up', 'down'] as const) {
      try {
        const typed = field(body, dir);
        const v = parseSpeedLimit(typed === '' ? undefined : typed, dir); // empty: "missing; use …"
        if (dir === 'up') up = v;
        else down = v;
      } catch (err) {
        const e = toAppError(err);
        if (e.code !== 'INVALID_INPUT') throw err;
        errors[dir] = e.fields?.[dir] ?? e.message;
      }
    }
  }
  failIfAny(errors);
  return { mac, up, down };
}

/** Rows per page: a big shop has thousands online, and a cheap phone should not draw them all. */
const BANDWIDTH_PAGE_SIZE = 50;

/**
 * Filter (MAC, IP, voucher or profile contains the text), order and page of the live table. The browser
 * script applies the very same rules on each refresh (public/js/admin-bandwidth.js `view`).
 */
export function bandwidthView(users: UserTraffic[], q: string, sort: 'rate' | 'mac', page: number) {
  const needle = q.trim().toUpperCase();
  const matching = needle
    ? users.filter((u) =>
        [u.mac, u.ip ?? '', u.user, u.profile].some((v) => v.toUpperCase().includes(needle)),
      )
    : users;
  const byMac = (a: UserTraffic, b: UserTraffic) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0);
  const ordered = [...matching].sort((a, b) =>
    sort === 'mac' ? byMac(a, b) : b.rateOut + b.rateIn - (a.rateOut + a.rateIn) || (a.mac < b.mac ? -1 : 1),
  );
  return {
    ...pageOf(ordered, page),
    matching: ordered.length,
    online: users.filter((u) => u.connected).length,
    total: users.length,
    pageSize: BANDWIDTH_PAGE_SIZE,
  };
}

/** One page of the rows, the page asked for kept within 1 and the last. */
function pageOf<T>(rows: T[], asked: number) {
  const pages = Math.max(1, Math.ceil(rows.length / BANDWIDTH_PAGE_SIZE));
  const page = Math.min(Math.max(asked, 1), pages);
  return { rows: rows.slice((page - 1) * BANDWIDTH_PAGE_SIZE, page * BANDWIDTH_PAGE_SIZE), page, pages };
}

/**
 * The pisonet- queues of the narrowed site's router, or of every site's (each router asked at once, one that is
 * down or hung shown with its error beside the others' queues), a page at a time. Never throws for a router.
 */
async function queuesTab(bandwidth: BandwidthService, pageNo: number, scope: SiteScope) {
  const bySite = await bandwidth.queuesBySite(scope.siteId);
  const several = scope.choices.length > 1;
  const queues: Array<RouterQueueView & { site: string }> = bySite.flatMap((s) =>
    s.queues.map((q) => ({ ...q, site: s.site.name })),
  );
  // One router (a shop with one site, or narrowed to one): its error is the page's, as it always was.
  const problems = bySite
    .filter((s) => s.error !== null)
    .map((s) => ({ site: s.site.name, error: s.error! }));
  const { rows, page, pages } = pageOf(queues, pageNo);
  return {
    queues: rows,
    queuesError: !several || scope.siteId !== undefined ? (problems[0]?.error ?? null) : null,
    siteProblems: several && scope.siteId === undefined ? problems : [],
    showSite: several && scope.siteId === undefined,
    pager: {
      page,
      pages,
      total: queues.length,
      base: `?tab=queues&${scope.param ? `${scope.param}&` : ''}`,
    },
  };
}

/**
 * Bandwidth control: live table (refreshed by /public/js/admin-bandwidth.js from /admin/api/user-traffic),
 * and the same actions as plain forms so the page works without JavaScript.
 */
export function bandwidthRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/bandwidth', (req, res) => bandwidthPage(ctx, req, res));
  router.get('/bandwidth/limit', async (req, res) => {
    let mac = query(req, 'mac');
    try {
      mac = normaliseMac(mac);
    } catch {
      return res
        .status(404)
        .render('error', { status: 404, message: 'No such device.', back: '/admin/bandwidth' });
    }
    await renderLimitPage(ctx, res, { mac, preset: '', up: '', down: '' });
  });
  router.post('/bandwidth/limit', (req, res) => setLimit(ctx, req, res));
  // No limit and Back to plan as plain forms, for pages without JavaScript.
  router.post('/bandwidth/remove', (req, res) => limitAction(ctx, req, res, 'removeLimit'));
  router.post('/bandwidth/reset', (req, res) => limitAction(ctx, req, res, 'resetLimit'));
  return router;
}

/** GET /bandwidth: the devices tab (search, sort, pages) or the router's queues (`?tab=queues`). */
async function bandwidthPage(ctx: WebContext, req: Request, res: Response) {
  const { bandwidth, profiles } = ctx.services;
  const tab = query(req, 'tab') === 'queues' ? 'queues' : 'users';
  const list = await profiles.list();
  const pageNo = Number.parseInt(query(req, 'page'), 10) || 1;
  // Narrowed to one site (?site=): its devices only (the live refresh asks for the same), its router's queues.
  const scope = await pageSiteScope(ctx, req);
  if (tab === 'queues') {
    return page(res, 'bandwidth', 'bandwidth', 'Bandwidth control', {
      tab,
      siteScope: scope,
      ...(await queuesTab(bandwidth, pageNo, scope)),
    });
  }
  const q = query(req, 'q').slice(0, 40);
  const sort = query(req, 'sort') === 'mac' ? 'mac' : 'rate';
  const all = await bandwidth.users();
  const users = scope.siteId === undefined ? all : all.filter((u) => u.site === scope.siteId);
  const view = bandwidthView(users, q, sort, pageNo);
  const base = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(sort !== 'rate' ? { sort } : {}),
    ...(scope.site ? { site: String(scope.site.id) } : {}),
  }).toString();
  page(res, 'bandwidth', 'bandwidth', 'Bandwidth control', {
    tab,
    siteScope: scope,
    view,
    q,
    sort,
    profiles: list,
    // Every site of several: each device's site is named (public/js/admin-bandwidth.js keeps it on refresh).
    siteNames: siteNamesForRows(scope),
    pager: { page: view.page, pages: view.pages, total: view.matching, base: `?${base}${base ? '&' : ''}` },
    now: ctx.clock.now(),
    routerLive: routerStateOf(ctx),
    scripts: ['/public/js/admin-bandwidth.js', '/public/js/router-banner.js'],
  });
}

async function renderLimitPage(
  ctx: WebContext,
  res: Response,
  values: Record<string, string>,
  errors: FieldErrors = {},
  formError: string | null = null,
  status = 200,
) {
  const [users, list] = await Promise.all([ctx.services.bandwidth.users(), ctx.services.profiles.list()]);
  const user = users.find((u) => u.mac === values.mac) ?? null;
  page(
    res,
    'bandwidth-limit',
    'bandwidth',
    'Set a speed limit',
    { user, profiles: list, values, errors, formError },
    status,
  );
}

async function setLimit(ctx: WebContext, req: Request, res: Response) {
  const values = {
    mac: field(req.body, 'mac'),
    preset: field(req.body, 'preset'),
    up: field(req.body, 'up'),
    down: field(req.body, 'down'),
  };
  try {
    const form = parseLimitForm(req.body, await ctx.services.profiles.list());
    const change = await ctx.services.bandwidth.setLimit(form.mac, form.up, form.down, actorOf(req));
    changed(req, change, `Limit set for ${change.mac}: ${speeds(change)}.`);
    res.redirect(303, '/admin/bandwidth');
  } catch (err) {
    const f = formFailure(err, formField);
    await renderLimitPage(ctx, res, values, f.fields, f.message, f.status);
  }
}

/** After a change: what is in force now, and whether the router has it yet. */
function changed(req: Request, change: BandwidthChange, done: string): void {
  if (change.applied) flash(req, 'ok', `${done} The router changed it at once.`);
  else flash(req, 'info', `${done} ${PENDING_MESSAGE}`);
}

/** "No limit" or "Back to plan" as a plain form: what is in force now, or the problem, in the flash. */
async function limitAction(ctx: WebContext, req: Request, res: Response, run: 'removeLimit' | 'resetLimit') {
  try {
    const c = await ctx.services.bandwidth[run](normaliseMac(field(req.body, 'mac')), actorOf(req));
    const done =
      run === 'removeLimit'
        ? `${c.mac} has no speed limit now (its data is still counted). "Back to plan" gives it its plan's speed again.`
        : `${c.mac} is back to its plan: ${c.profile}, ${speeds(c)}.`;
    changed(req, c, done);
  } catch (err) {
    flash(req, 'error', toAppError(err).message);
  }
  res.redirect(303, '/admin/bandwidth');
}
