/**
 * The RADIUS attributes PisoNet speaks: a subset of FreeRADIUS 3.2's dictionaries, with the same names, codes,
 * types and value names (checked against /usr/share/freeradius/dictionary.rfc2865, .rfc2866, .rfc2869,
 * .rfc3576, .rfc5176 and dictionary.mikrotik). A name or code outside it is still carried, as raw octets under
 * `Attr-<n>` or `Vendor-<v>-Attr-<n>`: attrByName understands those names too.
 */
import { RadiusError } from './errors';

export type AttrType = 'string' | 'octets' | 'integer' | 'ipaddr' | 'date';

export interface AttrDef {
  name: string;
  code: number;
  type: AttrType;
  vendor?: number;
  values?: Record<string, number>;
}

export const MIKROTIK_VENDOR = 14988;

/** Vendor-Specific (RFC 2865 5.26): its value is a vendor id and the vendor's own attributes. */
export const VENDOR_SPECIFIC = 26;

const SERVICE_TYPE = {
  'Login-User': 1,
  'Framed-User': 2,
  'Callback-Login-User': 3,
  'Callback-Framed-User': 4,
  'Outbound-User': 5,
  'Administrative-User': 6,
  'NAS-Prompt-User': 7,
  'Authenticate-Only': 8,
  'Callback-NAS-Prompt': 9,
  'Call-Check': 10,
  'Callback-Administrative': 11,
  'Authorize-Only': 17, // RFC 5176
};

/** RFC 2865 5.7: the framing of a Framed-User's link (a PPPoE session is PPP). */
const FRAMED_PROTOCOL = {
  PPP: 1,
  SLIP: 2,
  ARAP: 3,
  'Gandalf-SLML': 4,
  'Xylogics-IPX-SLIP': 5,
  'X.75-Synchronous': 6,
};

// dictionary.rfc2866 also names 3 "Alive" (marked dup); Interim-Update is the name every NAS and FreeRADIUS print.
const ACCT_STATUS_TYPE = {
  Start: 1,
  Stop: 2,
  'Interim-Update': 3,
  'Accounting-On': 7,
  'Accounting-Off': 8,
  Failed: 15,
};

const ACCT_AUTHENTIC = { RADIUS: 1, Local: 2, Remote: 3, Diameter: 4 };

const ACCT_TERMINATE_CAUSE = {
  'User-Request': 1,
  'Lost-Carrier': 2,
  'Lost-Service': 3,
  'Idle-Timeout': 4,
  'Session-Timeout': 5,
  'Admin-Reset': 6,
  'Admin-Reboot': 7,
  'Port-Error': 8,
  'NAS-Error': 9,
  'NAS-Request': 10,
  'NAS-Reboot': 11,
  'Port-Unneeded': 12,
  'Port-Preempted': 13,
  'Port-Suspended': 14,
  'Service-Unavailable': 15,
  Callback: 16,
  'User-Error': 17,
  'Host-Request': 18,
};

const NAS_PORT_TYPE = {
  Async: 0,
  Sync: 1,
  ISDN: 2,
  'ISDN-V120': 3,
  'ISDN-V110': 4,
  Virtual: 5,
  PIAFS: 6,
  'HDLC-Clear-Channel': 7,
  'X.25': 8,
  'X.75': 9,
  'G.3-Fax': 10,
  SDSL: 11,
  'ADSL-CAP': 12,
  'ADSL-DMT': 13,
  IDSL: 14,
  Ethernet: 15,
  xDSL: 16,
  Cable: 17,
  'Wireless-Other': 18,
  'Wireless-802.11': 19,
};

// dictionary.rfc3576 and dictionary.rfc5176 together.
const ERROR_CAUSE = {
  'Residual-Context-Removed': 201,
  'Invalid-EAP-Packet': 202,
  'Unsupported-Attribute': 401,
  'Missing-Attribute': 402,
  'NAS-Identification-Mismatch': 403,
  'Invalid-Request': 404,
  'Unsupported-Service': 405,
  'Unsupported-Extension': 406,
  'Invalid-Attribute-Value': 407,
  'Administratively-Prohibited': 501,
  'Proxy-Request-Not-Routable': 502,
  'Session-Context-Not-Found': 503,
  'Session-Context-Not-Removable': 504,
  'Proxy-Processing-Error': 505,
  'Resources-Unavailable': 506,
  'Request-Initiated': 507,
  'Multiple-Session-Selection-Unsupported': 508,
};

