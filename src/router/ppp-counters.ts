/**
 * A few PPP sessions' byte counters read between polls (the fair-use watch): `print`s of `/interface` (100 names
 * a print: named-print.ts) with a `.proplist` and a query naming just their dynamic interfaces (`?name=<pppoe-A>
 * ?name=<pppoe-B> ?#| …`, docs/routeros.md "Queries"), their `/ppp/active` rows named the same way (the session's
 * key, as the poll's read makes it), and the router's uptime beside them, pipelined in one round trip. rx is what
 * the subscriber sent, as in the poll's read (ppp.ts).
 */
import { uptime } from './hotspot/row-parse';
import { RESOURCE_MENU } from './hotspot/snapshot';
import { printNamed } from './named-print';
import type { RouterClient } from './types';

const INTERFACE_MENU = '/interface';
const ACTIVE_MENU = '/ppp/active';
const PROPS = ['name', 'rx-byte', 'tx-byte'];
const ACTIVE_PROPS = ['.id', 'name', 'session-id'];

interface PppCountersRead {
  /** By session name (the PPP user name), for the sessions running now; a name not running is absent. */
  counters: Map<string, PppCounter>;
  routerUptimeSeconds: number | undefined;
  /** Rows the router sent (the interfaces found, and the resource row). */
  rows: number;
}

interface PppCounter {
  /** The session's key as the poll's read makes it (`.id`/`session-id` of its `/ppp/active` row). */
  key: string;
  up: number;
  down: number;
}

const interfaceOf = (name: string) => `<pppoe-${name}>`;

/** The counters of the named users' running PPPoE sessions. */
export async function readPppCounters(
  router: RouterClient,
  names: readonly string[],
): Promise<PppCountersRead> {
  const [interfaces, active, resource] = await Promise.all([
    printNamed(router, INTERFACE_MENU, names.map(interfaceOf), { proplist: PROPS }),
    printNamed(router, ACTIVE_MENU, names, { proplist: ACTIVE_PROPS }),
    router.print(RESOURCE_MENU, { proplist: ['uptime'] }),
  ]);
  const keys = new Map(active.map((r) => [r.name ?? '', `${r['.id'] ?? ''}/${r['session-id'] ?? ''}`]));
  const wanted = new Map(names.map((n) => [interfaceOf(n), n]));
  const counters = new Map<string, PppCounter>();
  for (const r of interfaces) {
    const name = wanted.get(r.name ?? '');
    const key = name === undefined ? undefined : keys.get(name);
    // A session that ended between the two prints (an interface without its session) is not running.
    if (name !== undefined && key !== undefined)
      counters.set(name, { key, up: Number(r['rx-byte'] ?? 0) || 0, down: Number(r['tx-byte'] ?? 0) || 0 });
  }
  const rows = resource.length + interfaces.length + active.length;
  const up = resource[0]?.uptime;
  return { counters, routerUptimeSeconds: up === undefined ? undefined : uptime(up), rows };
}
