/**
 * `/radius` (the RADIUS servers the router asks, in list order) and `/radius/incoming` (whether it takes CoA and
 * Disconnect requests): docs/routeros.md "RADIUS". Values are checked against the command tree's types and
 * MikroTik's RADIUS page; RadSec and certificates are not simulated.
 */
import { isIP } from 'node:net';
import { MSG_NOT_MODELLED, Trap } from '../messages';
import type { Row } from '../query';
import { formatDuration, parseDuration } from '../values';
import {
  bool,
  ConfigSpec,
  configVerbs,
  eachTarget,
  FieldParser,
  invalid,
  Menu,
  MonitorHandler,
  noMatch,
  oneOf,
  port,
  renderConfig,
  settingsMenu,
  SimCore,
  tableMenu,
  targets,
} from './common';

/** ✔ [INSPECT] the services an entry can serve, in the order RouterOS prints them (its RADIUS page's example). */
const RADIUS_SERVICES = ['ppp', 'login', 'hotspot', 'wireless', 'dhcp', 'ipsec', 'dot1x'];

/**
 * ◐ What `print` shows for an entry added with nothing set (the API's defaults in published router data; the
 * RADIUS page agrees except for two values it has from older versions: `timeout` 100ms and the incoming port
 * 1700). ✔ `require-message-auth` exists since 7.15 and defaults to `yes-for-request-resp`.
 */
const RADIUS_DEFAULTS: Record<string, string> = {
  service: '',
  'called-id': '',
  domain: '',
  address: '0.0.0.0',
  secret: '',
  'authentication-port': '1812',
  'accounting-port': '1813',
  timeout: '300ms',
  'accounting-backup': 'false',
  realm: '',
  'src-address': '0.0.0.0',
  protocol: 'udp',
  certificate: 'none',
  'require-message-auth': 'yes-for-request-resp',
  disabled: 'false',
  comment: '',
};

/** ✔ [INSPECT] `ppp|login|hotspot|wireless|dhcp|ipsec|dot1x[,Service*]`, printed in RouterOS's own order. */
const services: FieldParser = (v, arg) => {
  const given = v.split(',').filter((s) => s !== '');
  if (!given.every((s) => RADIUS_SERVICES.includes(s))) invalid(arg);
  return RADIUS_SERVICES.filter((s) => given.includes(s)).join(',');
};

/** The address without its `@vrf`. */
export function radiusHost(address: string): string {
  const at = address.indexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/**
 * ✔ `ipv4`, `ipv4@vrf`, `ipv6`, `ipv6@vrf` (RADIUS page). The simulated router has one VRF, `main`; another
 * name is refused as a name that matches nothing (✖ the words).
 */
const serverAddress: FieldParser = (v, arg) => {
  const host = radiusHost(v);
  if (isIP(host) === 0) invalid(arg);
  if (host !== v && v.slice(host.length + 1) !== 'main') noMatch('vrf');
  return v;
};

const ipAddress: FieldParser = (v, arg) => (isIP(v) === 0 ? invalid(arg) : v);

/** ✔ [INSPECT] `10ms..1m`, printed as RouterOS prints a time (`300ms`, `1s`). */
const timeout: FieldParser = (v, arg) => {
  const s = parseDuration(v);
  return s === null || s < 0.01 || s > 60 ? invalid(arg) : formatDuration(s);
};

/** RadSec needs a certificate and TLS, which the simulator does not have: refused loudly, not half done. */
const protocol: FieldParser = (v, arg) => {
  if (v === 'radsec') throw new Trap(MSG_NOT_MODELLED);
  return oneOf('udp')(v, arg);
};

/** The simulated router has no certificates: only `none` names one that exists. */
const certificate: FieldParser = (v, arg) => (v === 'none' ? v : noMatch(arg));

/** The counters `/radius monitor` shows per entry (✔ RADIUS page: its example lists them). */
export interface RadiusCounters {
  pending: number;
  requests: number;
  accepts: number;
  rejects: number;
  resends: number;
  timeouts: number;
  badReplies: number;
  lastRttMs: number;
}

export interface RadiusCounterSource {
  counters(id: string): RadiusCounters;
  reset(id: string): void;
}

export function radiusMenu(core: SimCore, counters: RadiusCounterSource): Menu {
  const table = core.state.radius;
  const spec: ConfigSpec = {
    defaults: RADIUS_DEFAULTS,
    fields: {
      service: services,
      address: serverAddress,
      'authentication-port': port,
      'accounting-port': port,
      timeout,
      'accounting-backup': bool,
      'src-address': ipAddress,
      protocol,
      certificate,
      'require-message-auth': oneOf('no', 'yes-for-request-resp'),
      disabled: bool,
    },
  };
  const monitor: MonitorHandler = (args) => {
    const items = targets(table, args);
    return () => items.map((i) => renderCounters(counters.counters(i.id)));
  };
  return tableMenu(
    '/radius',
    table,
    renderConfig,
    {
      ...configVerbs(table, spec, core),
      'reset-counters': eachTarget(table, (i) => counters.reset(i.id)),
    },
    { monitors: { monitor } },
  );
}

function renderCounters(c: RadiusCounters): Row {
  return {
    pending: String(c.pending),
    requests: String(c.requests),
    accepts: String(c.accepts),
    rejects: String(c.rejects),
    resends: String(c.resends),
    timeouts: String(c.timeouts),
    'bad-replies': String(c.badReplies),
    'last-request-rtt': formatDuration(c.lastRttMs / 1000),
  };
}

/**
 * `/radius/incoming`: one settings row (✔ RADIUS page: `accept` yes/no, `port`, `vrf`; ◐ port 3799 by default).
 * `changed` restarts the router's listener when a setting changes.
 */
export function radiusIncomingMenu(core: SimCore, changed: () => void): Menu {
  const vrf: FieldParser = (v, arg) => (v === 'main' ? v : noMatch(arg));
  const settings = (): Record<string, string> => core.state.radiusIncoming;
  return settingsMenu('/radius/incoming', core, settings, { accept: bool, port, vrf }, changed);
}