const STANDARD: AttrDef[] = [
  { name: 'User-Name', code: 1, type: 'string' },
  { name: 'User-Password', code: 2, type: 'string' }, // hidden on the wire (RFC 2865 5.2), see attributes.ts
  { name: 'CHAP-Password', code: 3, type: 'octets' },
  { name: 'NAS-IP-Address', code: 4, type: 'ipaddr' },
  { name: 'NAS-Port', code: 5, type: 'integer' },
  { name: 'Service-Type', code: 6, type: 'integer', values: SERVICE_TYPE },
  { name: 'Framed-Protocol', code: 7, type: 'integer', values: FRAMED_PROTOCOL },
  { name: 'Framed-IP-Address', code: 8, type: 'ipaddr' },
  { name: 'Filter-Id', code: 11, type: 'string' },
  { name: 'Reply-Message', code: 18, type: 'string' },
  { name: 'State', code: 24, type: 'octets' },
  { name: 'Class', code: 25, type: 'octets' },
  { name: 'Session-Timeout', code: 27, type: 'integer' },
  { name: 'Idle-Timeout', code: 28, type: 'integer' },
  { name: 'Called-Station-Id', code: 30, type: 'string' },
  { name: 'Calling-Station-Id', code: 31, type: 'string' },
  { name: 'NAS-Identifier', code: 32, type: 'string' },
  { name: 'Proxy-State', code: 33, type: 'octets' },
  { name: 'Acct-Status-Type', code: 40, type: 'integer', values: ACCT_STATUS_TYPE },
  { name: 'Acct-Delay-Time', code: 41, type: 'integer' },
  { name: 'Acct-Input-Octets', code: 42, type: 'integer' },
  { name: 'Acct-Output-Octets', code: 43, type: 'integer' },
  { name: 'Acct-Session-Id', code: 44, type: 'string' },
  { name: 'Acct-Authentic', code: 45, type: 'integer', values: ACCT_AUTHENTIC },
  { name: 'Acct-Session-Time', code: 46, type: 'integer' },
  { name: 'Acct-Input-Packets', code: 47, type: 'integer' },
  { name: 'Acct-Output-Packets', code: 48, type: 'integer' },
  { name: 'Acct-Terminate-Cause', code: 49, type: 'integer', values: ACCT_TERMINATE_CAUSE },
  { name: 'Acct-Multi-Session-Id', code: 50, type: 'string' },
  { name: 'Acct-Input-Gigawords', code: 52, type: 'integer' },
  { name: 'Acct-Output-Gigawords', code: 53, type: 'integer' },
  { name: 'Event-Timestamp', code: 55, type: 'date' },
  { name: 'CHAP-Challenge', code: 60, type: 'octets' },
  { name: 'NAS-Port-Type', code: 61, type: 'integer', values: NAS_PORT_TYPE },
  { name: 'Connect-Info', code: 77, type: 'string' },
  { name: 'Message-Authenticator', code: 80, type: 'octets' },
  { name: 'Acct-Interim-Interval', code: 85, type: 'integer' },
  { name: 'NAS-Port-Id', code: 87, type: 'string' },
  { name: 'Framed-Pool', code: 88, type: 'string' },
  { name: 'Error-Cause', code: 101, type: 'integer', values: ERROR_CAUSE },
];

