import { RouterError, type RouterErrorCode } from '../domain/errors';

/** What node-routeros (with patches/node-routeros+1.6.9.patch) rejects with; all fields optional. */
interface LibraryError {
  message?: string;
  /** RosException code (`CANTLOGIN`, `SOCKTMOUT`, `ROSFATAL`, `CONNCLOSED`, `ECONNREFUSED`, ...) or `TRAP`. */
  errno?: string | number;
  /** Node's socket error code, kept by the patch. */
  code?: string;
  /** !trap `=category=` (patched Channel). */
  category?: string;
  /** !fatal's bare reason word (patched Connector). */
  reason?: string;
  /** The original socket/TLS error behind a RosException (patched Connector). */
  cause?: { message?: string };
}

// Trap texts from docs/routeros.md "Error messages to reproduce exactly". Categories of these traps are
// unconfirmed (✖), so the match is on the message only.
const DUPLICATE = /already have (such|user with this) /i;
const NO_SUCH_ITEM = /no such item|input does not match any value of/i;
// Both login failure texts (6.43+ and pre-6.43), docs/routeros.md "Login".
const LOGIN_FAILED = /invalid user name or password|cannot log in/i;

const TIMEOUT_ERRNOS = new Set(['SOCKTMOUT', 'ETIMEDOUT']);

function asLibraryError(err: unknown): LibraryError {
  if (typeof err === 'string') return { message: err, errno: err }; // connect() rejects 'ALRDYCONNECTING' as a string
  if (err && typeof err === 'object') return err as LibraryError;
  return { message: String(err) };
}

function trapCode(message: string): RouterErrorCode {
  if (DUPLICATE.test(message)) return 'ROUTER_DUPLICATE';
  if (NO_SUCH_ITEM.test(message)) return 'ROUTER_NO_SUCH_ITEM';
  if (LOGIN_FAILED.test(message)) return 'ROUTER_LOGIN_FAILED';
  return 'ROUTER_TRAP';
}

function parseCategory(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

/** Maps anything node-routeros rejects with to a RouterError with a stable code. */
export function toRouterError(err: unknown, command?: string): RouterError {
  if (err instanceof RouterError) return err;
  const lib = asLibraryError(err);
  const message = lib.message ?? '';
  const errno = String(lib.errno ?? lib.code ?? '');
  const where = command ? ` (${command})` : '';
  const fail = (
    code: RouterErrorCode,
    text: string,
    trap: { routerMessage?: string; category?: number } = {},
  ) => new RouterError(code, text, { ...trap, command, cause: err });
  if (errno === 'TRAP') {
    return fail(trapCode(message), `RouterOS refused${where}: ${message}`, {
      routerMessage: message,
      category: parseCategory(lib.category),
    });
  }
  if (errno === 'CANTLOGIN' || LOGIN_FAILED.test(message))
    return fail('ROUTER_LOGIN_FAILED', 'RouterOS rejected the API user name or password');
  if (errno === 'ROSFATAL') {
    return fail('ROUTER_FATAL', `RouterOS closed the session${where}: ${lib.reason ?? ''}`.trim(), {
      routerMessage: lib.reason,
    });
  }
  if (TIMEOUT_ERRNOS.has(errno))
    return fail('ROUTER_TIMEOUT', `No reply from the router${where}: ${message}`);
  if (errno === 'UNKNOWNREPLY')
    return fail('ROUTER_TRAP', `Unexpected reply from the router${where}: ${message}`);
  // Refused, DNS, reset, TLS handshake failures, a connection closed mid-command (CONNCLOSED): all mean
  // "not reachable right now", and retrying later may work.
  const detail = message || lib.cause?.message || errno || 'connection failed';
  return fail('ROUTER_UNREACHABLE', `Router not reachable${where}: ${detail}`);
}

/**
 * A command that was sent and got no answer: a timeout, the session closed by the router, or the connection lost
 * under it. Whether the router did it is unknown. A command never sent (no connection: no cause) is not one.
 */
export function unanswered(err: unknown): boolean {
  if (!(err instanceof RouterError)) return false;
  if (err.code === 'ROUTER_TIMEOUT' || err.code === 'ROUTER_FATAL') return true;
  return err.code === 'ROUTER_UNREACHABLE' && err.cause !== undefined;
}

/**
 * How the owner names a router's settings in the messages that say what to check: the .env variables for the
 * .env router, the site's own fields (Sites page, `pisonet sites edit`) for another site's.
 */
export interface RouterSettingNames {
  /** "check … and the user's group" */
  credentials: string;
  /** "check … (api-ssl is 8729, plain api 8728)" */
  tlsAndPort: string;
  /** "… speaks TLS (api-ssl) but …" */
  tlsIs(on: boolean): string;
}

export const ENV_SETTING_NAMES: RouterSettingNames = {
  credentials: 'ROUTER_USER/ROUTER_PASSWORD',
  tlsAndPort: 'ROUTER_TLS and ROUTER_PORT',
  tlsIs: (on) => `ROUTER_TLS is ${on}`,
};

export const SITE_SETTING_NAMES: RouterSettingNames = {
  credentials: "the site's API user and password",
  tlsAndPort: "the site's TLS setting and port",
  tlsIs: (on) => `the site's TLS is ${on ? 'on' : 'off'}`,
};

/** Where the connection was going, for messages that tell the owner what to check. */
export interface ConnectTarget {
  host: string;
  port: number;
  user: string;
  tls: boolean;
  timeoutSeconds: number;
  /** Default ENV_SETTING_NAMES. */
  settings?: RouterSettingNames;
}

// Node's TLS and certificate error codes: ERR_SSL_WRONG_VERSION_NUMBER, ERR_TLS_CERT_ALTNAME_INVALID,
// DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, EPROTO (older OpenSSL)...
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$)|CERT|SIGNATURE|ISSUER/;
const CERT_CODE = /CERT|SIGNATURE|ISSUER/;
// What a TLS client reads when the other end answers in plain text (a plain API port).
const NOT_TLS = /wrong version number|packet length too long|record layer failure|unknown protocol/i;
/** Node's wording when the peer hangs up in the middle of the handshake. */
const HANDSHAKE_CUT = /before secure TLS connection was established/i;

