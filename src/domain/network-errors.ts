/**
 * The errors of the networks a site is driven over: a RouterOS API failure (RouterError), a source or a target of
 * the poll that cannot be reached whatever the mode (UnreachableError), and a change an enforcer could not make
 * (EnforceError). Re-exported by errors.ts, where every other error of the product is. Imports nothing.
 */
export type RouterErrorCode =
  | 'ROUTER_UNREACHABLE' // no connection (DNS, no route, reset, not connected yet, dropped)
  | 'ROUTER_TIMEOUT' // a command (or connect) got no complete reply in time
  | 'ROUTER_LOGIN_FAILED' // wrong user or password (or a user without the api policy)
  | 'ROUTER_TLS' // TLS handshake failed: ROUTER_TLS against the plain port or the reverse, a certificate refused
  | 'ROUTER_REFUSED' // connection refused: the API service is off, on another port, or not allowed from here
  | 'ROUTER_TRAP' // RouterOS replied !trap (see routerMessage/category)
  | 'ROUTER_DUPLICATE' // trap: "failure: already have such name" / "...user with this name..."
  | 'ROUTER_NO_SUCH_ITEM' // trap: "no such item" / "input does not match any value of ..."
  | 'ROUTER_FATAL'; // !fatal: the router closed the session

/** A RouterOS failure, as src/router/ reports node-routeros's errors and RouterOS's refusals. */
export class RouterError extends Error {
  readonly code: RouterErrorCode;
  /** RouterOS's own message from !trap/!fatal, verbatim. */
  readonly routerMessage?: string;
  /** !trap category 0..7 when RouterOS sent one (docs/routeros.md "Trap categories"). */
  readonly category?: number;
  /** The command that failed, e.g. `/queue/simple/add` (never includes passwords). */
  readonly command?: string;
  /**
   * Why connecting failed, worded for the owner with what to check (see connectFailure); the same text
   * shows in /healthz, the admin, the CLI and the log. False for a command's own failure.
   */
  readonly connect: boolean;

  constructor(
    code: RouterErrorCode,
    message: string,
    details: {
      routerMessage?: string;
      category?: number;
      command?: string;
      cause?: unknown;
      connect?: boolean;
    } = {},
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'RouterError';
    this.code = code;
    this.routerMessage = details.routerMessage;
    this.category = details.category;
    this.command = details.command;
    this.connect = details.connect ?? false;
  }

  /**
   * True when retrying later may succeed (connection problems), false for RouterOS refusals and for
   * settings that waiting does not fix (a wrong password, TLS on the wrong port).
   */
  get transient(): boolean {
    return (
      this.code === 'ROUTER_UNREACHABLE' ||
      this.code === 'ROUTER_TIMEOUT' ||
      this.code === 'ROUTER_FATAL' ||
      this.code === 'ROUTER_REFUSED'
    );
  }
}

/**
 * Where a poll's usage comes from, or where its decisions go, cannot be reached now: a router's API, FreeRADIUS's
 * database, a router's CoA port. One error whatever the mode: the poll skips (or stops enforcing) and says so once
 * per outage, and tries again at the next poll. `detail` keeps the cause's own code (ROUTER_TIMEOUT, …) for the log.
 */
export class UnreachableError extends Error {
  readonly code = 'UNREACHABLE' as const;
  readonly transient = true;
  constructor(
    message: string,
    readonly detail?: string,
    cause?: unknown,
  ) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'UnreachableError';
  }
}

/** A change an enforcer could not make (a router's refusal, a packet not answered): retried next poll. */
export interface EnforceError {
  code: string;
  message: string;
  /** True when waiting may fix it (the network is away), false for a refusal. */
  readonly transient: boolean;
  /** The network's own words, when it gave any. */
  routerMessage?: string;
  /** The cause's own code, when the code is the neutral UNREACHABLE. */
  detail?: string;
}
