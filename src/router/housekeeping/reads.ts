/**
 * The housekeeping reads' menus, properties and row readers (docs/routeros.md "Housekeeping reads"): what each
 * read returns is the type its reader builds (types.ts).
 */
import { parseRouterDuration } from '../../domain/units';
import type { RosRow } from '../types';

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
export interface ListRead<T> {
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
    /** The address the hotspot translates it to (the same unless the device came with a foreign address). */
    toAddress: text(r, 'to-address'),
    server: text(r, 'server'),
  };
}

export function resourcesFrom(r: RosRow) {
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
    /** Per cent. */
    cpuLoad: leadingNumber(r, 'cpu-load'),
    freeMemory: numberOrNull(r, 'free-memory'),
    totalMemory: numberOrNull(r, 'total-memory'),
    freeHdd: numberOrNull(r, 'free-hdd-space'),
    totalHdd: numberOrNull(r, 'total-hdd-space'),
  };
}

export function trafficFrom(r: RosRow) {
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
export const HOSTS = {
  menu: '/ip/hotspot/host',
  props: props(
    '.id mac-address address to-address server uptime idle-time bytes-in bytes-out authorized bypassed comment',
  ),
  from: (r: RosRow) => ({
    ...mapped(r),
    uptimeSeconds: seconds(r, 'uptime'),
    idleSeconds: seconds(r, 'idle-time'),
    /** Bytes from the device (its upload) and to it (its download). */
    bytesIn: whole(r, 'bytes-in'),
    bytesOut: whole(r, 'bytes-out'),
    authorized: flag(r, 'authorized'),
    bypassed: flag(r, 'bypassed'),
    comment: text(r, 'comment'),
  }),
};
export const SESSIONS = {
  menu: '/ip/hotspot/active',
  props: props(
    '.id server user address mac-address login-by uptime idle-time session-time-left bytes-in bytes-out',
  ),
  from: (r: RosRow) => ({
    id: text(r, '.id'),
    server: text(r, 'server'),
    user: text(r, 'user'),
    address: text(r, 'address'),
    mac: text(r, 'mac-address'),
    loginBy: text(r, 'login-by'),
    uptimeSeconds: seconds(r, 'uptime'),
    idleSeconds: seconds(r, 'idle-time'),
    /** Until the router ends it (limit-uptime or session timeout); null: no limit. */
    timeLeftSeconds: seconds(r, 'session-time-left'),
    bytesIn: whole(r, 'bytes-in'),
    bytesOut: whole(r, 'bytes-out'),
  }),
};
export const BINDINGS = {
  menu: '/ip/hotspot/ip-binding',
  props: props('.id mac-address address to-address server type disabled comment'),
  from: (r: RosRow) => ({
    ...mapped(r),
    /** `regular`, `bypassed` (through without login) or `blocked`. */
    type: text(r, 'type') || 'regular',
    disabled: flag(r, 'disabled'),
    comment: text(r, 'comment'),
  }),
};
export const COOKIES = {
  menu: '/ip/hotspot/cookie',
  props: props('.id user domain mac-address expires-in'),
  from: (r: RosRow) => ({
    id: text(r, '.id'),
    user: text(r, 'user'),
    mac: text(r, 'mac-address'),
    domain: text(r, 'domain'),
    expiresInSeconds: seconds(r, 'expires-in'),
  }),
};
export const LEASES = {
  menu: '/ip/dhcp-server/lease',
  props: props(
    '.id address mac-address active-address active-mac-address host-name server status expires-after last-seen dynamic blocked disabled comment',
  ),
  from: (r: RosRow) => ({
    id: text(r, '.id'),
    address: text(r, 'active-address') || text(r, 'address'),
    mac: text(r, 'active-mac-address') || text(r, 'mac-address'),
    /** What the device called itself when it asked ('' when it sent no name). */
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
export const LOG = {
  menu: '/log',
  props: props('.id time topics message'),
  from: (r: RosRow) => ({
    id: text(r, '.id'),
    /** As the router prints it, on its own clock: `10:02:11` today, `2026-01-04 23:59:01` before. */
    time: text(r, 'time'),
    topics: text(r, 'topics').split(',').filter(Boolean),
    message: text(r, 'message'),
  }),
};
export const INTERFACES = {
  menu: '/interface',
  props: props('.id name type running disabled mac-address rx-byte tx-byte comment'),
  from: (r: RosRow) => ({
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
/**
 * ◐ RouterOS 7: one row per sensor; a row without a name is not one. Its unit (`type`): `C`, `V`, `RPM`, `W`, `A`
 * or '' (a state such as `ok`).
 */
export const HEALTH = {
  menu: '/system/health',
  props: props('name value type'),
  from: (r: RosRow) =>
    r.name === undefined ? null : { name: text(r, 'name'), value: text(r, 'value'), unit: text(r, 'type') },
};
export const RESOURCE_PROPS = props(
  'uptime version build-time factory-software board-name architecture-name platform cpu cpu-count cpu-frequency cpu-load free-memory total-memory free-hdd-space total-hdd-space',
);
