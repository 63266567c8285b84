/**
 * The core's composition in named steps (src/core.ts runs them): the shop's database, router and settings, the
 * parts every site shares, subscribers and their billing, and the services every face calls.
 */
import type { AppConfig } from '../config/env';
import { exclusiveLeases, type SiteLeases } from '../db/site-leases';
import { systemClock, type Clock } from '../lib/clock';
import { controllerClock } from '../core/clock';
import type { Logger } from '../lib/logger';
import type { MetricsPort } from '../metrics/port';
import { createRouterSetupService } from '../services/network/router-setup';
import { radiusSecretOf, siteSetupWants } from '../services/network/router-setup/for-site';
import { setupExtraHosts } from '../services/network/router-setup/extra-hosts';
import type { RouterClient } from '../router/types';
import { DEFAULT_SITE, type ShopDeps } from '../services/deps';
import type { Services } from '../services/types';
import { createAuditService } from '../services/business/audit';
import { createSettingsService } from '../services/business/settings';
import { createShopSettings } from '../services/business/settings/shop';
import { createBillingSettings } from '../services/subscriptions/billing/settings';
import { createBilling } from '../services/subscriptions/billing';
import { paymongoGateway } from '../payments/paymongo';
import { fakesPaymongo } from '../config/env-payments';
import { createEventService } from '../services/business/events';
import { createProfileService } from '../services/shop/profiles';
import { createSelfService } from '../services/shop/self-service';
import { createVendoService } from '../services/shop/vendos';
import { createSubscriberService } from '../services/subscriptions/subscribers';
import { subscriberAtAddress } from '../services/subscriptions/subscribers/at-address';
import { siteAddressing } from './site-addressing';
import { readAddressing } from '../router/addressing';
import { createSubscriberAdopt, type SitePpp } from '../services/subscriptions/subscribers/adopt';
import { AppError } from '../domain/errors';
import { createSmsService } from '../services/subscriptions/sms';
import { createReportService } from '../services/shop/reports';
import { createAdminAccountService } from '../services/business/admins';
import { createAccountService } from '../services/shop/accounts';
import { createSiteService } from '../services/business/sites';
import { radiusLoginServer } from '../services/network/radius/status';
import { createCardTemplateService } from '../services/shop/card-templates';
import { createBackupService } from '../services/business/backup';
import { openCredentialsBox } from '../services/business/sites/credentials';
import type { SiteMonitor } from '../services/network/site-monitor';
import { type SiteStack } from '../services/network/site-stack';
import { GuessLimiter } from '../services/shop/guess-limiter';
import { createLoginDelays } from '../services/business/login-delays';
import { openCoreDatabase } from '../core/database';
import { openEnvRouter } from '../core/env-router';
import { stdoutLogger } from '../core/logger';
import { type NotifyParts } from '../services/business/notify';
import { createPaymentService } from '../services/shop/payments';
import { defaultSiteStatusOf, dispatchOverSites } from '../core/sites';

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

/** The database, the router connection and the settings every service reads (the owner's override .env's). */
export async function openShop(config: AppConfig, opts: CoreOptions) {
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
  return { log, clock, server, db, closeDatabase, router, demo, shopSettings, billingSettings, base };
}

export type Shop = Awaited<ReturnType<typeof openShop>>;

/** What every site's stack and the shop-wide services share, built once. */
export function sharedParts(shop: Shop, opts: CoreOptions) {
  const { base, clock, db, log } = shop;
  return {
    profiles: createProfileService(base),
    leases: opts.leases ?? exclusiveLeases(),
    limiter: new GuessLimiter(clock),
    loginDelays: createLoginDelays(db, clock),
    box: openCredentialsBox(base.config, log),
  };
}

export type Shared = ReturnType<typeof sharedParts>;

/**
 * Subscribers and their billing, built before the sites' stacks (each API site's PPP room listens to their
 * changes): billing first, its hooks handed to the subscribers room, then what billing builds on subscribers.
 */
export function subscriberRooms(shop: Shop, p: Shared, stacks: () => SiteStack[]) {
  const { base } = shop;
  const billing = createBilling(base);
  const subscribers = createSubscriberService({
    ...base,
    profiles: p.profiles,
    box: p.box,
    limiter: p.limiter,
    loginDelays: p.loginDelays,
    billing: billing.hooks,
    // The portal's account page by the request's address: every site this process drives (built below) is asked.
    atAddress: subscriberAtAddress(base.db, stacks),
    // A fixed address is checked against the site's router, on the connection this process holds to it (a
    // connection still being made, as in a terminal command just started, is given the router's timeout).
    addressing: siteAddressing(stacks, base.config.router.timeoutSeconds * 1000),
  });
  return { billing, subscribers, ...billing.onSubscribers(subscribers) };
}

export interface Composed {
  shop: Shop;
  p: Shared;
  main: SiteStack;
  siteStacks: Map<number, SiteStack>;
  siteMonitor?: SiteMonitor;
  services: () => Services;
}

