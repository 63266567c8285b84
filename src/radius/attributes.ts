/**
 * RADIUS attributes on the wire (RFC 2865 section 5): the type-length-value list, the value types of RFC 8044
 * (string, octets, integer, ipaddr, date), Vendor-Specific (5.26) and User-Password hiding (5.2).
 *
 * Encoding checks every value and throws RadiusError('BAD_VALUE') naming the attribute. Decoding throws
 * RadiusError('MALFORMED') only when the list itself is broken (an attribute shorter than 2 bytes or running
 * past the packet); an attribute whose value does not fit its type (an integer of 3 bytes, an empty string,
 * a Vendor-Specific whose sub-attributes do not add up) is an "invalid attribute" (RFC 6929 2.8) and is kept
 * as raw octets under `Attr-<n>` / `Vendor-<v>-Attr-<n>`, as an unknown one is: nothing is dropped.
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { RadiusError } from './errors';
import {
  attrByCode,
  attrByName,
  rawName,
  valueByName,
  valueName,
  VENDOR_SPECIFIC,
  type AttrDef,
} from './dictionary';

export type AttrValue = string | number | Buffer;
export type Attribute = [name: string, value: AttrValue];

/** One attribute as found in a packet: its type, where it starts (its type byte) and its value. */
interface RawAttribute {
  type: number;
  offset: number;
  value: Buffer;
}

const USER_PASSWORD = 2;
const MAX_VALUE = 253; // a 1-byte length that counts its 2 header bytes
const VSA_HEADER = 6; // vendor id (4), vendor type (1), vendor length (1)
const MAX_PASSWORD = 128; // RFC 2865 5.2
const UINT32_MAX = 0xffffffff;

/** How User-Password is hidden: the shared secret and the Request Authenticator of the Access-Request. */
interface PasswordKey {
  secret: string;
  authenticator: Buffer;
}

/** Splits an attribute list; MALFORMED if an attribute is shorter than its header or runs past the end. */
export function splitAttributes(body: Buffer, baseOffset = 0): RawAttribute[] {
  const list: RawAttribute[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + 2 > body.length) {
      throw new RadiusError('MALFORMED', `attribute at byte ${baseOffset + at} is cut off after its type`);
    }
    const type = body[at];
    const length = body[at + 1];
    if (length < 2) {
      throw new RadiusError(
        'MALFORMED',
        `attribute ${type} at byte ${baseOffset + at} has length ${length} (< 2)`,
      );
    }
    if (at + length > body.length) {
      throw new RadiusError(
        'MALFORMED',
        `attribute ${type} at byte ${baseOffset + at} has length ${length}, past the end of the packet`,
      );
    }
    list.push({ type, offset: baseOffset + at, value: body.subarray(at + 2, at + length) });
    at += length;
  }
  return list;
}

/**
 * Encodes `attributes` in order. `password` is the key for User-Password; without it (any packet but an
 * Access-Request) a User-Password is refused, as it cannot be hidden.
 */
export function encodeAttributes(attributes: Attribute[], password?: PasswordKey): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of attributes) {
    const def = attrByName(name);
    if (def.vendor === undefined && def.code === USER_PASSWORD && def.type === 'string') {
      if (!password) throw new RadiusError('BAD_VALUE', 'User-Password is only sent in an Access-Request');
      parts.push(tlv(def.code, hidePassword(expectString(def, value), password)));
    } else if (def.vendor === undefined) {
      parts.push(tlv(def.code, encodeValue(def, value, MAX_VALUE)));
    } else {
      const data = encodeValue(def, value, MAX_VALUE - VSA_HEADER);
      const vsa = Buffer.alloc(VSA_HEADER + data.length);
      vsa.writeUInt32BE(def.vendor, 0);
      vsa[4] = def.code;
      vsa[5] = data.length + 2;
      data.copy(vsa, VSA_HEADER);
      parts.push(tlv(VENDOR_SPECIFIC, vsa));
    }
  }
  return Buffer.concat(parts);
}

/** Decodes a split attribute list; `password` unhides User-Password (Access-Request only). */
export function decodeAttributes(raw: RawAttribute[], password?: PasswordKey): Attribute[] {
  const out: Attribute[] = [];
  for (const { type, value } of raw) {
    if (type === VENDOR_SPECIFIC) {
      out.push(...decodeVendorSpecific(value));
      continue;
    }
    const def = attrByCode(type);
    let decoded: AttrValue | undefined;
    if (def && type === USER_PASSWORD) decoded = password ? unhidePassword(value, password) : undefined;
    else if (def) decoded = decodeValue(def, value);
    out.push(def && decoded !== undefined ? [def.name, decoded] : [rawName(type), Buffer.from(value)]);
  }
  return out;
}

