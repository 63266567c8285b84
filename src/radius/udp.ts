/**
 * RADIUS over UDP (RFC 2865 2.4/2.5, RFC 5080 2.2): one request and its reply (`exchange`), and a responder
 * (`listen`). Both verify every packet with packet.ts before using it:
 * - exchange accepts only a reply from the address and port it sent to, whose identifier, code, Response
 *   Authenticator and Message-Authenticator (decodeResponse) check out; anything else is ignored (told to
 *   `onIgnored`) and the wait goes on, so a forged or stale datagram cannot end the exchange.
 * - listen answers only requests from a client it has a secret for, that decodeRequest verifies; the rest is
 *   dropped and told to `onDrop`. It never logs itself: the caller owns the logger.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import {
  attrs,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  RadiusError,
  type Attribute,
  type RadiusCode,
  type RadiusPacket,
} from './packet';

export interface Peer {
  address: string;
  port: number;
}

export interface ExchangeOptions {
  host: string;
  port: number;
  secret: string;
  /** Per try, default 2000. */
  timeoutMs?: number;
  /** Retransmissions of the SAME bytes, default 2. */
  retries?: number;
  /** Default: true for an Access-Request, false otherwise (see encodeRequest). */
  messageAuthenticator?: boolean;
  /** Refuse replies without a Message-Authenticator (RouterOS 7.15+ `require-message-auth`). */
  requireMessageAuthenticator?: boolean;
  /** Bind the UDP socket to this address (a router's src-address). */
  localAddress?: string;
  /** Default: random. */
  identifier?: number;
  /** Told about each datagram that arrived but was not accepted as the reply. */
  onIgnored?(reason: string, from: Peer): void;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 2;

/**
 * Sends one request and resolves with its verified reply; retransmits the identical packet on timeout; rejects
 * RadiusError('TIMEOUT') after the last try, RadiusError('NETWORK') if the socket fails (bind, send, lookup).
 * One socket per call, closed before the promise settles.
 */
export async function exchange(
  code: RadiusCode,
  attributes: Attribute[],
  opts: ExchangeOptions,
): Promise<RadiusPacket> {
  const identifier = opts.identifier ?? randomInt(256);
  const bytes = encodeRequest(code, identifier, attributes, opts.secret, {
    messageAuthenticator: opts.messageAuthenticator,
  });
  const request: RadiusPacket = {
    code,
    identifier,
    authenticator: Buffer.from(bytes.subarray(4, 20)),
    attributes,
  };
  const target = await resolveHost(opts.host);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tries = 1 + (opts.retries ?? DEFAULT_RETRIES);
  const socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4');

  return new Promise<RadiusPacket>((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (error: Error | undefined, reply?: RadiusPacket): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close(() => (error ? reject(error) : resolve(reply as RadiusPacket)));
    };
    const where = `${target.address}:${opts.port}`;
    const send = (): void => {
      sent++;
      socket.send(bytes, opts.port, target.address, (err) => {
        if (err)
          finish(
            new RadiusError('NETWORK', `cannot send ${code} to ${where}: ${err.message}`, { cause: err }),
          );
      });
      timer = setTimeout(() => {
        if (sent < tries) send();
        else
          finish(
            new RadiusError('TIMEOUT', `no verified reply to ${code} from ${where} after ${sent} tries`),
          );
      }, timeoutMs);
    };
    socket.on('error', (err) => {
      finish(new RadiusError('NETWORK', `UDP socket for ${where} failed: ${err.message}`, { cause: err }));
    });
    socket.on('message', (msg, rinfo) => {
      const from = { address: rinfo.address, port: rinfo.port };
      if (from.address !== target.address || from.port !== opts.port) {
        opts.onIgnored?.(`datagram from ${from.address}:${from.port}, not ${where}`, from);
        return;
      }
      let reply: RadiusPacket;
      try {
        reply = decodeResponse(msg, request, opts.secret, {
          requireMessageAuthenticator: opts.requireMessageAuthenticator,
        });
      } catch (err) {
        opts.onIgnored?.(err instanceof Error ? err.message : String(err), from);
        return;
      }
      finish(undefined, reply);
    });
    socket.bind({ port: 0, address: opts.localAddress }, send);
  });
}

async function resolveHost(host: string): Promise<{ address: string; family: number }> {
  const family = isIP(host);
  if (family !== 0) return { address: host, family };
  try {
    return await lookup(host);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new RadiusError('NETWORK', `cannot resolve RADIUS host "${host}": ${reason}`, { cause: err });
  }
}

export interface ListenOptions {
  port: number;
  address?: string;
  /** The shared secret of a client address; undefined: not a client, its packets are dropped. */
  secretOf(address: string): string | undefined;
  /** The reply to a verified request, or undefined to send none. */
  handle(req: RadiusPacket, from: Peer): Promise<{ code: RadiusCode; attributes: Attribute[] } | undefined>;
  requireMessageAuthenticator?: boolean;
  onDrop?(reason: string, from: Peer): void;
  /** A socket error after the responder started (binding errors reject `listen` instead). */
  onError?(error: Error): void;
  /** Milliseconds clock for the duplicate cache; default Date.now. */
  now?(): number;
}