/** Online payments: a paid voucher joins the device's running code as a second code typed on the status page would. */
function paymentsOf(
  c: Composed,
  rooms: ReturnType<typeof subscriberRooms>,
  d: ReturnType<typeof dispatchOverSites>,
) {
  const { base } = c.shop;
  const { config } = base;
  return createPaymentService(base, {
    redemption: d.redemption,
    profiles: c.p.profiles,
    box: c.p.box,
    seesDevice: d.seesDevice,
    canLogIn: () => c.main.router.status.connected,
    // With CLOCK_START the shop's clock is not the real time; a gateway's signature is judged on the real one.
    realClock: config.clockStart === undefined ? undefined : systemClock,
    join: (input, sale) => c.services().selfService.redeemHeld(input, sale),
    gatewayOf: (s) =>
      paymongoGateway({ secretKey: s.secretKey, webhookSecret: s.webhookSecret, apiUrl: s.apiUrl }),
    // A subscriber's bill paid online is one of its payments, recorded as the counter's are.
    bills: rooms.billing.bills(base),
  });
}

/** What router setup wants of each site, and the router it is applied on. */
function routerSetupOf(c: Composed): Services['routerSetup'] {
  const { base, log, db, router } = c.shop;
  const { config } = base;
  return {
    service: createRouterSetupService({ audit: base.audit, log: log.child({ module: 'router-setup' }) }),
    wantsFor: async (ref) => {
      const services = c.services();
      const site = await services.sites.get(ref);
      // Stored only for a site whose router asks RADIUS (the setup adds its `/radius` entry then).
      const secret = await radiusSecretOf(db, c.p.box, site.id);
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
        await c.p.profiles.list(),
        () => secret,
      );
    },
    routerFor: (id) => (id === DEFAULT_SITE.id ? router : c.siteStacks.get(id)?.router),
  };
}

/** The coin boards: a board's coins become a voucher on the device that paid, at its site. */
function vendosOf(c: Composed, d: ReturnType<typeof dispatchOverSites>) {
  const { base } = c.shop;
  return createVendoService(base, {
    profiles: c.p.profiles,
    redemption: d.redemption,
    vouchers: c.main.vouchers,
    locate: d.locate,
    hostAddresses: (mac) => c.main.hotspot.hostAddresses(mac),
    // A board signs with the real time, as a gateway does: with CLOCK_START its skew is judged on that.
    realClock: base.config.clockStart === undefined ? undefined : systemClock,
  });
}

/** Adopting a site's own PPP secrets, on the router of the site's stack here and through its PPP room. */
function adoptOf(c: Composed, rooms: ReturnType<typeof subscriberRooms>) {
  const { db, audit } = c.shop.base;
  return createSubscriberAdopt({
    db,
    audit,
    subscribers: rooms.subscribers,
    profiles: c.p.profiles,
    sitePpp: async (site): Promise<SitePpp> => {
      const stack = site.id === DEFAULT_SITE.id ? c.main : c.siteStacks.get(site.id);
      if (!stack)
        throw new AppError(
          'SITE_UNREACHABLE',
          `Site ${site.name}: this controller is not connected to its router now. Nothing was changed; try again once it is.`,
          503,
          'site',
        );
      const ppp = stack.pppSubscribers;
      return {
        held: () => ppp.held(),
        addressing: () => readAddressing(stack.router),
        check: () => ppp.check('secrets adopted'),
      };
    },
  });
}

/** The services every face calls; the shop-wide ones get `base` only, a router only as a narrow function. */
export function shopServices(
  c: Composed,
  rooms: ReturnType<typeof subscriberRooms>,
  bandwidth: Services['bandwidth'],
  notify: NotifyParts,
): Services {
  const { base, server, shopSettings, billingSettings } = c.shop;
  const { config, db, clock, log, audit, settings } = base;
  const { main, siteStacks, p } = c;
  const d = dispatchOverSites(db, main, siteStacks, p.limiter);
  const admins = createAdminAccountService(base);
  return {
    audit,
    settings,
    shopSettings,
    billingSettings,
    profiles: p.profiles,
    vouchers: main.vouchers,
    redemption: d.redemption,
    bandwidth,
    guesses: p.limiter,
    loginDelays: p.loginDelays,
    cards: createCardTemplateService({ db, clock, audit, profiles: p.profiles }),
    backups: createBackupService({ config, db, clock, log, audit }),
    subscribers: rooms.subscribers,
    subscriberAdopt: adoptOf(c, rooms),
    invoices: rooms.billing.invoices,
    suspensions: rooms.suspensions,
    billingReports: rooms.billingReports,
    sms: createSmsService({ db, clock, config, settings, log }),
    usage: main.usage,
    vendos: vendosOf(c, d),
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
    selfService: createSelfService(main.deps, {
      redemption: d.redemption,
      limiter: p.limiter,
      sites: { drivers: d.drivers, main, stack: (id) => siteStacks.get(id) },
    }),
    sites: createSiteService(base, {
      box: p.box,
      monitor: c.siteMonitor,
      loginServer: radiusLoginServer(db, clock),
      locate: d.locate,
      binding: (id) => (id === DEFAULT_SITE.id ? main.binding : siteStacks.get(id)?.binding),
      defaultStatus: defaultSiteStatusOf(db, main, server ? 0 : config.router.timeoutSeconds * 1000),
    }),
    notify: notify.service,
    payments: paymentsOf(c, rooms, d),
    routerSetup: routerSetupOf(c),
  };
}
