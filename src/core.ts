import type { AppConfig } from './config/env';
import type { Db } from './db/knex';
import { exclusiveLeases, type SiteLeases } from './db/site-leases';
import { systemClock, type Clock } from './lib/clock';
import { controllerClock } from './core/clock';
import type { Logger } from './lib/logger';
import type { MetricsPort } from './metrics/port';
import type { ManagedHotspot } from './router/hotspot';
import type { DemoRouterHost } from './router/demo';
import { createRouterSetupService } from './services/router-setup';
import { radiusSecretOf, siteSetupWants } from './services/router-setup/for-site';
import { setupExtraHosts } from './services/router-setup/extra-hosts';
import type { RouterClient } from './router/types';
import { DEFAULT_SITE, type ShopDeps } from './services/deps';
import type { Services } from './services/types';
import { withLiveUsersCache } from './services/bandwidth/live-users-cache';
import { createAuditService } from './services/audit';
import { createSettingsService } from './services/settings';
import { createShopSettings } from './services/settings/shop';
import { createBillingSettings } from './services/billing/settings';
import { createBilling } from './services/billing';
import { paymongoGateway } from './payments/paymongo';
import { fakesPaymongo } from './config/env-payments';
import { createEventService } from './services/events';
import { createProfileService } from './services/profiles';
import { createSelfService } from './services/self-service';
import { createVendoService } from './services/vendos';
import { createSubscriberService } from './services/subscribers';
import { subscriberAtAddress } from './services/subscribers/at-address';
import { createSmsService } from './services/sms';
import { createReportService } from './services/reports';
import { createAdminAccountService } from './services/admins';
import { createAccountService } from './services/accounts';
import { createSiteService } from './services/sites';
import { createCardTemplateService } from './services/card-templates';
import { createBackupService } from './services/backup';
import { openCredentialsBox } from './services/sites/credentials';
import type { SiteMonitor } from './services/site-monitor';
import { createSiteStack, type SiteStack, type SiteStackShared } from './services/site-stack';
import { GuessLimiter } from './services/guess-limiter';
import { createLoginDelays } from './services/login-delays';
import { openCoreDatabase, seedProfiles } from './core/database';
import { openEnvRouter } from './core/env-router';
import { stdoutLogger } from './core/logger';
import { createNotifications, type NotifyParts } from './services/notify';
import { createPaymentService } from './services/payments';
import { defaultSiteStatusOf, dispatchOverSites, monitorOtherSites, roamingAtOtherSites } from './core/sites';

export { sessionSecret } from './core/session-secret';

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
  /** The server's connections to the other sites (src/services/site-monitor/index.ts); none in the CLI. */
  siteMonitor?: SiteMonitor;
  /**
   * What drives each other site on those connections (poll, logins, redemptions), whatever its mode, by site id;
   * none in the CLI.
   */
  siteStacks: Map<number, SiteStack>;
  /** Which sites this server polls now (src/db/site-leases.ts). */
  leases: SiteLeases;
  /** Notifications to the owner: the server's jobs drive these parts (src/services/notify/notifier.ts). */
  notify: NotifyParts;
  close(): Promise<void>;
}

export interface CoreOptions {
  clock?: Clock;
  log?: Logger;
  /** The server hosts the demo router with live traffic; the CLI only hosts it when nobody else does. */
  role: 'server' | 'cli';
  /** Override the router connection (tests pass the client of their own simulator). */
  router?: RouterClient;
  /** How often the server reads the other sites (default 60 s; tests shorten it). */
  siteReadSeconds?: number;
  /** The other sites' reconnect backoff (tests shorten it). */
  siteReconnect?: { minMs?: number; maxMs?: number };
  /** Whether the other sites run their own poll jobs (default true; tests drive the cycles by hand). */
  sitePolls?: boolean;
  /** Which sites this server polls (default: all of them, one server per database). */
  leases?: SiteLeases;
  /** What every site's polls and redemptions count for Prometheus (the server's src/metrics); absent: nothing. */
  metrics?: MetricsPort;
}