function decodeVendorSpecific(value: Buffer): Attribute[] {
  const whole: Attribute[] = [[rawName(VENDOR_SPECIFIC), Buffer.from(value)]];
  if (value.length < 4 + 2) return whole;
  const vendor = value.readUInt32BE(0);
  let subs: RawAttribute[];
  try {
    subs = splitAttributes(value.subarray(4));
  } catch {
    return whole; // not the common one-byte type, one-byte length format (RFC 2865 5.26 "SHOULD")
  }
  return subs.map(({ type, value: data }): Attribute => {
    const def = attrByCode(type, vendor);
    const decoded = def ? decodeValue(def, data) : undefined;
    return def && decoded !== undefined ? [def.name, decoded] : [rawName(type, vendor), Buffer.from(data)];
  });
}

function tlv(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

function isRaw(def: AttrDef): boolean {
  return attrByCode(def.code, def.vendor)?.name !== def.name;
}

function encodeValue(def: AttrDef, value: AttrValue, max: number): Buffer {
  let data: Buffer;
  switch (def.type) {
    case 'string':
      data = Buffer.from(expectString(def, value), 'utf8');
      break;
    case 'octets':
      if (!Buffer.isBuffer(value)) throw badValue(def, value, 'a Buffer');
      data = value;
      break;
    case 'integer':
      data = uint32(def, integerOf(def, value));
      break;
    case 'date':
      data = uint32(def, value);
      break;
    case 'ipaddr':
      if (typeof value !== 'string' || !isIPv4(value)) throw badValue(def, value, 'a dotted IPv4 address');
      data = Buffer.from(value.split('.').map(Number));
      break;
  }
  // RFC 2865 5: a value is at least one byte; only raw attributes (copied from a packet) may be empty.
  if (data.length === 0 && !isRaw(def)) throw new RadiusError('BAD_VALUE', `${def.name} must not be empty`);
  if (data.length > max) {
    throw new RadiusError(
      'BAD_VALUE',
      `${def.name} is ${data.length} bytes long, more than the ${max} that fit`,
    );
  }
  return data;
}

function decodeValue(def: AttrDef, data: Buffer): AttrValue | undefined {
  if (data.length === 0) return undefined;
  switch (def.type) {
    case 'string':
      return data.toString('utf8');
    case 'octets':
      return Buffer.from(data);
    case 'integer': {
      if (data.length !== 4) return undefined;
      const n = data.readUInt32BE(0);
      return valueName(def, n) ?? n;
    }
    case 'date':
      return data.length === 4 ? data.readUInt32BE(0) : undefined;
    case 'ipaddr':
      return data.length === 4 ? Array.from(data).join('.') : undefined;
  }
}

function expectString(def: AttrDef, value: AttrValue): string {
  if (typeof value !== 'string') throw badValue(def, value, 'a string');
  return value;
}

function integerOf(def: AttrDef, value: AttrValue): AttrValue {
  if (typeof value !== 'string') return value;
  const n = valueByName(def, value);
  if (n !== undefined) return n;
  const names = def.values ? `: one of ${Object.keys(def.values).join(', ')}` : '';
  throw new RadiusError('BAD_VALUE', `${def.name} has no value named "${value}"${names}, or give a number`);
}

function uint32(def: AttrDef, value: AttrValue): Buffer {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw badValue(def, value, `an integer from 0 to ${UINT32_MAX}`);
  }
  const data = Buffer.alloc(4);
  data.writeUInt32BE(value, 0);
  return data;
}

function badValue(def: AttrDef, value: AttrValue, expected: string): RadiusError {
  const shown = Buffer.isBuffer(value) ? `a ${value.length}-byte Buffer` : JSON.stringify(value);
  return new RadiusError('BAD_VALUE', `${def.name} must be ${expected}, got ${shown}`);
}

/** RFC 2865 5.2: the password, padded with NULs to a multiple of 16, XORed with a chain of MD5 blocks. */
function hidePassword(password: string, key: PasswordKey): Buffer {
  const plain = Buffer.from(password, 'utf8');
  if (plain.length > MAX_PASSWORD) {
    throw new RadiusError(
      'BAD_VALUE',
      `User-Password is ${plain.length} bytes long, more than ${MAX_PASSWORD}`,
    );
  }
  const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(padded);
  return passwordChain(padded, key, (cipher) => cipher);
}

/** The inverse of hidePassword; undefined when the value cannot be a hidden password (not 16..128 by 16s). */
function unhidePassword(hidden: Buffer, key: PasswordKey): string | undefined {
  if (hidden.length < 16 || hidden.length > MAX_PASSWORD || hidden.length % 16 !== 0) return undefined;
  const plain = passwordChain(hidden, key, (_, input) => input);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end).toString('utf8');
}

/** XORs `input` with b1 = MD5(secret + RA), bi = MD5(secret + c(i-1)); `cipherOf` picks c from out or in. */
function passwordChain(
  input: Buffer,
  key: PasswordKey,
  cipherOf: (out: Buffer, input: Buffer) => Buffer,
): Buffer {
  const secret = Buffer.from(key.secret, 'utf8');
  const out = Buffer.alloc(input.length);
  let previous = key.authenticator;
  for (let at = 0; at < input.length; at += 16) {
    const block = createHash('md5').update(secret).update(previous).digest();
    for (let i = 0; i < 16; i++) out[at + i] = input[at + i] ^ block[i];
    previous = cipherOf(out, input).subarray(at, at + 16);
  }
  return out;
}
