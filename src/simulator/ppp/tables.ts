/**
 * What the simulated router holds for PPPoE subscribers (docs/routeros.md "PPPoE"): the PPP profiles and
 * secrets, the PPPoE servers, the address pools and the firewall address lists are configuration (persisted);
 * the running sessions (`/ppp/active`) and what they hold (an address from a pool, a dynamic address-list entry,
 * a dynamic queue, a dynamic interface with its counters) are runtime and go with the power.
 */
import { Item, Table } from '../table';

/**
 * ◐ The built-in profile as `/ppp/profile/print` shows it on RouterOS 7 (PPP AAA page: the property defaults,
 * with `change-tcp-mss=yes` and `use-ipv6=yes` on the built-in `default`).
 */
export const PPP_PROFILE_DEFAULTS: Record<string, string> = {
  'local-address': '',
  'remote-address': '',
  'bridge-learning': 'default',
  'use-ipv6': 'default',
  'use-mpls': 'default',
  'use-compression': 'default',
  'use-encryption': 'default',
  'only-one': 'default',
  'change-tcp-mss': 'default',
  'use-upnp': 'default',
  'address-list': '',
  'rate-limit': '',
  'session-timeout': '0s',
  'idle-timeout': '0s',
  'insert-queue-before': '',
  'parent-queue': '',
  'on-up': '',
  'on-down': '',
  comment: '',
};

/** ◐ `/ppp/secret` defaults (PPP AAA page): any service, the `default` profile, no caller-id, no byte limits. */
export const PPP_SECRET_DEFAULTS: Record<string, string> = {
  service: 'any',
  'caller-id': '',
  password: '',
  profile: 'default',
  routes: '',
  'ipv6-routes': '',
  'limit-bytes-in': '0',
  'limit-bytes-out': '0',
  disabled: 'false',
  comment: '',
};

/**
 * ◐ `/interface/pppoe-server/server` defaults (PPPoE page). A new server starts disabled, as the PPPoE page gives
 * `disabled` a default of yes: a controller must enable it.
 */
export const PPPOE_SERVER_DEFAULTS: Record<string, string> = {
  'service-name': '',
  'max-mtu': 'auto',
  'max-mru': 'auto',
  mrru: 'disabled',
  authentication: 'pap,chap,mschap1,mschap2',
  'keepalive-timeout': '10',
  'one-session-per-host': 'false',
  'max-sessions': 'unlimited',
  'pado-delay': '0',
  'default-profile': 'default',
  'accept-empty-service': 'true',
  disabled: 'true',
  comment: '',
};

/** ◐ `/ppp/aaa` on a new router (PPP AAA page): local secrets, accounting on, no interim updates. */
export const PPP_AAA_DEFAULTS: Record<string, string> = {
  'use-radius': 'false',
  accounting: 'true',
  'interim-update': '0s',
  'use-circuit-id-in-nas-port-id': 'false',
  'enable-ipv6-accounting': 'false',
};

/** An interface's byte and packet counters since boot, from the router's point of view (a PPP session's too). */
export interface InterfaceCounters {
  rxByte: number;
  txByte: number;
  rxPacket: number;
  txPacket: number;
}

/** What a session took from its secret and profiles when it came up; later changes do not reach it. */
export interface PppSettings {
  profile: string;
  rateLimit: string;
  addressList: string;
  onlyOne: boolean;
}

/** A running PPP session (`/ppp/active`) and the dynamic things it holds. */
export interface PppActiveItem extends Item {
  name: string;
  service: string;
  /** The CPE's MAC, as RouterOS shows a PPPoE peer's caller-id. */
  callerId: string;
  address: string;
  localAddress: string;
  /** The PPPoE server's interface the session came in on, and its service name. */
  serverInterface: string;
  serviceName: string;
  loginAt: number;
  sessionId: string;
  /** `Acct-Session-Id`: eight hex digits (`session-id` shows it as `0x…`). */
  acctSessionId: string;
  /** Set when RADIUS authenticated the session: what its accounting echoes and its interim interval. */
  radius?: { classes: Buffer[]; interimInterval?: number };
  settings: PppSettings;
  /** Counters of the dynamic `<pppoe-NAME>` interface, from the router's side (rx = the subscriber's upload). */
  counters: InterfaceCounters;
  /** bits/s of the last traffic, current until `rateUntil`. */
  rate: [number, number];
  rateUntil: number;
  /** The dynamic interface's `.id` (runtime, never reused in a boot). */
  interfaceId: string;
  queueId?: string;
  addressListId?: string;
  /** Pool addresses the session holds (released when it ends). */
  poolLeases: string[];
}

/** A `/ip/firewall/address-list` entry; `expiresAt` when it has a timeout (such entries are dynamic). */
export interface AddressListItem extends Item {
  createdAt: number;
  expiresAt?: number;
}

/** A pool address in use (`/ip/pool/used`). */
export interface PoolUse {
  pool: string;
  address: string;
  owner: string;
  info: string;
}

export class PppState {
  readonly profiles = new Table<Item>('/ppp/profile');
  readonly secrets = new Table<Item>('/ppp/secret');
  readonly active = new Table<PppActiveItem>('/ppp/active');
  readonly servers = new Table<Item>('/interface/pppoe-server/server');
  readonly pools = new Table<Item>('/ip/pool');
  readonly addressLists = new Table<AddressListItem>('/ip/firewall/address-list');
  /** The router's own addresses (`/ip/address`). */
  readonly addresses = new Table<Item>('/ip/address');
  /** Pool addresses in use, by address. */
  readonly used = new Map<string, PoolUse>();
  aaa: Record<string, string> = { ...PPP_AAA_DEFAULTS };
  /** Dynamic interfaces get `.id`s from here (✖ their numbering is RouterOS's own; ours never repeats in a boot). */
  nextInterfaceId = 0x100;

  /**
   * ◐ The two built-in profiles every RouterOS has, `default` (`.id` `*0`) and `default-encryption`
   * (`*FFFFFFFE`, listed last); they cannot be removed.
   */
  installDefaults(): void {
    this.aaa = { ...PPP_AAA_DEFAULTS };
    const base = { ...PPP_PROFILE_DEFAULTS, 'change-tcp-mss': 'yes', 'use-ipv6': 'yes' };
    this.profiles.insert({ id: '*0', cfg: { ...base, name: 'default' } });
    this.profiles.insert({
      id: '*FFFFFFFE',
      cfg: { ...base, name: 'default-encryption', 'use-encryption': 'yes' },
    });
  }

  /** Tables whose configuration is persisted, by key in the state file. */
  configTables(): Record<string, Table<Item>> {
    return {
      pppProfiles: this.profiles,
      pppSecrets: this.secrets,
      pppoeServers: this.servers,
      pools: this.pools,
      addressLists: this.addressLists as unknown as Table<Item>,
      ipAddresses: this.addresses,
    };
  }
}

/** The built-in profiles: `default` and `default-encryption`. */
export const isBuiltInProfile = (item: Item): boolean => item.id === '*0' || item.id === '*FFFFFFFE';
