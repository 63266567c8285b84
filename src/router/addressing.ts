/**
 * What a router already gives out or holds, read when a subscriber is given a fixed address: its `/ip/pool`
 * ranges (an address in one may go to another session at any moment), its own `/ip/address` addresses, and the
 * `remote-address` of its PPP secrets that are not ours (customers before us, each session always takes it).
 * Read only, in one round; the router is the truth of what is in use.
 */
import { routerOwnAddress, routerPoolSpans, type RouterAddressing } from '../domain/ip-pool';
import { isOurs } from '../domain/ppp-plan';
import type { RouterClient } from './types';

export async function readAddressing(router: RouterClient): Promise<RouterAddressing> {
  const [pools, addresses, secrets] = await Promise.all([
    router.print('/ip/pool', { proplist: ['name', 'ranges'] }),
    router.print('/ip/address', { proplist: ['address'] }),
    router.print('/ppp/secret', { proplist: ['name', 'remote-address', 'comment'] }),
  ]);
  return {
    pools: pools.map((p) => ({ name: p.name ?? '', spans: routerPoolSpans(p.ranges ?? '') })),
    own: addresses.map((a) => routerOwnAddress(a.address ?? '')).filter((a): a is string => a !== null),
    secrets: secrets
      .filter((s) => !isOurs(s.comment) && s['remote-address'])
      .map((s) => ({ name: s.name ?? '', address: s['remote-address'] as string })),
  };
}
