/**
 * Everything the simulated router holds. Configuration lives in `cfg` (persisted); counters and sessions are
 * runtime fields (lost on reboot, FACTS §3 "Counters" ✖ runtime-only).
 */
import { Item, Table } from './table';

export type Pair = [number, number];

export interface Counters {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

export const zeroCounters = (): Counters => ({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });

export interface QueueItem extends Item {
  /** upload/download from the target's point of view (FACTS §3 "Direction"). */
  bytes: Pair;
  packets: Pair;
  rate: Pair;
  packetRate: Pair;
  lastTrafficAt: number;
}

export interface UserItem extends Item {
  /** Accumulated over finished sessions (FACTS §3: statistics are updated when the session ends). */
  uptime: number;
  counters: Counters;
}

export interface HostItem extends Item {
  mac: string;
  ip: string;
  server: string;
  foundAt: number;
  lastSeenAt: number;
  counters: Counters;
  authorized: boolean;
}

export interface ActiveItem extends Item {
  userId: string;
  user: string;
  mac: string;
  ip: string;
  server: string;
  loginAt: number;
  loginBy: string;
  counters: Counters;
  queueId?: string;
}

export const newQueueRuntime = (): Pick<
  QueueItem,
  'bytes' | 'packets' | 'rate' | 'packetRate' | 'lastTrafficAt'
> => ({
  bytes: [0, 0],
  packets: [0, 0],
  rate: [0, 0],
  packetRate: [0, 0],
  lastTrafficAt: 0,
});

export class RouterState {
  identity: string;
  bootAt: number;
  readonly servers = new Table<Item>('/ip/hotspot');
  readonly profiles = new Table<Item>('/ip/hotspot/user/profile');
  readonly users = new Table<UserItem>('/ip/hotspot/user');
  readonly queues = new Table<QueueItem>('/queue/simple');
  readonly bindings = new Table<Item>('/ip/hotspot/ip-binding');
  readonly hosts = new Table<HostItem>('/ip/hotspot/host');
  readonly active = new Table<ActiveItem>('/ip/hotspot/active');
  /** Host lookup by MAC (the hotspot's key for a device). */
  readonly hostsByMac = new Map<string, HostItem>();

  constructor(identity: string, now: number) {
    this.identity = identity;
    this.bootAt = now;
    this.hosts.onChange((kind, h) => {
      if (kind === 'remove') this.hostsByMac.delete(h.mac);
      else this.hostsByMac.set(h.mac, h);
    });
  }

  /** Factory defaults of a fresh hotspot setup. */
  installDefaults(): void {
    this.profiles.insert({ id: this.profiles.newId(), cfg: { ...PROFILE_DEFAULTS, name: 'default' } });
    this.servers.insert({
      id: this.servers.newId(),
      cfg: { ...SERVER_DEFAULTS, name: 'hotspot1', interface: 'bridge-hotspot', profile: 'hsprof1' },
    });
  }

  /** Tables whose config is persisted, by key in the state file. */
  configTables(): Record<string, Table<Item>> {
    return {
      servers: this.servers,
      profiles: this.profiles,
      // The tables hold subtypes of Item; persistence only touches `id`/`cfg`.
      users: this.users as unknown as Table<Item>,
      queues: this.queues as unknown as Table<Item>,
      bindings: this.bindings,
    };
  }
}

export const PROFILE_DEFAULTS: Record<string, string> = {
  'shared-users': '1',
  'session-timeout': '0s',
  'idle-timeout': 'none',
  'keepalive-timeout': '2m',
  'status-autorefresh': '1m',
  'mac-cookie-timeout': '3d',
  'add-mac-cookie': 'true',
  'open-status-page': 'always',
  'transparent-proxy': 'false',
  'insert-queue-before': 'first',
  'parent-queue': 'none',
  advertise: 'false',
};

export const SERVER_DEFAULTS: Record<string, string> = {
  'address-pool': 'none',
  'idle-timeout': '5m',
  'keepalive-timeout': 'none',
  'login-timeout': 'none',
  'addresses-per-mac': 'unlimited',
  disabled: 'false',
  invalid: 'false',
};
