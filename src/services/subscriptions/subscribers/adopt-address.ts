/**
 * A secret's own fixed address (`remote-address`: a CCTV customer's, a port forward's) when it is adopted: kept as
 * its subscriber's `static_ip` when it passes the checks a typed address passes (no subscriber of the site in
 * service holds it; not in the router's pools, not one of its own addresses, not another secret's: two secrets
 * with one address both lose it), else taken off, with the reason. The router is read once per request, and
 * only when a secret has an address.
 */
import type { Knex } from 'knex';
import type { RouterAddressing } from '../../../domain/ip-pool';
import { isIPv4 } from '../../../domain/network';
import type { PppSecretHave } from '../../../domain/ppp-plan';
import type { AdoptChange } from '../../../domain/ppp-adopt';
import type { SiteRef } from '../../deps';
import type { SitePpp } from './adopt-types';
import { routerHolding, siteAddresses } from './static-ip';

export type AdoptedAddress = NonNullable<AdoptChange['remoteAddress']>;

/** Decides, secret by secret, what becomes of each one's fixed address. */
export function adoptedAddresses(
  db: Knex,
  sp: Pick<SitePpp, 'addressing'>,
  site: SiteRef,
): (secret: PppSecretHave) => Promise<AdoptedAddress | undefined> {
  let inUse: Promise<RouterAddressing> | undefined;
  let holders: Promise<Map<string, string>> | undefined;
  const heldBy = async () =>
    new Map((await siteAddresses(db, site.id)).addresses.map((a) => [a.ip, a.subscriber.username]));

  async function problem(ip: string, name: string): Promise<string | null> {
    if (!isIPv4(ip)) return `${ip} is not an IPv4 address`;
    const holder = (await (holders ??= heldBy())).get(ip);
    if (holder !== undefined)
      return `${ip} is already held by the subscriber ${holder} on the site ${site.name}`;
    return routerHolding(await (inUse ??= sp.addressing()), ip, site, name);
  }

  return async (secret) => {
    const ip = secret.remoteAddress;
    if (!ip) return undefined;
    const why = await problem(ip, secret.name);
    if (why) return { from: ip, to: null, why: `its fixed address ${ip} is taken off: ${why}` };
    return { from: ip, to: ip };
  };
}
