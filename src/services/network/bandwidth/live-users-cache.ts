import type { Clock } from '../../../lib/clock';
import type { BandwidthService, UserTraffic } from '../../types';

interface CachedBandwidthService extends BandwidthService {
  /** Drops the cached list (e.g. after a poll cycle), so the next caller reads fresh figures. */
  invalidate(): void;
}

/**
 * `users()` costs a database join plus a print of every queue on the router (tens of ms at 2,000 devices),
 * and every open bandwidth page asks for it every 10 s. Callers within `ttlMs` share one result, and
 * concurrent callers share one call in flight, so N browsers cost one computation. Changes made through
 * this service (set/remove/reset limit, kick) drop the cache at once; otherwise figures are at most `ttlMs` old,
 * far below the poll interval that produces them. The returned array is shared: treat it as read-only.
 */
export function withLiveUsersCache(
  inner: BandwidthService,
  clock: Clock,
  ttlMs = 2000,
): CachedBandwidthService {
  let cached: { at: number; users: UserTraffic[] } | undefined;
  let inflight: Promise<UserTraffic[]> | undefined;
  let generation = 0;

  function invalidate(): void {
    generation += 1;
    cached = undefined;
    inflight = undefined;
  }

  function users(): Promise<UserTraffic[]> {
    const now = clock.now();
    if (cached && now >= cached.at && now - cached.at < ttlMs) return Promise.resolve(cached.users);
    if (inflight) return inflight;
    const gen = generation;
    const call: Promise<UserTraffic[]> = inner.users().then((list) => {
      if (gen === generation) cached = { at: now, users: list };
      return list;
    });
    inflight = call;
    // A call started before an invalidation must not clear (or fill) the newer generation's slot.
    const clear = () => {
      if (inflight === call) inflight = undefined;
    };
    call.then(clear, clear);
    return call;
  }

  async function thenInvalidate<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      invalidate();
    }
  }

  return {
    users,
    invalidate,
    queues: (siteId) => inner.queues(siteId),
    queuesBySite: (siteId) => inner.queuesBySite(siteId),
    setLimit: (mac, up, down, actor) => thenInvalidate(inner.setLimit(mac, up, down, actor)),
    removeLimit: (mac, actor) => thenInvalidate(inner.removeLimit(mac, actor)),
    resetLimit: (mac, actor) => thenInvalidate(inner.resetLimit(mac, actor)),
    kick: (mac, actor) => thenInvalidate(inner.kick(mac, actor)),
  };
}
