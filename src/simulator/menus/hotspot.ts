/**
 * `/ip/hotspot` menus (docs/routeros.md "Hotspot"): servers, user profiles, users, ip-bindings (config),
 * active sessions, hosts and cookies (runtime).
 */
import { CATEGORY, MSG_DUPLICATE_NAME, MSG_DUPLICATE_USER, msgInvalidValue, Trap } from '../messages';
import type { Row } from '../query';
import type { HotspotLogin } from '../hotspot-login';
import type { Hotspot } from '../sessions';
import {
  ActiveItem,
  CookieItem,
  HostItem,
  PROFILE_DEFAULTS,
  SERVER_DEFAULTS,
  SERVER_PROFILE_DEFAULTS,
  SERVER_PROFILE_RADIUS_DEFAULTS,
  UserItem,
  zeroCounters,
} from '../state';
import type { Item, Table } from '../table';
import { formatDuration, formatSeconds, parseDuration, parseRateLimit, parseUint } from '../values';
import {
  bool,
  configVerbs,
  ConfigSpec,
  duration,
  mac,
  Menu,
  oneOf,
  ref,
  renderConfig,
  SimCore,
  targets,
  uint,
} from './common';
import { unsetVerb } from './setup';

const durationOrNone = (v: string, arg: string): string => (v === 'none' ? v : duration(v, arg));

export function serverMenu(core: SimCore): Menu {
  const table = core.state.servers;
  const spec: ConfigSpec = {
    defaults: { ...SERVER_DEFAULTS, interface: '', profile: 'default' },
    duplicate: MSG_DUPLICATE_NAME,
    autoName: 'hotspot',
    fields: {
      disabled: bool,
      'idle-timeout': durationOrNone,
      'keepalive-timeout': durationOrNone,
      'login-timeout': durationOrNone,
    },
  };
  return configMenu('/ip/hotspot', table, spec, core);
}

export function profileMenu(core: SimCore): Menu {
  const table = core.state.profiles;
  const spec: ConfigSpec = {
    defaults: PROFILE_DEFAULTS,
    duplicate: MSG_DUPLICATE_NAME,
    autoName: 'profile',
    fields: {
      'shared-users': (v, arg) => (v === 'unlimited' ? v : uint(v, arg)),
      // Kept as written (docs/routeros.md "Rate-limit format"); only checked that it parses.
      'rate-limit': (v, arg) => {
        if (v !== '' && !parseRateLimit(v)) throw new Trap(msgInvalidValue(arg), CATEGORY.argument);
        return v;
      },
      'session-timeout': duration,
      'idle-timeout': durationOrNone,
      'keepalive-timeout': durationOrNone,
      'status-autorefresh': duration,
      'mac-cookie-timeout': duration,
      'add-mac-cookie': bool,
      'transparent-proxy': bool,
      advertise: bool,
    },
  };
  const menu = configMenu('/ip/hotspot/user/profile', table, spec, core);
  // ✔ [INSPECT] `unset` clears a property (the router setup clears the vouchers' profile's rate-limit).
  return { ...menu, commands: { ...menu.commands, unset: unsetVerb(table, spec, core) } };
}

