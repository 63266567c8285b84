/**
 * `/ip/firewall/filter`: the rule list the controller reads to find FastTrack (fast-tracked connections skip
 * simple queues, so a shop's speed limits and usage counts silently stop working; docs/routeros.md "Order").
 * Argument names come from RouterOS 7.18.2's command tree; values are checked the way RouterOS checks them
 * where we know how, and kept as written otherwise.
 */
import {
  CATEGORY_FAILURE,
  MSG_FILTER_NO_CHAIN,
  MSG_FILTER_NO_JUMP_TARGET,
  MSG_FILTER_PORTS_NEED_PROTOCOL,
  Trap,
} from '../messages';
import type { Row } from '../query';
import { FILTER_DEFAULTS, FilterItem, HOTSPOT_PLACEHOLDER_COMMENT, RouterState } from '../state';
import type { Table } from '../table';
import { ipToInt, normaliseMac, parseDuration, parsePrefix } from '../values';
import {
  bool,
  ConfigSpec,
  configVerbs,
  FieldParser,
  Handler,
  invalid,
  Menu,
  noMatch,
  nonEmpty,
  oneOf,
  resetCounterVerbs,
  SimCore,
  tableMenu,
  text,
  unsetToDefault,
} from './common';

/** Every action of a 7.x filter rule (`fasttrack-connection` included). */
const FILTER_ACTIONS = [
  'accept',
  'add-dst-to-address-list',
  'add-src-to-address-list',
  'drop',
  'fasttrack-connection',
  'jump',
  'log',
  'passthrough',
  'reject',
  'return',
  'tarpit',
];

const REJECT_WITH = [
  'icmp-admin-prohibited',
  'icmp-host-prohibited',
  'icmp-host-unreachable',
  'icmp-net-prohibited',
  'icmp-network-unreachable',
  'icmp-port-unreachable',
  'icmp-protocol-unreachable',
  'tcp-reset',
];

const PROTOCOLS = [
  'icmp',
  'igmp',
  'tcp',
  'udp',
  'gre',
  'ipsec-esp',
  'ipsec-ah',
  'icmpv6',
  'ospf',
  'l2tp',
  'sctp',
  'udp-lite',
  'vrrp',
];
/** Only these carry ports; RouterOS refuses a port matcher on any other protocol. */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udp-lite', 'sctp', 'dccp', '6', '17', '136', '132', '33']);
/** Whether a rule's protocol (negated or not) carries ports. */
export const portProtocol = (cfg: Record<string, string>): boolean =>
  PORT_PROTOCOLS.has((cfg.protocol ?? '').replace(/^!/, ''));

/** Built-in interface lists; the simulator has no user-defined ones (`/interface/list` is not modelled). */
const BUILTIN_INTERFACE_LISTS = ['all', 'none', 'dynamic', 'static'];

/** `!x`: most matchers take a leading `!` for "not". */
function negatable(inner: FieldParser): FieldParser {
  return (v, arg) => (v.startsWith('!') ? `!${inner(v.slice(1), arg)}` : inner(v, arg));
}

/** A comma list of known words, each optionally negated (`hotspot=from-client,!auth`). */
function wordSet(...words: string[]): FieldParser {
  return (v, arg) => {
    const parts = v.split(',');
    for (const p of parts) if (!words.includes(p.replace(/^!/, ''))) invalid(arg);
    return parts.join(',');
  };
}

/** An address, a prefix or a range `a-b`, as RouterOS accepts for src-address/dst-address. */
export const addressOrRange: FieldParser = (v, arg) => {
  const range = v.split('-');
  if (range.length === 2) return ipToInt(range[0]) !== null && ipToInt(range[1]) !== null ? v : invalid(arg);
  return parsePrefix(v) ? v : invalid(arg);
};
const address = negatable(addressOrRange);

/** A port or a range `a-b`. */
export function portRange(v: string): boolean {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(v);
  return m !== null && Number(m[1]) <= 65535 && (m[2] === undefined || Number(m[2]) <= 65535);
}

const ports: FieldParser = negatable((v, arg) => (v.split(',').every(portRange) ? v : invalid(arg)));

const protocol: FieldParser = negatable((v, arg) =>
  PROTOCOLS.includes(v) || (/^\d{1,3}$/.test(v) && Number(v) <= 255) ? v : invalid(arg),
);

const macAddress: FieldParser = negatable((v, arg) => normaliseMac(v) ?? invalid(arg));

