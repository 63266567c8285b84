/**
 * RADIUS packets (RFC 2865 section 3, 2866 section 3, 5176 section 2.3) with their authenticators and the
 * Message-Authenticator of RFC 3579 section 3.2 (RFC 2869 5.14). No I/O: bytes in, bytes out.
 *
 * What each function verifies:
 * - decodeRequest: the header and attribute lengths (MALFORMED); that the code is a request; the Request
 *   Authenticator of Accounting-, CoA- and Disconnect-Request, MD5(code+id+len+16 zeros+attrs+secret)
 *   (BAD_AUTHENTICATOR); the Message-Authenticator when present, and its presence when required
 *   (BAD_MESSAGE_AUTHENTICATOR). An Access-Request's authenticator is random and proves nothing: only its
 *   Message-Authenticator shows that the sender knows the secret.
 * - decodeResponse: the same lengths; that the identifier and code answer the request (UNEXPECTED_REPLY);
 *   the Response Authenticator, MD5(code+id+len+Request Authenticator+attrs+secret) (BAD_AUTHENTICATOR);
 *   the Message-Authenticator as above.
 * The authenticator is checked before the Message-Authenticator: a wrong secret reads BAD_AUTHENTICATOR wherever
 * the authenticator can tell, and BAD_MESSAGE_AUTHENTICATOR then means a sender that computes it wrongly.
 */
import { randomBytes } from 'node:crypto';
import {
  decodeAttributes,
  encodeAttributes,
  splitAttributes,
  type Attribute,
  type AttrValue,
} from './attributes';
import { attrByName } from './dictionary';
import {
  checkAuthenticator,
  checkIdentifier,
  checkSecret,
  equal,
  md5,
  messageAuthenticator,
} from './authenticators';
import { RadiusError } from './errors';

export { RadiusError } from './errors';
export type { Attribute } from './attributes';

export const CODES = {
  'Access-Request': 1,
  'Access-Accept': 2,
  'Access-Reject': 3,
  'Accounting-Request': 4,
  'Accounting-Response': 5,
  'Disconnect-Request': 40,
  'Disconnect-ACK': 41,
  'Disconnect-NAK': 42,
  'CoA-Request': 43,
  'CoA-ACK': 44,
  'CoA-NAK': 45,
} as const;

export type RadiusCode = keyof typeof CODES;

export interface RadiusPacket {
  code: RadiusCode;
  identifier: number;
  authenticator: Buffer;
  attributes: Attribute[];
}

/** The replies each request may get. */
const REPLY_CODES: Readonly<Partial<Record<RadiusCode, readonly RadiusCode[]>>> = {
  'Access-Request': ['Access-Accept', 'Access-Reject'],
  'Accounting-Request': ['Accounting-Response'],
  'CoA-Request': ['CoA-ACK', 'CoA-NAK'],
  'Disconnect-Request': ['Disconnect-ACK', 'Disconnect-NAK'],
};

const CODE_NAMES = new Map<number, RadiusCode>(
  Object.entries(CODES).map(([name, n]) => [n, name as RadiusCode]),
);

const HEADER = 20;
const MAX_PACKET = 4096; // RFC 2865 3
const AUTH_AT = 4;
const MESSAGE_AUTHENTICATOR = 80;
const MA_LENGTH = 18;
const ZEROS = Buffer.alloc(16);

function isRequestCode(code: RadiusCode): boolean {
  return REPLY_CODES[code] !== undefined;
}

/**
 * Access-Request: random 16-byte Request Authenticator (or `authenticator`, for fixed test vectors), User-Password
 * hidden (RFC 2865 5.2). Accounting-, CoA-, Disconnect-Request: Request Authenticator =
 * MD5(code+id+len+16 zero bytes+attrs+secret) (RFC 2866 3, RFC 5176 2.3). Message-Authenticator (HMAC-MD5,
 * RFC 3579 3.2) is added first in the packet when `messageAuthenticator` is true or the attributes name one;
 * for an Access-Request it is added unless `messageAuthenticator` is false (BlastRADIUS, CVE-2024-3596).
 */
export function encodeRequest(
  code: RadiusCode,
  identifier: number,
  attributes: Attribute[],
  secret: string,
  opts: { messageAuthenticator?: boolean; authenticator?: Buffer } = {},
): Buffer {
  if (!isRequestCode(code)) throw new RadiusError('BAD_VALUE', `${code} is not a request`);
  checkIdentifier(identifier);
  checkSecret(secret);
  const access = code === 'Access-Request';
  if (opts.authenticator !== undefined && (!access || opts.authenticator.length !== 16)) {
    throw new RadiusError('BAD_VALUE', 'a given authenticator must be 16 bytes, for an Access-Request only');
  }
  const authenticator = access ? (opts.authenticator ?? randomBytes(16)) : ZEROS;
  const { rest, named } = withoutMessageAuthenticator(attributes);
  const withMA = opts.messageAuthenticator ?? (access || named);
  const body = encodeAttributes(rest, access ? { secret, authenticator } : undefined);
  const packet = assemble(CODES[code], identifier, authenticator, withMA, body);
  // The Message-Authenticator of an accounting, CoA or Disconnect request is computed over 16 zero bytes in
  // place of the authenticator, which then covers it (RFC 5176 3.4; FreeRADIUS rad_sign does the same).
  if (withMA) messageAuthenticator(packet, secret).copy(packet, HEADER + 2);
  if (!access) md5(packet, secret).copy(packet, AUTH_AT);
  return packet;
}

