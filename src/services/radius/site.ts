/**
 * One RADIUS site at work: its parts chosen by its mode (src/services/site-stack/mode.ts: FreeRADIUS's accounting as
 * the usage source, CoA and Disconnect as the enforcer, FreeRADIUS users as its codes' logins), on the one usage
 * path (src/services/usage), the one poll job (site-stack/poll.ts) and the one stop (site-stack stopRunning: the
 * lease released, the database watch counted back, the redemptions in flight awaited). The router's API, when the
 * site has access to it, serves the live pages; the poll never needs it.
 */
import { createManagedHotspot, type ManagedHotspot } from '../../router/hotspot';
import { createRedemptionService } from '../redemption';
import { createRouterClient } from '../../router/client';
import type { RouterClient } from '../../router/types';
import type { ServiceDeps, SiteRef } from '../deps';
import { countWatch, stopRunning, type SiteStackBase, type SiteStackShared } from '../site-stack';
import { radiusParts } from '../site-stack/mode';
import { sitePoll } from '../site-stack/poll';
import type { CredentialsBox } from '../sites/credentials';
import type { SiteRow } from '../sites/types';
import type { CycleReport, RedemptionService, UsageService } from '../types';
import { createUsageService } from '../usage';
import { readPollState } from '../usage/persist';

export interface RadiusSite {
  site: SiteRef;
  /** Its router's API client (never started when the site has no API access) and hotspot, for the portal's lookups. */
  router: RouterClient;
  hotspot: ManagedHotspot;
  /** The portal's redemptions there: logged in over the API, or handed to the router's own login page. */
  redemption: RedemptionService;
  /** Marks a RADIUS site for the portal's dispatch: its codes work without the API. */
  radius: true;
  /** Whether this controller has the router's API (`router` is a live connection), or FreeRADIUS alone talks to it. */
  api: boolean;
  /** What its services were built with (self-service drives the site with them). */
  deps: ServiceDeps;
  /** Self-service asks for a users check after a change: here, the FreeRADIUS users brought in line. */
  vouchers: {
    requestUsersCheck(reason: string): void;
    /** Extra data added to a code: its FreeRADIUS account rewritten now (true when written). */
    extraDataAdded(code: string, bytes: number): Promise<boolean>;
  };
  usage: UsageService & { close(): void };
  /** The poll (its enforcer writes the site's FreeRADIUS users from the poll's decision). */
  pollOnce(): Promise<CycleReport>;
  /** Its codes' FreeRADIUS users brought in line now (after a sale or a change to one of its codes). */
  syncAccounts(codes?: readonly string[]): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RadiusSiteOptions {
  box: CredentialsBox;
  /** The router's API client when the site has API access (live pages, logouts); absent: none. */
  client?: RouterClient;
  /** A poll job of its own (tests drive the cycles by hand). */
  poll: boolean;
}

/** A client that is never started: a RADIUS site without API access has no router connection to count. */
function noApiClient(base: SiteStackBase, row: SiteRow): RouterClient {
  return createRouterClient({
    host: '',
    port: 0,
    user: '',
    password: '',
    tls: false,
    timeoutSeconds: base.config.router.timeoutSeconds,
    logger: base.log.child({ site: row.name }),
  });
}

export function createRadiusSite(
  base: SiteStackBase,
  shared: SiteStackShared,
  row: SiteRow,
  opts: RadiusSiteOptions,
): RadiusSite {
  const site: SiteRef = { id: Number(row.id), name: row.name };
  const log = base.log.child({ site: row.name });
  const router = opts.client ?? noApiClient(base, row);
  const hotspot = createManagedHotspot(router, {
    hotspotServer: row.hotspot_server ?? base.config.hotspotServer,
    hotspotUserProfile: row.hotspot_user_profile ?? base.config.hotspotUserProfile,
  });
  const deps: ServiceDeps = { ...base, log, router, hotspot, site };
  const { db, clock } = base;
  const parts = radiusParts(
    {
      db,
      clock,
      profiles: shared.profiles,
      log,
      box: opts.box,
      tz: row.tz ?? base.config.tz,
      onPacket: (p) => base.metrics?.coa(site.name, p.type, p.result),
      relogin: opts.client ? (code, password) => hotspot.reloginVoucher(code, password) : undefined,
    },
    site,
    row,
  );
  countWatch(db);
  const usage = createUsageService(deps, {
    profiles: shared.profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    source: parts.source,
    enforcer: parts.enforcer,
  });
  const logins = parts.logins;
  const pollOnce = async (): Promise<CycleReport> => {
    const before = (await readPollState(db, site.id)).lastPollAt ?? clock.now() - 86400_000;
    const report = await usage.runCycle();
    shared.cycled?.();
    if (!report.skipped) {
      await parts
        .afterCycle?.(before)
        .catch((err: Error) =>
          log.warn({ module: 'radius', err: err.message }, 'could not read the accounting of unknown codes'),
        );
      await shared
        .afterCycle?.(site)
        .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
    }
    return report;
  };
  const poll = opts.poll
    ? sitePoll({
        name: `radius-poll ${site.name}`,
        client: router,
        settings: base.settings,
        seconds: base.config.usagePollSeconds,
        log: log.child({ module: 'jobs' }),
        now: () => clock.now(),
        pollOnce: async () => void (await pollOnce()),
      })
    : undefined;
  const redemption = createRedemptionService(deps, {
    profiles: shared.profiles,
    limiter: shared.limiter,
    radius: { api: () => opts.client !== undefined },
  });
  let stopping: Promise<void> | undefined;
  return {
    site,
    router,
    hotspot,
    redemption,
    radius: true,
    api: opts.client !== undefined,
    deps,
    vouchers: {
      requestUsersCheck: (reason) => logins.requestCheck(reason),
      extraDataAdded: (code) =>
        logins.sync([code]).then(
          () => true,
          (err: Error) => {
            log.error({ module: 'radius', err: err.message }, 'could not write the FreeRADIUS user');
            return false;
          },
        ),
    },
    usage,
    pollOnce,
    syncAccounts: (codes) => logins.sync(codes),
    async start() {
      // The codes sold while the controller was away are FreeRADIUS users before the first poll.
      await logins
        .sync()
        .catch((err: Error) =>
          log.error({ module: 'radius', err: err.message }, 'could not write the FreeRADIUS users'),
        );
      // Its poll needs no router connection: it begins now (and runs again at each reconnect of the API).
      poll?.begin(false);
    },
    stop() {
      // The lease, the watch's listener and the redemptions in flight, as every site's stack gives them back.
      stopping ??= stopRunning({ poll, siteId: site.id, leases: shared.leases, usage, db, redemption });
      return stopping;
    },
  };
}
