/**
 * Where the fair-use watch reads subscribers between polls (UsageSource.readSubscribers): the router's PPP
 * sessions by name over the API (src/router/ppp-counters.ts), on an API site and on a RADIUS site the controller
 * has API access to. On an API site the poll reads the same sessions, so each keeps the poll's key, and a session
 * the watch saw that is gone at the next poll's reading (ended by the watch to take a new tier, or logged out) is
 * in that reading as ended, with the counters the watch last read: its bytes since the last poll are booked once
 * (against its baseline), not lost with it.
 */
import { RouterError, UnreachableError } from '../../../domain/errors';
import { readPppCounters } from '../../../router/ppp-counters';
import type { RouterClient } from '../../../router/types';
import { rebootedSince } from './meter';
import {
  bootWindow,
  type BootWindow,
  type SubscriberSessionReading,
  type SubscribersReading,
  type UsageSource,
} from './source';

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
    try {
      const got = await readPppCounters(router, names);
      const sessions = new Map(
        [...got.counters].map(([name, s]) => [name, keyed ? s : { up: s.up, down: s.down }]),
      );
      const countersStartedAt = bootWindow(got.routerUptimeSeconds, askedAt, now());
      return { sessions, countersStartedAt, rows: got.rows };
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      throw new UnreachableError(err.message, err.code, err);
    }
  };
}

interface Seen {
  username: string;
  up: number;
  down: number;
  boot: BootWindow | undefined;
}

/** An API site's source whose poll reading carries the sessions the watch saw and that are gone since, as ended. */
export function watchedSessions(source: UsageSource, router: RouterClient, now: () => number): UsageSource {
  const read = routerSubscriberCounters(router, now, true);
  let seen = new Map<string, Seen>();
  return {
    ...source,
    async readSubscribers(names) {
      const got: SubscribersReading = await read(names);
      for (const [username, s] of got.sessions)
        if (s.key !== undefined)
          seen.set(s.key, { username, up: s.up, down: s.down, boot: got.countersStartedAt });
      return got;
    },
    async read() {
      const reading = await source.read();
      const watched = seen;
      seen = new Map();
      if (!reading.subscribers || watched.size === 0) return reading;
      const there = new Set(reading.subscribers.map((s) => s.id));
      const ended: SubscriberSessionReading[] = [];
      for (const [id, s] of watched) {
        // A reboot since the watch read: those counters are gone with every baseline (the poll books from zero).
        if (there.has(id) || (s.boot && rebootedSince(s.boot.earliest, reading.countersStartedAt))) continue;
        ended.push({
          id,
          username: s.username,
          address: null,
          callerId: '',
          up: s.up,
          down: s.down,
          rateUp: 0,
          rateDown: 0,
          uptimeSeconds: 0,
          ended: true,
        });
      }
      if (ended.length > 0) reading.subscribers = [...reading.subscribers, ...ended];
      return reading;
    },
  };
}
