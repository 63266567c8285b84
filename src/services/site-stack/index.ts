/**
 * Everything that drives one site's router, built the same way for every site (`default`, on the .env router,
 * too), in either mode (over the router's API, or through RADIUS: the parts chosen by the site's mode in one
 * place, mode.ts) and for every face (the server, the terminal's `--site`): the owner of our objects on that router (guarded
 * by the site's router binding, so a database that does not know the router writes nothing there), its usage
 * poll, its vouchers' users, its redemptions, its bandwidth, its router info and checks, and its housekeeping.
 * Each stack reads and writes only its site's vouchers; given `routerOfSite` (the default site's stack), its
 * vouchers, bandwidth and housekeeping also reach the other sites' routers this process holds.
 *
 * start() begins an 'at-connect' poll job (at once when the mode's poll needs no router) and connects the client
 * when the stack owns it (the .env router; the site monitor holds the server's other connections; the terminal
 * hands a branch's stack the connection it has just made). A RADIUS site without API access gets a client that is
 * never started: its poll and its logins need no router connection. stop() is the reverse: the poll job, the site's lease, the poll's database watch, the redemptions
 * in flight, then an owned client. A stack built before its client connects checks the router binding at the
 * connect; one built on a live connection, at the first write.
 */
import type { AppConfig } from '../../config/env';
import type { SiteLeases } from '../../db/site-leases';
import type { PeriodicJob } from '../../jobs/periodic';
import { createManagedHotspot, type ManagedHotspot } from '../../router/hotspot';
import { guardWrites } from '../../router/hotspot/guard';
import type { RouterClient } from '../../router/types';
import { createBandwidthService } from '../bandwidth';
import { DEFAULT_SITE, type ShopDeps, type SiteDeps, type SiteRef } from '../deps';
import type { GuessLimiter } from '../guess-limiter';
import { createRedemptionService } from '../redemption';
import { createRouterBinding, type RouterBinding } from '../router-binding';
import { createRouterChecksService, type RouterChecksService } from '../router-checks';
import { createHousekeepingService, type HousekeepingService } from '../router-housekeeping';
import { createRouterInfoService } from '../router-info';
import { createRouterClient } from '../../router/client';
import type { CredentialsBox } from '../sites/credentials';
import type { SiteMode, SiteRow } from '../sites/types';
import type {
  BandwidthService,
  CycleReport,
  ProfileService,
  RedemptionService,
  RouterInfoService,
  UsageService,
  VoucherService,
} from '../types';
import { createUsageService } from '../usage';
import { readPollState } from '../usage/persist';
import { databaseLogins } from '../../db/logins-in-flight';
import { createVoucherService } from '../vouchers';
import type { HotspotUsers } from '../hotspot-users';
import type { PppSubscribers, PppSubscribersDeps } from '../ppp-subscribers';
import type { RadiusSubscribers } from '../radius-subscribers';
import { modeOf } from './mode';
import { siteParts, storedSiteLogins, type Logins, type Sessions } from './parts';
import { sitePoll, type PollJobOptions } from './poll';
import { subscribersSeen } from './subscribers-seen';

export type { PollJobOptions } from './poll';

