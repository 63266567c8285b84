/**
 * Bounds of a site's fields, checked here so the admin form, the API and the CLI refuse the same things with the
 * same words. Every problem is reported together, each naming its field.
 */
import net from 'node:net';
import { ValidationError, describeValue } from '../../../domain/errors';
import { ErrorCollector } from '../../../domain/error-collector';
import type { SiteInput, SiteMode } from './types';
import { isRadiusClient } from '../../../domain/site-mode';
import { parseStaticPool } from '../../../domain/ip-pool';
import { knownTimeZone } from '../../../config/env-readers';

const NAME_MAX = 32;
const USER_MAX = 64;
const PASSWORD_MAX = 128;
const HOTSPOT_NAME_MAX = 64;
/** A WiFi name (SSID) is at most 32 bytes; WIFI_NAME has the same bound. */
const WIFI_NAME_MAX = 32;
const NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;
const LABEL_RE = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export interface ParsedSite {
  name?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  tls?: boolean;
  hotspotServer?: string | null;
  hotspotUserProfile?: string | null;
  tz?: string | null;
  wifiName?: string | null;
  mode?: SiteMode;
  nasAddress?: string;
  radiusSecret?: string;
  coaPort?: number;
  staticPool?: string | null;
}

const RADIUS_SECRET_MIN = 8;
const RADIUS_SECRET_MAX = 64;
/**
 * Letters, digits and punctuation FreeRADIUS's configuration and RouterOS's `/radius secret` both take as they are
 * (no quotes, backslashes, spaces, `$`, `%` or braces, which a configuration file would read as something else).
 */
const SECRET_RE = /^[A-Za-z0-9!#&()*+,./:;<=>?@[\]^_`|~-]+$/;
const SECRET_CHARS = 'letters, digits and ! # & ( ) * + , . / : ; < = > ? @ [ ] ^ _ | ~ -';

const given = (v: unknown) => v !== undefined && v !== null;
/** An empty form field reads as "missing" in a message, not as `""`. */
const shown = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** A control character (newline, tab, NUL…): never part of a RouterOS name. */
export const hasControl = (s: string) => [...s].some((ch) => ch < ' ' || ch === '\x7f');

function parseName(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : v;
  if (typeof s !== 'string' || !NAME_RE.test(s))
    throw ValidationError.invalid(
      'name',
      shown(v),
      'a site name',
      `use 1 to ${NAME_MAX} letters, digits, - or _, e.g. branch-2`,
    );
  return s;
}

/** A host name (like router.branch2.lan), an IPv4 address or an IPv6 address (brackets allowed). */
function parseHost(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : '';
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (net.isIP(bare)) return bare;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  const labels = name.split('.');
  // All-digit dotted names are mistyped IPv4 addresses (10.0.0.256), not host names.
  const looksNumeric = /^[\d.]+$/.test(name);
  if (name.length >= 1 && name.length <= 253 && !looksNumeric && labels.every((l) => LABEL_RE.test(l)))
    return name;
  throw ValidationError.invalid(
    'host',
    shown(typeof v === 'string' ? v.trim() : v),
    "a router's address",
    'use a host name like router.branch2.lan, an IPv4 address like 10.20.0.1 or an IPv6 address',
  );
}

function parsePort(
  v: unknown,
  field = 'port',
  hint = 'use 1 to 65535 (the API service: 8728, or 8729 with TLS)',
): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw ValidationError.invalid(field, v, 'a port', hint);
  return n;
}

function parseMode(v: unknown): SiteMode {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === 'api' || s === 'radius') return s;
  throw ValidationError.invalid('mode', shown(v), 'a site mode', 'use api or radius');
}

/** The router as a RADIUS client: an IP address (FreeRADIUS knows its clients by the address packets come from). */
function parseNasAddress(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (net.isIP(s)) return s;
  throw ValidationError.invalid(
    'nas_address',
    shown(typeof v === 'string' ? v.trim() : v),
    "the router's address as a RADIUS client",
    'use the IP address its RADIUS packets come from, e.g. 10.20.0.1',
  );
}

/** Never echoes the value: a secret does not belong in an error message. */
function parseRadiusSecret(v: unknown): string {
  if (typeof v !== 'string') throw new ValidationError('radius_secret', 'must be text');
  if (v.length < RADIUS_SECRET_MIN || v.length > RADIUS_SECRET_MAX)
    throw new ValidationError(
      'radius_secret',
      `must be ${RADIUS_SECRET_MIN} to ${RADIUS_SECRET_MAX} characters (a long random one is best)`,
    );
  if (!SECRET_RE.test(v)) throw new ValidationError('radius_secret', `may only hold ${SECRET_CHARS}`);
  return v;
}

function parseBool(v: unknown, field: string): boolean {
  if (v === true || v === 'true' || v === 'on' || v === '1' || v === 'yes') return true;
  if (v === false || v === 'false' || v === '' || v === '0' || v === 'no' || v === 'off') return false;
  throw new ValidationError(field, `${describeValue(v)} is not true or false`);
}

function parseUser(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s === undefined || s === '' || s.length > USER_MAX || hasControl(s))
    throw ValidationError.invalid(
      'user',
      shown(v),
      'an API user name',
      `use 1 to ${USER_MAX} characters (a router user in a group with the api policy)`,
    );
  return s;
}

