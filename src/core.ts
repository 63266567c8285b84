import type { AppConfig } from './config/env';
import type { Db } from './db/knex';
import { type SiteLeases } from './db/site-leases';
import { type Clock } from './lib/clock';
import type { Logger } from './lib/logger';
import type { ManagedHotspot } from './router/hotspot';
import type { DemoRouterHost } from './router/demo';
import type { RouterClient } from './router/types';
import { DEFAULT_SITE, type ShopDeps } from './services/deps';
import type { Services } from './services/types';
import { withLiveUsersCache } from './services/network/bandwidth/live-users-cache';
import type { SiteMonitor } from './services/network/site-monitor';
import { createSiteStack, type SiteStack, type SiteStackShared } from './services/network/site-stack';
import { seedProfiles } from './core/database';
import { createNotifications, type NotifyParts } from './services/business/notify';
import { monitorOtherSites, roamingAtOtherSites } from './core/sites';

export { sessionSecret } from './core/session-secret';
export type { CoreOptions } from './core/compose';
import {
  openShop,
  sharedParts,
  shopServices,
  subscriberRooms,
  type Composed,
  type CoreOptions,
  type Shop,
} from './core/compose';

/**
 * The core every face of the product shares (server, terminal menu, benchmarks): configuration,
 * database, the router connection (hosting the demo router when there is no real one) and the services.
 */
export interface Core {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  db: Db;
  /** What every shop-wide service and every site's stack is built from (no router in it). */
  shop: ShopDeps;
  router: RouterClient;
  /** The one writer of our objects on the router (voucher users, device queues, sessions). */
  hotspot: ManagedHotspot;
  demo?: DemoRouterHost;
  services: Services;
  /** The `default` site's stack, on `router`: its services are `services`' own, its poll job the server's. */
  defaultStack: SiteStack;
  /** The server's connections to the other sites (src/services/network/site-monitor/index.ts); none in the CLI. */
  siteMonitor?: SiteMonitor;
  /**
   * What drives each other site on those connections (poll, logins, redemptions), whatever its mode, by site id;
   * none in the CLI.
   */
  siteStacks: Map<number, SiteStack>;
  /** Which sites this server polls now (src/db/site-leases.ts). */
  leases: SiteLeases;
  /** Notifications to the owner: the server's jobs drive these parts (src/services/business/notify/notifier.ts). */
  notify: NotifyParts;
  close(): Promise<void>;
}

/** The default site's stack, on the .env router: its poll is the server's. */
function defaultSiteStack(shop: Shop, shared: SiteStackShared, siteStacks: Map<number, SiteStack>) {
  const { base, server, shopSettings, billingSettings } = shop;
  return createSiteStack(
    base,
    shared,
    { site: DEFAULT_SITE, client: shop.router, simulated: base.config.router.simulated },
    {
      ownsClient: true,
      // Settings changed in the terminal while the server runs (time zone, card links, ...) apply from each poll.
      poll: server
        ? {
            begin: 'when-asked',
            beforeRun: () => Promise.all([shopSettings.refresh(), billingSettings.refresh()]).then(() => {}),
          }
        : undefined,
      polledHere: server,
      routerOfSite: (id) => siteStacks.get(id),
      roamingElsewhere: roamingAtOtherSites(siteStacks),
    },
  );
}

/** Starts what runs (profiles seeded first: a profiles.json mistake is reported before the router is written). */
async function startCore(core: Core, c: Composed): Promise<Core> {
  try {
    await seedProfiles(c.p.profiles, core.config, core.log);
  } catch (err) {
    await core.close();
    throw err;
  }
  // The router last.
  await c.main.start();
  await c.siteMonitor?.start();
  return core;
}

/**
 * Composes the core: the database, the shop-wide services, the default site's stack on the .env router, the
 * server's other sites' stacks, and the services that span the sites. The router connects last.
 */
export async function openCore(config: AppConfig, opts: CoreOptions): Promise<Core> {
  const shop = await openShop(config, opts);
  const { base, log, clock, db, server } = shop;
  const p = sharedParts(shop, opts);
  // The other sites' stacks, built by the site monitor on its connections (server only).
  const siteStacks = new Map<number, SiteStack>();
  const rooms = subscriberRooms(shop, p, () => [main, ...siteStacks.values()]);
  const shared: SiteStackShared = {
    profiles: p.profiles,
    limiter: p.limiter,
    leases: p.leases,
    box: p.box,
    subscriberChanges: (listener) => rooms.subscribers.onChange(listener),
    // Every face that lists who is online shares one short-lived list; a finished poll cycle makes it stale.
    cycled: () => bandwidth.invalidate(),
    // Queued second codes whose turn came, pauses that ended (src/services/shop/self-service).
    afterCycle: (site) => services.selfService.afterCycle(site.id),
    // A router that restarted is read against its site's setup (its checks' SETUP_INCOMPLETE).
    setupReport: async (siteId, router) =>
      services.routerSetup.service.check(router, await services.routerSetup.wantsFor(siteId)),
  };
  const main = defaultSiteStack(shop, shared, siteStacks);
  const bandwidth = withLiveUsersCache(main.bandwidth, clock);
  // The other routers: the server connects to each; the CLI shows what the server last stored.
  const siteMonitor = server
    ? monitorOtherSites(base, shared, siteStacks, {
        box: p.box,
        readSeconds: opts.siteReadSeconds,
        reconnect: opts.siteReconnect,
        polls: opts.sitePolls ?? true,
      })
    : undefined;
  const { audit, settings } = base;
  const notify = createNotifications({ config, db, clock, log, audit, settings, box: p.box });
  const composed: Composed = { shop, p, main, siteStacks, siteMonitor, services: () => services };
  const services = shopServices(composed, rooms, bandwidth, notify);
  const core: Core = {
    config,
    log,
    clock,
    db,
    shop: base,
    router: shop.router,
    hotspot: main.hotspot,
    demo: shop.demo,
    services,
    siteMonitor,
    siteStacks,
    leases: p.leases,
    notify,
    defaultStack: main,
    close: () => closeCore(composed, rooms),
  };
  return startCore(core, composed);
}

/** Suspensions, the other sites, the default site, the leases, the demo router, redemptions, then the database. */
async function closeCore(c: Composed, rooms: ReturnType<typeof subscriberRooms>): Promise<void> {
  await rooms.suspensions.stop();
  await c.siteMonitor?.close();
  await c.main.stop();
  await c.p.leases.close();
  await c.shop.demo?.stop();
  await c
    .services()
    .redemption.settled()
    .catch(() => undefined);
  await c.shop.closeDatabase();
}
