/**
 * Which subscriber a request's source address belongs to: every site this process drives is asked which PPP
 * login holds the address (its router's `/ppp/active`, or FreeRADIUS's open accounting: the site's mode chose),
 * and the login is that site's subscriber by username. The sites are asked at once, each for at most
 * `waitMs`, so a hung branch holds the page back by no more than that.
 *
 * A site that answers with a subscriber wins. When none does and some site could not be asked (its router is down,
 * or too slow), the answer is not "nobody" but "not known": a RouterError ROUTER_UNREACHABLE, so the page can
 * say why it asks for the username and password.
 */
import { IN_SERVICE } from '../../../domain/subscriber-status';
import type { Knex } from 'knex';
import { RouterError } from '../../../domain/errors';
import type { SiteRef } from '../../deps';
import type { SubscriberAtAddress } from './sign-in';

/** A site as the lookup asks it: its PPP session's login at an address (throws when it cannot be read). */
interface PppSite {
  site: SiteRef;
  pppLoginAt(address: string): Promise<string | null>;
}

/** How long one site may take to say who holds an address. */
const ADDRESS_LOOKUP_MS = 1500;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RouterError('ROUTER_TIMEOUT', `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function subscriberAtAddress(
  db: Knex,
  sites: () => PppSite[],
  waitMs = ADDRESS_LOOKUP_MS,
): SubscriberAtAddress {
  return async (address) => {
    const asked = await Promise.allSettled(
      sites().map(async (s) => ({ site: s.site, login: await within(s.pppLoginAt(address), waitMs) })),
    );
    let unknown = 0;
    for (const a of asked) {
      if (a.status === 'rejected') {
        unknown++;
        continue;
      }
      if (a.value.login === null) continue;
      const row = (await db('subscribers')
        .where({ site_id: a.value.site.id, username_key: a.value.login.toLowerCase() })
        .whereIn('status', IN_SERVICE)
        .first('id')) as { id: number | string } | undefined;
      if (row) return Number(row.id);
    }
    if (unknown > 0)
      throw new RouterError(
        'ROUTER_UNREACHABLE',
        `${unknown} router(s) could not say whose PPPoE session has this address`,
      );
    return null;
  };
}