/** Interfaces by name, checked against the simulated machine's interfaces (`!` allowed). */
const iface =
  (state: RouterState): FieldParser =>
  (v, arg) =>
    state.interfaces().includes(v.replace(/^!/, '')) ? v : noMatch(arg);

const ifaceList: FieldParser = (v, arg) =>
  BUILTIN_INTERFACE_LISTS.includes(v.replace(/^!/, '')) ? v : noMatch(arg);

const listTimeout: FieldParser = (v, arg) =>
  v === 'none-dynamic' || v === 'none-static' || parseDuration(v) !== null ? v : invalid(arg);

/** Cross-field rules checked on the merged config, for add and for set. */
function checkRule(cfg: Record<string, string>): void {
  if (!cfg.chain) throw new Trap(MSG_FILTER_NO_CHAIN, CATEGORY_FAILURE);
  if (cfg.action === 'jump' && !cfg['jump-target'])
    throw new Trap(MSG_FILTER_NO_JUMP_TARGET, CATEGORY_FAILURE);
  if (['dst-port', 'src-port', 'port'].some((f) => cfg[f] !== undefined) && !portProtocol(cfg))
    throw new Trap(MSG_FILTER_PORTS_NEED_PROTOCOL, CATEGORY_FAILURE);
}

export function filterSpec(state: RouterState): ConfigSpec {
  return {
    defaults: FILTER_DEFAULTS,
    validate: checkRule,
    noun: 'rule',
    fields: {
      chain: nonEmpty,
      action: oneOf(...FILTER_ACTIONS),
      'connection-state': wordSet('established', 'invalid', 'new', 'related', 'untracked'),
      'connection-nat-state': wordSet('srcnat', 'dstnat'),
      'connection-type': wordSet('ftp', 'h323', 'irc', 'pptp', 'quake3', 'sip', 'tftp'),
      hotspot: wordSet('auth', 'from-client', 'http', 'local-dst', 'to-client'),
      'src-address': address,
      'dst-address': address,
      'src-address-list': negatable(nonEmpty),
      'dst-address-list': negatable(nonEmpty),
      'src-address-type': wordSet('unicast', 'local', 'broadcast', 'multicast'),
      'dst-address-type': wordSet('unicast', 'local', 'broadcast', 'multicast'),
      'in-interface': iface(state),
      'out-interface': iface(state),
      'in-interface-list': ifaceList,
      'out-interface-list': ifaceList,
      'src-mac-address': macAddress,
      protocol,
      'dst-port': ports,
      'src-port': ports,
      port: ports,
      'jump-target': nonEmpty,
      'reject-with': oneOf(...REJECT_WITH),
      'address-list': nonEmpty,
      'address-list-timeout': listTimeout,
      'hw-offload': bool,
      log: bool,
      'log-prefix': text,
      disabled: bool,
      comment: text,
    },
  };
}

/** Fields printed after the matchers, in RouterOS's order. */
const TAIL = new Set(['log', 'log-prefix', 'disabled', 'comment']);

function renderFilter(f: FilterItem): Row {
  const c = f.cfg;
  const row: Row = { '.id': f.id, chain: c.chain, action: c.action };
  for (const [k, v] of Object.entries(c)) if (!TAIL.has(k) && k !== 'chain' && k !== 'action') row[k] = v;
  Object.assign(row, {
    log: c.log ?? 'false',
    'log-prefix': c['log-prefix'] ?? '',
    bytes: String(f.bytes),
    packets: String(f.packets),
    invalid: 'false',
    dynamic: String(f.dynamic === true),
    disabled: c.disabled ?? 'false',
  });
  if (c.comment) row.comment = c.comment;
  return row;
}

export function filterMenu(core: SimCore): Menu {
  const spec = filterSpec(core.state);
  const unset = unsetToDefault(core.state.filters, spec, core, 'chain');
  return ruleMenu('/ip/firewall/filter', core.state.filters, spec, core, { unset });
}

/**
 * A rule list (filter, NAT): its verbs, `more`, and `reset-counters` and `reset-counters-all` putting its rules'
 * bytes and packets back to 0.
 */
export function ruleMenu(
  path: string,
  table: Table<FilterItem>,
  spec: ConfigSpec,
  core: SimCore,
  more: Record<string, Handler> = {},
): Menu {
  return tableMenu(path, table, renderFilter, {
    ...configVerbs(table, spec, core, (id, cfg) => ({ id, cfg, bytes: 0, packets: 0 })),
    ...more,
    ...resetCounterVerbs(table, (f) => Object.assign(f, { bytes: 0, packets: 0 })),
  });
}

// ---- dynamic rules ---------------------------------------------------------------------------------------

