/**
 * Subscribers on monthly plans in the metrics: how many each site has by status (a count in the database, read
 * at the scrape as the sales are) and how many of them are online, as the site's stack last saw its PPP sessions
 * (its poll, its PPP check or its RADIUS accounting: never a router read at the scrape).
 */
import type * as Prom from 'prom-client';
import type { Db } from '../db/knex';

const SUBSCRIBER_STATUSES = ['active', 'suspended', 'ended', 'scheduled'] as const;

export function defineSubscribers(prom: typeof Prom, registers: Prom.Registry[]) {
  return {
    subscribers: new prom.Gauge({
      name: 'pisonet_subscribers',
      help: 'Subscribers on monthly plans at the site, by status (active, suspended, ended, scheduled).',
      labelNames: ['site', 'status'],
      registers,
    }),
    subscribersOnline: new prom.Gauge({
      name: 'pisonet_subscribers_online',
      help: "Subscribers' PPPoE sessions online at the site, as last seen by its poll, PPP check or RADIUS accounting.",
      labelNames: ['site'],
      registers,
    }),
  };
}

type SubscriberGauges = ReturnType<typeof defineSubscribers>;

/** A site as the subscribers' gauges show it: its id and name, and its online count as last seen. */
interface SubscriberSite {
  id: number;
  name: string;
  online(): Promise<number | undefined>;
}

export async function showSubscribers(g: SubscriberGauges, db: Db, sites: SubscriberSite[]): Promise<void> {
  const rows = (await db('subscribers')
    .select('site_id', 'status')
    .count({ n: '*' })
    .groupBy('site_id', 'status')) as Array<{ site_id: number | string; status: string; n: number | string }>;
  const online = await Promise.all(sites.map((s) => s.online().catch(() => undefined)));
  g.subscribers.reset();
  g.subscribersOnline.reset();
  sites.forEach((s, i) => {
    for (const status of SUBSCRIBER_STATUSES) {
      const row = rows.find((r) => Number(r.site_id) === s.id && r.status === status);
      g.subscribers.set({ site: s.name, status }, Number(row?.n ?? 0));
    }
    if (online[i] !== undefined) g.subscribersOnline.set({ site: s.name }, online[i] as number);
  });
}
