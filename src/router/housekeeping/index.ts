/**
 * The router's housekeeping reads (what a shop owner checks daily) and its reboot, as typed objects: the hotspot's
 * hosts, sessions, IP bindings and cookies, the DHCP leases, the log, the resources and health sensors, the
 * interfaces and their live traffic. Only this module knows these menus and attribute names
 * (docs/routeros.md "Housekeeping reads"). Each read is one command with its `.proplist`, under the connection's
 * own per-command timeout; a router that is down or refuses answers with a RouterError.
 */
import { parseRouterDuration } from '../../domain/units';
import type { RosRow, RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import type {
  DhcpLease,
  HealthSensor,
  HotspotCookie,
  HotspotHost,
  HotspotSession,
  InterfaceTraffic,
  IpBinding,
  LogLine,
  RouterHousekeeping,
  RouterInterface,
  RouterResources,
} from './types';

export type * from './types';

const text = (r: RosRow, k: string): string => r[k] ?? '';
const flag = (r: RosRow, k: string): boolean => r[k] === 'true' || r[k] === 'yes';
const whole = (r: RosRow, k: string): number => {
  const n = Number(r[k]);
  return Number.isFinite(n) ? n : 0;
};
const numberOrNull = (r: RosRow, k: string): number | null => {
  const v = r[k];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
/** A time RouterOS printed; null when absent or not one it would print. */
const seconds = (r: RosRow, k: string): number | null => {
  try {
    return r[k] === undefined ? null : parseRouterDuration(r[k], k);
  } catch {
    return null;
  }
};
/** `716MHz` or `5%` (the console's forms) or `716` (the API's) → 716. */
const leadingNumber = (r: RosRow, k: string): number | null => {
  const m = /^(\d+(?:\.\d+)?)/.exec(r[k] ?? '');
  return m ? Number(m[1]) : null;
};

/** One list read: the menu, the properties asked for (always a `.proplist`), and a row's typed form. */
interface ListRead<T> {
  menu: string;
  props: string[];
  from(row: RosRow): T;
}

/** What a hotspot host and an IP binding both hold: a MAC, its address and the one it is translated to, the server. */
function mapped(r: RosRow) {
  return {
    id: text(r, '.id'),
    mac: text(r, 'mac-address'),
    address: text(r, 'address'),
    toAddress: text(r, 'to-address'),
    server: text(r, 'server'),
  };
}

function resourcesFrom(r: RosRow): RouterResources {
  return {
    uptimeSeconds: seconds(r, 'uptime'),
    version: text(r, 'version'),
    buildTime: text(r, 'build-time'),
    factorySoftware: text(r, 'factory-software'),
    boardName: text(r, 'board-name'),
    architecture: text(r, 'architecture-name'),
    platform: text(r, 'platform'),
    cpu: text(r, 'cpu'),
    cpuCount: numberOrNull(r, 'cpu-count'),
    cpuFrequencyMhz: leadingNumber(r, 'cpu-frequency'),
    cpuLoad: leadingNumber(r, 'cpu-load'),
    freeMemory: numberOrNull(r, 'free-memory'),
    totalMemory: numberOrNull(r, 'total-memory'),
    freeHdd: numberOrNull(r, 'free-hdd-space'),
    totalHdd: numberOrNull(r, 'total-hdd-space'),
  };
}

function trafficFrom(r: RosRow): InterfaceTraffic {
  return {
    name: text(r, 'name'),
    rxBps: whole(r, 'rx-bits-per-second'),
    txBps: whole(r, 'tx-bits-per-second'),
    rxPps: whole(r, 'rx-packets-per-second'),
    txPps: whole(r, 'tx-packets-per-second'),
  };
}

const props = (names: string): string[] => names.split(' ');

/** The list reads (docs/routeros.md "Housekeeping reads"). */
const HOSTS: ListRead<HotspotHost> = {
  menu: '/ip/hotspot/host',
  props: props(
    '.id mac-address address to-address server uptime idle-time bytes-in bytes-out authorized bypassed comment',
  ),
  from: (r) => ({
    ...mapped(r),
    uptimeSeconds: seconds(r, 'uptime'),
    idleSeconds: seconds(r, 'idle-time'),
    bytesIn: whole(r, 'bytes-in'),
    bytesOut: whole(r, 'bytes-out'),
    authorized: flag(r, 'authorized'),
    bypassed: flag(r, 'bypassed'),
    comment: text(r, 'comment'),
  }),
};
const SESSIONS: ListRead<HotspotSession> = {
  menu: '/ip/hotspot/active',
  props: props(
    '.id server user address mac-address login-by uptime idle-time session-time-left bytes-in bytes-out',
  ),
  from: (r) => ({
    id: text(r, '.id'),
    server: text(r, 'server'),
    user: text(r, 'user'),
    address: text(r, 'address'),
    mac: text(r, 'mac-address'),
    loginBy: text(r, 'login-by'),
    uptimeSeconds: seconds(r, 'uptime'),
    idleSeconds: seconds(r, 'idle-time'),
    timeLeftSeconds: seconds(r, 'session-time-left'),
    bytesIn: whole(r, 'bytes-in'),
    bytesOut: whole(r, 'bytes-out'),
  }),
};
const BINDINGS: ListRead<IpBinding> = {
  menu: '/ip/hotspot/ip-binding',
  props: props('.id mac-address address to-address server type disabled comment'),
  from: (r) => ({
    ...mapped(r),
    type: text(r, 'type') || 'regular',
    disabled: flag(r, 'disabled'),
    comment: text(r, 'comment'),
  }),
};
const COOKIES: ListRead<HotspotCookie> = {
  menu: '/ip/hotspot/cookie',
  props: props('.id user domain mac-address expires-in'),
  from: (r) => ({
    id: text(r, '.id'),
    user: text(r, 'user'),
    mac: text(r, 'mac-address'),
    domain: text(r, 'domain'),
    expiresInSeconds: seconds(r, 'expires-in'),
  }),
};
const LEASES: ListRead<DhcpLease> = {
  menu: '/ip/dhcp-server/lease',
  props: props(
    '.id address mac-address active-address active-mac-address host-name server status expires-after last-seen dynamic blocked disabled comment',
  ),
  from: (r) => ({
    id: text(r, '.id'),
    address: text(r, 'active-address') || text(r, 'address'),
    mac: text(r, 'active-mac-address') || text(r, 'mac-address'),
    hostName: text(r, 'host-name'),
    server: text(r, 'server'),
    status: text(r, 'status'),
    expiresAfterSeconds: seconds(r, 'expires-after'),
    lastSeenSeconds: seconds(r, 'last-seen'),
    dynamic: flag(r, 'dynamic'),
    blocked: flag(r, 'blocked'),
    disabled: flag(r, 'disabled'),
    comment: text(r, 'comment'),
  }),
};
const LOG: ListRead<LogLine> = {
  menu: '/log',
  props: props('.id time topics message'),
  from: (r) => ({
    id: text(r, '.id'),
    time: text(r, 'time'),
    topics: text(r, 'topics').split(',').filter(Boolean),
    message: text(r, 'message'),
  }),
};
const INTERFACES: ListRead<RouterInterface> = {
  menu: '/interface',
  props: props('.id name type running disabled mac-address rx-byte tx-byte comment'),
  from: (r) => ({
    id: text(r, '.id'),
    name: text(r, 'name'),
    type: text(r, 'type'),
    running: flag(r, 'running'),
    disabled: flag(r, 'disabled'),
    macAddress: text(r, 'mac-address'),
    rxBytes: whole(r, 'rx-byte'),
    txBytes: whole(r, 'tx-byte'),
    comment: text(r, 'comment'),
  }),
};
/** ◐ RouterOS 7: one row per sensor; a row without a name is not one. */
const HEALTH: ListRead<HealthSensor | null> = {
  menu: '/system/health',
  props: props('name value type'),
  from: (r) =>
    r.name === undefined ? null : { name: text(r, 'name'), value: text(r, 'value'), unit: text(r, 'type') },
};
const RESOURCE_PROPS = props(
  'uptime version build-time factory-software board-name architecture-name platform cpu cpu-count cpu-frequency cpu-load free-memory total-memory free-hdd-space total-hdd-space',
);

async function list<T>(router: RouterClient, read: ListRead<T>): Promise<T[]> {
  return (await router.print(read.menu, { proplist: read.props })).map((r) => read.from(r));
}

/** One `monitor-traffic … once` for these interfaces (a row per interface). */
async function trafficOnce(router: RouterClient, names: string[]): Promise<InterfaceTraffic[]> {
  if (names.length === 0) return [];
  const rows = await router.command('/interface/monitor-traffic', { interface: names.join(','), once: '' });
  return rows.filter((r) => r.name !== undefined).map(trafficFrom);
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
    hosts: () => list(router, HOSTS),
    sessions: () => list(router, SESSIONS),
    bindings: () => list(router, BINDINGS),
    cookies: () => list(router, COOKIES),
    leases: () => list(router, LEASES),
    log: () => list(router, LOG),
    async resources() {
      const [row] = await router.print('/system/resource', { proplist: RESOURCE_PROPS });
      return resourcesFrom(row ?? {});
    },
    health: async () => (await list(router, HEALTH)).filter((s): s is HealthSensor => s !== null),
    interfaces: () => list(router, INTERFACES),
    traffic: (names) => trafficOnce(router, names),
    reboot: () => reboot(router),
  };
}
