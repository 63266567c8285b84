import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import { normaliseMac } from '../../../domain/units';
import { isMac } from '../../../domain/network';
import { toAppError } from '../../../lib/error-reply';
import { safeNext } from '../login';
import { actorOf, field, flash, Formatters, page, query } from './common';
import { hourlyTrafficChart } from './series';
import { pageSiteScope, siteNamesForRows } from '../site-scope';

/** Users and sessions: who is online, per-device history, and logging a device out. */
export function userRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/users', (req, res) => usersPage(ctx, req, res));
  router.get('/users/device/:mac', (req, res) => devicePage(ctx, req, res));
  router.post('/users/kick', (req, res) => kickDevice(ctx, req, res));
  return router;
}

/** GET /users: who is online; `?q=` searches (a MAC opens the device, anything else the voucher). */
async function usersPage(ctx: WebContext, req: Request, res: Response) {
  const { services } = ctx;
  const q = query(req, 'q');
  if (q) {
    // One search box for both: a MAC opens the device, anything else the voucher.
    if (isMac(q)) return res.redirect(303, `/admin/users/device/${encodeURIComponent(normaliseMac(q))}`);
    return res.redirect(303, `/admin/vouchers/${encodeURIComponent(q.slice(0, 40))}`);
  }
  // Narrowed to one site (?site=): its devices and its vouchers' events, as on the bandwidth page.
  const scope = await pageSiteScope(ctx, req);
  const all = await services.bandwidth.users();
  const users = scope.siteId === undefined ? all : all.filter((u) => u.site === scope.siteId);
  const online = users
    .filter((u) => u.connected)
    .sort((a, b) => a.user.localeCompare(b.user) || a.mac.localeCompare(b.mac));
  const events = await services.events.list({ limit: 15, siteId: scope.siteId });
  // Every site of several: each device's site is named.
  const siteNames = siteNamesForRows(scope);
  page(res, 'users/index', 'users', 'Users', {
    online,
    offline: users.length - online.length,
    events,
    siteScope: scope,
    siteNames,
  });
}

/** One device: online now or not, its traffic chart and its voucher's events. */
async function devicePage(ctx: WebContext, req: Request, res: Response) {
  const { services } = ctx;
  let mac: string;
  try {
    mac = normaliseMac(String(req.params.mac));
  } catch {
    return res
      .status(404)
      .render('error', { status: 404, message: 'That is not a device address.', back: '/admin/users' });
  }
  const fmt = res.locals.fmt as Formatters;
  const [users, usage] = await Promise.all([
    services.bandwidth.users(),
    hourlyTrafficChart(services.usage, ctx.clock.now(), ctx.config.tz, fmt, { mac }),
  ]);
  const current = users.find((u) => u.mac === mac) ?? null;
  const events = current ? await services.events.list({ voucherCode: current.user, limit: 20 }) : [];
  page(res, 'users/device', 'users', `Device ${mac}`, { mac, current, usage, events });
}

async function kickDevice(ctx: WebContext, req: Request, res: Response) {
  const back = safeNext(field(req.body, 'back') || '/admin/users');
  try {
    const mac = normaliseMac(field(req.body, 'mac'));
    await ctx.services.bandwidth.kick(mac, actorOf(req));
    flash(req, 'ok', `${mac} was logged out. The voucher stays usable: the customer can log in again.`);
  } catch (err) {
    flash(req, 'error', toAppError(err).message);
  }
  res.redirect(303, back);
}