interface DynamicRule {
  key: string;
  cfg: Record<string, string>;
}

const dyn = (key: string, cfg: Record<string, string>): DynamicRule => ({
  key,
  cfg: { chain: cfg.chain, action: cfg.action, ...cfg, log: 'false', 'log-prefix': '', disabled: 'false' },
});

/**
 * While an enabled FastTrack rule exists RouterOS lists a dynamic passthrough rule at the very top whose
 * counters show the fast-tracked traffic. ✖ Whether a disabled FastTrack rule also brings it.
 */
const FASTTRACK_DUMMY = dyn('fasttrack-dummy', {
  chain: 'forward',
  action: 'passthrough',
  comment: 'special dummy rule to show fasttrack counters',
});

/**
 * The rules a running hotspot adds for customers who have not logged in (printed with the `D` flag in
 * published printouts). ✖ The exact 7.x set and order; these are the ones seen most often.
 */
const HOTSPOT_RULES: DynamicRule[] = [
  dyn('hs-1', { chain: 'forward', action: 'jump', 'jump-target': 'hs-unauth', hotspot: 'from-client,!auth' }),
  dyn('hs-2', {
    chain: 'forward',
    action: 'jump',
    'jump-target': 'hs-unauth-to',
    hotspot: 'to-client,!auth',
  }),
  dyn('hs-3', { chain: 'input', action: 'jump', 'jump-target': 'hs-input', hotspot: 'from-client' }),
  dyn('hs-4', { chain: 'hs-unauth', action: 'reject', 'reject-with': 'tcp-reset', protocol: 'tcp' }),
  dyn('hs-5', { chain: 'hs-unauth', action: 'reject', 'reject-with': 'icmp-net-prohibited' }),
  dyn('hs-6', { chain: 'hs-unauth-to', action: 'reject', 'reject-with': 'icmp-host-prohibited' }),
];

/** Which dynamic rule an item is (kept beside the item, never printed). */
const dynamicKeys = new WeakMap<FilterItem, string>();

/**
 * Bring the dynamic rules in line with the configuration: the FastTrack counter rule while FastTrack is on,
 * the hotspot's rules while a hotspot server is enabled. Idempotent; called after every configuration change.
 */
export function syncDynamicFilters(state: RouterState): void {
  const table = state.filters;
  const fasttrack = table.list.some(
    (f) => !f.dynamic && f.cfg.action === 'fasttrack-connection' && f.cfg.disabled !== 'true',
  );
  const hotspot = state.servers.list.some((s) => s.cfg.disabled !== 'true');
  const wanted = [...(fasttrack ? [FASTTRACK_DUMMY] : []), ...(hotspot ? HOTSPOT_RULES : [])];
  const wantedKeys = new Set(wanted.map((r) => r.key));
  const have = new Map<string, FilterItem>();
  for (const f of [...table.list]) {
    if (!f.dynamic) continue;
    const key = dynamicKeys.get(f);
    if (key === undefined || !wantedKeys.has(key) || have.has(key)) table.remove(f);
    else have.set(key, f);
  }
  for (const rule of wanted) {
    if (have.has(rule.key)) continue;
    const item: FilterItem = { id: table.newId(), cfg: { ...rule.cfg }, dynamic: true, bytes: 0, packets: 0 };
    dynamicKeys.set(item, rule.key);
    table.insert(item, insertionPoint(state, rule.key));
    have.set(rule.key, item);
  }
}

/** The counter rule goes first; the hotspot's rules right after the placeholder (or first), in order. */
function insertionPoint(state: RouterState, key: string): FilterItem | undefined {
  const list = state.filters.list;
  if (key === FASTTRACK_DUMMY.key) return list[0];
  const index = HOTSPOT_RULES.findIndex((r) => r.key === key);
  /** The first of these rules that is in the list. */
  const firstListed = (rules: DynamicRule[]): FilterItem | undefined =>
    rules.map((r) => list.find((f) => dynamicKeys.get(f) === r.key)).find((f) => f !== undefined);
  const next = firstListed(HOTSPOT_RULES.slice(index + 1));
  if (next) return next;
  const previous = firstListed(HOTSPOT_RULES.slice(0, index).reverse());
  const anchor = previous ?? list.find((f) => !f.dynamic && f.cfg.comment === HOTSPOT_PLACEHOLDER_COMMENT);
  if (anchor) return list[list.indexOf(anchor) + 1];
  return list.find((f) => dynamicKeys.get(f) !== FASTTRACK_DUMMY.key);
}
