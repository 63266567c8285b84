/**
 * `/ppp/profile`, `/ppp/secret`, `/ppp/active` and `/ppp/aaa` (docs/routeros.md "PPPoE"); the PPPoE server's
 * menu is in pppoe-server-menu.ts. Argument names come from RouterOS 7.18.2's command tree; values are checked as
 * the PPP AAA and PPPoE pages describe them and printed as RouterOS prints them.
 */
import { CATEGORY_FAILURE, MSG_DUPLICATE_NAME, MSG_PPP_BUILTIN_PROFILE, msgInUse, Trap } from '../messages';
import {
  bool,
  ConfigSpec,
  configVerbs,
  eachTarget,
  duration,
  FieldParser,
  invalid,
  ip,
  Menu,
  noMatch,
  nonEmpty,
  oneOf,
  rateLimit,
  ref,
  renderConfig,
  required,
  settingsMenu,
  SimCore,
  tableMenu,
  targets,
  text,
  unsetToDefault,
} from '../menus/common';
import type { Row } from '../query';
import type { Item, Table } from '../table';
import { formatSeconds, ipToInt, parseUint } from '../values';
import type { PppSessions } from './sessions';
import { isBuiltInProfile, PPP_PROFILE_DEFAULTS, PPP_SECRET_DEFAULTS, type PppState } from './tables';

/** ✔ (PPP AAA page) `yes | no | default`, printed as given. */
const yesNoDefault = oneOf('yes', 'no', 'default');
/** Numbers in a range, or one of some words. */
export const numberOr =
  (min: number, max: number, ...words: string[]): FieldParser =>
  (v, arg) => {
    if (words.includes(v)) return v;
    const n = parseUint(v);
    return n !== null && n >= min && n <= max ? String(n) : invalid(arg);
  };
const ipList: FieldParser = (v, arg) =>
  v === '' || v.split(',').every((p) => ipToInt(p) !== null) ? v : invalid(arg);
/** ✔ (PPP AAA page) a profile's local/remote address: a single address or the name of an `/ip/pool`. */
const addressOrPool =
  (pools: () => Table<Item>): FieldParser =>
  (v, arg) =>
    v === '' || ipToInt(v) !== null || pools().byNameGet(v) ? v : noMatch(arg);
/** Renames follow: what named the old name now names the new one (RouterOS refers to items, not names). */
function renameRefs(tables: Array<[Table<Item>, string[]]>, from: string, to: string): void {
  if (from === to) return;
  for (const [table, fields] of tables)
    for (const item of table.list)
      for (const f of fields) if (item.cfg[f] === from) table.update(item, { [f]: to });
}

export function withRenames(
  table: Table<Item>,
  verbs: ReturnType<typeof configVerbs>,
  refs: () => Array<[Table<Item>, string[]]>,
): ReturnType<typeof configVerbs> {
  return {
    ...verbs,
    set: (args) => {
      const before = targets(table, args).map((i) => [i, i.cfg.name] as const);
      const out = verbs.set(args);
      for (const [item, old] of before) renameRefs(refs(), old, item.cfg.name);
      return out;
    },
  };
}

export function pppProfileMenu(core: SimCore): Menu {
  const ppp = core.state.ppp;
  const table = ppp.profiles;
  const spec: ConfigSpec = {
    defaults: PPP_PROFILE_DEFAULTS,
    duplicate: MSG_DUPLICATE_NAME,
    autoName: 'profile',
    noun: 'profile',
    fields: {
      name: nonEmpty,
      'local-address': addressOrPool(() => ppp.pools),
      'remote-address': addressOrPool(() => ppp.pools),
      'rate-limit': rateLimit,
      'only-one': yesNoDefault,
      'change-tcp-mss': yesNoDefault,
      'use-compression': yesNoDefault,
      'use-encryption': oneOf('yes', 'no', 'default', 'required'),
      'use-mpls': oneOf('yes', 'no', 'default', 'required'),
      'use-upnp': yesNoDefault,
      'use-ipv6': oneOf('yes', 'no', 'default', 'required'),
      'bridge-learning': yesNoDefault,
      'session-timeout': duration,
      'idle-timeout': duration,
      'dns-server': ipList,
      'wins-server': ipList,
      'parent-queue': ref(() => core.state.queues, 'none', ''),
      'address-list': text,
      comment: text,
    },
  };
  const refs = (): Array<[Table<Item>, string[]]> => [
    [ppp.secrets, ['profile']],
    [ppp.servers, ['default-profile']],
  ];
  const verbs = withRenames(table, configVerbs(table, spec, core), refs);
  return tableMenu('/ppp/profile', table, renderProfile, {
    ...verbs,
    add: (args) => {
      const id = verbs.add(args);
      // The built-in `default-encryption` stays last, as its `.id` (`*FFFFFFFE`) sorts.
      const last = table.get('*FFFFFFFE');
      if (last) table.move([last]);
      return id;
    },
    remove: (args) => {
      for (const item of targets(table, args)) {
        if (isBuiltInProfile(item)) throw new Trap(MSG_PPP_BUILTIN_PROFILE, CATEGORY_FAILURE);
        checkUnused(ppp, item.cfg.name);
      }
      return verbs.remove(args);
    },
    unset: unsetToDefault(table, spec, core, 'name'),
  });
}

