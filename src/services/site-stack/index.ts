/**
 * Everything that drives one site's router, built the same way for every site (`default`, on the .env router,
 * too) and for every face (the server, the terminal's `--site`): the owner of our objects on that router (guarded
 * by the site's router binding, so a database that does not know the router writes nothing there), its usage
 * poll, its vouchers' users, its redemptions, its bandwidth, its router info and checks, and its housekeeping.
 * Each stack reads and writes only its site's vouchers; given `routerOfSite` (the default site's stack), its
 * vouchers, bandwidth and housekeeping also reach the other sites' routers this process holds.
 *
 * start() begins an 'at-connect' poll job and connects the client when the stack owns it (the .env router; the
 * site monitor holds the server's other connections; the terminal hands a branch's stack the connection it has
 * just made). stop() is the reverse: the poll job, the site's lease, the poll's database watch, the redemptions
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
import { DEFAULT_SITE, type ServiceDeps, type SiteRef } from '../deps';
import type { GuessLimiter } from '../guess-limiter';
import { createRedemptionService } from '../redemption';
import { createRouterBinding, type RouterBinding } from '../router-binding';
import { createRouterChecksService, type RouterChecksService } from '../router-checks';
import { createHousekeepingService, type HousekeepingService } from '../router-housekeeping';
import { createRouterInfoService } from '../router-info';
import type { SiteRow } from '../sites/types';
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
import { createVoucherService, type VoucherServiceOptions } from '../vouchers';
import { apiParts } from './mode';
import { sitePoll, type PollJobOptions } from './poll';

export type { PollJobOptions } from './poll';

export interface SiteStack {
  site: SiteRef;
  /** What its services were built with: its router and hotspot, its log, its time zone. */
  deps: ServiceDeps;
  router: RouterClient;
  /** Guarded: refuses writes while the binding is not ready (safe mode). */
  hotspot: ManagedHotspot;
  binding: RouterBinding;
  usage: UsageService & { close(): void };
  /** Its users' sync and check (generation for a site goes through the default service: site-dispatch.ts). */
  vouchers: VoucherService;
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
  /** The site's poll followed by its users' sync; what the poll job runs. */
  pollOnce(): Promise<void>;
  start(): Promise<void>;
  /** Begins a 'when-asked' poll job's cadence now, with a run. */
  startPoll(): void;
  stop(): Promise<void>;
}

/** What every site's services share: the shop's config, database, clock, log, audit and settings. */
export type SiteStackBase = Omit<ServiceDeps, 'router' | 'hotspot' | 'site'>;

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
}

/** The site and its connection. */
export interface SiteSpec {
  site: SiteRef;
  client: RouterClient;
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
  /** The other sites' stacks, for the changes this site's services make to their vouchers and devices. */
  routerOfSite?: (siteId: number) => SiteStack | undefined;
  /** Pushes a batch made for another site, or a roaming one, to those routers (src/services/vouchers). */
  pushElsewhere?: VoucherServiceOptions['pushElsewhere'];
  /** RADIUS sites' codes, for changes this site's services make to them (src/services/radius). */
  radius?: VoucherServiceOptions['radius'];
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

/** A stored site's spec on its connection. */
export const siteSpecOf = (row: SiteRow, client: RouterClient): SiteSpec => ({
  site: { id: Number(row.id), name: row.name },
  client,
  hotspotServer: row.hotspot_server,
  hotspotUserProfile: row.hotspot_user_profile,
  tz: row.tz,
});

/** One site's stack on its (not yet started) connection. */
export function createSiteStack(
  base: SiteStackBase,
  shared: SiteStackShared,
  spec: SiteSpec,
  opts: SiteStackOptions,
): SiteStack {
  const { site, client } = spec;
  const isDefault = site.id === DEFAULT_SITE.id;
  // Named once here, and the services below add only their module; the .env router's lines read as they did
  // before there were sites.
  const log = isDefault ? base.log : base.log.child({ site: site.name });
  const own = createManagedHotspot(client, {
    hotspotServer: spec.hotspotServer ?? base.config.hotspotServer,
    hotspotUserProfile: spec.hotspotUserProfile ?? base.config.hotspotUserProfile,
  });
  const binding = createRouterBinding({ ...base, log, router: client, hotspot: own, site });
  const hotspot = guardWrites(
    own,
    () => binding.ready(),
    () => binding.state().reason?.message ?? 'the router has not been checked yet',
  );
  // A site in another time zone (its own `tz`) keeps its off-peak windows and day limits in that zone. Its other
  // settings stay the shop's, read through to the live config (the owner may change them in Settings).
  const config: AppConfig = spec.tz ? Object.create(base.config, { tz: { value: spec.tz } }) : base.config;
  const deps: ServiceDeps = { ...base, config, log, router: client, hotspot, site };
  // Each site's usage poll listens to the database's queries (its ChangeWatch): one more listener per site.
  countWatch(base.db);
  const { profiles } = shared;
  const vouchers = createVoucherService(deps, {
    profiles,
    routerOfSite: opts.routerOfSite,
    pushElsewhere: opts.pushElsewhere,
    radius: opts.radius,
  });
  const meter = createUsageService(deps, {
    profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    routerReady: () => binding.ready(),
    // A reboot may have been a reset: the voucher sync after this cycle checks every hotspot user.
    onRouterRebooted: () => vouchers.requestUsersCheck('router rebooted'),
  });
  const usage = { ...meter, runCycle: () => cycle() };
  async function cycle(): Promise<CycleReport> {
    const report = await meter.runCycle();
    shared.cycled?.();
    if (!report.skipped)
      await shared
        .afterCycle?.(site)
        .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
    return report;
  }
  const redemption = createRedemptionService(deps, { profiles, limiter: shared.limiter });
  const checks = createRouterChecksService(client, log.child({ module: 'router' }));

  const parts = apiParts(vouchers, log);

  async function pollOnce(): Promise<void> {
    const report = await usage.runCycle();
    if (report.skipped) return;
    await parts.logins.sync();
  }

  const poll =
    opts.poll &&
    sitePoll({
      name: isDefault ? 'usage-poll' : `usage-poll ${site.name}`,
      client,
      settings: base.settings,
      seconds: base.config.usagePollSeconds,
      log: log.child({ module: 'jobs' }),
      now: () => base.clock.now(),
      beforeRun: opts.poll.beforeRun,
      pollOnce,
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
      clock: base.clock,
      log: log.child({ module: 'housekeeping' }),
      routerOf: (id) => (id === site.id ? client : opts.routerOfSite?.(id)?.router),
    }),
    pollJob: poll?.job,
    pollOnce,
    async start() {
      if (opts.poll?.begin === 'at-connect') poll?.begin(true);
      if (opts.ownsClient) await client.start();
    },
    startPoll: () => poll?.begin(false),
    stop() {
      stopping ??= stopRunning({
        poll,
        siteId: site.id,
        leases: shared.leases,
        usage: meter,
        db: base.db,
        redemption,
        ownedClient: opts.ownsClient ? client : undefined,
      });
      return stopping;
    },
  };
}
