import crypto from 'node:crypto';
import type { AppConfig } from './config/env';
import { openDatabase, openReader, migrateLatest, startWalCheckpointer, Db } from './db/knex';
import { Clock, systemClock } from './lib/clock';
import { createLogger, Logger } from './lib/logger';
import { stdoutDestination } from './lib/log-format';
import { createRouterClient } from './router';
import { createManagedHotspot, type ManagedHotspot } from './router/hotspot';
import { guardWrites } from './router/hotspot/guard';
import { createRouterBinding, safeModeError } from './services/router-binding';
import { DemoRouterHost } from './router/demo';
import type { RouterClient } from './router/types';
import { DEFAULT_SITE, type ServiceDeps } from './services/deps';
import type { Services, UsageService } from './services/types';
import { withLiveUsersCache } from './services/live-users-cache';
import { createAuditService } from './services/audit';
import { createSettingsService } from './services/settings';
import { createShopSettings } from './services/shop-settings';
import { recordEvent } from './services/events';
import { createEventService } from './services/events';
import { createRouterInfoService } from './services/router-info';
import { createRouterChecksService } from './services/router-checks';
import { createHousekeepingService } from './services/router-housekeeping';
import { createProfileService } from './services/profiles';
import { createVoucherService } from './services/vouchers';
import { createRedemptionService } from './services/redemption';
import { createSelfService, type SelfService } from './services/self-service';
import { createVendoService } from './services/vendos';
import { createUsageService } from './services/usage';
import { readPollState } from './services/usage/persist';
import { createBandwidthService } from './services/bandwidth';
import { createReportService } from './services/reports';
import { createAdminAccountService } from './services/admins';
import { createSiteService } from './services/sites';
import { createCardTemplateService } from './services/card-templates';
import { openCredentialsBox } from './services/sites/credentials';
import { defaultSiteStatus } from './services/sites/default-status';
import { createSiteMonitor, type SiteMonitor } from './services/site-monitor';
import { createSiteStack, type SiteStack } from './services/site-stack';
import {
  devicesBehind,
  seenBySomeSite,
  siteRedemption,
  type SiteDriver,
  type SiteDrivers,
} from './services/site-dispatch';
import { locateDevice } from './services/device-sites';
import { GuessLimiter } from './services/guess-limiter';
import { exclusiveLeases, type SiteLeases } from './db/site-leases';

/**
 * The core every face of the product shares (server, terminal menu, benchmarks): configuration,
 * database, the router connection (hosting the demo router when there is no real one) and the services.
 */
export interface Core {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  db: Db;
  router: RouterClient;
  /** The one writer of our objects on the router (voucher users, device queues, sessions). */
  hotspot: ManagedHotspot;
  demo?: DemoRouterHost;
  services: Services;
  /** The server's connections to the other sites (src/services/site-monitor.ts); none in the CLI. */
  siteMonitor?: SiteMonitor;
  /** What drives each other site's router on those connections (poll, users, redemptions), by site id. */
  siteStacks: Map<number, SiteStack>;
  /** Which sites this server polls now (src/db/site-leases.ts). */
  leases: SiteLeases;
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
}

