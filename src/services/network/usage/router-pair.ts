/**
 * The router's API as a usage source and an enforcer made together. The source reads the router's queues and
 * hotspot sessions once a poll and hands the poll a reading in the product's terms; the enforcer brings the
 * router's queues in line from that same read (what the router holds now) instead of printing every queue again.
 * The subscribers' PPP sessions, when the site has subscribers, are read in the same round (`subscribers`).
 * The read is kept here, between the two, and nowhere else: the seam between the poll and its source and enforcer
 * carries no router shapes.
 */
import type { ManagedHotspot, RouterSnapshot } from '../../../router/hotspot';
import { routerEnforcer, type Enforcer } from './enforcer';
import {
  routerCounterSource,
  type SubscriberSessionsRead,
  type UsageReading,
  type UsageSource,
} from './source';

export interface RouterPair {
  source: UsageSource;
  enforcer: Enforcer;
}

export function routerPair(
  hotspot: ManagedHotspot,
  now: () => number,
  subscribers?: SubscriberSessionsRead,
): RouterPair {
  let last: { counters: UsageReading['counters']; snapshot: RouterSnapshot } | undefined;
  const keep = (reading: UsageReading, snapshot: RouterSnapshot) => {
    last = { counters: reading.counters, snapshot };
  };
  const source = routerCounterSource(hotspot, now, keep, subscribers);
  // A reading the poll narrowed (sessions over a device count taken out) keeps its counters: that is how the
  // enforcer knows the reading is its source's latest read, not another source's.
  const enforcer = routerEnforcer(hotspot, (reading) =>
    last && last.counters === reading.counters ? last.snapshot : undefined,
  );
  return { source, enforcer };
}
