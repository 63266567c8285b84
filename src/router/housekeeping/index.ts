/**
 * The router's housekeeping reads (what a shop owner checks daily) and its reboot, as typed objects: the hotspot's
 * hosts, sessions, IP bindings and cookies, the DHCP leases, the log, the resources and health sensors, the
 * interfaces and their live traffic. Only this module knows these menus and attribute names
 * (docs/routeros.md "Housekeeping reads"). Each read is one command with its `.proplist`, under the connection's
 * own per-command timeout; a router that is down or refuses answers with a RouterError.
 */
import type { RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import type { HealthSensor, InterfaceTraffic, RouterHousekeeping } from './types';
import * as reads from './reads';

export type * from './types';

async function list<T>(router: RouterClient, read: reads.ListRead<T>): Promise<T[]> {
  return (await router.print(read.menu, { proplist: read.props })).map((r) => read.from(r));
}

/** One `monitor-traffic … once` for these interfaces (a row per interface). */
async function trafficOnce(router: RouterClient, names: string[]): Promise<InterfaceTraffic[]> {
  if (names.length === 0) return [];
  const rows = await router.command('/interface/monitor-traffic', { interface: names.join(','), once: '' });
  return rows.filter((r) => r.name !== undefined).map(reads.trafficFrom);
}

/** The router going away under the reboot: the connection ends (or the reply never comes). */
const wentDown = (err: unknown): boolean =>
  err instanceof RouterError &&
  (err.code === 'ROUTER_UNREACHABLE' || err.code === 'ROUTER_TIMEOUT' || err.code === 'ROUTER_FATAL');

/** ◐ The router answers a reboot with nothing and drops the connection (docs/routeros.md "Reboot"). */
async function reboot(router: RouterClient): Promise<void> {
  if (!router.status.connected)
    throw new RouterError('ROUTER_UNREACHABLE', 'Router not connected (/system/reboot)', {
      command: '/system/reboot',
    });
  try {
    await router.command('/system/reboot');
  } catch (err) {
    if (!wentDown(err)) throw err;
  }
}

export function createRouterHousekeeping(router: RouterClient): RouterHousekeeping {
  return {
    hosts: () => list(router, reads.HOSTS),
    sessions: () => list(router, reads.SESSIONS),
    bindings: () => list(router, reads.BINDINGS),
    cookies: () => list(router, reads.COOKIES),
    leases: () => list(router, reads.LEASES),
    log: () => list(router, reads.LOG),
    async resources() {
      const [row] = await router.print('/system/resource', { proplist: reads.RESOURCE_PROPS });
      return reads.resourcesFrom(row ?? {});
    },
    health: async () => (await list(router, reads.HEALTH)).filter((s): s is HealthSensor => s !== null),
    interfaces: () => list(router, reads.INTERFACES),
    traffic: (names) => trafficOnce(router, names),
    reboot: () => reboot(router),
  };
}
