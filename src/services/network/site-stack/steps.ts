/** The named steps of a site's stack (index.ts): each builds one piece from what it is given. */
import type { RouterClient } from '../../../router/types';
import { createBandwidthService } from '../bandwidth';
import { DEFAULT_SITE, type SiteDeps, type SiteRef } from '../../deps';
import type { RouterBinding } from '../router-binding';
import { createRouterChecksService, type RouterChecksService } from '../router-checks';
import { createHousekeepingService } from '../router-housekeeping';
import { createRouterInfoService } from '../router-info';
import type {
  CycleReport,
  ProfileService,
  RedemptionService,
  UsageService,
  VoucherService,
} from '../../types';
import { createUsageService } from '../usage';
import { createVoucherService } from '../../shop/vouchers';
import { storedSiteLogins } from './choose';
import type { Logins, ModeParts } from './parts';
import type { SitePoll } from './poll';
import type { SiteSpec } from './spec';
import { subscribersSeen } from './subscribers-seen';
import type { SiteStack, SiteStackBase, SiteStackOptions, SiteStackShared } from './types';

/**
 * The site's poll followed by its logins brought in line (unless the poll's enforcer wrote them), then the router
 * warnings that are up read again (a fix made in the terminal or on the router clears them at the next poll).
 */
export function pollOnceOf(
  usage: UsageService,
  parts: ModeParts,
  checks: RouterChecksService,
): () => Promise<CycleReport> {
  return async () => {
    const report = await usage.runCycle();
    if (!report.skipped && !parts.enforcement.writesLogins) await parts.logins.vouchers.sync();
    if (!report.skipped) await checks.afterPoll();
    return report;
  };
}

/** The site's router checks; the default site's whole setup read through `shared.setupReport`, when given. */
export function siteChecks(
  base: SiteStackBase,
  shared: SiteStackShared,
  deps: SiteDeps,
): RouterChecksService {
  const { router: client, site } = deps;
  // The default site's only: its warnings are the ones shown (/healthz, the banners); another site's would be read
  // for nobody to see.
  const setupReport = site!.id === DEFAULT_SITE.id ? shared.setupReport : undefined;
  return createRouterChecksService(client, deps.log.child({ module: 'router' }), {
    setup: setupReport && (() => setupReport(site!.id, client)),
    now: () => base.clock.now(),
  });
}

/** The site's vouchers, each voucher's login changed through its own site's logins. */
export function siteVouchers(
  base: SiteStackBase,
  shared: SiteStackShared,
  opts: SiteStackOptions,
  deps: SiteDeps,
  parts: ModeParts,
): VoucherService {
  const { db, clock } = base;
  const { profiles } = shared;
  const here = deps.site!.id;
  // This stack's, another running stack's, or, for a site this process does not drive, the stored site's
  // (FreeRADIUS rows are written all the same).
  const loginsOf = async (id: number): Promise<Logins> =>
    id === here
      ? parts.logins.vouchers
      : (opts.routerOfSite?.(id)?.logins ??
        storedSiteLogins({ db, clock, profiles, log: base.log, tz: () => base.config.tz }, id));
  return createVoucherService(deps, { profiles, loginsOf, roamingElsewhere: opts.roamingElsewhere });
}

type SiteUsage = UsageService & { close(): void; online(): Promise<number | undefined> };

/** The site's usage: the mode's source and enforcer, each cycle with the mode's step and the shop's after it. */
export function siteUsage(
  shared: SiteStackShared,
  deps: SiteDeps,
  parts: ModeParts,
  /** The poll's interval now (its job's, which follows Settings). */
  pollSeconds: () => number,
  checks: RouterChecksService,
): SiteUsage {
  const site = deps.site!;
  const seen = subscribersSeen({
    source: parts.usage.source,
    subscribersOnline: () => parts.sessions.subscribersOnline(),
  });
  const meter = createUsageService(deps, {
    profiles: shared.profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    servers: shared.leases.presence,
    source: seen.source,
    enforcer: parts.enforcement.enforcer,
    routerReady: parts.usage.routerReady,
    // A reboot may have been a reset: the router's setup is read again too (SETUP_INCOMPLETE).
    onRouterRebooted: () => {
      parts.usage.onRouterRebooted();
      void checks.checkSetup();
    },
    follow: deps.router,
    watch: {
      enabled: () => deps.config.fupWatch.enabled,
      intervalSeconds: () => deps.config.fupWatch.seconds,
      pollSeconds,
    },
  });
  const cycle = async (): Promise<CycleReport> => {
    const report = await parts.lifecycle.cycle(async () => {
      const r = await meter.runCycle();
      shared.cycled?.();
      return r;
    });
    if (report.skipped) return report;
    await shared
      .afterCycle?.(site)
      .catch((err: Error) => deps.log.error({ err: err.message }, 'self-service step failed'));
    return report;
  };
  return { ...meter, runCycle: cycle, online: () => seen.online() };
}

