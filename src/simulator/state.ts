/**
 * Everything the simulated router holds. Configuration lives in `cfg` (persisted); counters and sessions are
 * runtime fields (lost on reboot, docs/routeros.md "Counters" ✖ runtime-only).
 */
import { type InterfaceCounters, PppState } from './ppp/tables';
import type { License } from './license';
import { Item, Table } from './table';
import {
  FACTORY_LOGIN_HTML,
  FILTER_DEFAULTS,
  HOTSPOT_PLACEHOLDER_COMMENT,
  PROFILE_DEFAULTS,
  RADIUS_INCOMING_DEFAULTS,
  SERVER_DEFAULTS,
  SERVER_PROFILE_DEFAULTS,
  SERVICE_PORTS,
} from './defaults';

export * from './defaults';

export type Pair = [number, number];

export interface Counters {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

export const zeroCounters = (): Counters => ({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });

export interface QueueItem extends Item {
  /** upload/download from the target's point of view (docs/routeros.md "Direction"). */
  bytes: Pair;
  packets: Pair;
  rate: Pair;
  packetRate: Pair;
  lastTrafficAt: number;
}

export interface UserItem extends Item {
  /**
   * Accumulated over finished sessions (statistics are updated when the session ends,
   * docs/routeros.md "Hotspot user limits").
   */
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
  /** upload/download bits/s of its last traffic, counted as current until `rateUntil` (interface monitors). */
  rate: Pair;
  rateUntil: number;
}

/** A hotspot HTTP cookie (`/ip/hotspot/cookie`): lets the same browser log in again without the code. */
export interface CookieItem extends Item {
  user: string;
  mac: string;
  expiresAt: number;
  /** The login information it was made with: a cookie login is that login again (cookies.ts). Never printed. */
  password: string;
  /** What the browser holds (the value of its cookie); never printed. */
  token: string;
  /** Made under a user profile with `add-mac-cookie`: with `mac-cookie` in login-by the device needs no browser. */
  macCookie: boolean;
}

/** A dynamic DHCP lease of a device on the hotspot network (`/ip/dhcp-server/lease`). */
export interface LeaseItem extends Item {
  mac: string;
  ip: string;
  server: string;
  hostName?: string;
  assignedAt: number;
}

export type { InterfaceCounters };

export const zeroInterfaceCounters = (): InterfaceCounters => ({
  rxByte: 0,
  txByte: 0,
  rxPacket: 0,
  txPacket: 0,
});

/**
 * What a RADIUS Access-Accept gave a session (docs/routeros.md "RADIUS"): each value, when present, overrides
 * the session's user profile. Times in seconds, bytes as integers.
 */
export interface RadiusGrant {
  rateLimit?: string;
  sessionTimeout?: number;
  idleTimeout?: number;
  limitBytesTotal?: number;
  interimInterval?: number;
  /** `Class` attributes of the Access-Accept, echoed in every accounting request. */
  classes: Buffer[];
}

export interface ActiveItem extends Item {
  /** The local `/ip/hotspot/user`'s `.id`; empty for a session that RADIUS authenticated. */
  userId: string;
  user: string;
  mac: string;
  ip: string;
  server: string;
  loginAt: number;
  loginBy: string;
  counters: Counters;
  queueId?: string;
  /** The hotspot user profile the session runs with. */
  profile: string;
  /** `Acct-Session-Id`: eight hex digits, unique per session (docs/routeros.md "RADIUS"). */
  acctSessionId: string;
  /** Set when RADIUS authenticated the session (`radius=true` in `/ip/hotspot/active`). */
  radius?: RadiusGrant;
  /**
   * A local user's limits as the session took them at login (docs/routeros.md "Hotspot user limits"): the user's
   * `limit-*` minus what its ended sessions had used then. A later change to the user reaches the session only at
   * its next login. Bytes and seconds; 0 = no limit.
   */
  fixed?: SessionLimits;
}

/** What a session may move and how long it may last, fixed at its login (0 = no limit). */
export interface SessionLimits {
  bytesIn: number;
  bytesOut: number;
  bytesTotal: number;
  uptime: number;
}

/** A `/ip/firewall/filter` rule; its counters are runtime-only like a queue's. */
export interface FilterItem extends Item {
  bytes: number;
  packets: number;
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

/** A new item with this configuration, at the end of the list. */
export function addItem(table: Table<Item>, cfg: Record<string, string>): void {
  table.insert({ id: table.newId(), cfg });
}

export class RouterState {
  identity: string;
  bootAt: number;
  readonly servers = new Table<Item>('/ip/hotspot');
  readonly profiles = new Table<Item>('/ip/hotspot/user/profile');
  /** Hotspot server profiles (`/ip/hotspot/profile`): the login page's address and directory. */
  readonly serverProfiles = new Table<Item>('/ip/hotspot/profile');
  readonly users = new Table<UserItem>('/ip/hotspot/user');
  readonly queues = new Table<QueueItem>('/queue/simple');
  readonly bindings = new Table<Item>('/ip/hotspot/ip-binding');
  readonly hosts = new Table<HostItem>('/ip/hotspot/host');
  readonly active = new Table<ActiveItem>('/ip/hotspot/active');
  readonly filters = new Table<FilterItem>('/ip/firewall/filter');
  /** `/ip/firewall/nat`: rules like the filter's (counters runtime-only). */
  readonly nat = new Table<FilterItem>('/ip/firewall/nat');
  /** Runtime, like sessions: cookies of HTTP logins and the DHCP server's dynamic leases. */
  readonly cookies = new Table<CookieItem>('/ip/hotspot/cookie');
  readonly leases = new Table<LeaseItem>('/ip/dhcp-server/lease');
  /** The hotspot walled garden: HTTP-level (`/ip/hotspot/walled-garden`) and IP-level (`…/ip`) entries. */
  readonly walledGarden = new Table<Item>('/ip/hotspot/walled-garden');
  readonly walledGardenIp = new Table<Item>('/ip/hotspot/walled-garden/ip');
  /** The router's files (`/file`): `name` is the full path, `contents` the text. */
  readonly files = new Table<Item>('/file');
  /** The router's own services (`/ip/service`): api, api-ssl, www, winbox… */
  readonly services = new Table<Item>('/ip/service');
  /** RADIUS servers the router asks (`/radius`), in list order. */
  readonly radius = new Table<Item>('/radius');
  /** PPPoE subscribers: PPP profiles and secrets, PPPoE servers, pools, address lists, PPP sessions. */
  readonly ppp = new PppState();
  /** `/radius/incoming`: one settings row, persisted with the configuration. */
  radiusIncoming: Record<string, string> = { ...RADIUS_INCOMING_DEFAULTS };
  /** Counters per interface name since boot (missing: all zero). */
  readonly interfaceCounters = new Map<string, InterfaceCounters>();
  license: License;
  /** Host lookup by MAC (the hotspot's key for a device). */
  readonly hostsByMac = new Map<string, HostItem>();
  /**
   * The answer to `/ip hotspot setup`'s "DNS name of local hotspot server" question, which the setup writes into
   * the server profile it makes (`hsprof1`); empty when the question was skipped. Used whenever the setup is done
   * again (a reset configuration), as the owner would answer it again.
   */
  setupDnsName = '';
  private acctSessionSeq = 0;