export interface SiteStack {
  site: SiteRef;
  /** What its services were built with: its router and hotspot, its log, its time zone. */
  deps: SiteDeps;
  router: RouterClient;
  /** Guarded: refuses writes while the binding is not ready (safe mode). */
  hotspot: ManagedHotspot;
  binding: RouterBinding;
  usage: UsageService & { close(): void };
  /** Its vouchers (generation for a site goes through the default service: sites/dispatch.ts). */
  vouchers: VoucherService;
  /** Where its vouchers live as logins (hotspot users on its router, or FreeRADIUS rows), as its mode chose. */
  logins: Logins;
  /** How self-service reaches its codes' sessions (the router's hotspot, or CoA and Disconnect). */
  sessions: Sessions;
  /** An API site's hotspot users (push, sync, check: src/services/hotspot-users); absent on a RADIUS site. */
  hotspotUsers?: HotspotUsers;
  /** An API site's subscribers' PPP profiles and secrets (src/services/ppp-subscribers); absent on RADIUS. */
  pppSubscribers?: PppSubscribers;
  /** The login whose PPP session holds this address, or null; throws when it cannot be read now. */
  pppLoginAt(address: string): Promise<string | null>;
  /** Its subscribers' PPP sessions online as last seen (no router read); undefined: not known. */
  subscribersOnline(): Promise<number | undefined>;
  /** A RADIUS site's subscribers (FreeRADIUS rows, CoA and Disconnect); absent on an API site. */
  radiusSubscribers?: RadiusSubscribers;
  /** Whether this controller has the router's API (false: a RADIUS site without it; `router` never starts). */
  apiAccess: boolean;
  /** Whether its codes are redeemed while this controller cannot reach its router (the router asks FreeRADIUS). */
  redeemsWithoutRouter: boolean;
  redemption: RedemptionService;
  /** Its queues, its devices' limits, a logout there. */
  bandwidth: BandwidthService;
  /** Test and info of its router (identity, version, warnings). */
  info: RouterInfoService;
  checks: RouterChecksService;
  /** Its router's hosts, sessions, leases, log, resources, traffic and reboot. */
  housekeeping: HousekeepingService;
  /** Its poll job, when it has one (the server's stacks). */
  pollJob?: PeriodicJob;
  /** The site's poll followed by its logins brought in line; what the poll job runs. */
  pollOnce(): Promise<CycleReport>;
  start(): Promise<void>;
  /** Begins a 'when-asked' poll job's cadence now, with a run. */
  startPoll(): void;
  stop(): Promise<void>;
}

/** What every site's services share: the shop's deps (config, database, clock, log, audit and settings). */
export type SiteStackBase = ShopDeps;

export interface SiteStackShared {
  profiles: ProfileService;
  /** Shared by every site's redemption (absent: the stack's own; the terminal redeems nothing). */
  limiter?: GuessLimiter;
  /** Which sites this server polls (several servers may share the database). */
  leases: SiteLeases;
  /** After each of the site's poll cycles, skipped or not (the live lists' cache). */
  cycled?: () => void;
  /** After each of the site's poll cycles that ran (the portal's queued codes and pauses of that site). */
  afterCycle?: (site: SiteRef) => Promise<void>;
  /** Opens a RADIUS site's secret for its CoA (absent: a face that sends none, as the terminal). */
  box?: CredentialsBox;
  /** The subscriber service's change listener: an API site's PPP room checks the router after each change. */
  subscriberChanges?: PppSubscribersDeps['subscriberChanges'];
}

/** The site and its connection. */
export interface SiteSpec {
  site: SiteRef;
  /** Its router's API connection; absent: none (a RADIUS site without API access). */
  client?: RouterClient;
  /** How the site is driven (absent: over the router's API); its RADIUS client's address. */
  mode?: SiteMode;
  nasAddress?: string | null;
  /** Its hotspot server and user profile; absent or null: the shop's. */
  hotspotServer?: string | null;
  hotspotUserProfile?: string | null;
  /** Its own time zone; absent or null: the shop's. */
  tz?: string | null;
  /** The demo's simulated router (its router info says so). */
  simulated?: boolean;
}

export interface SiteStackOptions {
  /** stop() stops the client, and start() starts it; else its holder does (the site monitor). */
  ownsClient: boolean;
  /** A poll job of its own (absent: none, as in the terminal). */
  poll?: PollJobOptions;
  /**
   * Whether this process polls the site (the server, with or without a poll job: tests drive the cycles by
   * hand): a change its router must know at once (a revoked code's Disconnect) runs the poll now. The terminal
   * does not: the server's next poll tells the router.
   */
  polledHere?: boolean;
  /** The other sites' stacks, for the changes this site's services make to their vouchers and devices. */
  routerOfSite?: (siteId: number) => SiteStack | undefined;
  /** The roaming codes made logins at the other sites too; how many still wait (src/services/vouchers). */
  roamingElsewhere?: () => Promise<number>;
}

/** What a stack holds while it runs, given back by stop() in this order, the same for every mode. */
export interface RunningParts {
  poll?: { stop(): Promise<void> };
  siteId: number;
  leases: SiteLeases;
  usage: { close(): void };
  db: SiteStackBase['db'];
  redemption: { settled(): Promise<void> };
  /** The client, when the stack owns it (started by start(), stopped by stop()). */
  ownedClient?: RouterClient;
}

