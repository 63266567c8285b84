/**
 * The router's housekeeping reads (what a shop owner checks daily) and its reboot, as typed objects: the hotspot's
 * hosts, sessions, IP bindings and cookies, the DHCP leases, the log, the resources and health sensors, the
 * interfaces and their live traffic. Only this module knows these menus and attribute names
 * (docs/routeros.md "Housekeeping reads"). Each read is one command with its `.proplist`, under the connection's
 * own per-command timeout; a router that is down or refuses answers with a RouterError.
 */
import { parseRouterDuration } from '../../domain/units';
import { RouterError, type RosRow, type RouterClient } from '../types';
import type {
  DhcpLease,
  HotspotHost,
  HotspotSession,
  InterfaceTraffic,
  RouterHousekeeping,
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

const HOST_PROPS = ['.id', 'mac-address', 'address', 'to-address', 'server', 'uptime', 'idle-time'];
const SESSION_PROPS = ['.id', 'server', 'user', 'address', 'mac-address', 'login-by', 'uptime'];
const RESOURCE_PROPS = [
  'uptime',
  'version',
  'build-time',
  'factory-software',
  'board-name',
  'architecture-name',
  'platform',
  'cpu',
  'cpu-count',
  'cpu-frequency',
  'cpu-load',
  'free-memory',
  'total-memory',
  'free-hdd-space',
  'total-hdd-space',
];

export function hostFrom(r: RosRow): HotspotHost {
  return {
    id: text(r, '.id'),
    mac: text(r, 'mac-address'),
    address: text(r, 'address'),
    toAddress: text(r, 'to-address'),
    server: text(r, 'server'),
    uptimeSeconds: seconds(r, 'uptime'),
    idleSeconds: seconds(r, 'idle-time'),
    bytesIn: whole(r, 'bytes-in'),
    bytesOut: whole(r, 'bytes-out'),
    authorized: flag(r, 'authorized'),
    bypassed: flag(r, 'bypassed'),
    comment: text(r, 'comment'),
  };
}

export function sessionFrom(r: RosRow): HotspotSession {
  return {
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
  };
}

export function leaseFrom(r: RosRow): DhcpLease {
  return {
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
  };
}

export function resourcesFrom(r: RosRow): RouterResources {
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

export function trafficFrom(r: RosRow): InterfaceTraffic {
  return {
    name: text(r, 'name'),
    rxBps: whole(r, 'rx-bits-per-second'),
    txBps: whole(r, 'tx-bits-per-second'),
    rxPps: whole(r, 'rx-packets-per-second'),
    txPps: whole(r, 'tx-packets-per-second'),
  };
}

/** The router going away under the reboot: the connection ends (or the reply never comes). */
const wentDown = (err: unknown): boolean =>
  err instanceof RouterError &&
  (err.code === 'ROUTER_UNREACHABLE' || err.code === 'ROUTER_TIMEOUT' || err.code === 'ROUTER_FATAL');

export function createRouterHousekeeping(router: RouterClient): RouterHousekeeping {
  const read = (menu: string, proplist: string[]) => router.print(menu, { proplist });
  return {
    hosts: async () =>
      (
        await read('/ip/hotspot/host', [
          ...HOST_PROPS,
          'bytes-in',
          'bytes-out',
          'authorized',
          'bypassed',
          'comment',
        ])
      ).map(hostFrom),
    sessions: async () =>
      (
        await read('/ip/hotspot/active', [
          ...SESSION_PROPS,
          'idle-time',
          'session-time-left',
          'bytes-in',
          'bytes-out',
        ])
      ).map(sessionFrom),
    bindings: async () =>
      (
        await read('/ip/hotspot/ip-binding', [
          '.id',
          'mac-address',
          'address',
          'to-address',
          'server',
          'type',
          'disabled',
          'comment',
        ])
      ).map((r) => ({
        id: text(r, '.id'),
        mac: text(r, 'mac-address'),
        address: text(r, 'address'),
        toAddress: text(r, 'to-address'),
        server: text(r, 'server'),
        type: text(r, 'type') || 'regular',
        disabled: flag(r, 'disabled'),
        comment: text(r, 'comment'),
      })),
    cookies: async () =>
      (await read('/ip/hotspot/cookie', ['.id', 'user', 'domain', 'mac-address', 'expires-in'])).map((r) => ({
        id: text(r, '.id'),
        user: text(r, 'user'),
        mac: text(r, 'mac-address'),
        domain: text(r, 'domain'),
        expiresInSeconds: seconds(r, 'expires-in'),
      })),
    leases: async () =>
      (
        await read('/ip/dhcp-server/lease', [
          '.id',
          'address',
          'mac-address',
          'active-address',
          'active-mac-address',
          'host-name',
          'server',
          'status',
          'expires-after',
          'last-seen',
          'dynamic',
          'blocked',
          'disabled',
          'comment',
        ])
      ).map(leaseFrom),
    log: async () =>
      (await read('/log', ['.id', 'time', 'topics', 'message'])).map((r) => ({
        id: text(r, '.id'),
        time: text(r, 'time'),
        topics: text(r, 'topics').split(',').filter(Boolean),
        message: text(r, 'message'),
      })),
    async resources() {
      const [row] = await read('/system/resource', RESOURCE_PROPS);
      return resourcesFrom(row ?? {});
    },
    health: async () =>
      (await read('/system/health', ['name', 'value', 'type']))
        .filter((r) => r.name !== undefined)
        .map((r) => ({ name: text(r, 'name'), value: text(r, 'value'), unit: text(r, 'type') })),
    interfaces: async () =>
      (
        await read('/interface', [
          '.id',
          'name',
          'type',
          'running',
          'disabled',
          'mac-address',
          'rx-byte',
          'tx-byte',
          'comment',
        ])
      ).map((r) => ({
        id: text(r, '.id'),
        name: text(r, 'name'),
        type: text(r, 'type'),
        running: flag(r, 'running'),
        disabled: flag(r, 'disabled'),
        macAddress: text(r, 'mac-address'),
        rxBytes: whole(r, 'rx-byte'),
        txBytes: whole(r, 'tx-byte'),
        comment: text(r, 'comment'),
      })),
    async traffic(names) {
      if (names.length === 0) return [];
      const rows = await router.command('/interface/monitor-traffic', {
        interface: names.join(','),
        once: '',
      });
      return rows.filter((r) => r.name !== undefined).map(trafficFrom);
    },
    async reboot() {
      if (!router.status.connected)
        throw new RouterError('ROUTER_UNREACHABLE', 'Router not connected (/system/reboot)', {
          command: '/system/reboot',
        });
      try {
        await router.command('/system/reboot');
      } catch (err) {
        if (!wentDown(err)) throw err;
      }
    },
  };
}
