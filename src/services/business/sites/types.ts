/** Sites: one router each. The .env router is the fixed site `default` (id 1). */
import type { Actor } from '../audit/actor';
import type { SiteMode } from '../../../domain/site-mode';

/** A site's income today and its vouchers in use (figures.ts reads them from the database). */
export interface SiteFigures {
  /** Vouchers of the site first used today and their price (centavos). */
  incomeToday: { count: number; amount: number };
  /** Vouchers of the site in use now (status active). */
  activeVouchers: number;
}

/** What the API, the admin form and the CLI send; every value is checked by the service (validate.ts). */
export interface SiteInput {
  name?: unknown;
  host?: unknown;
  port?: unknown;
  user?: unknown;
  /** Absent on an edit: the stored password stays. */
  password?: unknown;
  tls?: unknown;
  hotspot_server?: unknown;
  hotspot_user_profile?: unknown;
  tz?: unknown;
  /** The WiFi name on its cards; empty: WIFI_NAME (or the shop's name). */
  wifi_name?: unknown;
  /** `api` (default): the router's API meters and enforces. `radius`: FreeRADIUS and CoA (docs/radius.md). */
  mode?: unknown;
  /** RADIUS: the address the router's RADIUS packets come from. */
  nas_address?: unknown;
  /** RADIUS: the shared secret (absent on an edit: the stored one stays). Never answered. */
  radius_secret?: unknown;
  /** RADIUS: the router's CoA/Disconnect port (`/radius incoming`), default 3799. */
  coa_port?: unknown;
  /** The fixed addresses it gives subscribers: `10.20.0.0/24` or `10.20.0.10-10.20.0.200`; empty: none. */
  static_pool?: unknown;
}

export type { SiteMode };

export interface SiteError {
  /** ROUTER_LOGIN_FAILED, ROUTER_TLS, ROUTER_REFUSED, ROUTER_TIMEOUT, ROUTER_UNREACHABLE, CREDENTIALS_KEY_WRONG… */
  code: string;
  /** Worded for the owner with what to check; never holds a password. */
  message: string;
}

export interface SiteStatus {
  connected: boolean;
  /** `/system/identity` at the last read. */
  identity: string | null;
  /** Rows of `/ip/hotspot/active` at the last read. */
  online: number | null;
  /** Last successful read (ms epoch). */
  lastPollAt: number | null;
  error: SiteError | null;
  /** False when this process does not connect to the router (the terminal menu): what the server last saw. */
  live: boolean;
}

export interface SiteView {
  id: number;
  name: string;
  /** The .env router: its connection comes from ROUTER_* and cannot be edited or removed here. */
  isDefault: boolean;
  host: string;
  port: number;
  user: string;
  tls: boolean;
  /** The password itself is never read back. */
  passwordSet: boolean;
  hotspotServer: string;
  hotspotUserProfile: string;
  /** The site's own time zone, or null for the shop's (TZ). */
  tz: string | null;
  /** The WiFi name printed on its vouchers' cards, or null for WIFI_NAME (or the shop's name). */
  wifiName: string | null;
  /** How its usage is read and its policy enforced: the router's API, or RADIUS (FreeRADIUS, CoA). */
  mode: SiteMode;
  /** RADIUS: the router as a RADIUS client, and its CoA port; null in API mode. */
  nasAddress: string | null;
  coaPort: number | null;
  /** RADIUS: whether a secret is stored (it is never read back). */
  radiusSecretSet: boolean;
  /** The fixed addresses it gives subscribers (a network or a range), or null for none. */
  staticPool: string | null;
  /** Whether this controller reaches the router's API (always in API mode; optional for a RADIUS site). */
  apiAccess: boolean;
  /**
   * RADIUS: user names in its router's accounting of the last 7 days that are no code of this shop (masked); their
   * rows are kept and booked to nobody. Empty in API mode.
   */
  radiusUnknownCodes: string[];
  createdAt: number;
  updatedAt: number;
  status: SiteStatus;
  /** Its income today and active vouchers, from the database (src/services/business/sites/figures.ts). */
  figures: SiteFigures;
}

/** What a removal did: the site, and its open vouchers it ended (revoked, end reason "site removed"). */
export interface SiteRemoval {
  id: number;
  name: string;
  ended: { unused: number; active: number };
}

