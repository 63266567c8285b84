import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, page, Formatters } from './common';
import { hourlyTrafficChart, salesChart, shortDay } from './series';
import { addDays, localDate, startOfLocalDay } from '../../../domain/calendar';
import { dashboardFigures, FEED_LIMIT, feedItems } from '../live';
import { pageSiteScope } from '../site-scope';
import { QUICK_PRINT_MAX } from '../../../domain/cards';
import { quickPrint } from '../../../services/shop/vouchers/quick-print';
import { voucherPlans } from '../../../services/shop/profiles/billing';
import { accountHome } from './accounts';

/**
 * Dashboard: who is online, today's and this month's money, unused stock, the router, the shop's activity
 * as it happens, and charts. public/js/admin-dashboard.js keeps the tiles, the feed and the router banner
 * current without a reload (GET /admin/api/dashboard and /admin/api/events?after=). With more than one site a
 * picker narrows it to one (`?site=`, src/web/admin/site-scope.ts).
 */
export function dashboardRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services, config, clock } = ctx;

  router.get('/', async (req, res) => {
    // A cashier or a reseller: its own home (its sales, its balance), not the shop's.
    if (req.actor?.account) return accountHome(ctx, req, res);
    const fmt = res.locals.fmt as Formatters;
    const scope = await pageSiteScope(ctx, req);
    const { siteId } = scope;
    const now = clock.now();
    const today = localDate(now, config.tz);
    const weekStart = startOfLocalDay(addDays(today, -6), config.tz);
    const tomorrow = startOfLocalDay(addDays(today, 1), config.tz);

    const [figures, info, week, traffic, events, profiles] = await Promise.all([
      dashboardFigures(ctx, siteId),
      services.routerInfo.test(),
      services.reports.sales({ from: weekStart, to: tomorrow, by: 'day', siteId }),
      hourlyTrafficChart(services.usage, now, config.tz, fmt, { siteId: scope.siteId }),
      services.events.list({ limit: FEED_LIMIT, siteId }),
      // Quick print: the voucher plans this site sells (every one when not narrowed to a site).
      services.profiles.list(siteId === undefined ? {} : { siteId }),
    ]);
    page(res, 'dashboard', 'dashboard', scope.site ? `Dashboard: ${scope.site.name}` : 'Dashboard', {
      siteScope: scope,
      figures,
      info,
      salesChart: salesChart(week, fmt, shortDay),
      traffic,
      feed: feedItems(events, config.tz, now),
      lastEventId: events[0]?.id ?? 0,
      lastPollAt: services.usage.lastPollAt() ?? null,
      subscriberCounts: await services.billingReports.counts(),
      quickPrint: {
        profiles: voucherPlans(profiles).map((p) => ({ name: p.name, price: p.price })),
        max: QUICK_PRINT_MAX,
      },
      scripts: ['/public/js/router-banner.js', '/public/js/admin-dashboard.js'],
    });
  });

  // Quick print: the cards are made (a real batch, audited) and open on the thermal printer's page size.
  router.post('/quick-print', quickPrintHandler(ctx));

  return router;
}

/** POST /quick-print: the cards made from the dashboard's Quick print, or the form's problem as a flash. */
function quickPrintHandler(ctx: WebContext) {
  const { services } = ctx;
  return async (req: Request, res: Response) => {
    const site = field(req.body, 'site');
    try {
      const out = await quickPrint(
        { generate: (input, actor) => services.vouchers.generate(input, actor), cards: services.cards },
        { profile: field(req.body, 'profile'), count: field(req.body, 'count'), site },
        actorOf(req),
      );
      res.redirect(303, `/admin/vouchers/batches/${out.batchId}/print?format=${out.paper}`);
    } catch (err) {
      const f = formFailure(err);
      flash(req, 'error', `Quick print: ${f.fields.count ? `how many cards: ${f.fields.count}` : f.message}`);
      res.redirect(303, `/admin${site ? `?site=${encodeURIComponent(site)}` : ''}#quick-print`);
    }
  };
}
