import type { Knex } from 'knex';
import { ValidationError, AppError } from '../../../domain/errors';
import { normaliseMac } from '../../../domain/units';
import type { Logger } from '../../../lib/logger';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { SiteDeps } from '../../deps';
import type { ProfileRecord, ProfileService, UsageService } from '../../types';
import type { VoucherRow } from '../../shop/vouchers/state';

export interface BandwidthOptions {
  profiles: ProfileService;
  usage: UsageService;
  /** Another site's router, for that site's devices (undefined: not connected in this process). */
  routerOfSite?: (siteId: number) => { hotspot: ManagedHotspot; router?: RouterClient } | undefined;
}

/** What every step of the service works with: the site's deps, its logger, and its own site's id. */
export interface Bw {
  deps: SiteDeps;
  opts: BandwidthOptions;
  db: Knex;
  log: Logger;
  ownSite: number;
}

/** Input problems as AppError INVALID_INPUT (400) with the field, for the API, the admin and the CLI alike. */
export function valid<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ValidationError)
      throw new AppError('INVALID_INPUT', err.message, 400, err.field, { [err.field]: err.problem });
    throw err;
  }
}

export const validMac = (mac: string): string => valid(() => normaliseMac(mac));

export const notFound = (mac: string) =>
  new AppError('DEVICE_NOT_FOUND', `No device with MAC ${mac} is using an active voucher`, 404, 'mac');

/** The router of the voucher's site: this service's own, or another site's when it is connected here. */
export function hotspotOf(b: Bw, row: Pick<VoucherRow, 'site_id'>): ManagedHotspot | undefined {
  const siteId = row.site_id == null ? b.ownSite : Number(row.site_id);
  return siteId === b.ownSite ? b.deps.hotspot : b.opts.routerOfSite?.(siteId)?.hotspot;
}

export async function profileMap(b: Bw): Promise<Map<number, ProfileRecord>> {
  return new Map((await b.opts.profiles.list({ includeArchived: true })).map((p) => [p.id, p]));
}