function checkUnused(ppp: PppState, profile: string): void {
  const secret = ppp.secrets.list.find((s) => s.cfg.profile === profile);
  if (secret) throw new Trap(msgInUse(`profile ${profile}`, `secret ${secret.cfg.name}`), CATEGORY_FAILURE);
  if (ppp.servers.list.some((s) => s.cfg['default-profile'] === profile))
    throw new Trap(msgInUse(`profile ${profile}`, 'pppoe server'), CATEGORY_FAILURE);
}

/** ◐ The built-in profiles carry the `*` (default) flag, `default=true` through the API. */
function renderProfile(item: Item): Row {
  return renderConfig(item, { default: String(isBuiltInProfile(item)) });
}

export function pppSecretMenu(core: SimCore): Menu {
  const ppp = core.state.ppp;
  const table = ppp.secrets;
  const spec: ConfigSpec = {
    defaults: PPP_SECRET_DEFAULTS,
    duplicate: MSG_DUPLICATE_NAME,
    noun: 'secret',
    validate: (cfg) => required(cfg, 'name'),
    fields: {
      name: nonEmpty,
      password: text,
      // ✔ (PPP AAA page) the services a secret may be used for.
      service: oneOf('any', 'async', 'l2tp', 'ovpn', 'pppoe', 'pptp', 'sstp'),
      profile: ref(() => ppp.profiles),
      'local-address': ip,
      'remote-address': ip,
      'caller-id': text,
      'limit-bytes-in': numberOr(0, Number.MAX_SAFE_INTEGER),
      'limit-bytes-out': numberOr(0, Number.MAX_SAFE_INTEGER),
      routes: text,
      'ipv6-routes': text,
      disabled: bool,
      comment: text,
    },
  };
  const verbs = configVerbs(table, spec, core);
  return tableMenu(
    '/ppp/secret',
    table,
    renderConfig,
    { ...verbs, unset: unsetToDefault(table, spec, core, 'name') },
    { byName: true },
  );
}

/** `/ppp/active`: the running sessions, read-only; `remove` ends one. */
export function pppActiveMenu(core: SimCore, sessions: PppSessions): Menu {
  const table = core.state.ppp.active;
  const render = (item: Item): Row => {
    const a = core.state.ppp.active.get(item.id);
    if (!a) return { '.id': item.id };
    return {
      '.id': a.id,
      name: a.name,
      service: a.service,
      'caller-id': a.callerId,
      address: a.address,
      uptime: formatSeconds((core.now() - a.loginAt) / 1000),
      // ✖ A PPPoE session without encryption shows no encoding.
      encoding: '',
      'session-id': a.sessionId,
      'limit-bytes-in': '0',
      'limit-bytes-out': '0',
      radius: String(a.radius !== undefined),
    };
  };
  return tableMenu(
    '/ppp/active',
    table,
    render,
    { remove: eachTarget(table, (a) => sessions.end(a, 'disconnected by administrator')) },
    { byName: (a) => a.name },
  );
}

/** `/ppp/aaa`: one settings row. */
export function pppAaaMenu(core: SimCore): Menu {
  return settingsMenu('/ppp/aaa', core, () => core.state.ppp.aaa, {
    'use-radius': bool,
    accounting: bool,
    'interim-update': duration,
    'use-circuit-id-in-nas-port-id': bool,
    'enable-ipv6-accounting': bool,
  });
}
