/**
 * A coin vendo tied to one site sells only to phones on that site's router. Checked when a coin
 * window opens (so no coin goes into a box that cannot sell to the phone) and again at Done, before any coin is
 * claimed: a refusal spends nothing, the coins stay in the window and then are the device's saved credit, as
 * after any other refusal.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import type { SiteRef } from '../../deps';
import type { VoucherRow } from '../vouchers/state';
import type { VendoRow } from './store';

/** The sites whose router sees a device at an address (src/services/business/sites/device-sites.ts). */
export type LocateDevice = (mac: string, ip: string) => Promise<SiteRef[]>;

/** A vendo tied to one site, asked to sell to a phone another site's router sees. Nothing is spent. */
const otherSite = (vendo: string, own: string, seen: string[]) =>
  new AppError(
    'VENDO_OTHER_SITE',
    `${vendo} sells on the ${own} hotspot only, and your device is connected to ${seen.join(', ')}. Use a coin box there; any coins you inserted stay yours as saved credit.`,
    409,
    'vendo',
  );

async function nameOf(db: Knex, id: number): Promise<string> {
  const row = (await db('sites').where({ id }).first('name')) as { name: string } | undefined;
  return row?.name ?? `#${id}`;
}

/**
 * Refuses (VENDO_OTHER_SITE) a vendo of one site when routers see the phone and none of them is the vendo's, or
 * when the device's active voucher (a top-up) is another site's. A phone no router sees is left to the
 * redemption, which logs it in on the vendo's router or fails and gives the coins back. Shared vendos and the
 * terminal (no `locate`) pass.
 */
export async function assertVendoSellsHere(
  db: Knex,
  locate: LocateDevice | undefined,
  vendo: Pick<VendoRow, 'name' | 'site_id'>,
  device: { mac: string; ip: string },
  active?: Pick<VoucherRow, 'site_id'>,
): Promise<void> {
  if (vendo.site_id == null) return;
  const own = Number(vendo.site_id);
  if (active?.site_id != null && Number(active.site_id) !== own)
    throw otherSite(vendo.name, await nameOf(db, own), [await nameOf(db, Number(active.site_id))]);
  if (!locate) return;
  const seen = await locate(device.mac, device.ip);
  if (seen.length === 0 || seen.some((s) => s.id === own)) return;
  throw otherSite(
    vendo.name,
    await nameOf(db, own),
    seen.map((s) => s.name),
  );
}