export interface SiteService {
  list(): Promise<SiteView[]>;
  /**
   * Every site's router status, by id, without the income figures list() sums (the dashboard's Routers tile).
   * `defaultSite: false` leaves out the .env router (whose status in the terminal waits for its first connection).
   */
  statuses(opts?: { defaultSite?: boolean }): Promise<{ id: number; name: string; status: SiteStatus }[]>;
  /** Ids and names only, by id (the admin's site picker): no router state, no figures. */
  names(): Promise<{ id: number; name: string }[]>;
  /** The ids of the sites in RADIUS mode. */
  radiusIds(): Promise<number[]>;
  /** By id (`2`) or name (`branch-2`, any case). */
  get(ref: string | number): Promise<SiteView>;
  add(input: SiteInput, actor: Actor): Promise<SiteView>;
  update(ref: string | number, input: SiteInput, actor: Actor): Promise<SiteView>;
  /**
   * Refuses (409 SITE_HAS_VOUCHERS, with the counts) while the site has unused or active vouchers, unless
   * `force`: then they are ended as revoked in the same transaction as the removal. Audited with the counts.
   * Refuses (409 SITE_HAS_OWN_ITEMS), forced or not, while it sells profiles (not archived) or runs vendos
   * (switched on) of its own; its archived profiles and switched-off vendos become shared.
   */
  remove(ref: string | number, actor: Actor, opts?: { force?: boolean }): Promise<SiteRemoval>;
  /**
   * Makes the router connected now at this site's address the site's router, ending its safe mode (a router
   * replaced, or an empty database meeting a router in use): its next poll brings the router to this database's
   * vouchers. Audited (router.adopt). 503 SITE_UNREACHABLE when this process is not connected to that router.
   */
  adopt(
    ref: string | number,
    actor: Actor,
  ): Promise<{ site: { id: number; name: string }; identity: string | null }>;
  /**
   * The site a `?site=` / `--site` narrows a list or report to, by id or name: undefined for none (empty or
   * `all`); an unknown site is a 400 INVALID_INPUT on the field `site`.
   */
  scope(ref: unknown): Promise<{ id: number; name: string } | undefined>;
  /**
   * The one site whose router sees `mac` at `ip` (a controller with one router: that one); null when none or
   * several do, or in the terminal menu (no router is asked). For what is sold per site (the portal's plans).
   */
  deviceSite(mac: string, ip: string): Promise<{ id: number; name: string } | null>;
}

/** What the sites service asks of the server's connections to the sites' routers (src/services/network/site-monitor). */
export interface SiteWatch {
  /** After an add or an edit. */
  siteChanged(id: number): Promise<void>;
  /** After a remove. */
  siteRemoved(id: number): Promise<void>;
  /** The last read of a site, or undefined for one it does not hold. */
  status(id: number): SiteStatus | undefined;
  /** Reads the site now; never throws. */
  refresh(id: number): Promise<void>;
}

/**
 * What the sites service asks of the server that lets a site's customers in when it is not the router itself
 * (FreeRADIUS, src/services/network/radius/status.ts): undefined and none for a site it does not serve.
 */
export interface SiteLoginServer {
  /** The site's state from what that server heard of its router (`api`: its API connection's, when it has one). */
  status(site: SiteRow, api: SiteStatus | undefined): Promise<SiteStatus | undefined>;
  /** User names its router reported lately that are no code or subscriber of this shop (at most 10). */
  unknownUsers(site: SiteRow): Promise<string[]>;
}

/** The row as stored. */
export interface SiteRow {
  id: number;
  name: string;
  host: string | null;
  port: number | null;
  username: string | null;
  password_enc: string | null;
  tls: boolean | number | null;
  hotspot_server: string | null;
  hotspot_user_profile: string | null;
  tz: string | null;
  wifi_name: string | null;
  mode?: string | null;
  nas_address?: string | null;
  radius_secret_enc?: string | null;
  coa_port?: number | null;
  static_pool?: string | null;
  identity: string | null;
  online: number | null;
  last_poll_at: number | string | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export const DEFAULT_SITE_ID = 1;
export const DEFAULT_SITE_NAME = 'default';