  constructor(identity: string, now: number, license: License) {
    this.newAcctSessionBase();
    this.identity = identity;
    this.bootAt = now;
    this.license = license;
    this.hosts.onChange((kind, h) => {
      if (kind === 'remove') this.hostsByMac.delete(h.mac);
      else this.hostsByMac.set(h.mac, h);
    });
  }

  /**
   * The machine's interfaces, for arguments that name one. A CHR in a shop PC has a WAN and a LAN port; a
   * RouterBOARD (a hAP ac² here) has five Ethernet ports and two radios. Both carry the hotspot bridge.
   */
  interfaces(): string[] {
    return this.license.board === 'routerboard'
      ? ['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'wlan1', 'wlan2', 'bridge-hotspot']
      : ['ether1', 'ether2', 'bridge-hotspot'];
  }

  /**
   * The next `Acct-Session-Id`. ◐ RouterOS prints eight lower-case hex digits (`81a00005` in accounting records
   * published from hotspots); ✖ how it makes them: here a random start per boot, counting up.
   */
  nextAcctSessionId(): string {
    this.acctSessionSeq = (this.acctSessionSeq + 1) >>> 0;
    return this.acctSessionSeq.toString(16).padStart(8, '0');
  }

  /** A boot: session ids start from a new random point, so a session after a reboot never reuses an id. */
  newAcctSessionBase(random: () => number = Math.random): void {
    this.acctSessionSeq = (0x80000000 + Math.floor(random() * 0x7ff) * 0x100000) >>> 0;
  }

  /** Factory defaults of a fresh hotspot setup. */
  installDefaults(): void {
    this.radiusIncoming = { ...RADIUS_INCOMING_DEFAULTS };
    addItem(this.profiles, { ...PROFILE_DEFAULTS, name: 'default' });
    this.installServerProfiles();
    this.installServices();
    this.installHotspotFiles();
    this.ppp.installDefaults();
    addItem(this.servers, {
      ...SERVER_DEFAULTS,
      name: 'hotspot1',
      interface: 'bridge-hotspot',
      profile: 'hsprof1',
    });
    // RouterOS's hotspot setup leaves this disabled placeholder in the filter list (it shows up in many
    // published exports); the hotspot's own dynamic rules are listed next to it. No FastTrack rule: the
    // simulated machine is a CHR, which starts without the home-router default firewall.
    this.filters.insert({
      id: this.filters.newId(),
      cfg: {
        ...FILTER_DEFAULTS,
        chain: 'unused-hs-chain',
        action: 'passthrough',
        disabled: 'true',
        comment: HOTSPOT_PLACEHOLDER_COMMENT,
      },
      bytes: 0,
      packets: 0,
    });
  }

  /**
   * The server profiles a fresh `/ip hotspot setup` leaves: the built-in `default` and the setup's `hsprof1`
   * (the hotspot's gateway address, and the DNS name typed during setup: `setupDnsName`, often none).
   */
  installServerProfiles(): void {
    addItem(this.serverProfiles, { ...SERVER_PROFILE_DEFAULTS, name: 'default' });
    addItem(this.serverProfiles, {
      ...SERVER_PROFILE_DEFAULTS,
      name: 'hsprof1',
      'hotspot-address': '10.5.50.1',
      'dns-name': this.setupDnsName,
    });
  }

  /**
   * ✔ The services every RouterOS 7 has (`/ip/service print`): all on their standard ports, any address.
   * ◐ Which are enabled out of the box varies by version; here the API ones are on, as the controller needs.
   */
  installServices(): void {
    for (const [name, port] of SERVICE_PORTS)
      addItem(this.services, {
        name,
        port: String(port),
        address: '',
        disabled: 'false',
        ...(name.endsWith('ssl') ? { certificate: 'none' } : {}),
      });
  }

  /** ✔ The hotspot setup copies the factory pages into its html-directory (`hotspot`): its login page among them. */
  installHotspotFiles(): void {
    addItem(this.files, { name: 'hotspot', type: 'directory', 'last-modified': '' });
    addItem(this.files, {
      name: 'hotspot/login.html',
      type: 'html file',
      contents: FACTORY_LOGIN_HTML,
      'last-modified': '',
    });
  }

  /** Tables whose config is persisted, by key in the state file. */
  configTables(): Record<string, Table<Item>> {
    return {
      servers: this.servers,
      profiles: this.profiles,
      serverProfiles: this.serverProfiles,
      filters: this.filters as unknown as Table<Item>,
      nat: this.nat as unknown as Table<Item>,
      // The tables hold subtypes of Item; persistence only touches `id`/`cfg`.
      users: this.users as unknown as Table<Item>,
      queues: this.queues as unknown as Table<Item>,
      bindings: this.bindings,
      radius: this.radius,
      walledGarden: this.walledGarden,
      walledGardenIp: this.walledGardenIp,
      files: this.files,
      services: this.services,
      ...this.ppp.configTables(),
    };
  }
}