/**
 * A reply to `request` (decoded): Response Authenticator = MD5(code+id+len+Request Authenticator+attrs+secret)
 * (RFC 2865 3, RFC 2866 3, RFC 5176 2.3). Message-Authenticator, first in the packet, is computed with the
 * request's authenticator in place (RFC 3579 3.2), when `messageAuthenticator` is true or the attributes name
 * one; by default when the request carried one.
 */
export function encodeResponse(
  code: RadiusCode,
  request: RadiusPacket,
  attributes: Attribute[],
  secret: string,
  opts: { messageAuthenticator?: boolean } = {},
): Buffer {
  if (!REPLY_CODES[request.code]?.includes(code)) {
    throw new RadiusError('BAD_VALUE', `${code} does not answer ${request.code}`);
  }
  checkIdentifier(request.identifier);
  checkSecret(secret);
  checkAuthenticator(request.authenticator);
  const { rest, named } = withoutMessageAuthenticator(attributes);
  const withMA = opts.messageAuthenticator ?? (named || attr(request, 'Message-Authenticator') !== undefined);
  const packet = assemble(
    CODES[code],
    request.identifier,
    request.authenticator,
    withMA,
    encodeAttributes(rest),
  );
  if (withMA) messageAuthenticator(packet, secret).copy(packet, HEADER + 2);
  md5(packet, secret).copy(packet, AUTH_AT);
  return packet;
}

/**
 * Decodes and verifies a request (see the header). User-Password comes back unhidden, as a string. Unknown and
 * invalid attributes are kept as [`Attr-<n>` or `Vendor-<v>-Attr-<n>`, Buffer].
 */
export function decodeRequest(
  buf: Buffer,
  secret: string,
  opts: { requireMessageAuthenticator?: boolean } = {},
): RadiusPacket {
  checkSecret(secret);
  const frame = parseFrame(buf);
  if (!isRequestCode(frame.code)) throw new RadiusError('MALFORMED', `${frame.code} is not a request`);
  const access = frame.code === 'Access-Request';
  if (!access) verifyAuthenticator(frame, ZEROS, secret);
  verifyMessageAuthenticator(frame, access ? frame.authenticator : ZEROS, secret, opts);
  const password = access ? { secret, authenticator: frame.authenticator } : undefined;
  return packetOf(frame, decodeAttributes(frame.attributes, password));
}

/**
 * Decodes and verifies a reply to `request`, the packet as sent (see the header). The request needs only its
 * code, identifier and authenticator.
 */
export function decodeResponse(
  buf: Buffer,
  request: RadiusPacket,
  secret: string,
  opts: { requireMessageAuthenticator?: boolean } = {},
): RadiusPacket {
  checkSecret(secret);
  checkAuthenticator(request.authenticator);
  const frame = parseFrame(buf);
  if (frame.identifier !== request.identifier) {
    throw new RadiusError(
      'UNEXPECTED_REPLY',
      `reply identifier ${frame.identifier} does not match the request's ${request.identifier}`,
    );
  }
  if (!REPLY_CODES[request.code]?.includes(frame.code)) {
    throw new RadiusError('UNEXPECTED_REPLY', `${frame.code} does not answer ${request.code}`);
  }
  verifyAuthenticator(frame, request.authenticator, secret);
  verifyMessageAuthenticator(frame, request.authenticator, secret, opts);
  return packetOf(frame, decodeAttributes(frame.attributes));
}

