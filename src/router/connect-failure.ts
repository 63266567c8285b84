import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import { connectFailure, ENV_SETTING_NAMES, tlsFailure, type ConnectTarget } from './errors';
import type { RouterError } from '../domain/errors';

/** How to secure api-ssl. Without `ca` the link is encrypted but the router is not authenticated (see below). */
export interface RouterTlsOptions {
  /** The router's certificate or its CA (PEM). When given, the certificate is verified. */
  ca?: string | Buffer;
  /** Name to verify the certificate against when it differs from `host`. */
  servername?: string;
}

/**
 * Certless api-ssl (RouterOS's default) offers only anonymous-DH ciphers, which OpenSSL ≥1.1 refuses
 * unless the security level is 0 (docs/routeros.md "TLS"). DEFAULT keeps normal suites for routers that have
 * a certificate. ADH has no certificate at all, and a self-signed one cannot be verified without its CA, so
 * this mode turns verification off: encrypted but unauthenticated. Give `tlsOptions.ca` to verify instead.
 * Verified on Node 20 / OpenSSL 3 (test/router/tls.test.ts): `@SECLEVEL=0` must be its own `:`-separated
 * item; written `DEFAULT@SECLEVEL=0` the level is not applied and the ADH handshake fails (no shared cipher).
 */
const ANON_DH_CIPHERS =
  'ADH-AES128-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA:ADH-AES256-SHA:DEFAULT:@SECLEVEL=0';

export function buildTlsOptions(tls: boolean, opts: RouterTlsOptions = {}): ConnectionOptions | undefined {
  if (!tls) return undefined;
  if (opts.ca !== undefined) return { ca: opts.ca, servername: opts.servername, rejectUnauthorized: true };
  return { ciphers: ANON_DH_CIPHERS, rejectUnauthorized: false, servername: opts.servername };
}

/** Errors where nothing answered at all (no name, no route): no TLS handshake to try either. */
const NO_PEER = /^(ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNREFUSED|SOCKTMOUT|ETIMEDOUT)$/;

function errnoOf(err: unknown): string {
  if (typeof err === 'string') return err;
  const e = err as { code?: unknown; errno?: unknown } | null;
  return String(e?.code ?? e?.errno ?? '');
}

/** What a failed connect is explained against: where it went, and a way to cancel a probe on stop. */
interface FailureContext extends ConnectTarget {
  /** True once the connection is stopping: no probe is started then. */
  stopped: boolean;
  /** Hands the connection the probe's cancel (undefined once the probe is done), for stop() to call. */
  onCancel: (cancel: (() => void) | undefined) => void;
}

/** Why a connect + login failed, in the owner's terms (wrong password, TLS, refused, timeout, other). */
export async function explainConnectFailure(err: unknown, ctx: FailureContext): Promise<RouterError> {
  const { host, port, user, tls: useTls, timeoutSeconds } = ctx;
  const names = ctx.settings ?? ENV_SETTING_NAMES;
  const e = connectFailure(err, { host, port, user, tls: useTls, timeoutSeconds, settings: names });
  if (ctx.stopped || NO_PEER.test(errnoOf(err))) return e;
  // Plain API against the api-ssl port: the router hangs up on the login words, which looks like any
  // dropped connection. One TLS handshake on the same port tells the two apart.
  const hungUp = e.code === 'ROUTER_UNREACHABLE' || e.code === 'ROUTER_TRAP';
  if (!useTls && hungUp && (await probe('tls', ctx)))
    return tlsFailure(`${host}:${port} speaks TLS (api-ssl) but ${names.tlsIs(false)}`, err, names);
  // TLS against the plain API port: depending on the bytes of the ClientHello the router may wait for the
  // rest of a "word" forever, which looks like a router that does not answer. A plain login request tells.
  if (useTls && e.code === 'ROUTER_TIMEOUT' && (await probe('api', ctx)))
    return tlsFailure(
      `${host}:${port} is a plain API port (no TLS answer) but ${names.tlsIs(true)}`,
      err,
      names,
    );
  return e;
}

/**
 * One short extra connection to host:port: does it complete a TLS handshake (certificate not checked,
 * only the protocol matters), or answer a plain API `/login` with a reply sentence? Never throws.
 */
function probe(kind: 'tls' | 'api', ctx: FailureContext): Promise<boolean> {
  const { host, port } = ctx;
  return new Promise<boolean>((resolve) => {
    const socket =
      kind === 'tls'
        ? tls.connect({ ...buildTlsOptions(true), host, port, rejectUnauthorized: false })
        : net.connect({ host, port });
    let settled = false;
    const done = (answer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.onCancel(undefined);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), Math.min(ctx.timeoutSeconds, 3) * 1000);
    ctx.onCancel(() => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    if (kind === 'tls') {
      socket.once('secureConnect', () => done(true));
      return;
    }
    // `/login` as one API sentence: a length-prefixed word, then the empty word.
    socket.once('connect', () => socket.write(Buffer.from('\x06/login\x00', 'latin1')));
    // Every reply sentence starts with a short word beginning with `!` (!done, !trap, !fatal).
    socket.once('data', (chunk: Buffer) => done(chunk.length >= 2 && chunk[0]! < 0x80 && chunk[1] === 0x21));
  });
}
