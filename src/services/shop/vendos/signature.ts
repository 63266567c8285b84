/**
 * The board's request signature (docs/vendo-protocol.md): hex HMAC-SHA256, keyed with the vendo's secret as
 * text (UTF-8), over `timestamp + "\n" + METHOD + "\n" + path + "\n" + body`, where path has no query string and
 * body is the exact bytes sent (empty for GET). Shared by the controller and the simulated vendo.
 */
import crypto from 'node:crypto';

/** A request more than this far from the controller's clock is refused (replays, a board with no time). */
export const MAX_SKEW_SECONDS = 300;

function signatureBase(timestamp: string, method: string, path: string, body: Buffer | string): Buffer {
  const head = Buffer.from(`${timestamp}\n${method.toUpperCase()}\n${path}\n`, 'utf8');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

function sign(
  secret: string,
  timestamp: string,
  method: string,
  path: string,
  body: Buffer | string,
): string {
  return crypto
    .createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(signatureBase(timestamp, method, path, body))
    .digest('hex');
}

/** Constant-time comparison of a sent signature (any case) with the one the secret makes. */
export function signatureMatches(
  secret: string,
  sent: string,
  timestamp: string,
  method: string,
  path: string,
  body: Buffer | string,
): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(sent)) return false;
  const want = Buffer.from(sign(secret, timestamp, method, path, body), 'hex');
  return crypto.timingSafeEqual(want, Buffer.from(sent, 'hex'));
}

/** The headers a board sends: for the simulated vendo, the bench and the tests. */
export function signedHeaders(
  id: string,
  secret: string,
  method: string,
  path: string,
  body: string,
  nowSeconds: number,
): Record<string, string> {
  const ts = String(Math.floor(nowSeconds));
  return {
    'X-Vendo-Id': id,
    'X-Vendo-Timestamp': ts,
    'X-Vendo-Signature': sign(secret, ts, method, path, body),
  };
}