export interface Responder {
  port: number;
  close(): Promise<void>;
}

/** RFC 5080 2.2.2: how long a reply is kept for retransmissions of its request (5 to 30 s). */
export const DUPLICATE_WINDOW_MS = 30_000;
const MAX_REMEMBERED = 10_000;

interface Remembered {
  at: number;
  authenticator: Buffer;
  /** The bytes sent; undefined while the handler runs, or when it chose not to reply. */
  reply?: Buffer;
}

/**
 * The requests of the last 30 s by source address, port and identifier (RFC 5080 2.2.2). Only verified requests
 * reach it, so a forged packet cannot poison it. Entries are in arrival order; the old ones go as new ones come.
 */
class RecentRequests {
  private readonly entries = new Map<string, Remembered>();

  constructor(private readonly now: () => number) {}

  /** The entry of an earlier copy of `req`, or undefined after starting a new one (which replaces any other). */
  duplicateOf(req: RadiusPacket, from: Peer): Remembered | undefined {
    this.forgetOld();
    const key = `${from.address}|${from.port}|${req.identifier}`;
    const earlier = this.entries.get(key);
    if (earlier?.authenticator.equals(req.authenticator)) return earlier;
    // Same source and identifier but a new authenticator: a new request, the old entry goes (RFC 5080 2.2.2).
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), authenticator: req.authenticator });
    return undefined;
  }

  /** The entry of the request `duplicateOf` just started. */
  entryOf(req: RadiusPacket, from: Peer): Remembered | undefined {
    const entry = this.entries.get(`${from.address}|${from.port}|${req.identifier}`);
    return entry?.authenticator.equals(req.authenticator) ? entry : undefined;
  }

  /** Forgets `req`, so its retransmission is handled afresh. */
  forget(req: RadiusPacket, from: Peer): void {
    if (this.entryOf(req, from)) this.entries.delete(`${from.address}|${from.port}|${req.identifier}`);
  }

  private forgetOld(): void {
    const oldest = this.now() - DUPLICATE_WINDOW_MS;
    for (const [key, entry] of this.entries) {
      if (entry.at > oldest && this.entries.size <= MAX_REMEMBERED) break;
      this.entries.delete(key);
    }
  }
}

/**
 * A UDP responder: decodes each request with its client's secret, calls `handle`, sends the reply (if any),
 * copying the request's Proxy-State attributes into it (RFC 2865 5.33) unless the handler set them. A duplicate
 * (same source address, port, identifier and authenticator within 30 s) gets the remembered reply without
 * `handle` running again; one that arrives while `handle` is still busy is dropped.
 */
export async function listen(opts: ListenOptions): Promise<Responder> {
  const family = opts.address !== undefined && isIP(opts.address) === 6 ? 'udp6' : 'udp4';
  const socket = dgram.createSocket(family);
  const recent = new RecentRequests(opts.now ?? Date.now);
  let closed = false;

  const drop = (reason: string, from: Peer): void => opts.onDrop?.(reason, from);
  const send = (reply: Buffer, from: Peer): void => {
    if (closed) return;
    socket.send(reply, from.port, from.address, (err) => {
      if (err) drop(`cannot send the reply: ${err.message}`, from);
    });
  };

  const respond = async (msg: Buffer, from: Peer): Promise<void> => {
    const secret = opts.secretOf(from.address);
    if (secret === undefined) return drop(`${from.address} is not a known RADIUS client`, from);
    let req: RadiusPacket;
    try {
      req = decodeRequest(msg, secret, { requireMessageAuthenticator: opts.requireMessageAuthenticator });
    } catch (err) {
      return drop(err instanceof Error ? err.message : String(err), from);
    }
    const earlier = recent.duplicateOf(req, from);
    if (earlier?.reply) return send(earlier.reply, from);
    if (earlier)
      return drop(`duplicate ${req.code} ${req.identifier}, the first one has no reply (yet)`, from);
    try {
      const answer = await opts.handle(req, from);
      if (!answer) return;
      const proxyState = answer.attributes.some(([name]) => name.toLowerCase() === 'proxy-state')
        ? []
        : attrs(req, 'Proxy-State').map((value): Attribute => ['Proxy-State', value]);
      const reply = encodeResponse(answer.code, req, [...answer.attributes, ...proxyState], secret);
      const entry = recent.entryOf(req, from);
      if (entry) entry.reply = reply;
      send(reply, from);
    } catch (err) {
      recent.forget(req, from); // a retransmission tries the handler again
      const reason = err instanceof Error ? err.message : String(err);
      drop(`no reply to ${req.code} ${req.identifier}: ${reason}`, from);
    }
  };

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error): void => {
      const where = `${opts.address ?? '0.0.0.0'}:${opts.port}`;
      socket.close();
      reject(
        new RadiusError('NETWORK', `cannot listen for RADIUS on ${where}: ${err.message}`, { cause: err }),
      );
    };
    socket.once('error', failed);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', failed);
      resolve();
    });
  });
  socket.on('error', (err) => opts.onError?.(err));
  socket.on('message', (msg, rinfo) => void respond(msg, { address: rinfo.address, port: rinfo.port }));

  return {
    port: socket.address().port,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}
