import { Router } from 'express';
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
  const { services, config } = ctx;

  router.get('/users', async (req, res) => {
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
  });

  router.get('/users/device/:mac', async (req, res) => {
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
      hourlyTrafficChart(services.usage, ctx.clock.now(), config.tz, fmt, { mac }),
    ]);
    const current = users.find((u) => u.mac === mac) ?? null;
    const events = current ? await services.events.list({ voucherCode: current.user, limit: 20 }) : [];
    page(res, 'users/device', 'users', `Device ${mac}`, { mac, current, usage, events });
  });

  router.post('/users/kick', async (req, res) => {
    const back = safeNext(field(req.body, 'back') || '/admin/users');
    try {
      const mac = normaliseMac(field(req.body, 'mac'));
      await services.bandwidth.kick(mac, actorOf(req));
      flash(req, 'ok', `${mac} was logged out. The voucher stays usable: the customer can log in again.`);
    } catch (err) {
      flash(req, 'error', toAppError(err).message);
    }
    res.redirect(303, back);
  });

  return router;
}