/** Its bandwidth, its router's info and checks, its housekeeping. */
export function routerServices(
  base: SiteStackBase,
  spec: SiteSpec,
  deps: SiteDeps,
  more: {
    profiles: ProfileService;
    binding: RouterBinding;
    usage: UsageService;
    opts: SiteStackOptions;
    checks: RouterChecksService;
  },
): Pick<SiteStack, 'bandwidth' | 'info' | 'checks' | 'housekeeping'> {
  const { log, router: client } = deps;
  const { routerOfSite } = more.opts;
  const { checks } = more;
  return {
    bandwidth: createBandwidthService(deps, { profiles: more.profiles, usage: more.usage, routerOfSite }),
    info: createRouterInfoService(client, spec.simulated ?? false, {
      checks,
      binding: more.binding,
      connectTimeoutMs: base.config.router.timeoutSeconds * 1000,
    }),
    checks,
    housekeeping: createHousekeepingService({
      audit: base.audit,
      clock: base.clock,
      log: log.child({ module: 'housekeeping' }),
      routerOf: (id) => (id === spec.site.id ? client : routerOfSite?.(id)?.router),
    }),
  };
}

/**
 * start(): the mode's start, then the poll (at once when it needs no router connection, else at the connect),
 * then an owned client. stop(), once: the reverse.
 */
export function stackRun(s: {
  site: SiteRef;
  base: SiteStackBase;
  shared: SiteStackShared;
  opts: SiteStackOptions;
  /** The client, when the stack owns it. */
  owned: RouterClient | undefined;
  parts: ModeParts;
  poll: SitePoll | undefined;
  usage: { close(): void; runCycle(): Promise<unknown> };
  redemption: RedemptionService;
}): Pick<SiteStack, 'start' | 'startPoll' | 'stopPoll' | 'stop'> {
  const { opts, owned, parts, poll } = s;
  let stopping: Promise<void> | undefined;
  let unasked: (() => void) | undefined;
  return {
    async start() {
      await parts.lifecycle.start();
      // Several servers: a change made through another one asks this server for a poll when it holds the site.
      if (opts.polledHere) unasked ??= s.shared.leases.onPollAsked?.(s.site.id, () => void pollAsked(s));
      const needsRouter = parts.usage.pollNeedsRouter;
      // A poll that needs no router connection begins now (and runs again at each reconnect of the API).
      if (opts.poll?.begin === 'at-connect' || (opts.poll && !needsRouter)) poll?.begin(needsRouter);
      if (owned) await owned.start();
    },
    startPoll: () => poll?.begin(false),
    stopPoll: async () => poll?.stop(),
    // The mode's stop, the poll job (a cycle running is waited for), the site's lease, the poll's database watch
    // (and its listener count: countWatch), the redemptions in flight, then an owned client.
    stop() {
      stopping ??= parts.lifecycle.stop().then(async () => {
        const { db } = s.base;
        unasked?.();
        await poll?.stop();
        await s.shared.leases.release(s.site.id);
        s.usage.close();
        db.setMaxListeners(Math.max(10, db.getMaxListeners() - 1));
        await s.redemption.settled().catch(() => undefined);
        if (owned) await owned.stop();
      });
      return stopping;
    },
  };
}

/** A poll another server asked for: run now, one at a time with the site's other polls. */
async function pollAsked(s: Pick<Parameters<typeof stackRun>[0], 'site' | 'base' | 'usage'>): Promise<void> {
  await s.usage.runCycle().catch((err: Error) => {
    s.base.log.warn({ site: s.site.name, err: err.message }, 'the poll another server asked for failed');
  });
}
