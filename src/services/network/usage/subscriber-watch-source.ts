/**
 * Where the fair-use watch reads subscribers between polls (UsageSource.readSubscribers): the router's PPP
 * sessions by name over the API (src/router/ppp-counters.ts), on an API site and on a RADIUS site the controller
 * has API access to. On an API site the poll reads the same sessions, so each keeps the poll's key.
 */
import { readPppCounters } from '../../../router/ppp-counters';
import type { RouterClient } from '../../../router/types';
import { bootWindow, fromRouter, type UsageSource } from './source';

type ReadSubscribers = NonNullable<UsageSource['readSubscribers']>;

/**
 * The named subscribers' running sessions on the router. `keyed`: each with the poll's key of its session (an API
 * site's poll reads these sessions); a RADIUS site's poll keys them by accounting, so none is given there.
 */
export function routerSubscriberCounters(
  router: RouterClient,
  now: () => number,
  keyed: boolean,
): ReadSubscribers {
  return async (names) => {
    const askedAt = now();
    const got = await fromRouter(() => readPppCounters(router, names));
    const sessions = new Map(
      [...got.counters].map(([name, s]) => [name, keyed ? s : { up: s.up, down: s.down }]),
    );
    const countersStartedAt = bootWindow(got.routerUptimeSeconds, askedAt, now());
    return { sessions, countersStartedAt, rows: got.rows };
  };
}
