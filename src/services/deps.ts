import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { RouterClient } from '../router/types';
import type { AuditService, SettingsService } from './types';

/** What every service factory receives (dependencies are passed in, never imported as singletons). */
export interface ServiceDeps {
  config: AppConfig;
  db: Db;
  clock: Clock;
  router: RouterClient;
  log: Logger;
  audit: AuditService;
  settings: SettingsService;
}
