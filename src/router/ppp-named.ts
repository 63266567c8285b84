/**
 * The router's PPP for a few subscribers only (createRouterPpp over a client whose whole-menu prints name them):
 * `/ppp/secret` and `/ppp/active` print just the named logins, and the sessions' dynamic queues just their
 * `<pppoe-NAME>` queues (`?name=` words with `?#|`, 100 names a print, as the fair-use watch's reads;
 * docs/routeros.md "Queries"). A change of a few subscribers' speeds between two checks (the fair-use watch's
 * crossings) then costs rows for those subscribers, not for every one on the router. The prints that already name
 * their rows (a session by address or by name) and every write pass through unchanged.
 */
import { printNamed } from './named-print';
import { createRouterPpp, type RouterPpp } from './ppp';
import type { PrintOptions, RosRow, RouterClient } from './types';

/** The whole-menu prints RouterPpp makes, and how each names a login's row. */
const NAMED: Record<string, (name: string) => string> = {
  '/ppp/secret': (n) => n,
  '/ppp/active': (n) => n,
  '/queue/simple': (n) => `<pppoe-${n}>`,
};
/** The sessions' queues are read as the dynamic ones (RouterPpp.sessionLimits): kept, ANDed with the names. */
const DYNAMIC = 'dynamic=true';

export function namedRouterPpp(router: RouterClient, names: readonly string[]): RouterPpp {
  return createRouterPpp(namedPrints(router, [...new Set(names)]));
}

function namedPrints(router: RouterClient, names: readonly string[]): RouterClient {
  const client = Object.create(router) as RouterClient;
  client.print = async (menu: string, opts?: PrintOptions): Promise<RosRow[]> => {
    const nameOf = NAMED[menu];
    const query = opts?.query ?? [];
    const whole =
      query.length === 0 || (menu === '/queue/simple' && query.length === 1 && query[0] === DYNAMIC);
    if (!nameOf || !whole) return router.print(menu, opts);
    return printNamed(router, menu, names.map(nameOf), { ...opts, query });
  };
  return client;
}
