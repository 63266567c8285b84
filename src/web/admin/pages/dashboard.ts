import { Router } from 'express';
import type { WebContext } from '../../context';
import { page, Formatters } from './common';
import { hourlyTrafficChart, salesChart, shortDay } from './series';
import { addDays, localDate, startOfLocalDay } from '../../../services/report-calendar';

const ALERT_KINDS = /^(?:fup-|cap-|expired|exhausted)/;

/** Dashboard: router health, who is online, today's and this month's money, charts and recent alerts. */
export function dashboardRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services, config, clock } = ctx;

  router.get('/', async (_req, res) => {
    const fmt = res.locals.fmt as Formatters;
    const now = clock.now();
    const today = localDate(now, config.tz);
    const todayStart = startOfLocalDay(today, config.tz);
    const monthStart = startOfLocalDay(`${today.slice(0, 8)}01`, config.tz);
    const weekStart = startOfLocalDay(addDays(today, -6), config.tz);
    const tomorrow = startOfLocalDay(addDays(today, 1), config.tz);

    const [info, users, month, week, stock, traffic, events] = await Promise.all([
      services.routerInfo.test(),
      services.bandwidth.users(),
      services.reports.sales({ from: monthStart, to: tomorrow, by: 'month' }),
      services.reports.sales({ from: weekStart, to: tomorrow, by: 'day' }),
      services.reports.stock(),
      hourlyTrafficChart(services.usage, now, config.tz, fmt),
      services.events.list({ limit: 100 }),
    ]);
    const todayRow = week.find((r) => r.period === today) ?? { count: 0, amount: 0 };
    const monthTotal = month.reduce((a, r) => ({ count: a.count + r.count, amount: a.amount + r.amount }), {
      count: 0,
      amount: 0,
    });
    page(res, 'dashboard', 'dashboard', 'Dashboard', {
      info,
      online: users.filter((u) => u.connected).length,
      throttled: users.filter((u) => u.connected && u.fupState !== 'normal').length,
      today: todayRow,
      month: monthTotal,
      stock,
      salesChart: salesChart(week, fmt, shortDay),
      traffic,
      alerts: events.filter((e) => ALERT_KINDS.test(e.kind)).slice(0, 10),
      lastPollAt: services.usage.lastPollAt() ?? null,
      todayStart,
    });
  });

  return router;
}
