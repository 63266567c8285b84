/**
 * Admin API for live bandwidth (mounted at /admin/api behind requireAdmin + CSRF). The JSON shapes are the
 * public contract of the original PisoNet scripts (`/user-traffic`, `/set-bandwidth`, `/remove-bandwidth`),
 * plus the extra fields the admin pages use and `/reset-bandwidth`. As in the original, "remove" lifts
 * the device's limit (unlimited); "reset" puts it back to its plan. Errors go to the shared handler:
 * `{success:false,error,code}`. A change the router could not take at once is saved and answered 202.
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { parseSpeedLimit } from '../../domain/units';
import { PENDING_MESSAGE, userJson } from '../../services/network/bandwidth/json';
import { AppError, ValidationError } from '../../domain/errors';
import type { BandwidthChange, UserTraffic } from '../../services/types';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import { routerStateOf } from '../router-state';
import { actorOf } from './api-common';

function field(req: Request, name: string): unknown {
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body[name] : undefined;
}

function text(req: Request, name: string): string {
  const v = field(req, name);
  if (typeof v !== 'string' || v.trim() === '')
    throw new ValidationError(name, 'missing', `${name}: missing; send it in the JSON body`);
  return v;
}

/**
 * "1M", "512K", "2 Mbps", a number of bits/s, or "unlimited" (null). A bare 0 is refused rather than read
 * as RouterOS's "no limit": a typo should not lift a limit. The service checks the bounds again.
 */
function speed(req: Request, name: string, alias?: string): number | null {
  // Scripts written for the original PisoNet may send `up`/`down`; `upload`/`download` win when both come.
  const value = field(req, name) ?? (alias === undefined ? undefined : field(req, alias));
  return parseSpeedLimit(value, name); // a ValidationError on `name`: 400 INVALID_INPUT with `fields`
}

/** Stored but not on the router yet: 202, so a client does not mistake it for a failure. */
function changed(res: Response, change: BandwidthChange): void {
  if (change.applied) res.json({ success: true });
  else res.status(202).json({ success: true, applied: false, message: PENDING_MESSAGE });
}

export function bandwidthApiRouter(ctx: WebContext): Router {
  const r = Router();
  const bw = ctx.services.bandwidth;
  const lists = userLists(ctx);
  r.get('/user-traffic', (req, res) => userTraffic(ctx, lists, req, res));
  r.post('/set-bandwidth', async (req, res) => {
    const mac = text(req, 'mac');
    const up = speed(req, 'upload', 'up');
    const down = speed(req, 'download', 'down');
    changed(res, await bw.setLimit(mac, up, down, actorOf(req)));
  });
  // The device's queue stays, with no limit (its usage is still counted), until a reset or a new limit.
  r.post('/remove-bandwidth', async (req, res) => {
    changed(res, await bw.removeLimit(text(req, 'mac'), actorOf(req)));
  });
  r.post('/reset-bandwidth', async (req, res) => {
    changed(res, await bw.resetLimit(text(req, 'mac'), actorOf(req)));
  });
  r.get('/queues', (req, res) => queues(ctx, req, res));
  r.post('/users/:mac/kick', async (req, res) => {
    await bw.kick(String(req.params.mac), actorOf(req));
    res.json({ success: true });
  });
  return r;
}

/** A list of users as GET /user-traffic sends it: its body and ETag (all sites', or one site's part). */
type UserLists = (
  users: readonly UserTraffic[],
  siteId: number | undefined,
) => { body: Buffer; etag: string };

/**
 * Every open bandwidth page polls /user-traffic every 10 s. The list itself is shared for a short while (the
 * live-users cache), so serialise each shared list once and let clients revalidate with its ETag.
 */
function userLists(ctx: WebContext): UserLists {
  const lists = new WeakMap<readonly UserTraffic[], string>();
  // One site's part of a shared list, kept with it like its JSON (a page narrowed to a site polls it too).
  const parts = new WeakMap<readonly UserTraffic[], Map<number, readonly UserTraffic[]>>();
  const narrowed = (users: readonly UserTraffic[], siteId: number): readonly UserTraffic[] => {
    let bySite = parts.get(users);
    if (!bySite) parts.set(users, (bySite = new Map()));
    let part = bySite.get(siteId);
    if (!part) bySite.set(siteId, (part = users.filter((u) => u.site === siteId)));
    return part;
  };
  return (all, siteId) => {
    const users = siteId === undefined ? all : narrowed(all, siteId);
    let list = lists.get(users);
    if (list === undefined) {
      list = JSON.stringify(users.map(userJson));
      lists.set(users, list);
    }
    // While the router is away the users are the last figures read, and `router` says since when.
    const state = routerStateOf(ctx);
    const router = {
      connected: state.connected,
      stale_since: state.staleSince,
      last_seen: state.lastSeen,
    };
    const body = Buffer.from(`{"success":true,"users":${list},"router":${JSON.stringify(router)}}`);
    return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
  };
}

async function userTraffic(ctx: WebContext, lists: UserLists, req: Request, res: Response) {
  // ?site= (id or name): that site's devices only (an unknown site is a 400, src/web/admin/site-scope.ts).
  const siteId = await apiSiteId(ctx, req);
  const { body, etag } = lists(await ctx.services.bandwidth.users(), siteId);
  res.set('ETag', etag).set('Cache-Control', 'no-cache').type('application/json');
  if (req.fresh) return res.status(304).end();
  res.send(body);
}

/**
 * ?site=: that site's router (its error is the answer, 503 when it cannot be read). Without: every site's
 * queues, each naming its site, and each site's error beside them; 503 only when no router could be read.
 */
async function queues(ctx: WebContext, req: Request, res: Response) {
  const siteId = await apiSiteId(ctx, req);
  const bySite = await ctx.services.bandwidth.queuesBySite(siteId);
  const read = bySite.filter((s) => s.error === null);
  if (read.length === 0 && bySite.length > 0) {
    const first = bySite[0];
    throw new AppError(
      'ROUTER_UNREACHABLE',
      bySite.length === 1 ? first.error! : bySite.map((s) => `${s.site.name}: ${s.error}`).join(' '),
      503,
    );
  }
  res.json({
    success: true,
    queues: bySite.flatMap((s) => s.queues.map((q) => ({ ...q, site: s.site.id }))),
    sites: bySite.map((s) => ({ id: s.site.id, name: s.site.name, error: s.error })),
  });
}
