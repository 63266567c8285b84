/**
 * `/ip/hotspot` configuration menus (docs/routeros.md "Hotspot"): servers, user profiles, server profiles, users
 * and ip-bindings. The runtime menus (active sessions, hosts, cookies) are in hotspot-runtime.ts.
 */
import { MSG_DUPLICATE_NAME, MSG_DUPLICATE_USER } from '../messages';
import type { Row } from '../query';
import {
  type Counters,
  PROFILE_DEFAULTS,
  SERVER_DEFAULTS,
  SERVER_PROFILE_DEFAULTS,
  SERVER_PROFILE_RADIUS_DEFAULTS,
  UserItem,
  zeroCounters,
} from '../state';
import type { Item, Table } from '../table';
import { formatDuration, parseDuration, parseUint } from '../values';
import {
  bool,
  ConfigSpec,
  configVerbs,
  duration,
  invalid,
  mac,
  Menu,
  nonEmpty,
  oneOf,
  rateLimit,
  ref,
  renderConfig,
  SimCore,
  tableMenu,
  targets,
  uint,
  unsetToDefault,
} from './common';

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
      'rate-limit': rateLimit,
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
  return { ...menu, commands: { ...menu.commands, unset: unsetToDefault(table, spec, core, 'name') } };
}

const LOGIN_METHODS = ['mac', 'cookie', 'http-chap', 'https', 'http-pap', 'trial', 'mac-cookie'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** ◐ The MAC formats RouterOS offers for RADIUS (published router data's list). */
const RADIUS_MAC_FORMATS = [
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
  if (s === null) return invalid(arg);
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
      'hotspot-address': (v, arg) => (IPV4.test(v) ? v : invalid(arg)),
      'login-by': (v, arg) => {
        const methods = v.split(',').filter(Boolean);
        return methods.every((m) => LOGIN_METHODS.includes(m)) ? methods.join(',') : invalid(arg);
      },
      'http-cookie-lifetime': duration,
      'split-user-domain': bool,
      'install-hotspot-queue': bool,
      'use-radius': bool,
      'radius-accounting': bool,
      'radius-interim-update': interimUpdate,
      'radius-mac-format': oneOf(...RADIUS_MAC_FORMATS),
      'nas-port-type': (v, arg) => (NAS_PORT_TYPES.includes(v) || parseUint(v) !== null ? v : invalid(arg)),
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
  return tableMenu('/ip/hotspot/profile', table, render, configVerbs(table, spec, core));
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
  return tableMenu(path, table, renderConfig, configVerbs(table, spec, core));
}

export function counterFields(c: Counters): Row {
  return {
    'bytes-in': String(c.bytesIn),
    'bytes-out': String(c.bytesOut),
    'packets-in': String(c.packetsIn),
    'packets-out': String(c.packetsOut),
  };
}

function renderUser(u: UserItem): Row {
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
  const spec: ConfigSpec = {
    defaults: { server: 'all', password: '', profile: 'default', disabled: 'false', comment: '' },
    duplicate: MSG_DUPLICATE_USER,
    noun: 'user',
    fields: {
      name: nonEmpty,
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
  return tableMenu('/ip/hotspot/user', users, renderUser, {
    ...configVerbs(users, spec, core, create),
    'reset-counters': (args) => {
      for (const u of targets(users, args)) {
        u.uptime = 0;
        u.counters = zeroCounters();
        users.emit('set', u);
      }
      core.configChanged();
    },
  });
}
