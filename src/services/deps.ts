import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { MetricsPort } from '../metrics/port';
import type { ManagedHotspot } from '../router/hotspot';
import type { RouterClient } from '../router/types';
import type { AuditService } from './audit/types';
import type { SettingsService } from './settings/types';

/** What every service factory receives (dependencies are passed in, never imported as singletons). */
export interface ServiceDeps {
  config: AppConfig;
  db: Db;
  /**
   * A read-only second connection for the portal's hot-path lookups (committed data only; never for a read
   * that a write depends on). Absent: `db` is used.
   */
  reader?: Db;
  clock: Clock;
  /** The connection, for reads of the router itself (identity, resources, checks) and its status. */
  router: RouterClient;
  /** The one writer of our objects on the router: voucher users, device queues, sessions. */
  hotspot: ManagedHotspot;
  log: Logger;
  audit: AuditService;
  settings: SettingsService;
  /**
   * The site whose router `router` and `hotspot` drive. Absent: `default` (id 1), the router set in
   * .env. Services built for another site (src/services/site-stack) read and write only its vouchers.
   */
  site?: SiteRef;
  /** What the polls and redemptions count for Prometheus (src/metrics); absent: nothing is counted (the terminal). */
  metrics?: MetricsPort;
}

export interface SiteRef {
  id: number;
  name: string;
}

export const DEFAULT_SITE: SiteRef = { id: 1, name: 'default' };

/** The site a service was built for. */
export const siteOf = (deps: Pick<ServiceDeps, 'site'>): SiteRef => deps.site ?? DEFAULT_SITE;