/** Never echoes the value: a password does not belong in an error message. */
function parsePassword(v: unknown): string {
  if (typeof v !== 'string') throw new ValidationError('password', 'must be text');
  if (v.length > PASSWORD_MAX)
    throw new ValidationError(
      'password',
      `is longer than ${PASSWORD_MAX} characters; RouterOS passwords are shorter`,
    );
  if (/[\r\n\0]/.test(v)) throw new ValidationError('password', 'must be on one line');
  return v;
}

function parseHotspotName(v: unknown, field: string, example: string): string | null {
  if (v === '' || v === null) return null;
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s === undefined || s.length > HOTSPOT_NAME_MAX || hasControl(s))
    throw ValidationError.invalid(
      field,
      v,
      'a RouterOS name',
      `use up to ${HOTSPOT_NAME_MAX} characters, e.g. ${example}, or leave it empty for the default`,
    );
  return s === '' ? null : s;
}

/** The WiFi name printed on the site's cards; empty: WIFI_NAME (or the shop's name). */
function parseWifiName(v: unknown): string | null {
  if (v === '' || v === null) return null;
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s === undefined || s.length > WIFI_NAME_MAX || hasControl(s))
    throw ValidationError.invalid(
      'wifi_name',
      v,
      'a WiFi name',
      `use at most ${WIFI_NAME_MAX} characters on one line, e.g. AlingNena-Branch2, or leave it empty for the shop's`,
    );
  return s === '' ? null : s;
}

function parseTz(v: unknown): string | null {
  if (v === '' || v === null) return null;
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s === '') return null;
  if (s === undefined || s.length > 64 || !knownTimeZone(s))
    throw ValidationError.invalid(
      'tz',
      v,
      'a known time zone',
      "use a zone like Asia/Manila, or leave it empty for the shop's",
    );
  return s;
}

/**
 * Every field checked, every problem reported together. `partial` is an edit: an absent field keeps its value
 * (the password in particular). A new site's port defaults to 8728, or 8729 with TLS.
 */
export function parseSiteInput(
  input: SiteInput,
  partial: boolean,
  /** An edit: the mode the site has now (an input's own `mode` wins). */
  current?: { mode: SiteMode; host: string | null; radiusSecretSet: boolean },
): ParsedSite {
  const c = new ErrorCollector();
  const out: ParsedSite = {};
  if (!partial || given(input.name)) out.name = c.field(() => parseName(input.name));
  if (given(input.mode) && input.mode !== '') out.mode = c.field(() => parseMode(input.mode));
  else if (!partial) out.mode = 'api';
  const mode = out.mode ?? current?.mode ?? 'api';
  // A RADIUS site's API access is optional: no host, no connection (the portal then hands phones to the router's
  // own login page).
  const wantsApi = !isRadiusClient({ mode }) || (given(input.host) && input.host !== '');
  if (isRadiusClient({ mode }) && input.host === '') out.host = '';
  else if ((!partial && wantsApi) || given(input.host)) out.host = c.field(() => parseHost(input.host));
  if (given(input.tls)) out.tls = c.field(() => parseBool(input.tls, 'tls'));
  if (given(input.port) && input.port !== '') out.port = c.field(() => parsePort(input.port));
  else if (!partial) out.port = out.tls ? 8729 : 8728;
  if ((!partial && wantsApi) || given(input.user)) out.user = c.field(() => parseUser(input.user));
  if (isRadiusClient({ mode })) {
    if (!partial || given(input.nas_address) || !isRadiusClient(current))
      out.nasAddress = c.field(() => parseNasAddress(input.nas_address));
    if (given(input.radius_secret) || !current?.radiusSecretSet)
      out.radiusSecret = c.field(() => parseRadiusSecret(input.radius_secret));
    if (given(input.coa_port) && input.coa_port !== '')
      out.coaPort = c.field(() =>
        parsePort(input.coa_port, 'coa_port', 'use 1 to 65535 (RouterOS takes CoA on 3799 by default)'),
      );
    else if (!partial || !isRadiusClient(current)) out.coaPort = 3799;
  }
  if (given(input.password)) out.password = c.field(() => parsePassword(input.password));
  else if (!partial) out.password = '';
  if (given(input.hotspot_server))
    out.hotspotServer = c.field(() => parseHotspotName(input.hotspot_server, 'hotspot_server', 'hotspot1'));
  if (given(input.hotspot_user_profile))
    out.hotspotUserProfile = c.field(() =>
      parseHotspotName(input.hotspot_user_profile, 'hotspot_user_profile', 'default'),
    );
  if (given(input.tz)) out.tz = c.field(() => parseTz(input.tz));
  if (given(input.wifi_name)) out.wifiName = c.field(() => parseWifiName(input.wifi_name));
  if (
    input.static_pool === null ||
    (typeof input.static_pool === 'string' && input.static_pool.trim() === '')
  )
    out.staticPool = null;
  else if (input.static_pool !== undefined)
    out.staticPool = c.field(() => parseStaticPool(input.static_pool).text);
  c.throwIfAny('Invalid site');
  return out;
}