/**
 * The poll's database watch counts as one more listener on the database while the stack runs; call once when a
 * stack is built, and stopRunning() counts it back.
 */
export function countWatch(db: SiteStackBase['db']): void {
  db.setMaxListeners(db.getMaxListeners() + 1);
}

/**
 * A stack's stop, whatever its mode: the poll job (a cycle running is waited for), the site's lease, the poll's
 * database watch (and its listener count), the redemptions in flight, then an owned client.
 */
export async function stopRunning(p: RunningParts): Promise<void> {
  await p.poll?.stop();
  await p.leases.release(p.siteId);
  p.usage.close();
  p.db.setMaxListeners(Math.max(10, p.db.getMaxListeners() - 1));
  await p.redemption.settled().catch(() => undefined);
  if (p.ownedClient) await p.ownedClient.stop();
}

/** A stored site's spec on its connection (none: a RADIUS site without API access). */
export const siteSpecOf = (row: SiteRow, client: RouterClient | undefined): SiteSpec => ({
  site: { id: Number(row.id), name: row.name },
  client,
  mode: modeOf(row),
  nasAddress: row.nas_address,
  hotspotServer: row.hotspot_server,
  hotspotUserProfile: row.hotspot_user_profile,
  tz: row.tz,
});

/** A client that is never started: a RADIUS site without API access has no router connection to count. */
function noApiClient(base: SiteStackBase, log: SiteStackBase['log']): RouterClient {
  return createRouterClient({
    host: '',
    port: 0,
    user: '',
    password: '',
    tls: false,
    timeoutSeconds: base.config.router.timeoutSeconds,
    logger: log,
  });
}