export async function openCore(config: AppConfig, opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  // The server logs to stdout: human lines on a terminal, JSON for service managers (LOG_FORMAT).
  const log =
    opts.log ??
    createLogger(
      config.logLevel,
      stdoutDestination(config.logFormat, () => config.tz),
    );
  // The server checkpoints SQLite's WAL from a connection of its own, off the customers' writes.
  const server = opts.role === 'server';
  const db = openDatabase(config.database, { backgroundCheckpoints: server });
  const checkpointer = server
    ? startWalCheckpointer(config.database, (err) =>
        log.warn({ err: err.message }, 'database checkpoint failed; the next one tries again'),
      )
    : undefined;
  const applied = await migrateLatest(db);
  if (applied.length) log.info({ applied }, `database migrated (${applied.length} migration(s))`);
  const reader = openReader(db, config.database);

  let demo: DemoRouterHost | undefined;
  if (config.router.simulated && !opts.router) {
    demo = new DemoRouterHost({
      port: config.simulatorPort,
      dataDir: config.dataDir,
      log: log.child({ module: 'demo-router' }),
      demoTraffic: opts.role === 'server',
      demoDevices: 6,
      timeZone: config.tz,
    });
    const hosted = await demo.ensureHosted();
    if (!hosted)
      log.info(`DEMO MODE: using the simulated router already running on 127.0.0.1:${config.simulatorPort}`);
    else if (demo.restarted && opts.role === 'server') {
      // The simulated router restarted with this server, and its sessions with it: say so where the owner sees
      // the logouts that follow, so a restart of the demo is not read as something a real shop would suffer.
      const said =
        "The demo's simulated router restarted with the server, so the demo phones were logged out. A real MikroTik keeps its customers online when PisoNet Manager restarts.";
      log.info(`DEMO MODE: ${said}`);
      await recordEvent(db, clock, { kind: 'demo-router-restart', level: 'info', message: said });
    }
  }

  const router =
    opts.router ??
    createRouterClient({
      host: config.router.host,
      port: config.router.simulated ? (demo?.simulator?.port ?? config.simulatorPort) : config.router.port,
      user: config.router.simulated ? 'admin' : config.router.user,
      password: config.router.simulated ? '' : config.router.password,
      tls: config.router.simulated ? false : config.router.tls,
      timeoutSeconds: config.router.timeoutSeconds,
      logger: log.child({ module: 'router' }),
    });
  if (demo) {
    // If the process hosting the demo router exits, take over hosting so the router comes back.
    router.onStatus((s) => {
      if (!s.connected && !demo!.hosting) void demo!.ensureHosted().catch(() => undefined);
    });
  }
  const audit = createAuditService(db, clock);
  const settings = createSettingsService(db, clock, audit);
  // The owner's time zone, WiFi name, card links and admin networks override .env's from here on.
  const shopSettings = createShopSettings(config, settings);
  await shopSettings.refresh();
  const ownHotspot = createManagedHotspot(router, {
    hotspotServer: config.hotspotServer,
    hotspotUserProfile: config.hotspotUserProfile,
  });
  // The database knows its router: until this router is checked as ours, nothing on it is written.
  const routerBinding = createRouterBinding({
    config,
    db,
    clock,
    router,
    hotspot: ownHotspot,
    log,
    audit,
    settings,
  });
  const hotspot = guardWrites(
    ownHotspot,
    () => routerBinding.ready(),
    () => routerBinding.state().reason?.message ?? 'the router has not been checked yet',
  );
  const deps: ServiceDeps = { config, db, reader, clock, router, hotspot, log, audit, settings };
  const profiles = createProfileService(deps);
  // The other sites' stacks, built by the site monitor on its connections (server only).
  const siteStacks = new Map<number, SiteStack>();
  const vouchers = createVoucherService(deps, {
    profiles,
    routerOfSite: (id) => siteStacks.get(id),
    async pushElsewhere(siteId, batchId, count) {
      if (siteId !== null) {
        await siteStacks.get(siteId)?.vouchers.syncRouterUsers();
        const [{ n }] = (await db('vouchers')
          .where({ batch_id: batchId })
          .whereNull('router_user_id')
          .count({ n: '*' })) as Array<{ n: number | string }>;
        return Number(n);
      }
      // Roaming: every router's users check adds the batch (a roaming voucher keeps no one router id).
      const checks = await Promise.allSettled([
        vouchers.checkRouterUsers({ allowRemovals: false }),
        ...[...siteStacks.values()].map((s) => s.vouchers.checkRouterUsers({ allowRemovals: false })),
      ]);
      const missed = checks.some((c) => c.status === 'rejected' || c.value.pending > 0);
      return missed ? count : 0;
    },
  });
  const leases = opts.leases ?? exclusiveLeases();
  const meter = createUsageService(deps, {
    profiles,
    lease: () => leases.hold(DEFAULT_SITE.id),
    sharedDatabase: leases.shared,
    routerReady: () => routerBinding.ready(),
    // A reboot may have been a reset: the voucher sync after this cycle checks every hotspot user.
    onRouterRebooted: () => vouchers.requestUsersCheck('router rebooted'),
  });
  // Every face that lists who is online (admin pages, the user-traffic API polled every 10 s by each open
  // page, the CLI) shares one short-lived list; a finished poll cycle makes it stale at once.
  const bandwidth = withLiveUsersCache(
    createBandwidthService(deps, { profiles, usage: meter, routerOfSite: (id) => siteStacks.get(id) }),
    clock,
  );
  let selfService: SelfService | undefined;
  const usage: UsageService = {
    ...meter,
    runCycle: async () => {
      const report = await meter.runCycle();
      bandwidth.invalidate();
      // Queued second codes whose turn came, pauses that ended (src/services/self-service).
      if (!report.skipped)
        await selfService
          ?.afterCycle()
          .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
      return report;
    },
  };
  const routerChecks = createRouterChecksService(router, log.child({ module: 'router' }));
  // The other routers: the server connects to each; the CLI shows what the server last stored.
  const box = openCredentialsBox(config, log);
  const limiter = new GuessLimiter(clock);
  const siteMonitor =
    opts.role === 'server'
      ? createSiteMonitor({
          config,
          db,
          clock,
          log,
          box,
          readSeconds: opts.siteReadSeconds,
          reconnect: opts.siteReconnect,
          attach(row, client) {
            const stack = createSiteStack(
              deps,
              {
                profiles,
                limiter,
                leases,
                // Its customers' queued codes and pauses, after each of its polls.
                afterCycle: (site) => selfService?.afterCycle(site.id) ?? Promise.resolve(),
              },
              row,
              client,
              { poll: opts.sitePolls ?? true },
            );
            siteStacks.set(row.id, stack);
            return {
              safeMode: () => safeModeError(stack.binding),
              async close() {
                if (siteStacks.get(row.id) === stack) siteStacks.delete(row.id);
                await stack.close();
              },
            };
          },
        })
      : undefined;
  const mainRedemption = createRedemptionService(deps, { profiles, vouchers, limiter });
  const main: SiteDriver = { site: DEFAULT_SITE, router, hotspot, redemption: mainRedemption };
  const drivers: SiteDrivers = {
    main,
    all: () => [main, ...[...siteStacks.values()].sort((a, b) => a.site.id - b.site.id)],
    get: (id) => (id === DEFAULT_SITE.id ? main : siteStacks.get(id)),
  };
  const redemption = siteRedemption(db, drivers);
  limiter.useRouters({
    devicesBehind: (address) => devicesBehind(drivers.all(), address),
    seesDevice: (mac, ip) => seenBySomeSite(drivers.all(), mac, ip),
  });
  // Which sites' routers see a device: for a vendo or a price list of one site (src/services/device-sites.ts).
  const locate = (mac: string, ip: string) => locateDevice(drivers, mac, ip);
  const services: Services = {
    audit,
    settings,
    shopSettings,
    profiles,
    cards: createCardTemplateService({ db, clock, audit, profiles }),
    vouchers,
    usage,
    redemption,
    vendos: createVendoService(deps, { profiles, redemption, vouchers, locate }),
    routerBinding,
    bandwidth,
    events: createEventService(db),
    reports: createReportService(deps),
    routerInfo: createRouterInfoService(router, config.router.simulated, {
      checks: routerChecks,
      binding: routerBinding,
      connectTimeoutMs: config.router.timeoutSeconds * 1000,
    }),
    routerChecks,
    // Each site's router on the connection this process holds: the .env router's, the other sites' stacks'.
    housekeeping: createHousekeepingService({
      audit,
      clock,
      log: log.child({ module: 'housekeeping' }),
      routerOf: (id) => (id === DEFAULT_SITE.id ? router : siteStacks.get(id)?.router),
    }),
    admins: createAdminAccountService(deps),
    guesses: limiter,
    selfService: (selfService = createSelfService(deps, {
      redemption,
      limiter,
      // Each site's self-service drives its own router: the default site's services, the others' stacks.
      sites: {
        drivers,
        main: { site: DEFAULT_SITE, deps, redemption: mainRedemption, usage, vouchers },
        stack: (id) => siteStacks.get(id),
      },
    })),
    sites: createSiteService(deps, {
      box,
      monitor: siteMonitor,
      locate,
      binding: (id) => (id === DEFAULT_SITE.id ? routerBinding : siteStacks.get(id)?.binding),
      defaultStatus: () =>
        defaultSiteStatus({
          router,
          db,
          lastPollAt: async () => meter.lastPollAt() ?? (await readPollState(db, DEFAULT_SITE.id)).lastPollAt,
          settleMs: opts.role === 'cli' ? config.router.timeoutSeconds * 1000 : 0,
          safeMode: () => safeModeError(routerBinding),
        }),
    }),
  };

  const core: Core = {
    config,
    log,
    clock,
    db,
    router,
    hotspot,
    demo,
    services,
    siteMonitor,
    siteStacks,
    leases,
    async close() {
      await siteMonitor?.close();
      await leases.close();
      await router.stop();
      await demo?.stop();
      await services.redemption.settled().catch(() => undefined);
      if (reader !== db) await reader.destroy();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
  // Whichever face opens the database first (the server, or the terminal menu on a fresh install) brings it
  // up to date: migrations above, and the profiles.json seed here, so the menu never starts empty.
  try {
    for (const line of await profiles.syncFromFile(config.profilesFile))
      log.info({ module: 'profiles' }, line);
  } catch (err) {
    await core.close();
    throw err;
  }
  // The router last: a profiles.json mistake is reported before anything is sent to the router.
  await router.start();
  await siteMonitor?.start();
  return core;
}

/** The session secret: from SESSION_SECRET, else generated once and kept in the database. */
export async function sessionSecret(core: Core): Promise<string> {
  if (core.config.admin.sessionSecret) return core.config.admin.sessionSecret;
  const row = await core.db('settings').where({ key: 'internal.session_secret' }).first();
  if (row) return JSON.parse(row.value) as string;
  const secret = crypto.randomBytes(32).toString('base64url');
  await core
    .db('settings')
    .insert({ key: 'internal.session_secret', value: JSON.stringify(secret), updated_at: core.clock.now() });
  return secret;
}
