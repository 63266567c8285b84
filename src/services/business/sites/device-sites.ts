/**
 * Which site a customer's device is on, for what is sold per site: the portal's price list and coin
 * vendos tied to one site. The routers are asked as for a redemption (src/services/business/sites/dispatch.ts): at once,
 * each for at most LOOKUP_MS, so a hung branch delays nobody by more than that.
 */
import type { Knex } from 'knex';
import { ValidationError, AppError } from '../../../domain/errors';
import { normaliseMac } from '../../../domain/units';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import { findSite } from './lookup';
import { sitesSeeing, type SiteDrivers } from './dispatch';

/**
 * The sites whose router sees `mac` at `ip` (none for a malformed MAC). A controller with one router answers
 * with that site without asking it.
 */
export async function locateDevice(drivers: SiteDrivers, macInput: string, ip: string): Promise<SiteRef[]> {
  const all = drivers.all();
  if (all.length <= 1) return [drivers.main.site];
  let mac: string;
  try {
    mac = normaliseMac(macInput);
  } catch {
    return [];
  }
  return (await sitesSeeing(all, mac, String(ip))).map((d) => d.site);
}

/**
 * The site of the voucher a device is using now (its newest active voucher), for an action on that site's router
 * (a speed limit from the terminal). `named`: the site the operator said (id or name); a device whose voucher is
 * at another site is refused (DEVICE_OTHER_SITE, 409, naming where it is) so nothing changes on a guess. A device
 * with no active voucher is DEVICE_NOT_FOUND (404), as the bandwidth service says it.
 */
export async function siteOfDeviceVoucher(db: Knex, macInput: string, named?: unknown): Promise<SiteRef> {
  let mac: string;
  try {
    mac = normaliseMac(macInput, 'mac');
  } catch (err) {
    if (err instanceof ValidationError)
      throw new AppError('INVALID_INPUT', err.message, 400, 'mac', { mac: err.problem });
    throw err;
  }
  const want = named === undefined ? undefined : await findSite(db, named, 'site');
  const newest = async (siteId?: number) =>
    (await db('voucher_devices as d')
      .join('vouchers as v', 'v.id', 'd.voucher_id')
      .leftJoin('sites as s', 's.id', 'v.site_id')
      .where({ 'd.mac': mac, 'v.status': 'active' })
      .modify((q) => {
        if (siteId === undefined) return;
        // The default site's vouchers from before sites existed have no site_id.
        if (siteId === DEFAULT_SITE.id)
          void q.where((w) => w.where('v.site_id', siteId).orWhereNull('v.site_id'));
        else void q.where('v.site_id', siteId);
      })
      .orderBy('v.activated_at', 'desc')
      .first('v.site_id', 's.name')) as { site_id: number | null; name: string | null } | undefined;
  // A phone with a running voucher at two sites: the named site's, when it has one there.
  const row = (want ? await newest(want.id) : undefined) ?? (await newest());
  if (!row)
    throw new AppError(
      'DEVICE_NOT_FOUND',
      `No device with MAC ${mac} is using an active voucher`,
      404,
      'mac',
    );
  const site: SiteRef =
    row.site_id == null || row.name == null ? DEFAULT_SITE : { id: Number(row.site_id), name: row.name };
  if (want && want.id !== site.id)
    throw new AppError(
      'DEVICE_OTHER_SITE',
      `${mac} is not on the site ${want.name}: its voucher is at ${site.name}. Leave out the site, or name ${site.name}.`,
      409,
      'site',
    );
  return site;
}
