/**
 * What a router already gives out or holds itself, read when a subscriber is given a fixed address: its
 * `/ip/pool` ranges (an address in one may go to another session at any moment) and its own `/ip/address`
 * addresses. Read only; the router is the truth of what is in use.
 */
import { routerOwnAddress, routerPoolSpans, type RouterAddressing } from '../domain/ip-pool';
import type { RouterClient } from './types';

export type { RouterAddressing } from '../domain/ip-pool';

export async function readAddressing(router: RouterClient): Promise<RouterAddressing> {
  const [pools, addresses] = await Promise.all([
    router.print('/ip/pool', { proplist: ['name', 'ranges'] }),
    router.print('/ip/address', { proplist: ['address'] }),
  ]);
  return {
    pools: pools.map((p) => ({ name: p.name ?? '', spans: routerPoolSpans(p.ranges ?? '') })),
    own: addresses.map((a) => routerOwnAddress(a.address ?? '')).filter((a): a is string => a !== null),
  };
}
