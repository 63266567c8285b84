/**
 * The shop settings for a terminal command that opens no core (`pisonet backup`, `config show`): the same
 * service as the server's, on the command's own database handle, so the terminal reads the time zone (and the
 * other shop settings) saved in the admin, not only what `.env` says.
 */
import type { AppConfig } from '../../../config/env';
import type { Db } from '../../../db/knex';
import type { Clock } from '../../../lib/clock';
import { createAuditService } from '../audit';
import { createSettingsService } from '.';
import { createShopSettings } from './shop';
import type { ShopSettingsView } from './shop-types';

/** Applies the owner's saved values to `config` (as openCore does) and returns where each one comes from. */
export async function applyStoredShopSettings(
  config: AppConfig,
  db: Db,
  clock: Clock,
): Promise<ShopSettingsView> {
  const shop = createShopSettings(config, createSettingsService(db, clock, createAuditService(db, clock)));
  await shop.refresh();
  return shop.view();
}