const MIKROTIK_ATTRS: Omit<AttrDef, 'vendor'>[] = [
  { name: 'Mikrotik-Recv-Limit', code: 1, type: 'integer' },
  { name: 'Mikrotik-Xmit-Limit', code: 2, type: 'integer' },
  { name: 'Mikrotik-Group', code: 3, type: 'string' },
  { name: 'Mikrotik-Wireless-Forward', code: 4, type: 'integer' },
  { name: 'Mikrotik-Rate-Limit', code: 8, type: 'string' },
  { name: 'Mikrotik-Realm', code: 9, type: 'string' },
  { name: 'Mikrotik-Host-IP', code: 10, type: 'ipaddr' },
  { name: 'Mikrotik-Mark-Id', code: 11, type: 'string' },
  { name: 'Mikrotik-Advertise-URL', code: 12, type: 'string' },
  { name: 'Mikrotik-Advertise-Interval', code: 13, type: 'integer' },
  { name: 'Mikrotik-Recv-Limit-Gigawords', code: 14, type: 'integer' },
  { name: 'Mikrotik-Xmit-Limit-Gigawords', code: 15, type: 'integer' },
  { name: 'Mikrotik-Total-Limit', code: 17, type: 'integer' },
  { name: 'Mikrotik-Total-Limit-Gigawords', code: 18, type: 'integer' },
  { name: 'Mikrotik-Address-List', code: 19, type: 'string' },
];
const MIKROTIK = MIKROTIK_ATTRS.map((def): AttrDef => ({ ...def, vendor: MIKROTIK_VENDOR }));

/** Every attribute the dictionary knows, standard ones first. */
export const ATTRIBUTES: readonly AttrDef[] = [...STANDARD, ...MIKROTIK];

const BY_NAME = new Map<string, AttrDef>();
const BY_CODE = new Map<string, AttrDef>();
for (const def of ATTRIBUTES) {
  BY_NAME.set(def.name.toLowerCase(), def);
  BY_CODE.set(codeKey(def.code, def.vendor), def);
}

function codeKey(code: number, vendor: number | undefined): string {
  return vendor === undefined ? String(code) : `${vendor}:${code}`;
}

const RAW_NAME = /^(?:vendor-(\d{1,10})-)?attr-(\d{1,3})$/i;

/** The name a decoded attribute gets when the dictionary does not know it (or its value is invalid). */
export function rawName(code: number, vendor?: number): string {
  return vendor === undefined ? `Attr-${code}` : `Vendor-${vendor}-Attr-${code}`;
}

/**
 * The definition of `name` (case-insensitive, as FreeRADIUS). `Attr-<n>` and `Vendor-<v>-Attr-<n>` give raw
 * octets definitions, so a decoded packet's unknown attributes encode back unchanged.
 */
export function attrByName(name: string): AttrDef {
  const known = BY_NAME.get(name.toLowerCase());
  if (known) return known;
  const raw = RAW_NAME.exec(name);
  if (raw) {
    const code = Number(raw[2]);
    const vendor = raw[1] === undefined ? undefined : Number(raw[1]);
    const vendorOk = vendor === undefined || (vendor >= 1 && vendor <= 0xffffffff);
    if (code >= 1 && code <= 255 && vendorOk) {
      return vendor === undefined
        ? { name: rawName(code), code, type: 'octets' }
        : { name: rawName(code, vendor), code, type: 'octets', vendor };
    }
  }
  throw new RadiusError('UNKNOWN_ATTRIBUTE', `unknown RADIUS attribute "${name}"`);
}

/** The dictionary's definition of attribute `code` (of `vendor` for a vendor-specific one), if it has one. */
export function attrByCode(code: number, vendor?: number): AttrDef | undefined {
  return BY_CODE.get(codeKey(code, vendor));
}

/** The value name of `value` for an enumerated integer attribute, if the dictionary names it. */
export function valueName(def: AttrDef, value: number): string | undefined {
  return Object.entries(def.values ?? {}).find(([, v]) => v === value)?.[0];
}

/** The number a value name stands for (case-insensitive, as FreeRADIUS), if `def` has it. */
export function valueByName(def: AttrDef, name: string): number | undefined {
  if (!def.values) return undefined;
  if (Object.hasOwn(def.values, name)) return def.values[name];
  const lower = name.toLowerCase();
  for (const [n, v] of Object.entries(def.values)) if (n.toLowerCase() === lower) return v;
  return undefined;
}
