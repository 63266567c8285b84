/**
 * A site's router's pools and own addresses (src/router/addressing.ts), read on the connection this process
 * holds to it: the default site's, or another site's stack (the server's). A site without API access (a RADIUS
 * site without one) has nothing to read: null. A site this process has no connection to cannot be checked.
 */
import { AppError } from '../domain/errors';
import { readAddressing } from '../router/addressing';
import type { RouterClient } from '../router/types';
import type { SiteRef } from '../services/deps';
import type { SiteAddressing } from '../services/subscriptions/subscribers/static-ip';

interface AddressedSite {
  site: SiteRef;
  router: RouterClient;
  apiAccess: boolean;
}

export function siteAddressing(sites: () => AddressedSite[], connectMs: number): SiteAddressing {
  return async (siteId) => {
    const s = sites().find((x) => x.site.id === siteId);
    if (!s)
      throw new AppError(
        'SITE_UNREACHABLE',
        "this process has no connection to its router (the server holds the other sites' connections: give the address in the admin, or run this where the server runs)",
        503,
      );
    if (!s.apiAccess) return null;
    // A connection still being made (a terminal command just started) is waited for, up to the router's timeout;
    // one that is up answers at once, one that is down fails the read below (nothing is written).
    await s.router.waitConnected(connectMs);
    return readAddressing(s.router);
  };
}
