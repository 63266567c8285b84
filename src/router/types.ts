/**
 * The router boundary's public contract. Everything outside src/router/ talks to RouterOS through
 * this interface only; only src/router/ imports node-routeros.
 */
import type { RouterErrorCode } from '../domain/errors';

/** One row of a RouterOS reply: property name → raw string value, as RouterOS sent it. */
export type RosRow = Record<string, string>;

/**
 * Attributes for add/set: values are stringified; booleans become `true`/`false`
 * (docs/routeros.md "Reply details").
 */
export type RosAttrs = Record<string, string | number | boolean | undefined>;

export interface PrintOptions {
  /** Sent as `=.proplist=a,b,c`. Always pass it when polling (docs/routeros.md "Proplist"). */
  proplist?: string[];
  /** Raw query words without the leading `?`, e.g. ['name=pisonet-AA:BB', '#|']. Order matters. */
  query?: string[];
  /** Extra print arguments, e.g. { stats: '' } */
  args?: RosAttrs;
}

/** A running follow: stop() cancels it on the router (`/cancel`); it never calls its `onEnd` after that. */
export interface RouterFollow {
  stop(): Promise<void>;
}

export interface RouterIdentity {
  identity: string;
  version?: string;
  boardName?: string;
}

export type RouterConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface RouterStatus {
  state: RouterConnectionState;
  connected: boolean;
  /** Last error that caused a disconnect, if any (message only, no secrets). */
  lastError?: string;
  /** Code of that error, e.g. ROUTER_LOGIN_FAILED while the password is wrong (the loop keeps retrying with backoff). */
  lastErrorCode?: RouterErrorCode;
  identity?: string;
  connectedSince?: number;
  /** When the connection it had was lost (while not connected; undefined before a first connection). */
  lostSince?: number;
}

/** Typed operations on RouterOS. Menus are API paths like `/queue/simple`. */
export interface RouterClient {
  readonly status: RouterStatus;
  /** Subscribe to state changes; returns an unsubscribe function. */
  onStatus(listener: (status: RouterStatus) => void): () => void;

  /** Connects (and keeps reconnecting with backoff + jitter until stop()). Resolves once started, not once connected. */
  start(): Promise<void>;
  /** Waits until connected or the timeout passes; returns whether connected. */
  waitConnected(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;

  print(menu: string, opts?: PrintOptions): Promise<RosRow[]>;
  /**
   * The same print, its rows handed to `onRow` one by one as they arrive instead of returned together: a poll's
   * 10,000 rows are then never all alive at once (they lived long enough to be promoted to V8's old generation).
   * Optional: a client without it is read with print. A row `onRow` throws on fails the command. Each row is
   * lent: valid during the call only, its object reused for the next row (docs/routeros.md "Our additions"), so
   * `onRow` copies what it keeps.
   */
  printEach?(menu: string, opts: PrintOptions, onRow: (row: RosRow) => void): Promise<void>;
  /**
   * `print =follow-only=` (docs/routeros.md "Listen, follow and interval"): the router sends a row for each item
   * that changes from now on (`.dead=true` for one removed), until stop(). `onEnd` is called once when it ends
   * without stop(): refused, or the connection lost (a reboot). Optional: a client without it follows nothing,
   * and what it would have told waits for the next poll.
   */
  follow?(
    menu: string,
    opts: PrintOptions,
    onRow: (row: RosRow) => void,
    onEnd: (err: Error) => void,
  ): RouterFollow;
  /** `print =count-only=` → number. */
  count(menu: string, query?: string[]): Promise<number>;
  /** `add`; resolves with the new item's `.id` (from `!done =ret=`). */
  add(menu: string, attrs: RosAttrs): Promise<string>;
  set(menu: string, id: string, attrs: RosAttrs): Promise<void>;
  remove(menu: string, ids: string | string[]): Promise<void>;
  enable(menu: string, ids: string | string[]): Promise<void>;
  disable(menu: string, ids: string | string[]): Promise<void>;
  /** `/queue/simple/move =numbers=... =destination=...` (destination omitted = move to end). */
  move(menu: string, ids: string | string[], destination?: string): Promise<void>;
  resetCounters(menu: string, ids: string | string[]): Promise<void>;
  /** Any other command, e.g. ('/system/resource/print'); returns rows (and `ret` rows for !done =ret=). */
  command(path: string, attrs?: RosAttrs, query?: string[]): Promise<RosRow[]>;

  /** `/ip/hotspot/active/login` with user, password, mac-address, ip. */
  hotspotLogin(args: { user: string; password: string; mac: string; ip: string }): Promise<void>;
  /** Removes `/ip/hotspot/active` entries (logs the sessions out). */
  hotspotLogout(activeIds: string | string[]): Promise<void>;

  /** `/system/identity` + `/system/resource` summary. */
  identity(): Promise<RouterIdentity>;

  /** Round trips sent since start (for benchmarks and the "constant per cycle" check). */
  /** Commands sent since start (a poll's round trips are the difference across it). */
  readonly stats: { commands: number };
}
