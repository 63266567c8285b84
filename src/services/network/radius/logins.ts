/**
 * A RADIUS site's logins: its codes as FreeRADIUS users (`radcheck`/`radreply` rows and their login rules,
 * accounts.ts), written from the database. A change is written right after the database changed, so the next
 * login is answered the change; the site's poll, run at once (here, or by the server that polls the site, asked by
 * this one), tells the router what it must know now (a Disconnect for a revoked code, the new rates by CoA).
 */
import type { Knex } from 'knex';
import type { Logger } from '../../../lib/logger';
import type { ProfileService } from '../../shop/profiles/types';
import type { SiteRef } from '../../deps';
import type { Logins } from '../../shop/vouchers/logins';
import { syncRadiusAccounts } from './accounts';

interface RadiusLoginsDeps {
  db: Knex;
  profiles: ProfileService;
  now: () => number;
  /** The site's own time zone, else the shop's as it is now. */
  tz: () => string;
  site: SiteRef;
  log: Logger;
  /**
   * The site's poll now, when this process drives the site (it runs one cycle at a time: this waits for one running);
   * with several servers, asked of the one holding the site's lease when that is another.
   */
  pollNow?: () => Promise<unknown>;
}

export function radiusLogins(d: RadiusLoginsDeps): Logins {
  const log = d.log.child({ module: 'radius' });
  async function sync(codes?: readonly string[]): Promise<void> {
    const r = await syncRadiusAccounts(
      { db: d.db, profiles: d.profiles, now: d.now(), tz: d.tz() },
      { siteId: d.site.id, codes },
    );
    if (r.written + r.removed > 0) log.debug({ ...r }, 'FreeRADIUS users brought in line');
  }
  async function written(code: string): Promise<void> {
    await sync([code]);
    await d.pollNow?.();
  }
  return {
    async added() {
      await sync();
      return 0;
    },
    // Roaming codes are no FreeRADIUS users: a RADIUS site serves its own codes.
    roamingAdded: async () => 0,
    async change(row, _change, commit) {
      const out = await commit();
      await written(row.code);
      return out;
    },
    async dataAdded(row) {
      try {
        await written(row.code);
        return true;
      } catch (err) {
        log.error({ err: (err as Error).message }, 'could not write the FreeRADIUS user');
        return false;
      }
    },
    sync,
    requestCheck: (reason) =>
      void sync().catch((err: Error) =>
        log.error({ reason, err: err.message }, 'could not write the FreeRADIUS users'),
      ),
    // Its rows answer the new time and data from now; its live sessions are the site's sessions' to renew.
    grown: async (row) => (await sync([row.code]), true),
    // Its rows refuse every login while paused (Access-Reject with the reason), and answer its time again after.
    paused: async (row) => sync([row.code]),
    // FreeRADIUS holds no code for one device before its first login: a kept code waits in the database only.
    kept: async () => undefined,
    // Nor is a started code bound: FreeRADIUS answers its devices from its rows.
    started: async () => true,
    // The device FreeRADIUS counts for the code follows it, so the new address is not refused as one too many.
    async moved(row, from, to) {
      await d.db.transaction(async (trx) => {
        const was = { username: row.code, mac: from.toUpperCase() };
        if (await trx('radius_devices').where({ username: row.code, mac: to.toUpperCase() }).first())
          await trx('radius_devices').where(was).delete();
        else await trx('radius_devices').where(was).update({ mac: to.toUpperCase() });
      });
    },
  };
}
