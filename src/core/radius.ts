/**
 * What the services that change vouchers need of RADIUS sites: whether a site keeps its codes in FreeRADIUS, and a change to one of its
 * codes written into FreeRADIUS's tables at once (the next login is answered the change), with the site's poll run
 * now when this server drives it (a revoked code's sessions are disconnected then, not a poll later).
 */
import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { ProfileService } from '../services/profiles-types';
import { syncRadiusAccounts } from '../services/radius/accounts';
import type { RadiusSite } from '../services/radius/site';
import type { VoucherServiceOptions } from '../services/vouchers';
import { loginsOutsideRouter } from '../services/site-stack/mode';

export function radiusChanges(
  db: Db,
  profiles: ProfileService,
  clock: Clock,
  config: AppConfig,
  running: Map<number, RadiusSite>,
): NonNullable<VoucherServiceOptions['radius']> {
  return {
    loginsOutsideRouter: (siteId) => loginsOutsideRouter(db, siteId),
    async changed(siteId, code) {
      const site = running.get(siteId);
      if (site) {
        await site.syncAccounts([code]);
        // The poll tells the router (CoA, Disconnect); it runs one at a time, so this waits for a running one.
        await site.usage.runCycle();
        return;
      }
      await syncRadiusAccounts({ db, profiles, now: clock.now(), tz: config.tz }, { siteId, codes: [code] });
    },
  };
}