/**
 * Composes the core: the database, the shop-wide services, the default site's stack on the .env router, the
 * server's other sites' stacks, and the services that span the sites. The router connects last.
 */
export async function openCore(config: AppConfig, opts: CoreOptions): Promise<Core> {
  const log = opts.log ?? stdoutLogger(config);
  const clock = opts.clock ?? controllerClock(config, opts.role, log);
  const server = opts.role === 'server';
  const { db, reader, close: closeDatabase } = await openCoreDatabase(config, { server, log });
  const { router, demo } = await openEnvRouter(config, { ...opts, log, db, clock });
  const audit = createAuditService(db, clock);
  const settings = createSettingsService(db, clock, audit);
  // The owner's time zone, WiFi name, card links and admin networks override .env's from here on.
  const shopSettings = createShopSettings(config, settings);
  await shopSettings.refresh();
  // The owner's days to pay, grace, reminder days and invoice prefix override .env's in config.billing.
  const billingSettings = createBillingSettings(config, settings);
  await billingSettings.refresh();
  const base: ShopDeps = { config, db, reader, clock, log, audit, settings, metrics: opts.metrics };
  const profiles = createProfileService(base);
  const leases = opts.leases ?? exclusiveLeases();
  const limiter = new GuessLimiter(clock);
  const loginDelays = createLoginDelays(db, clock);
  // The other sites' stacks, built by the site monitor on its connections (server only).
  const siteStacks = new Map<number, SiteStack>();
  const box = openCredentialsBox(config, log);
  // Built before the sites' stacks: each API site's PPP room listens to its changes.
  const billing = createBilling({ db, clock, config, audit, log });
  const subscribers = createSubscriberService({
    db,
    clock,
    config,
    audit,
    profiles,
    box,
    limiter,
    loginDelays,
    billing: billing.hooks,
    // The portal's account page by the request's address: every site this process drives (built below) is asked.
    atAddress: subscriberAtAddress(db, () => [main, ...siteStacks.values()]),
  });
  const { suspensions, billingReports } = billing.onSubscribers(subscribers);
  const shared: SiteStackShared = {
    profiles,
    limiter,
    leases,
    box,
    subscriberChanges: (listener) => subscribers.onChange(listener),
    // Every face that lists who is online shares one short-lived list; a finished poll cycle makes it stale.
    cycled: () => bandwidth.invalidate(),
    // Queued second codes whose turn came, pauses that ended (src/services/self-service).
    afterCycle: (site) => services.selfService.afterCycle(site.id),
  };
  const main = createSiteStack(
    base,
    shared,
    { site: DEFAULT_SITE, client: router, simulated: config.router.simulated },
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
  const bandwidth = withLiveUsersCache(main.bandwidth, clock);
  // The other routers: the server connects to each; the CLI shows what the server last stored.
  const siteMonitor = server
    ? monitorOtherSites(base, shared, siteStacks, {
        box,
        readSeconds: opts.siteReadSeconds,
        reconnect: opts.siteReconnect,
        polls: opts.sitePolls ?? true,
      })
    : undefined;
  const { drivers, redemption, locate, seesDevice } = dispatchOverSites(db, main, siteStacks, limiter);
  const { deps, vouchers } = main;
  const notify = createNotifications({ config, db, clock, log, audit, settings, box });
  // The shop-wide services get `base` only; what they need of a router is a narrow function of the site's stack.
  const admins = createAdminAccountService(base);
  const services: Services = {
    audit,
    settings,
    shopSettings,
    billingSettings,
    profiles,
    vouchers,
    redemption,
    bandwidth,
    guesses: limiter,
    loginDelays,
    cards: createCardTemplateService({ db, clock, audit, profiles }),
    backups: createBackupService({ config, db, clock, log, audit }),
    subscribers,
    invoices: billing.invoices,
    suspensions,
    billingReports,
    sms: createSmsService({ db, clock, config, settings, log }),
    usage: main.usage,
    vendos: createVendoService(base, {
      profiles,
      redemption,
      vouchers,
      locate,
      hostAddresses: (mac) => main.hotspot.hostAddresses(mac),
      // A board signs with the real time, as a gateway does: with CLOCK_START its skew is judged on that.
      realClock: config.clockStart === undefined ? undefined : systemClock,
    }),
    routerBinding: main.binding,
    events: createEventService(db),
    reports: createReportService(base),
    routerInfo: main.info,
    routerChecks: main.checks,
    // Each site's router on the connection this process holds: the .env router's, the other sites' stacks'.
    housekeeping: main.housekeeping,
    admins,
    accounts: createAccountService(base, admins),
    // Each site's self-service drives its own router: the default site's stack, the others'.
    selfService: createSelfService(deps, {
      redemption,
      limiter,
      sites: { drivers, main, stack: (id) => siteStacks.get(id) },
    }),
    sites: createSiteService(base, {
      box,
      monitor: siteMonitor,
      locate,
      binding: (id) => (id === DEFAULT_SITE.id ? main.binding : siteStacks.get(id)?.binding),
      defaultStatus: defaultSiteStatusOf(db, main, server ? 0 : config.router.timeoutSeconds * 1000),
    }),
    notify: notify.service,
    // A paid voucher joins the device's running code as a second code typed on the status page would.
    payments: createPaymentService(base, {
      redemption,
      profiles,
      box,
      seesDevice,
      canLogIn: () => main.router.status.connected,
      // With CLOCK_START the shop's clock is not the real time; a gateway's signature is judged on the real one.
      realClock: config.clockStart === undefined ? undefined : systemClock,
      join: (input, sale) => services.selfService.redeemHeld(input, sale),
      gatewayOf: (s) =>
        paymongoGateway({ secretKey: s.secretKey, webhookSecret: s.webhookSecret, apiUrl: s.apiUrl }),
      // A subscriber's bill paid online is one of its payments, recorded as the counter's are.
      bills: billing.bills(base),
    }),
    routerSetup: {
      service: createRouterSetupService({ audit, log: log.child({ module: 'router-setup' }) }),
      wantsFor: async (ref) => {
        const site = await services.sites.get(ref);
        // Stored only for a site whose router asks RADIUS (the setup adds its `/radius` entry then).
        const secret = await radiusSecretOf(db, box, site.id);
        return siteSetupWants(
          site,
          {
            portalUrl: config.portalUrl,
            port: config.port,
            // The demo server offers payments through its own simulated gateway whenever no key is set
            // (src/app.ts): the terminal beside it wants the same hosts, though it starts no gateway itself.
            extraHosts: setupExtraHosts({
              payments: (await services.payments.enabled()) || fakesPaymongo(config),
            }),
          },
          await profiles.list(),
          () => secret,
        );
      },
      routerFor: (id) => (id === DEFAULT_SITE.id ? router : siteStacks.get(id)?.router),
    },
  };

  const core: Core = {
    config,
    log,
    clock,
    db,
    shop: base,
    router,
    hotspot: main.hotspot,
    demo,
    services,
    siteMonitor,
    siteStacks,
    leases,
    notify,
    defaultStack: main,
    async close() {
      await suspensions.stop();
      await siteMonitor?.close();
      await main.stop();
      await leases.close();
      await demo?.stop();
      await services.redemption.settled().catch(() => undefined);
      await closeDatabase();
    },
  };
  try {
    await seedProfiles(profiles, config, log);
  } catch (err) {
    await core.close();
    throw err;
  }
  // The router last: a profiles.json mistake is reported before anything is sent to the router.
  await main.start();
  await siteMonitor?.start();
  return core;
}
