/**
 * Everything that drives one site's router, built on the connection the site monitor holds for it:
 * the owner of our objects on that router (guarded by its own router binding, so a database that does not know
 * the router writes nothing there), its usage poll, its voucher users' sync and check, and its redemptions.
 * Each stack reads and writes only its site's vouchers; `default`'s stack is the one src/core.ts has always
 * built on the .env router. With `poll`, the stack runs its own poll job: every site polls on its own cadence,
 * concurrently, and a router that is down, slow or hung delays only its own job.
 */
import { PeriodicJob } from '../jobs/periodic';
import type { AppConfig } from '../config/env';
import { createManagedHotspot, type ManagedHotspot } from '../router/hotspot';
import { guardWrites } from '../router/hotspot/guard';
import type { RouterClient } from '../router/types';
import type { ServiceDeps, SiteRef } from './deps';
import type { SiteLeases } from '../db/site-leases';
import type { GuessLimiter } from './guess-limiter';
import { createRedemptionService } from './redemption';
import { createRouterBinding, type RouterBinding } from './router-binding';
import type { SiteRow } from './sites/types';
import type { ProfileService, RedemptionService, UsageService, VoucherService } from './types';
import { createUsageService } from './usage';
import { createVoucherService } from './vouchers';

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
  /** The site's poll followed by its users' sync; what the poll job runs. */
  pollOnce(): Promise<void>;
  close(): Promise<void>;
}

export interface SiteStackShared {
  profiles: ProfileService;
  limiter: GuessLimiter;
  /** Which sites this server polls (several servers may share the database). */
  leases: SiteLeases;
  /** After each of the site's poll cycles (the portal's queued codes and pauses of that site). */
  afterCycle?: (site: SiteRef) => Promise<void>;
}

/** One site's stack on its (not yet started) connection. */
export function createSiteStack(
  base: ServiceDeps,
  shared: SiteStackShared,
  row: SiteRow,
  client: RouterClient,
  opts: { poll: boolean },
): SiteStack {
  const site: SiteRef = { id: row.id, name: row.name };
  // Named once here: the services below add only their module.
  const log = base.log.child({ site: row.name });
  const own = createManagedHotspot(client, {
    hotspotServer: row.hotspot_server ?? base.config.hotspotServer,
    hotspotUserProfile: row.hotspot_user_profile ?? base.config.hotspotUserProfile,
  });
  const binding = createRouterBinding({ ...base, log, router: client, hotspot: own, site });
  const hotspot = guardWrites(
    own,
    () => binding.ready(),
    () => binding.state().reason?.message ?? 'the router has not been checked yet',
  );
  // A site in another time zone (its own `tz`) keeps its off-peak windows and day limits in that zone. Its other
  // settings stay the shop's, read through to the live config (the owner may change them in Settings).
  const config: AppConfig = row.tz ? Object.create(base.config, { tz: { value: row.tz } }) : base.config;
  const deps: ServiceDeps = { ...base, config, log, router: client, hotspot, site };
  // Each site's usage poll listens to the database's queries (its ChangeWatch): one more listener per site.
  base.db.setMaxListeners(base.db.getMaxListeners() + 1);
  const vouchers = createVoucherService(deps, { profiles: shared.profiles });
  const usage = createUsageService(deps, {
    profiles: shared.profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    routerReady: () => binding.ready(),
    onRouterRebooted: () => vouchers.requestUsersCheck('router rebooted'),
  });
  const redemption = createRedemptionService(deps, {
    profiles: shared.profiles,
    vouchers,
    limiter: shared.limiter,
  });

  async function pollOnce(): Promise<void> {
    const report = await usage.runCycle();
    if (report.skipped) return;
    await shared
      .afterCycle?.(site)
      .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
    const sync = await vouchers.syncRouterUsers();
    if (sync.created) log.info({ module: 'vouchers', ...sync }, 'router users synced');
  }

  let job: PeriodicJob | undefined;
  let unsubscribe: (() => void) | undefined;
  if (opts.poll) {
    job = new PeriodicJob(
      `usage-poll ${row.name}`,
      base.config.usagePollSeconds,
      async () => {
        // The owner's interval from Settings, as for the default site's job (src/app.ts).
        const seconds = await base.settings.get<number>('usage.poll_seconds', base.config.usagePollSeconds);
        if (Number.isInteger(seconds) && seconds >= 1 && seconds !== job!.interval) job!.setInterval(seconds);
        await pollOnce();
      },
      log.child({ module: 'jobs' }),
      () => base.clock.now(),
    );
    // The cadence starts at the first connection (a router not reached yet is no outage to report), and a
    // full cycle runs on every reconnect, not only at the next tick.
    let wasConnected = client.status.connected;
    let started = false;
    const begin = () => {
      started = true;
      job!.start();
    };
    unsubscribe = client.onStatus((s) => {
      if (s.connected && !wasConnected) {
        if (started) void job!.runNow();
        else begin();
      }
      wasConnected = s.connected;
    });
    if (wasConnected) begin();
  }

  return {
    site,
    deps,
    router: client,
    hotspot,
    binding,
    usage,
    vouchers,
    redemption,
    pollOnce,
    async close() {
      unsubscribe?.();
      await job?.stop();
      await shared.leases.release(site.id);
      usage.close();
      base.db.setMaxListeners(Math.max(10, base.db.getMaxListeners() - 1));
      await redemption.settled().catch(() => undefined);
    },
  };
}
