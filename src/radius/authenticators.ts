/**
 * The digests behind a RADIUS packet's authenticators (MD5 over the packet and the shared secret, RFC 2865 3;
 * HMAC-MD5 for the Message-Authenticator, RFC 3579 3.2), their constant-time comparison, and the checks on what a
 * caller passes in for them (identifier, secret, a request's authenticator). packet.ts puts them in place.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { RadiusError } from './errors';

export function messageAuthenticator(packet: Buffer, secret: string): Buffer {
  return createHmac('md5', secret).update(packet).digest();
}

export function md5(packet: Buffer, secret: string): Buffer {
  return createHash('md5').update(packet).update(secret, 'utf8').digest();
}

export function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkIdentifier(identifier: number): void {
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
    throw new RadiusError('BAD_VALUE', `identifier must be an integer from 0 to 255, got ${identifier}`);
  }
}

export function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new RadiusError('BAD_VALUE', 'the shared secret must be a non-empty string');
  }
}

export function checkAuthenticator(authenticator: Buffer): void {
  if (!Buffer.isBuffer(authenticator) || authenticator.length !== 16) {
    throw new RadiusError('BAD_VALUE', "the request's authenticator must be a 16-byte Buffer");
  }
}
