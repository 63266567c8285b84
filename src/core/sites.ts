/**
 * What spans the sites: the server's connections to the other sites, each with its stack built as the default
 * site's is (src/services/network/site-stack, whatever the site's mode), the portal's dispatch over every site's router,
 * the default site's state for the Sites page, and a roaming batch made logins at every site.
 */
import type { Db } from '../db/knex';
import { locateDevice } from '../services/business/sites/device-sites';
import { DEFAULT_SITE, type SiteRef } from '../services/deps';
import type { GuessLimiter } from '../services/shop/guess-limiter';
import { safeModeError } from '../services/network/router-binding';
import {
  devicesBehind,
  seenBySomeSite,
  siteRedemption,
  type SiteDrivers,
} from '../services/business/sites/dispatch';
import { createSiteMonitor, type SiteMonitor } from '../services/network/site-monitor';
import {
  createSiteStack,
  siteSpecOf,
  type SiteStack,
  type SiteStackBase,
  type SiteStackShared,
} from '../services/network/site-stack';
import type { CredentialsBox } from '../services/business/sites/credentials';
import { defaultSiteStatus } from '../services/business/sites/default-status';
import type { SiteStatus } from '../services/business/sites/types';
import type { RedemptionService } from '../services/types';
import { readPollState } from '../services/network/usage/persist';

/**
 * The server's connections to the other sites; each site's stack (on its connection, or on none: a RADIUS site
 * without API access) is kept in `stacks` while it lasts.
 */
export function monitorOtherSites(
  base: SiteStackBase,
  shared: SiteStackShared,
  stacks: Map<number, SiteStack>,
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
        polledHere: true,
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
  });
}

/**
 * The portal's view of every site this process drives: which router serves a redemption (src/services/business/sites/dispatch.ts),
 * how many devices are behind an address (the guess limits), which sites see a device (a vendo or a price list
 * of one site: src/services/business/sites/device-sites.ts).
 */
export function dispatchOverSites(
  db: Db,
  main: SiteStack,
  stacks: Map<number, SiteStack>,
  limiter: GuessLimiter,
): {
  drivers: SiteDrivers;
  redemption: RedemptionService;
  locate: (mac: string, ip: string) => Promise<SiteRef[]>;
  seesDevice: (mac: string, ip: string, siteId: number | null) => Promise<boolean>;
} {
  const drivers = siteDrivers(main, stacks);
  limiter.useRouters({
    devicesBehind: (address) => devicesBehind(drivers.all(), address),
    seesDevice: (mac, ip) => seenBySomeSite(drivers.all(), mac, ip),
  });
  return {
    drivers,
    redemption: siteRedemption(db, drivers),
    locate: (mac, ip) => locateDevice(drivers, mac, ip),
    // Whether a device is on the shop's WiFi now, as its hotspots report it (an online payment's device).
    seesDevice: async (mac, ip, siteId) => {
      if (await seenBySomeSite(drivers.all(), mac, ip)) return true;
      // A RADIUS site whose router this controller cannot ask: that router's own login page checks the device.
      const own = siteId === null ? undefined : drivers.get(siteId);
      return Boolean(own?.redeemsWithoutRouter && !own.router.status.connected);
    },
  };
}

/**
 * The `default` site's state from what the core already has (src/services/business/sites/default-status.ts). The terminal
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
function siteDrivers(main: SiteStack, stacks: Map<number, SiteStack>): SiteDrivers {
  return {
    main,
    all: () => [main, ...[...stacks.values()].sort((a, b) => a.site.id - b.site.id)],
    get: (id) => (id === DEFAULT_SITE.id ? main : stacks.get(id)),
  };
}

/**
 * The roaming codes made logins at every other site this server drives; how many still wait at one of them
 * (a roaming voucher keeps no one router id: each site's check adds what it lacks).
 */
export function roamingAtOtherSites(stacks: Map<number, SiteStack>): () => Promise<number> {
  return async () => {
    const waits = await Promise.allSettled([...stacks.values()].map((s) => s.logins.roamingAdded()));
    return waits.reduce((n, w) => n + (w.status === 'rejected' ? 1 : w.value), 0);
  };
}
