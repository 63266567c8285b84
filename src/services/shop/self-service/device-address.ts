/**
 * The hotspot address of a device whose customer is on the portal. The status page's links ("Enter another
 * code", the language switch, refresh) and its forms carry it, so the login page they open can take another
 * code or coins: a phone already online never sees the router's login page again, and that page is where the
 * address came from the first time.
 *
 * Told only to the device itself: the browser holding its signed cookie, or a browser asking from one of the
 * addresses the router gives that MAC (the controller on the hotspot's LAN).
 */
import type { Knex } from 'knex';
import { addressesOf } from '../../business/sites/dispatch';
import type { SelfSites, SelfSitesSource } from './sites';
import { macOrNull } from '../redemption/shared';
import type { Asker } from './types';

export function createDeviceAddress(db: Knex, src: SelfSitesSource, sites: SelfSites) {
  /** The routers to ask: the site named or the device's own, else every router this server drives. */
  async function routersFor(mac: string, site: string | number | undefined) {
    // A site renamed or removed since its login page was uploaded: ask them all.
    const siteId = await sites.ofDevice(mac, site).catch(() => undefined);
    const all = src.drivers.all();
    const own = siteId === undefined ? [] : all.filter((d) => d.site.id === siteId);
    return own.length ? own : all;
  }

  /** The address the device last had in the shop's records (the router is away or no longer lists it). */
  async function lastRecorded(mac: string): Promise<string | null> {
    const row = (await db('voucher_devices')
      .where({ mac })
      .whereNotNull('ip')
      .orderBy('last_seen_at', 'desc')
      .first('ip')) as { ip: string } | undefined;
    return row?.ip ?? null;
  }

  return async function deviceAddress(
    macInput: string,
    asker: Pick<Asker, 'provenMac' | 'peerIp'>,
    site?: string | number,
  ): Promise<string | null> {
    const mac = macOrNull(macInput) ?? asker.provenMac;
    if (!mac) return null;
    const seen = await addressesOf(await routersFor(mac, site), mac);
    // Asking from one of the device's own addresses proves it is that device.
    if (asker.peerIp !== null && seen.includes(asker.peerIp)) return asker.peerIp;
    if (asker.provenMac !== mac) return null;
    return seen[0] ?? (await lastRecorded(mac));
  };
}
