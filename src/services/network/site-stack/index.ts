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
import { databaseLogins } from '../../../db/logins-in-flight';
import { createManagedHotspot, type ManagedHotspot } from '../../../router/hotspot';
import { guardWrites } from '../../../router/hotspot/guard';
import { createRouterClient } from '../../../router/client';
import type { RouterClient } from '../../../router/types';
import type { AppConfig } from '../../../config/env';
import type { SiteLeases } from '../../../db/site-leases';
import { DEFAULT_SITE, type SiteDeps } from '../../deps';
import { createRedemptionService } from '../../shop/redemption';
import { createRouterBinding, type RouterBinding } from '../router-binding';
import type { UsageService } from '../../types';
import type { ModeContext } from './parts';
import { siteParts } from './choose';
import type { SiteSpec } from './spec';
import { sitePoll, type SitePoll } from './poll';
import { pollOnceOf, routerServices, siteChecks, siteUsage, siteVouchers, stackRun } from './steps';
import type { SiteStack, SiteStackBase, SiteStackOptions, SiteStackShared } from './types';

export { siteSpecOf } from './spec';
export type { SiteStack, SiteStackBase, SiteStackShared } from './types';

/** One site's stack on its (not yet started) connection, whatever its mode. */
export function createSiteStack(
  base: SiteStackBase,
  shared: SiteStackShared,
  spec: SiteSpec,
  opts: SiteStackOptions,
): SiteStack {
  const { site } = spec;
  // Named once here, and the services below add only their module; the .env router's lines read as they did
  // before there were sites.
  const log = site.id === DEFAULT_SITE.id ? base.log : base.log.child({ site: site.name });
  const net = siteRouter(base, shared, spec, opts, log);
  const deps = siteDeps(base, spec, log, net);
  // Each site's usage poll listens to the database's queries (its ChangeWatch): one more listener per site.
  countWatch(base.db);
  const pollJob: { job?: SitePoll['job'] } = {};
  const pollSeconds = () => pollJob.job?.interval ?? deps.config.usagePollSeconds;
  const late: Late = { pollSeconds };
  const parts = siteParts(
    spec.mode ?? 'api',
    modeContext(base, shared, deps, net, opts, late),
    spec.nasAddress,
  );
  const vouchers = siteVouchers(base, shared, opts, deps, parts);
  const checks = siteChecks(base, shared, deps);
  const usage = (late.usage = siteUsage(shared, deps, parts, pollSeconds, checks));
  const redemption = createRedemptionService(deps, {
    limiter: shared.limiter,
    login: parts.logins.device,
    server: net.presence?.name,
    setupDoubt: () => void checks.checkSetup(),
  });
  const pollOnce = pollOnceOf(usage, parts, checks);
  const watchOnce = usage.watch && (() => usage.watch!());
  const watchDue = usage.watchDue && { at: () => usage.watchDue!(), run: () => usage.watch!('due') };
  const poll =
    opts.poll &&
    sitePoll({
      base,
      site,
      client: deps.router,
      log,
      options: opts.poll,
      pollOnce,
      watchOnce,
      watchDue,
      follow: usage.logins,
    });
  pollJob.job = poll?.job;
  return {
    site,
    deps,
    router: deps.router,
    hotspot: deps.hotspot,
    binding: net.binding,
    usage,
    vouchers,
    logins: parts.logins.vouchers,
    sessions: parts.sessions.vouchers,
    hotspotUsers: parts.logins.hotspotUsers,
    pppSubscribers: parts.logins.ppp,
    pppLoginAt: (address) => parts.sessions.pppLoginAt(address),
    subscribersOnline: () => usage.online(),
    radiusSubscribers: parts.logins.radius,
    apiAccess: net.apiAccess,
    redeemsWithoutRouter: parts.logins.device.withoutRouter,
    redemption,
    ...routerServices(base, spec, deps, {
      profiles: shared.profiles,
      binding: net.binding,
      usage,
      opts,
      checks,
    }),
    pollJob: poll?.job,
    pollOnce,
    ...stackRun({ site, base, shared, opts, owned: net.owned, parts, poll, usage, redemption }),
  };
}

function siteRouter(
  base: SiteStackBase,
  shared: SiteStackShared,
  spec: SiteSpec,
  opts: SiteStackOptions,
  log: SiteStackBase['log'],
): SiteRouter {
  const { site } = spec;
  const apiAccess = spec.client !== undefined;
  const client = spec.client ?? noApiClient(base, log);
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
  const owned = opts.ownsClient && apiAccess ? client : undefined;
  return { client, apiAccess, owned, presence, hotspot, binding };
}

/** The site's router: its client (or one never started), our objects' one writer there, and its binding. */
interface SiteRouter {
  client: RouterClient;
  apiAccess: boolean;
  /** The client, when the stack owns it (started by start(), stopped by stop()). */
  owned: RouterClient | undefined;
  /** Several servers on one database: each one's logins in flight are in the database, for the poll's holder. */
  presence: SiteLeases['presence'];
  hotspot: ManagedHotspot;
  binding: RouterBinding;
}

/** What the site's services are built with: its router and hotspot, its log, its time zone. */
function siteDeps(base: SiteStackBase, spec: SiteSpec, log: SiteStackBase['log'], net: SiteRouter): SiteDeps {
  // A site in another time zone (its own `tz`) keeps its off-peak windows and day limits in that zone. Its other
  // settings stay the shop's, read through to the live config (the owner may change them in Settings).
  const config: AppConfig = spec.tz ? Object.create(base.config, { tz: { value: spec.tz } }) : base.config;
  return { ...base, config, log, router: net.client, hotspot: net.hotspot, site: spec.site };
}

/** What the mode's parts need of what is built after them: the site's usage (the poll now), the poll's interval. */
interface Late {
  usage?: UsageService;
  pollSeconds: () => number;
}

/** What the mode's parts are built from; `late`: the site's usage and poll, built after them. */
function modeContext(
  base: SiteStackBase,
  shared: SiteStackShared,
  deps: SiteDeps,
  net: SiteRouter,
  opts: SiteStackOptions,
  late: Late,
): ModeContext {
  const site = deps.site!;
  return {
    db: base.db,
    clock: base.clock,
    profiles: shared.profiles,
    log: deps.log,
    site,
    tz: () => deps.config.tz,
    router: deps.router,
    hotspot: deps.hotspot,
    binding: net.binding,
    apiAccess: net.apiAccess,
    box: shared.box,
    pollNow: () => pollNow(shared, site.id, opts, late),
    pollSeconds: late.pollSeconds,
    onPacket: (p) => base.metrics?.coa(site.name, p.type, p.result),
    subscriberChanges: shared.subscriberChanges,
    runsJobs: opts.poll !== undefined,
  };
}

/**
 * The site's poll now, where the site is polled: here when this server holds its lease, else (several servers) the
 * server that holds it is asked, so a change made through any server reaches the router at once.
 */
async function pollNow(shared: SiteStackShared, siteId: number, opts: SiteStackOptions, late: Late) {
  if (!opts.polledHere) return undefined;
  const report = await late.usage?.runCycle();
  if (report?.skipped === 'not-leased') await shared.leases.askPoll?.(siteId);
  return report;
}

/**
 * The poll's database watch counts as one more listener on the database while the stack runs; counted once when
 * a stack is built, and back at its stop().
 */
function countWatch(db: SiteStackBase['db']): void {
  db.setMaxListeners(db.getMaxListeners() + 1);
}

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