/** The first value of attribute `name` (any case), or undefined. */
export function attr(p: RadiusPacket, name: string): AttrValue | undefined {
  const wanted = name.toLowerCase();
  return p.attributes.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

/** Every value of attribute `name` (any case), in packet order. */
export function attrs(p: RadiusPacket, name: string): AttrValue[] {
  const wanted = name.toLowerCase();
  return p.attributes.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

/** A byte count as the 32-bit counter and the gigawords attribute that carries its overflows (RFC 2869 5.1). */
export function toGigawords(total: number): { octets: number; gigawords: number } {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RadiusError('BAD_VALUE', `a byte count must be a whole number from 0, got ${total}`);
  }
  return { octets: total % 2 ** 32, gigawords: Math.floor(total / 2 ** 32) };
}

/** The byte count of a 32-bit counter and its gigawords; a missing gigawords attribute counts 0. */
export function fromGigawords(octets: number, gigawords = 0): number {
  return gigawords * 2 ** 32 + octets;
}

interface Frame {
  code: RadiusCode;
  identifier: number;
  authenticator: Buffer;
  /** The packet up to its Length field (bytes past it are padding, RFC 2865 3). */
  bytes: Buffer;
  attributes: ReturnType<typeof splitAttributes>;
}

function parseFrame(buf: Buffer): Frame {
  if (!Buffer.isBuffer(buf)) throw new RadiusError('MALFORMED', 'a RADIUS packet must be a Buffer');
  if (buf.length < HEADER) {
    throw new RadiusError('MALFORMED', `${buf.length} bytes is shorter than a RADIUS header (${HEADER})`);
  }
  const length = buf.readUInt16BE(2);
  if (length < HEADER || length > MAX_PACKET) {
    throw new RadiusError('MALFORMED', `Length field ${length} is outside ${HEADER}..${MAX_PACKET}`);
  }
  if (length > buf.length) {
    throw new RadiusError('MALFORMED', `Length field says ${length} bytes but only ${buf.length} arrived`);
  }
  const code = CODE_NAMES.get(buf[0]);
  if (code === undefined)
    throw new RadiusError('MALFORMED', `packet code ${buf[0]} is not one this codec handles`);
  const bytes = buf.subarray(0, length);
  return {
    code,
    identifier: buf[1],
    authenticator: Buffer.from(bytes.subarray(AUTH_AT, HEADER)),
    bytes,
    attributes: splitAttributes(bytes.subarray(HEADER), HEADER),
  };
}

function packetOf(frame: Frame, attributes: Attribute[]): RadiusPacket {
  return { code: frame.code, identifier: frame.identifier, authenticator: frame.authenticator, attributes };
}

/** The Authenticator field is MD5 over the packet with `authenticator` in its place, then the secret. */
function verifyAuthenticator(frame: Frame, authenticator: Buffer, secret: string): void {
  const signed = Buffer.from(frame.bytes);
  authenticator.copy(signed, AUTH_AT);
  if (!equal(md5(signed, secret), frame.authenticator))
    throw new RadiusError('BAD_AUTHENTICATOR', `${frame.code} authenticator does not match (wrong secret?)`);
}

/** RFC 3579 3.2: at most one, 16 bytes, HMAC-MD5 over the packet with itself zeroed and `authenticator` in place. */
function verifyMessageAuthenticator(
  frame: Frame,
  authenticator: Buffer,
  secret: string,
  opts: { requireMessageAuthenticator?: boolean },
): void {
  const found = frame.attributes.filter((a) => a.type === MESSAGE_AUTHENTICATOR);
  if (found.length === 0) {
    if (opts.requireMessageAuthenticator) {
      throw new RadiusError(
        'BAD_MESSAGE_AUTHENTICATOR',
        `${frame.code} has no Message-Authenticator (required)`,
      );
    }
    return;
  }
  if (found.length > 1)
    throw new RadiusError('MALFORMED', `${frame.code} has ${found.length} Message-Authenticators`);
  const [ma] = found;
  if (ma.value.length !== 16) {
    throw new RadiusError('MALFORMED', `Message-Authenticator is ${ma.value.length} bytes, not 16`);
  }
  const signed = Buffer.from(frame.bytes);
  authenticator.copy(signed, AUTH_AT);
  ZEROS.copy(signed, ma.offset + 2);
  if (!equal(messageAuthenticator(signed, secret), ma.value)) {
    throw new RadiusError(
      'BAD_MESSAGE_AUTHENTICATOR',
      `${frame.code} Message-Authenticator does not match (wrong secret or altered packet)`,
    );
  }
}

function withoutMessageAuthenticator(attributes: Attribute[]): { rest: Attribute[]; named: boolean } {
  const ma = attrByName('Message-Authenticator').name;
  const rest = attributes.filter(([name]) => attrByName(name).name !== ma);
  return { rest, named: rest.length !== attributes.length };
}

/** Header, an empty Message-Authenticator first when asked (where BlastRADIUS advice wants it), then `body`. */
function assemble(
  code: number,
  identifier: number,
  authenticator: Buffer,
  withMA: boolean,
  body: Buffer,
): Buffer {
  const length = HEADER + (withMA ? MA_LENGTH : 0) + body.length;
  if (length > MAX_PACKET) {
    throw new RadiusError(
      'BAD_VALUE',
      `the attributes make a ${length}-byte packet, more than ${MAX_PACKET}`,
    );
  }
  const packet = Buffer.alloc(length);
  packet[0] = code;
  packet[1] = identifier;
  packet.writeUInt16BE(length, 2);
  authenticator.copy(packet, AUTH_AT);
  let at = HEADER;
  if (withMA) {
    packet[at] = MESSAGE_AUTHENTICATOR;
    packet[at + 1] = MA_LENGTH;
    at += MA_LENGTH;
  }
  body.copy(packet, at);
  return packet;
}
