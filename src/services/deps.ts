import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { MetricsPort } from '../metrics/port';
import type { ManagedHotspot } from '../router/hotspot';
import type { RouterClient } from '../router/types';
import type { AuditService } from './business/audit/types';
import type { SettingsService } from './business/settings/types';

/**
 * What a shop-wide service receives (payments, reports, accounts, vendos, ...): the shop's config, database,
 * clock, log, audit and settings, never a router. Where one needs something of a site's router (whether a login
 * can be tried now, which addresses a device has), its factory names a narrow function the composition root
 * answers from the site's stack; `router`, `hotspot` and `site` are `never` here so a site's deps cannot be
 * handed to it by mistake.
 */
export interface ShopDeps {
  config: AppConfig;
  db: Db;
  /**
   * A read-only second connection for the portal's hot-path lookups (committed data only; never for a read
   * that a write depends on). Absent: `db` is used.
   */
  reader?: Db;
  clock: Clock;
  log: Logger;
  audit: AuditService;
  settings: SettingsService;
  /** What the polls and redemptions count for Prometheus (src/metrics); absent: nothing is counted (the terminal). */
  metrics?: MetricsPort;
  router?: never;
  hotspot?: never;
  site?: never;
}

/**
 * What a site's services receive (vouchers, redemption, usage, bandwidth, self-service, the router binding): the
 * shop's deps and that site's router parts, built by its stack (src/services/network/site-stack) and by nothing else.
 */
export interface SiteDeps extends Omit<ShopDeps, 'router' | 'hotspot' | 'site'> {
  /** The connection, for reads of the router itself (identity, resources, checks) and its status. */
  router: RouterClient;
  /** The one writer of our objects on the router: voucher users, device queues, sessions. */
  hotspot: ManagedHotspot;
  /**
   * The site whose router `router` and `hotspot` drive. Absent: `default` (id 1), the router set in
   * .env. Services built for another site (src/services/network/site-stack) read and write only its vouchers.
   */
  site?: SiteRef;
}

export interface SiteRef {
  id: number;
  name: string;
}

export const DEFAULT_SITE: SiteRef = { id: 1, name: 'default' };

/** The site a service was built for. */
export const siteOf = (deps: Pick<SiteDeps, 'site'>): SiteRef => deps.site ?? DEFAULT_SITE;
