/**
 * What spans the sites: the server's connections to the other sites, each with its stack built as the default
 * site's is (src/services/site-stack), the portal's dispatch over every site's router, the default site's state
 * for the Sites page, and a batch made for another site (or a roaming one) pushed to those routers.
 */
import type { Db } from '../db/knex';
import { locateDevice } from '../services/device-sites';
import { DEFAULT_SITE, type SiteRef } from '../services/deps';
import type { GuessLimiter } from '../services/guess-limiter';
import { safeModeError } from '../services/router-binding';
import { devicesBehind, seenBySomeSite, siteRedemption, type SiteDrivers } from '../services/site-dispatch';
import { createSiteMonitor, type SiteMonitor } from '../services/site-monitor';
import {
  createSiteStack,
  siteSpecOf,
  type SiteStack,
  type SiteStackBase,
  type SiteStackShared,
} from '../services/site-stack';
import type { CredentialsBox } from '../services/sites/credentials';
import { defaultSiteStatus } from '../services/sites/default-status';
import type { SiteStatus } from '../services/sites/types';
import type { RedemptionService, VoucherService } from '../services/types';
import { readPollState } from '../services/usage/persist';
import { createRadiusSite, type RadiusSite } from '../services/radius/site';
import { loginsOutsideRouter } from '../services/site-stack/mode';

/** The server's connections to the other sites; each connection's stack is kept in `stacks` while it lasts. */
export function monitorOtherSites(
  base: SiteStackBase,
  shared: SiteStackShared,
  stacks: Map<number, SiteStack>,
  radiusSites: Map<number, RadiusSite>,
  o: {
    box: CredentialsBox;
    readSeconds?: number;
    reconnect?: { minMs?: number; maxMs?: number };
    /** Whether each runs its own poll job (tests drive the cycles by hand). */
    polls: boolean;
  },
): SiteMonitor {
  const { config, db, clock, log } = base;
  return createSiteMonitor({
    ...{ config, db, clock, log },
    box: o.box,
    readSeconds: o.readSeconds,
    reconnect: o.reconnect,
    attach(row, client) {
      const stack = createSiteStack(base, shared, siteSpecOf(row, client), {
        ownsClient: false,
        poll: o.polls ? { begin: 'at-connect' } : undefined,
      });
      stacks.set(row.id, stack);
      return {
        start: () => stack.start(),
        safeMode: () => safeModeError(stack.binding),
        async close() {
          if (stacks.get(row.id) === stack) stacks.delete(row.id);
          await stack.stop();
        },
      };
    },
    attachRadius(row, client) {
      const site = createRadiusSite(base, shared, row, { box: o.box, client, poll: o.polls });
      radiusSites.set(row.id, site);
      return {
        start: () => site.start(),
        async close() {
          if (radiusSites.get(row.id) === site) radiusSites.delete(row.id);
          await site.stop();
        },
      };
    },
  });
}

/**
 * The portal's view of every site this process drives: which router serves a redemption (site-dispatch.ts),
 * how many devices are behind an address (the guess limits), which sites see a device (a vendo or a price list
 * of one site: src/services/device-sites.ts).
 */
export function dispatchOverSites(
  db: Db,
  main: SiteStack,
  stacks: Map<number, SiteStack>,
  limiter: GuessLimiter,
  radiusSites: Map<number, RadiusSite> = new Map(),
): {
  drivers: SiteDrivers;
  redemption: RedemptionService;
  locate: (mac: string, ip: string) => Promise<SiteRef[]>;
} {
  const drivers = siteDrivers(main, stacks, radiusSites);
  limiter.useRouters({
    devicesBehind: (address) => devicesBehind(drivers.all(), address),
    seesDevice: (mac, ip) => seenBySomeSite(drivers.all(), mac, ip),
  });
  return {
    drivers,
    redemption: siteRedemption(db, drivers),
    locate: (mac, ip) => locateDevice(drivers, mac, ip),
  };
}

/**
 * The `default` site's state from what the core already has (src/services/sites/default-status.ts). The terminal
 * waits up to `settleMs` for its connection's first attempt; the server never waits.
 */
export function defaultSiteStatusOf(db: Db, main: SiteStack, settleMs: number): () => Promise<SiteStatus> {
  return () =>
    defaultSiteStatus({
      router: main.router,
      db,
      lastPollAt: async () =>
        main.usage.lastPollAt() ?? (await readPollState(db, DEFAULT_SITE.id)).lastPollAt,
      settleMs,
      safeMode: () => safeModeError(main.binding),
    });
}

/** Every site this process drives: the default site's stack and the other sites' stacks, in id order. */
function siteDrivers(
  main: SiteStack,
  stacks: Map<number, SiteStack>,
  radiusSites: Map<number, RadiusSite>,
): SiteDrivers {
  return {
    main,
    all: () => [main, ...[...stacks.values(), ...radiusSites.values()].sort((a, b) => a.site.id - b.site.id)],
    get: (id) => (id === DEFAULT_SITE.id ? main : (stacks.get(id) ?? radiusSites.get(id))),
  };
}

/**
 * Pushes a batch made for another site (`siteId`), or a roaming one (null: every site), to its routers; returns
 * how many of its vouchers still wait for their user. `own` is the default site's voucher service.
 */
export function pushToOtherSites(
  db: Db,
  stacks: Map<number, SiteStack>,
  own: () => VoucherService,
  /** A RADIUS site's codes become FreeRADIUS users (its database rows: no router to reach). */
  syncRadius: (siteId: number) => Promise<unknown>,
): (siteId: number | null, batchId: number, count: number) => Promise<number> {
  return async (siteId, batchId, count) => {
    if (siteId !== null) {
      if (await loginsOutsideRouter(db, siteId)) {
        await syncRadius(siteId);
        return 0;
      }
      await stacks.get(siteId)?.vouchers.syncRouterUsers();
      const [{ n }] = (await db('vouchers')
        .where({ batch_id: batchId })
        .whereNull('router_user_id')
        .count({ n: '*' })) as Array<{ n: number | string }>;
      return Number(n);
    }
    // Roaming: every router's users check adds the batch (a roaming voucher keeps no one router id).
    const checks = await Promise.allSettled([
      own().checkRouterUsers({ allowRemovals: false }),
      ...[...stacks.values()].map((s) => s.vouchers.checkRouterUsers({ allowRemovals: false })),
    ]);
    const missed = checks.some((c) => c.status === 'rejected' || c.value.pending > 0);
    return missed ? count : 0;
  };
}