/** One site's stack on its (not yet started) connection, whatever its mode. */
export function createSiteStack(
  base: SiteStackBase,
  shared: SiteStackShared,
  spec: SiteSpec,
  opts: SiteStackOptions,
): SiteStack {
  const { site } = spec;
  const isDefault = site.id === DEFAULT_SITE.id;
  // Named once here, and the services below add only their module; the .env router's lines read as they did
  // before there were sites.
  const log = isDefault ? base.log : base.log.child({ site: site.name });
  const apiAccess = spec.client !== undefined;
  const client = spec.client ?? noApiClient(base, log);
  // Several servers on one database: each one's logins in flight are in the database, for the lease holder's poll.
  const presence = shared.leases.presence;
  const own = createManagedHotspot(
    client,
    {
      hotspotServer: spec.hotspotServer ?? base.config.hotspotServer,
      hotspotUserProfile: spec.hotspotUserProfile ?? base.config.hotspotUserProfile,
    },
    presence && databaseLogins(base.db, site.id, presence, () => base.clock.now()),
  );
  const binding = createRouterBinding({ ...base, log, router: client, hotspot: own, site });
  const hotspot = guardWrites(
    own,
    () => binding.ready(),
    () => binding.state().reason?.message ?? 'the router has not been checked yet',
  );
  // A site in another time zone (its own `tz`) keeps its off-peak windows and day limits in that zone. Its other
  // settings stay the shop's, read through to the live config (the owner may change them in Settings).
  const config: AppConfig = spec.tz ? Object.create(base.config, { tz: { value: spec.tz } }) : base.config;
  const deps: SiteDeps = { ...base, config, log, router: client, hotspot, site };
  // Each site's usage poll listens to the database's queries (its ChangeWatch): one more listener per site.
  countWatch(base.db);
  const { profiles } = shared;
  const { db, clock } = base;
  // Each voucher's login is changed through its own site's logins: this stack's, another running stack's, or,
  // for a site this process does not drive, the stored site's (FreeRADIUS rows are written all the same).
  const loginsOf = async (id: number): Promise<Logins> =>
    id === site.id
      ? parts.logins
      : (opts.routerOfSite?.(id)?.logins ??
        storedSiteLogins({ db, clock, profiles, log: base.log, tz: () => base.config.tz }, id));
  const vouchers = createVoucherService(deps, {
    profiles,
    loginsOf,
    roamingElsewhere: opts.roamingElsewhere,
  });
  const parts = siteParts(
    spec.mode ?? 'api',
    {
      db,
      clock,
      profiles,
      log,
      site,
      tz: () => config.tz,
      router: client,
      hotspot,
      binding,
      apiAccess,
      box: shared.box,
      pollNow: async () => (opts.polledHere ? usage.runCycle() : undefined),
      onPacket: (p) => base.metrics?.coa(site.name, p.type, p.result),
      subscriberChanges: shared.subscriberChanges,
      runsJobs: opts.poll !== undefined,
    },
    spec.nasAddress,
  );
  const seen = subscribersSeen(parts);
  const meter = createUsageService(deps, {
    profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    servers: presence,
    source: seen.source,
    enforcer: parts.enforcer,
    routerReady: parts.routerReady,
    onRouterRebooted: parts.onRouterRebooted,
    onSubscriberSpeeds: parts.onSubscriberSpeeds,
  });
  const usage = { ...meter, runCycle: () => cycle() };
  async function cycle(): Promise<CycleReport> {
    const from = parts.afterCycle
      ? ((await readPollState(db, site.id)).lastPollAt ?? clock.now() - 86400_000)
      : 0;
    const report = await meter.runCycle();
    shared.cycled?.();
    if (report.skipped) return report;
    await parts
      .afterCycle?.(from)
      .catch((err: Error) => log.warn({ err: err.message }, 'the step after the poll failed'));
    await shared
      .afterCycle?.(site)
      .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
    return report;
  }
  const redemption = createRedemptionService(deps, {
    profiles,
    limiter: shared.limiter,
    login: parts.login,
    server: presence?.name,
  });
  const checks = createRouterChecksService(client, log.child({ module: 'router' }));

  async function pollOnce(): Promise<CycleReport> {
    const report = await usage.runCycle();
    if (!report.skipped && !parts.loginsWrittenByPoll) await parts.logins.sync();
    return report;
  }

  const poll =
    opts.poll &&
    sitePoll({
      name: isDefault ? 'usage-poll' : `usage-poll ${site.name}`,
      client,
      settings: base.settings,
      seconds: base.config.usagePollSeconds,
      log: log.child({ module: 'jobs' }),
      now: () => clock.now(),
      beforeRun: opts.poll.beforeRun,
      pollOnce: async () => void (await pollOnce()),
    });
  let stopping: Promise<void> | undefined;

  return {
    site,
    deps,
    router: client,
    hotspot,
    binding,
    usage,
    vouchers,
    logins: parts.logins,
    sessions: parts.sessions,
    hotspotUsers: parts.hotspotUsers,
    pppSubscribers: parts.pppSubscribers,
    pppLoginAt: (address) => parts.pppLoginAt(address),
    subscribersOnline: () => seen.online(),
    radiusSubscribers: parts.radiusSubscribers,
    apiAccess,
    redeemsWithoutRouter: parts.login.withoutRouter,
    redemption,
    bandwidth: createBandwidthService(deps, { profiles, usage, routerOfSite: opts.routerOfSite }),
    info: createRouterInfoService(client, spec.simulated ?? false, {
      checks,
      binding,
      connectTimeoutMs: base.config.router.timeoutSeconds * 1000,
    }),
    checks,
    housekeeping: createHousekeepingService({
      audit: base.audit,
      clock,
      log: log.child({ module: 'housekeeping' }),
      routerOf: (id) => (id === site.id ? client : opts.routerOfSite?.(id)?.router),
    }),
    pollJob: poll?.job,
    pollOnce,
    async start() {
      await parts.atStart?.();
      // A poll that needs no router connection begins now (and runs again at each reconnect of the API).
      if (opts.poll?.begin === 'at-connect' || (opts.poll && !parts.pollNeedsRouter))
        poll?.begin(parts.pollNeedsRouter);
      if (opts.ownsClient && apiAccess) await client.start();
    },
    startPoll: () => poll?.begin(false),
    stop() {
      stopping ??= (parts.atStop?.() ?? Promise.resolve()).then(() =>
        stopRunning({
          poll,
          siteId: site.id,
          leases: shared.leases,
          usage: meter,
          db,
          redemption,
          ownedClient: opts.ownsClient && apiAccess ? client : undefined,
        }),
      );
      return stopping;
    },
  };
}