const LOGIN_METHODS = ['mac', 'cookie', 'http-chap', 'https', 'http-pap', 'trial', 'mac-cookie'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** ◐ The MAC formats RouterOS offers for RADIUS (published router data's list). */
export const RADIUS_MAC_FORMATS = [
  'XX XX XX XX XX XX',
  'XX:XX:XX:XX:XX:XX',
  'XXXXXX-XXXXXX',
  'XXXXXXXXXXXX',
  'XX-XX-XX-XX-XX-XX',
  'XXXX:XXXX:XXXX',
  'XXXXXX:XXXXXX',
];

/** ✖ `nas-port-type` by name (the old manual's three) or as a number (RFC 2865's NAS-Port-Type values). */
const NAS_PORT_TYPES = ['ethernet', 'cable', 'wireless-802.11'];

/**
 * ◐ `radius-interim-update`: `received` (the server's Acct-Interim-Interval) or a time; `0s` is the same as
 * `received` and prints so.
 */
const interimUpdate = (v: string, arg: string): string => {
  if (v === 'received') return v;
  const s = parseDuration(v);
  if (s === null) return failInvalid(arg);
  return s === 0 ? 'received' : formatDuration(s);
};

/**
 * `/ip/hotspot/profile`: server profiles (the login page's `dns-name`, gateway address, login methods, RADIUS).
 * The RADIUS settings are listed only while `use-radius` is on (state.ts SERVER_PROFILE_RADIUS_DEFAULTS).
 */
export function serverProfileMenu(core: SimCore): Menu {
  const spec: ConfigSpec = {
    defaults: SERVER_PROFILE_DEFAULTS,
    duplicate: MSG_DUPLICATE_NAME,
    autoName: 'hsprof',
    fields: {
      'hotspot-address': (v, arg) => {
        if (!IPV4.test(v)) throw new Trap(msgInvalidValue(arg), CATEGORY.argument);
        return v;
      },
      'login-by': (v, arg) => {
        const methods = v.split(',').filter(Boolean);
        if (!methods.every((m) => LOGIN_METHODS.includes(m)))
          throw new Trap(msgInvalidValue(arg), CATEGORY.argument);
        return methods.join(',');
      },
      'http-cookie-lifetime': duration,
      'split-user-domain': bool,
      'install-hotspot-queue': bool,
      'use-radius': bool,
      'radius-accounting': bool,
      'radius-interim-update': interimUpdate,
      'radius-mac-format': oneOf(...RADIUS_MAC_FORMATS),
      'nas-port-type': (v, arg) =>
        NAS_PORT_TYPES.includes(v) || parseUint(v) !== null ? v : failInvalid(arg),
      'mac-auth-mode': oneOf('mac-as-username', 'mac-as-username-and-password'),
      'trial-uptime-limit': duration,
      'trial-uptime-reset': duration,
      'trial-user-profile': ref(() => core.state.profiles),
    },
  };
  const table = core.state.serverProfiles;
  const render = (item: Item): Row => {
    const radius = item.cfg['use-radius'] === 'true';
    const row = renderConfig(
      item,
      radius ? { ...SERVER_PROFILE_RADIUS_DEFAULTS, ...radiusPart(item.cfg) } : {},
    );
    if (!radius) for (const k of Object.keys(SERVER_PROFILE_RADIUS_DEFAULTS)) delete row[k];
    return row;
  };
  return {
    path: '/ip/hotspot/profile',
    table,
    render,
    rows: () => table.list.map(render),
    commands: configVerbs(table, spec, core),
  };
}

function radiusPart(cfg: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(SERVER_PROFILE_RADIUS_DEFAULTS)) if (cfg[k] !== undefined) out[k] = cfg[k];
  return out;
}

export function bindingMenu(core: SimCore): Menu {
  const spec: ConfigSpec = {
    defaults: { type: 'regular', server: 'all', disabled: 'false', comment: '' },
    fields: {
      'mac-address': mac,
      type: oneOf('regular', 'bypassed', 'blocked'),
      server: ref(() => core.state.servers, 'all'),
      disabled: bool,
    },
  };
  return configMenu('/ip/hotspot/ip-binding', core.state.bindings, spec, core);
}

function configMenu(path: string, table: Table<Item>, spec: ConfigSpec, core: SimCore): Menu {
  return {
    path,
    table,
    render: (item) => renderConfig(item),
    rows: () => table.list.map((i) => renderConfig(i)),
    commands: configVerbs(table, spec, core),
  };
}

function counterFields(c: { bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number }): Row {
  return {
    'bytes-in': String(c.bytesIn),
    'bytes-out': String(c.bytesOut),
    'packets-in': String(c.packetsIn),
    'packets-out': String(c.packetsOut),
  };
}

export function renderUser(u: UserItem): Row {
  const { comment, disabled, name, ...cfg } = u.cfg;
  const row: Row = {
    '.id': u.id,
    name,
    ...cfg,
    uptime: formatDuration(u.uptime),
    ...counterFields(u.counters),
  };
  row.dynamic = String(u.dynamic === true);
  row.disabled = disabled;
  if (comment) row.comment = comment;
  return row;
}

export function userMenu(core: SimCore): Menu {
  const users = core.state.users;
  const generic = users as unknown as Table<Item>;
  const spec: ConfigSpec = {
    defaults: { server: 'all', password: '', profile: 'default', disabled: 'false', comment: '' },
    duplicate: MSG_DUPLICATE_USER,
    noun: 'user',
    fields: {
      name: (v, arg) => (v === '' ? failInvalid(arg) : v),
      profile: ref(() => core.state.profiles),
      server: ref(() => core.state.servers, 'all'),
      'mac-address': mac,
      'limit-uptime': duration,
      'limit-bytes-in': uint,
      'limit-bytes-out': uint,
      'limit-bytes-total': uint,
      disabled: bool,
    },
  };
  const create = (id: string, cfg: Record<string, string>): UserItem => ({
    id,
    cfg,
    uptime: 0,
    counters: zeroCounters(),
  });
  return {
    path: '/ip/hotspot/user',
    table: generic,
    render: (item) => renderUser(item as UserItem),
    rows: () => users.list.map(renderUser),
    commands: {
      ...configVerbs(generic, spec, core, create),
      'reset-counters': (args) => {
        for (const u of targets(users, args)) {
          u.uptime = 0;
          u.counters = zeroCounters();
          users.emit('set', u);
        }
        core.configChanged();
      },
    },
  };
}

function failInvalid(arg: string): never {
  throw new Trap(msgInvalidValue(arg), CATEGORY.argument);
}

/**
 * `/ip/hotspot/active`: ✔ a session's limits are listed when it has them (`idle-timeout`, `limit-bytes-total`);
 * `radius` says whether RADIUS authenticated it. Its `login` waits for a RADIUS answer when it asks one.
 */
export function activeMenu(
  core: SimCore,
  hotspot: Hotspot,
  login: HotspotLogin,
  byteLimitPrinted: () => boolean = () => true,
): Menu {
  const active = core.state.active;
  const render = (a: ActiveItem): Row => {
    const left = hotspot.timeLeft(a);
    const idle = hotspot.idleTimeout(a);
    const row: Row = {
      '.id': a.id,
      server: a.server,
      user: a.user,
      domain: '',
      address: a.ip,
      'mac-address': a.mac,
      'login-by': a.loginBy,
      uptime: formatSeconds(hotspot.sessionUptime(a)),
      'idle-time': formatSeconds(hotspot.idleTime(a)),
    };
    if (left !== null) row['session-time-left'] = formatSeconds(left);
    if (idle > 0) row['idle-timeout'] = formatDuration(idle);
    const bytesLimit = a.fixed?.bytesTotal ?? a.radius?.limitBytesTotal;
    if (bytesLimit && byteLimitPrinted()) row['limit-bytes-total'] = String(bytesLimit);
    return Object.assign(row, counterFields(a.counters), {
      radius: String(a.radius !== undefined),
      blocked: 'false',
    });
  };
  return {
    path: '/ip/hotspot/active',
    table: active as unknown as Table<Item>,
    render: (item) => render(item as ActiveItem),
    rows: () => active.list.map(render),
    commands: {
      login: (args) => {
        const session = login.login({
          user: args.get('user'),
          password: args.get('password'),
          ip: args.get('ip'),
          mac: args.get('mac-address'),
        });
        if (session instanceof Promise) return session.then(() => undefined);
      },
      remove: (args) => {
        for (const a of targets(active, args)) hotspot.logout(a);
      },
    },
  };
}

export function hostMenu(core: SimCore, hotspot: Hotspot): Menu {
  const hosts = core.state.hosts;
  const now = (): number => core.now();
  // ✖ docs/routeros.md "Active sessions and hosts": the API names of the host flags are unconfirmed;
  // `authorized`/`bypassed` follow the CLI flags.
  const render = (h: HostItem): Row => ({
    '.id': h.id,
    'mac-address': h.mac,
    address: h.ip,
    'to-address': h.ip,
    server: h.server,
    uptime: formatSeconds((now() - h.foundAt) / 1000),
    'idle-time': formatSeconds((now() - h.lastSeenAt) / 1000),
    ...counterFields(h.counters),
    authorized: String(h.authorized),
    bypassed: String(hotspot.isBypassed(h)),
    dynamic: 'true',
  });
  return {
    path: '/ip/hotspot/host',
    table: hosts as unknown as Table<Item>,
    render: (item) => render(item as HostItem),
    rows: () => hosts.list.map(render),
    commands: {
      remove: (args) => {
        for (const h of targets(hosts, args)) hotspot.removeHost(h);
      },
    },
  };
}

/**
 * `/ip/hotspot/cookie`: ✔ `user domain mac-address expires-in`, read-only; `remove` forgets one (that browser must
 * log in with its code again). A cookie past its lifetime is not listed.
 */
export function cookieMenu(core: SimCore): Menu {
  const cookies = core.state.cookies;
  const render = (c: CookieItem): Row => ({
    '.id': c.id,
    user: c.user,
    domain: '',
    'mac-address': c.mac,
    'expires-in': formatSeconds(Math.max(0, (c.expiresAt - core.now()) / 1000)),
  });
  return {
    path: '/ip/hotspot/cookie',
    table: cookies as unknown as Table<Item>,
    render: (item) => render(item as CookieItem),
    rows: () => cookies.list.filter((c) => c.expiresAt > core.now()).map(render),
    commands: {
      remove: (args) => {
        for (const c of targets(cookies, args)) cookies.remove(c);
      },
    },
  };
}
