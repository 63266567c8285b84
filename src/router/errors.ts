import { RouterError, type RouterErrorCode } from './types';

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

// Trap texts from FACTS.md §1 ("Error messages to reproduce exactly"). Categories of these traps are
// unconfirmed (✖), so the match is on the message only.
const DUPLICATE = /already have (such|user with this) /i;
const NO_SUCH_ITEM = /no such item|input does not match any value of/i;
// Both login failure texts (6.43+ and pre-6.43), FACTS.md §1 "Login".
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
  if (errno === 'TRAP') {
    const code = trapCode(message);
    return new RouterError(code, `RouterOS refused${where}: ${message}`, {
      routerMessage: message,
      category: parseCategory(lib.category),
      command,
      cause: err,
    });
  }
  if (errno === 'CANTLOGIN' || LOGIN_FAILED.test(message)) {
    return new RouterError('ROUTER_LOGIN_FAILED', 'RouterOS rejected the API user name or password', {
      command,
      cause: err,
    });
  }
  if (errno === 'ROSFATAL') {
    return new RouterError(
      'ROUTER_FATAL',
      `RouterOS closed the session${where}: ${lib.reason ?? ''}`.trim(),
      {
        routerMessage: lib.reason,
        command,
        cause: err,
      },
    );
  }
  if (TIMEOUT_ERRNOS.has(errno)) {
    return new RouterError('ROUTER_TIMEOUT', `No reply from the router${where}: ${message}`, {
      command,
      cause: err,
    });
  }
  if (errno === 'UNKNOWNREPLY') {
    return new RouterError('ROUTER_TRAP', `Unexpected reply from the router${where}: ${message}`, {
      command,
      cause: err,
    });
  }
  // Refused, DNS, reset, TLS handshake failures, a connection closed mid-command (CONNCLOSED): all mean
  // "not reachable right now", and retrying later may work.
  const detail = message || lib.cause?.message || errno || 'connection failed';
  return new RouterError('ROUTER_UNREACHABLE', `Router not reachable${where}: ${detail}`, {
    command,
    cause: err,
  });
}