const tlsAdvice = (names: RouterSettingNames) =>
  `check ${names.tlsAndPort} (api-ssl is 8729, plain api 8728) and the certificate`;

/** OpenSSL's `80AC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…` → `wrong version number`. */
function tlsReason(message: string): string {
  const m = /SSL routines:[^:]*:([^:]+)/.exec(message);
  return (m ? m[1]! : message).trim();
}

const connectError = (code: RouterErrorCode, text: string, cause: unknown) =>
  new RouterError(code, text, { command: 'connect', cause, connect: true });

/** The TLS failure for an api-ssl attempt, in the owner's terms. */
export function tlsFailure(detail: string, cause: unknown, names: RouterSettingNames): RouterError {
  return connectError(
    'ROUTER_TLS',
    `TLS handshake with the router failed: ${detail}; ${tlsAdvice(names)}`,
    cause,
  );
}

/**
 * Classifies a failed connect + login into the four things an owner checks differently: the user or
 * password (ROUTER_LOGIN_FAILED), TLS settings (ROUTER_TLS), the API service or its address list
 * (ROUTER_REFUSED), the address or cabling (ROUTER_TIMEOUT). Anything else (DNS, no route, a reset) stays
 * ROUTER_UNREACHABLE. Each message says what to do; none contains the password.
 */
export function connectFailure(err: unknown, target: ConnectTarget): RouterError {
  const where = `${target.host}:${target.port}`;
  const names = target.settings ?? ENV_SETTING_NAMES;
  const e = toRouterError(err, 'connect');
  const lib = asLibraryError(err);
  const code = String(lib.code ?? lib.errno ?? '');
  const detail = lib.cause?.message || lib.message || '';
  const fail = (code: RouterErrorCode, text: string) => connectError(code, text, err);
  if (e.code === 'ROUTER_LOGIN_FAILED') {
    return fail(
      'ROUTER_LOGIN_FAILED',
      `The router refused the API user or password (user "${target.user}"): check ${names.credentials} and the user's group (api, read, write)`,
    );
  }
  if (target.tls && (TLS_CODE.test(code) || NOT_TLS.test(detail) || HANDSHAKE_CUT.test(detail))) {
    const what = NOT_TLS.test(detail)
      ? `${where} answered without TLS (${tlsReason(detail)}): is it the plain api port?`
      : CERT_CODE.test(code)
        ? `the router's certificate was not accepted (${detail})`
        : HANDSHAKE_CUT.test(detail)
          ? `${where} closed the connection during the handshake`
          : tlsReason(detail) || code;
    return tlsFailure(what, err, names);
  }
  if (code === 'ECONNREFUSED') {
    return fail(
      'ROUTER_REFUSED',
      `The router refused the connection on ${where}: is the API service enabled (/ip service) and allowed from this address?`,
    );
  }
  if (e.code === 'ROUTER_TIMEOUT') {
    return fail(
      'ROUTER_TIMEOUT',
      `No answer from the router at ${where} within ${target.timeoutSeconds} s: check the address, cabling, and /ip service address restrictions`,
    );
  }
  if (e.code === 'ROUTER_UNREACHABLE') return fail('ROUTER_UNREACHABLE', e.message);
  return e;
}
