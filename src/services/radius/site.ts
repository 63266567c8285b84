/**
 * One RADIUS site at work: its usage poll on the one usage path (src/services/usage), reading FreeRADIUS's
 * accounting (accounting-source.ts) and enforcing by CoA and Disconnect (coa-enforcer.ts), then its codes'
 * FreeRADIUS users brought in line (accounts.ts: data left, time left, rates after fair use). The ledger, the
 * policy, the reports and the portal are those of every site; only where the bytes come from and how the router
 * is told differ. The router's API, when the site has access to it, serves the live pages; the poll never needs it.
 */
import { PeriodicJob } from '../../jobs/periodic';
import { createManagedHotspot, type ManagedHotspot } from '../../router/hotspot';
import { createRedemptionService } from '../redemption';
import { createRouterClient } from '../../router/client';
import type { RouterClient } from '../../router/types';
import type { ServiceDeps, SiteRef } from '../deps';
import type { SiteStackBase, SiteStackShared } from '../site-stack';
import type { CredentialsBox } from '../sites/credentials';
import type { SiteRow } from '../sites/types';
import type { CycleReport, RedemptionService, UsageService } from '../types';
import { createUsageService } from '../usage';
import { readPollState } from '../usage/persist';
import { syncRadiusAccounts } from './accounts';
import { accountingSource } from './accounting-source';
import { coaEnforcer, type CoaTarget } from './coa-enforcer';
import { unknownAccounting } from './status';
import { recordEvent } from '../events';
import { maskCode } from '../../lib/logger';

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
  /** The poll, then the site's FreeRADIUS users brought in line. */
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
  // The site's address, port and secret are read at each use: an edit on the Sites page applies at the next send.
  const target = async (): Promise<CoaTarget> => {
    const r = (await db('sites').where({ id: site.id }).first()) as SiteRow | undefined;
    if (!r?.nas_address || !r.radius_secret_enc)
      throw new Error(`site ${site.name} has no RADIUS router set`);
    return {
      host: r.nas_address,
      port: r.coa_port ?? 3799,
      secret: opts.box.open(r.radius_secret_enc, r.name),
    };
  };
  base.db.setMaxListeners(base.db.getMaxListeners() + 1);
  const usage = createUsageService(deps, {
    profiles: shared.profiles,
    lease: () => shared.leases.hold(site.id),
    sharedDatabase: shared.leases.shared,
    source: accountingSource({
      db,
      nasAddress: row.nas_address ?? '',
      lastBooked: async () => (await readPollState(db, site.id)).lastPollAt,
    }),
    enforcer: coaEnforcer({
      db,
      target,
      log: log.child({ module: 'radius' }),
      now: () => clock.now(),
      onPacket: (p) => base.metrics?.coa(site.name, p.type, p.result),
    }),
  });
  const syncAccounts = async (codes?: readonly string[]) => {
    const r = await syncRadiusAccounts(
      { db, profiles: shared.profiles, now: clock.now(), tz: row.tz ?? base.config.tz },
      { siteId: site.id, codes },
    );
    if (r.written + r.removed > 0) log.debug({ module: 'radius', ...r }, 'FreeRADIUS users brought in line');
  };
  /** User names already told about (an event each, once per run of the controller). */
  const strangers = new Set<string>();
  const noteStrangers = async (since: number) => {
    const names = await unknownAccounting(db, row.nas_address ?? '', { since, limit: 20 });
    for (const name of names.filter((n) => !strangers.has(n)).slice(0, 10)) {
      strangers.add(name);
      await recordEvent(db, clock, {
        kind: 'radius-unknown-code',
        level: 'warn',
        message: `Router of site ${site.name}: accounting for "${maskCode(name)}", which is no code of this shop; kept in radacct, booked to nobody`,
        data: { site: site.name },
      });
    }
  };
  const pollOnce = async (): Promise<CycleReport> => {
    const before = (await readPollState(db, site.id)).lastPollAt ?? clock.now() - 86400_000;
    const report = await usage.runCycle();
    shared.cycled?.();
    if (!report.skipped) {
      await noteStrangers(before - 300_000).catch((err: Error) =>
        log.warn({ module: 'radius', err: err.message }, 'could not read the accounting of unknown codes'),
      );
      await syncAccounts();
      await shared
        .afterCycle?.(site)
        .catch((err: Error) => log.error({ err: err.message }, 'self-service step failed'));
    }
    return report;
  };
  const job = opts.poll
    ? new PeriodicJob(
        `radius-poll ${site.name}`,
        base.config.usagePollSeconds,
        async () => {
          const seconds = await base.settings.get<number>('usage.poll_seconds', base.config.usagePollSeconds);
          if (Number.isInteger(seconds) && seconds >= 1 && seconds !== job!.interval)
            job!.setInterval(seconds);
          await pollOnce();
        },
        log.child({ module: 'jobs' }),
        () => clock.now(),
      )
    : undefined;
  const redemption = createRedemptionService(deps, {
    profiles: shared.profiles,
    limiter: shared.limiter,
    radius: { api: () => opts.client !== undefined },
  });
  return {
    site,
    router,
    hotspot,
    redemption,
    radius: true,
    api: opts.client !== undefined,
    deps,
    vouchers: {
      requestUsersCheck: (reason) =>
        void syncAccounts().catch((err: Error) =>
          log.error({ module: 'radius', reason, err: err.message }, 'could not write the FreeRADIUS users'),
        ),
      extraDataAdded: (code) =>
        syncAccounts([code]).then(
          () => true,
          (err: Error) => {
            log.error({ module: 'radius', err: err.message }, 'could not write the FreeRADIUS user');
            return false;
          },
        ),
    },
    usage,
    pollOnce,
    syncAccounts,
    async start() {
      // The codes sold while the controller was away are FreeRADIUS users before the first poll.
      await syncAccounts().catch((err: Error) =>
        log.error({ module: 'radius', err: err.message }, 'could not write the FreeRADIUS users'),
      );
      job?.start();
    },
    async stop() {
      await job?.stop();
      usage.close();
    },
  };
}
