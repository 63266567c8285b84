/**
 * A few of our queues' counters read between polls (the fair-use watch): one `print` of `/queue/simple` with a
 * `.proplist` and a query naming just those queues (`?name=A ?name=B ?#| ?name=C ?#| …`, docs/routeros.md
 * "Queries"), and the router's uptime beside it, pipelined in one round trip. RouterOS still tests every queue
 * against the query, but sends only the rows named: the rows read are those of the devices watched.
 */
import { queueNameForMac } from '../../domain/queues';
import type { RosRow, RouterClient } from '../types';
import { queueReading, uptime, type QueueReading } from './row-parse';
import { QUEUE_MENU, RESOURCE_MENU } from './snapshot';

/** Names per print: a query of 100 names is 199 words; longer sentences are split into several prints sent at once. */
const NAMES_PER_PRINT = 100;
const COUNTER_PROPS = ['.id', 'name', 'bytes', 'rate', 'comment', 'dynamic'];

export interface CountersRead {
  counters: QueueReading[];
  /** Seconds since the router booted, as `/system/resource` said in the same round. */
  routerUptimeSeconds: number | undefined;
  /** Rows the router sent (the queues found, and the resource row). */
  rows: number;
}

/** `?name=a ?name=b ?#| ?name=c ?#| …`: any of the names (the first OR comes after the second name). */
export function anyNameQuery(names: readonly string[]): string[] {
  const query: string[] = [];
  for (let i = 0; i < names.length; i++) {
    query.push(`name=${names[i]}`);
    if (i > 0) query.push('#|');
  }
  return query;
}

/** The counters of the devices' `pisonet-<MAC>` queues (devices without one are simply absent). */
export async function readCounters(router: RouterClient, macs: readonly string[]): Promise<CountersRead> {
  const names = macs.map(queueNameForMac);
  const prints: Promise<RosRow[]>[] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_PRINT) {
    const query = anyNameQuery(names.slice(i, i + NAMES_PER_PRINT));
    prints.push(router.print(QUEUE_MENU, { proplist: COUNTER_PROPS, query }));
  }
  const [resource, ...chunks] = await Promise.all([
    router.print(RESOURCE_MENU, { proplist: ['uptime'] }),
    ...prints,
  ]);
  const counters: QueueReading[] = [];
  let rows = resource.length;
  for (const chunk of chunks) {
    rows += chunk.length;
    for (const row of chunk) {
      const r = queueReading(row);
      if (r) counters.push(r);
    }
  }
  return {
    counters,
    routerUptimeSeconds: resource[0]?.uptime === undefined ? undefined : uptime(resource[0].uptime),
    rows,
  };
}
