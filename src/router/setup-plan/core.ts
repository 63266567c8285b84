/**
 * What the product needs of a router, decided from plain data (docs/router-setup.md): each item `ok`, `missing`
 * or `wrong`, the RouterOS command that fixes it, and the API writes that make it ok. Nothing here talks to the
 * router; src/router/setup.ts reads the facts and performs the writes, src/services/network/router-setup runs both.
 *
 * Ours is what carries `pisonet` in its comment. Nothing else is changed, except the settings named here
 * (the voucher profile's rate-limit and shared-users, the login page file, the RADIUS client settings, the API
 * service's addresses) and the FastTrack rule, which is disabled.
 */
export type SetupState = 'ok' | 'missing' | 'wrong';
export const SETUP_ITEM_IDS = [
  'hotspot',
  'user-profile',
  'walled-garden',
  'login-page',
  'fasttrack',
  'radius',
  'radius-incoming',
  'use-radius',
  'bypass',
  'api-service',
  'pppoe-server',
  'suspended-redirect',
] as const;
export type SetupItemId = (typeof SETUP_ITEM_IDS)[number];

/** Items that only report: the owner sets them up on the router; they have no Fix. */
export const REPORT_ONLY_ITEMS: readonly SetupItemId[] = ['hotspot', 'pppoe-server'];

/** One row of a router reply, as the router adapter returns it. */
export type Row = Record<string, string>;

/** One API write that a fix needs. `fetch` asks the router to download `attrs.url` to `attrs['dst-path']`. */
export interface SetupWrite {
  verb: 'add' | 'set' | 'unset' | 'disable' | 'fetch';
  menu: string;
  id?: string;
  attrs: Record<string, string>;
  /** The write as it goes in the audit log and on screen (a secret shown as `***`). */
  shown: string;
}

export interface SetupItem {
  id: SetupItemId;
  state: SetupState;
  detail: string;
  /** The RouterOS terminal command that fixes it, or '' when it is ok. */
  fix: string;
  /** The API writes `--apply` makes (empty when ok, or when not fixable here: `hotspot`). */
  writes: SetupWrite[];
  /**
   * For the login page: the same page written through `/file` contents, used when the fetch did not leave the
   * right file (the router cannot reach the controller). Empty where the router has no `/file/add` (before 7.9).
   */
  fallback?: SetupWrite[];
}

/** What was read from the router. */
export interface SetupFacts {
  version: string;
  servers: Row[];
  serverProfiles: Row[];
  userProfiles: Row[];
  walledGarden: Row[];
  walledGardenIp: Row[];
  files: Row[];
  filters: Row[];
  bindings: Row[];
  /** `/ip/hotspot/host`: the devices the hotspot sees (the controller among them when it is inside). */
  hosts: Row[];
  services: Row[];
  /** RADIUS sites only. */
  radius?: Row[];
  radiusIncoming?: Row;
  /**
   * Sites that sell monthly plans: the PPPoE servers, the PPP profiles, the NAT rules and the forward filter
   * rules, and the payment pages' address-list entries.
   */
  ppp?: { servers: Row[]; profiles: Row[]; nat: Row[]; forward: Row[]; paymentList: Row[] };
}

/** What the shop's configuration wants. */
export interface SetupWants {
  /** HOTSPOT_SERVER: a server name or `all`. */
  hotspotServer: string;
  /** HOTSPOT_USER_PROFILE and the largest `users` of the shop's profiles. */
  userProfile: string;
  sharedUsers: number;
  /** Where customers reach the portal: an IPv4 address and port; `host` when PORTAL_URL names one. */
  portal: { address: string; port: number; host?: string };
  /** More host names customers must reach before they log in (payment pages), from the composition. */
  extraHosts: string[];
  /** The login page: its contents, and the address the router fetches it from. */
  loginPage: { contents: string; url: string };
  /** The controller as the router sees it: its address, and its MAC when known. */
  controller: { address: string; mac?: string };
  /** The API service the controller uses (`api` or `api-ssl`); undefined: leave it alone. */
  apiService?: string;
  /** RADIUS sites: the RADIUS server (FreeRADIUS on the controller), its secret and the CoA port. */
  radius?: { address: string; secret: string; coaPort: number };
  /** Sites that sell monthly plans: each plan and the `/ip/pool` it names (null: the server's default profile's). */
  ppp?: { plans: Array<{ name: string; pool: string | null }> };
}

export const OURS = 'pisonet';
export const isOurs = (r: Row): boolean => (r.comment ?? '').toLowerCase().includes(OURS);
export const enabled = (r: Row): boolean => r.disabled !== 'true' && r.disabled !== 'yes';
export const q = (v: string): string => (/^[A-Za-z0-9._:/*-]+$/.test(v) ? v : JSON.stringify(v));

export function item(
  id: SetupItemId,
  state: SetupState,
  detail: string,
  fix = '',
  writes: SetupWrite[] = [],
): SetupItem {
  return { id, state, detail, fix: state === 'ok' ? '' : fix, writes: state === 'ok' ? [] : writes };
}

/** An item that `writes` make ok: its fix is their terminal commands. */
export function fixedBy(id: SetupItemId, state: SetupState, detail: string, writes: SetupWrite[]): SetupItem {
  return item(id, state, detail, writes.map((w) => w.shown).join('\n'), writes);
}

/** The RouterOS terminal spelling of an API menu: `/ip/hotspot/walled-garden/ip` → `/ip hotspot walled-garden ip`. */
function cliMenu(menu: string): string {
  const [first, ...rest] = menu.split('/').filter(Boolean);
  return `/${first}${rest.length ? ' ' + rest.join(' ') : ''}`;
}

function attrsText(attrs: Record<string, string>, secret?: string): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${secret !== undefined && v === secret ? '***' : q(v)}`)
    .join(' ');
}

export function write(
  verb: SetupWrite['verb'],
  menu: string,
  attrs: Record<string, string>,
  ref?: { id: string; find: string },
  secret?: string,
): SetupWrite {
  const target = ref ? ` ${ref.find}` : '';
  const shown =
    verb === 'fetch'
      ? `/tool fetch ${attrsText(attrs)}`
      : verb === 'unset'
        ? `${cliMenu(menu)} unset${target} ${attrs['value-name']}`
        : `${cliMenu(menu)} ${verb}${target}${Object.keys(attrs).length ? ' ' + attrsText(attrs, secret) : ''}`;
  return { verb, menu, id: ref?.id, attrs, shown };
}

/** The enabled hotspot servers the site uses (HOTSPOT_SERVER, or all of them). */
export function siteServers(facts: SetupFacts, wants: SetupWants): Row[] {
  return facts.servers.filter(
    (s) => enabled(s) && (wants.hotspotServer === 'all' || s.name === wants.hotspotServer),
  );
}
