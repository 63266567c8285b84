/**
 * The dashboard's live figures and the activity feed's rows, computed once for the page's first render and
 * for the endpoints its script polls (api-live.ts), so both always show the same thing.
 */
import { activityGroup, ACTIVITY_LABELS } from '../../domain/activity';
import { formatShopTime } from '../../domain/clock';
import { formatDurationHuman, formatMoney } from '../../domain/units';
import { addDays, localDate, startOfLocalDay } from '../../domain/calendar';
import type { EventView, SalesRow } from '../../services/types';
import type { SubscriberTakings } from '../../services/shop/reports/money-in';
import { salesTotal } from '../../services/shop/reports/types';
import type { WebContext } from '../context';
import { routerStateOf } from '../router-state';

/**
 * Every site's router at a glance (how many are online, and the names of those away: not connected, or their last
 * read failed, in id order), so a branch that is down shows on the shop's dashboard, not only on the Sites page;
 * undefined with fewer than two sites (the router tile says it all).
 */
async function routersAtGlance(ctx: WebContext) {
  if ((await ctx.services.sites.names()).length < 2) return undefined;
  const sites = await ctx.services.sites.statuses();
  const away = sites.filter((s) => !s.status.connected || s.status.error).map((s) => s.name);
  return { total: sites.length, online: sites.length - away.length, away };
}

/**
 * The rows' total (salesTotal: vouchers sold, charges, their amount) and its `text` (`₱1,234.00`). On the shop's
 * dashboard, subscribers' payments (net of voids made in the range; every method) are in `amount` too, and apart
 * under `subscribers`: subscribers belong to no site, so a dashboard narrowed to one site leaves them out.
 */
const total = (rows: SalesRow[], subscribers?: SubscriberTakings) => {
  const t = salesTotal(rows);
  if (!subscribers) return { ...t, text: formatMoney(t.amount) };
  const amount = t.amount + subscribers.amount;
  const { count, reversals, cash } = subscribers;
  return {
    ...t,
    amount,
    text: formatMoney(amount),
    subscribers: { count, reversals, amount: subscribers.amount, cash },
  };
};

/** How long the month's sales before today are reused (they change only if a sale is undone or corrected). */
const PAST_MONTH_TTL_MS = 10 * 60 * 1000;
const pastMonthCache = new WeakMap<object, Map<string, { at: number; rows: SalesRow[] }>>();

/**
 * The month's sales before today. The dashboard asks every few seconds and reading a busy month costs a
 * few hundred ms (50,000 vouchers: ~200 ms), so they are read once and reused until the day changes or
 * PAST_MONTH_TTL_MS passes; today's are read at every ask (~1 ms).
 */
async function pastMonthSales(
  ctx: WebContext,
  monthStart: number,
  todayStart: number,
  siteId: number | undefined,
): Promise<SalesRow[]> {
  if (todayStart <= monthStart) return [];
  const now = ctx.clock.now();
  const key = `${monthStart}|${todayStart}|${siteId ?? 'all'}`;
  const hits = pastMonthCache.get(ctx.services) ?? new Map<string, { at: number; rows: SalesRow[] }>();
  pastMonthCache.set(ctx.services, hits);
  const hit = hits.get(key);
  if (hit && now >= hit.at && now - hit.at < PAST_MONTH_TTL_MS) return hit.rows;
  const rows = await ctx.services.reports.sales({ from: monthStart, to: todayStart, by: 'month', siteId });
  // One entry per site asked for (and "all"); another month's entries go.
  for (const k of hits.keys()) if (!k.startsWith(`${monthStart}|${todayStart}|`)) hits.delete(k);
  hits.set(key, { at: now, rows });
  return rows;
}

/** The shop's figures, or one site's (`siteId`). */
export async function dashboardFigures(ctx: WebContext, siteId?: number) {
  const { services, config, clock } = ctx;
  const now = clock.now();
  const today = localDate(now, config.tz);
  const todayStart = startOfLocalDay(today, config.tz);
  const monthStart = startOfLocalDay(`${today.slice(0, 8)}01`, config.tz);
  const tomorrow = startOfLocalDay(addDays(today, 1), config.tz);
  const shopWide = siteId === undefined;
  const subscribers = (from: number) =>
    shopWide ? services.reports.subscriberPayments({ from, to: tomorrow }) : Promise.resolve(undefined);
  const [users, todaySales, pastSales, stock, site, routers, subsToday, subsMonth, subscribersOnline] =
    await Promise.all([
      services.bandwidth.users(),
      services.reports.sales({ from: todayStart, to: tomorrow, by: 'day', siteId }),
      pastMonthSales(ctx, monthStart, todayStart, siteId),
      services.reports.stockTotal({ siteId }),
      siteId === undefined ? undefined : services.sites.get(siteId),
      siteId === undefined ? routersAtGlance(ctx) : undefined,
      subscribers(todayStart),
      subscribers(monthStart),
      services.subscribers.onlineCount(siteId),
    ]);
  const connected = users.filter((u) => u.connected);
  return {
    // Devices online (as of the last poll; see router.lastSeen when the router is away); of those, slowed by Fair
    // Use or a data cap (with `site`: its router's, as the server last read it; `throttled`: the default router's).
    online: site ? (site.status.online ?? 0) : connected.length,
    throttled: connected.filter((u) => u.fupState !== 'normal').length,
    // Subscribers online on PPPoE (as the poll last read their sessions), apart from the phones in `online`.
    subscribersOnline,
    // Vouchers first used today / this month (the reports' notion of a sale), in the shop's time zone.
    today: total(todaySales, subsToday),
    month: total([...pastSales, ...todaySales], subsMonth),
    // Unused vouchers and what they are worth when sold.
    stock: { count: stock.count, value: stock.value, text: formatMoney(stock.value) },
    router: routerStateOf(ctx),
    // The router's name (its /system identity) once connected.
    identity: ctx.router.status.identity ?? null,
    ...(routers ? { routers } : {}),
    // The dashboard narrowed to one site (`?site=`): money, stock and the feed are its vouchers'.
    ...(site
      ? {
          site: {
            id: site.id,
            name: site.name,
            connected: site.status.connected && !site.status.error,
            identity: site.status.identity,
            lastReadAt: site.status.lastPollAt,
          },
        }
      : {}),
  };
}

/** The most rows the feed holds and one request returns. */
export const FEED_LIMIT = 50;

/** Events written before durations were, "with 21572s left", as a person reads them: "with 5h 59m left". */
function readableSeconds(message: string): string {
  return message.replace(/\b(\d+)s left\b/g, (_m, n: string) => `${formatDurationHuman(Number(n))} left`);
}

export function feedItems(events: EventView[], tz: string, now: number) {
  return events.map((e) => {
    const group = activityGroup(e.kind);
    return {
      ...e,
      group,
      label: ACTIVITY_LABELS[group],
      // `07:44 PM` in the shop's zone (with the date when not today).
      time: formatShopTime(e.ts, tz, now),
      message: readableSeconds(e.message),
    };
  });
}
