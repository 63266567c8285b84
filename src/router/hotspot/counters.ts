/**
 * A few of our queues' counters read between polls (the fair-use watch): `print`s of `/queue/simple` with a
 * `.proplist` and a query naming just those queues (`?name=A ?name=B ?#| ?name=C ?#| …`, 100 a print:
 * named-print.ts, docs/routeros.md "Queries"), and the router's uptime beside them, pipelined in one round trip.
 * RouterOS still tests every queue against the query, but sends only the rows named: the rows read are those of
 * the devices watched.
 */
import { queueNameForMac } from '../../domain/queues';
import type { RouterClient } from '../types';
import { printNamed } from '../named-print';
import { queueReading, uptime, type QueueReading } from './row-parse';
import { QUEUE_MENU, RESOURCE_MENU } from './snapshot';

const COUNTER_PROPS = ['.id', 'name', 'bytes', 'rate', 'comment', 'dynamic'];

export interface CountersRead {
  counters: QueueReading[];
  /** Seconds since the router booted, as `/system/resource` said in the same round. */
  routerUptimeSeconds: number | undefined;
  /** Rows the router sent (the queues found, and the resource row). */
  rows: number;
}

/** The counters of the devices' `pisonet-<MAC>` queues (devices without one are simply absent). */
export async function readCounters(router: RouterClient, macs: readonly string[]): Promise<CountersRead> {
  const [resource, queues] = await Promise.all([
    router.print(RESOURCE_MENU, { proplist: ['uptime'] }),
    printNamed(router, QUEUE_MENU, macs.map(queueNameForMac), { proplist: COUNTER_PROPS }),
  ]);
  const counters: QueueReading[] = [];
  for (const row of queues) {
    const r = queueReading(row);
    if (r) counters.push(r);
  }
  const rows = resource.length + queues.length;
  return {
    counters,
    routerUptimeSeconds: resource[0]?.uptime === undefined ? undefined : uptime(resource[0].uptime),
    rows,
  };
}
