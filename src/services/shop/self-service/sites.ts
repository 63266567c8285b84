/**
 * The sites self-service acts on. A top-up, a queued code, a pause or a move acts on the voucher's own site,
 * through that site's logins and sessions (as its mode chose), with its redemption and poll: each site's stack (src/services/network/site-stack), the
 * default site's too, is a SelfSite. Which site a request concerns is found as for a
 * redemption (sites/dispatch.ts): the site it names, else the router that sees the device.
 */
import type { Knex } from 'knex';
import { DEFAULT_SITE, type SiteDeps, type SiteRef } from '../../deps';
import { findDriver, sitesSeeing, type SiteDriver, type SiteDrivers } from '../../business/sites/dispatch';
import { findSite } from '../../business/sites/lookup';
import type { RedemptionService, UsageService, VoucherService } from '../../types';
import type { Logins } from '../vouchers/logins';
import type { Sessions } from '../vouchers/sessions';
import { unreachable } from './shared';

/** What drives one site's self-service. */
export interface SelfSite {
  site: SiteRef;
  /** Its services' deps: its router and hotspot, its log, its time zone. */
  deps: SiteDeps;
  /** The site's own redemption (not the dispatching one: the site is known). */
  redemption: RedemptionService;
  /** Its poll (a pause or a move counts the usage up to now first). */
  usage: Pick<UsageService, 'runCycle'>;
  vouchers: Pick<VoucherService, 'extraDataAdded'>;
  /** Where its vouchers live as logins: changed by a top-up, a kept code, a pause or a move, checked after a failure. */
  logins: Pick<Logins, 'requestCheck' | 'grown' | 'kept' | 'started' | 'moved' | 'paused'>;
  /** Its codes' sessions: ended by a pause or a move, given a top-up's time. */
  sessions: Sessions;
}

export interface SelfSitesSource {
  /** The routers the redemption dispatches over (sites/dispatch.ts). */
  drivers: SiteDrivers;
  /** The default site's self-service services. */
  main: SelfSite;
  /** Another site's stack on this server; undefined when this server does not drive its router now. */
  stack(id: number): SelfSite | undefined;
}

/** The site a voucher row belongs to (a row from before sites, or of a removed site, is default's). */
export const siteIdOf = (row: { site_id?: number | null }): number =>
  row.site_id == null ? DEFAULT_SITE.id : Number(row.site_id);

export type SelfSites = ReturnType<typeof createSelfSites>;

export function createSelfSites(db: Knex, src: SelfSitesSource) {
  const get = (id: number): SelfSite | undefined => (id === DEFAULT_SITE.id ? src.main : src.stack(id));
  const need = (id: number | null | undefined): SelfSite => {
    const s = get(id == null ? DEFAULT_SITE.id : Number(id));
    if (!s) throw unreachable();
    return s;
  };

  return {
    main: src.main,
    get,
    /** get(), or the customer's "not reachable" when this server does not drive that site's router now. */
    require: need,
    /** The site serving a redemption: named, else seen, else the voucher's own (`knownSite`). */
    async resolve(
      input: { code: string; mac: string; ip: string; site?: string | number },
      knownSite: number | null,
    ) {
      return need((await findDriver(db, src.drivers, input, knownSite)).site.id);
    },
    /**
     * The site whose vouchers a device's status page, pause or queued codes concern: the site named (the login
     * page's), else, when the device's codes are all of one site (always so with one router), that one with no
     * router asked; codes at several sites (the same phone at two branches): the one router that sees the device
     * at the address it had there. Undefined: no site to narrow to (the device's newest voucher decides).
     */
    async ofDevice(mac: string, site: string | number | undefined): Promise<number | undefined> {
      if (site !== undefined && site !== '') return (await findSite(db, site)).id;
      if (src.drivers.all().length <= 1) return undefined;
      const rows = (await db('voucher_devices as d')
        .join('vouchers as v', 'v.id', 'd.voucher_id')
        .where('d.mac', mac)
        .orderBy('d.last_seen_at', 'desc')
        .select('v.site_id', 'v.status', 'd.ip')) as Array<{
        site_id: number | null;
        status: string;
        ip: string | null;
      }>;
      const active = rows.filter((r) => r.status === 'active');
      // The newest address per site, among the sites of its running codes (or of any code, when none runs).
      const ipBySite = new Map<number, string | null>();
      for (const r of active.length ? active : rows)
        if (!ipBySite.has(siteIdOf(r))) ipBySite.set(siteIdOf(r), r.ip);
      if (ipBySite.size <= 1) return [...ipBySite.keys()][0];
      const asked = [...ipBySite].map(([id, ip]) => {
        const d = src.drivers.get(id);
        return d && ip ? sitesSeeing([d], mac, ip) : Promise.resolve([] as SiteDriver[]);
      });
      const seen = (await Promise.all(asked)).flat();
      return seen.length === 1 ? seen[0].site.id : undefined;
    },
  };
}
