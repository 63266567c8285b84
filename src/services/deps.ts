import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { ManagedHotspot } from '../router/hotspot';
import type { RouterClient } from '../router/types';
import type { AuditService, SettingsService } from './types';

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
}
