import type { TlsOptions } from 'node:tls';
import { RouterOSAPI } from 'node-routeros';
import { buildTlsOptions, explainConnectFailure, type RouterTlsOptions } from './connect-failure';
import { toRouterError, type RouterSettingNames } from './errors';
import { openStream, type OpenStream } from './follow-stream';
import { backoffDelay, type BackoffOptions } from './limits';
import type { RosRow, RouterConnectionState, RouterFollow, RouterStatus } from './types';
import { RouterError, type RouterErrorCode } from '../domain/errors';

/** pino-compatible logger; the router module always logs `(object, message)`. */
export interface RouterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  tls: boolean;
  tlsOptions?: RouterTlsOptions;
  timeoutSeconds: number;
  reconnect: BackoffOptions;
  random: () => number;
  logger: RouterLogger;
  /** How the messages name this router's settings; default the .env variables (ENV_SETTING_NAMES). */
  settings?: RouterSettingNames;
  /** node-routeros keepalive: a `#` probe every timeoutSeconds/2 so the idle timeout never fires on a healthy link. */
  keepalive: boolean;
  now: () => number;
}

/**
 * One long-lived RouterOS API connection: connects, keeps reconnecting with backoff until stop(), and
 * runs commands with a per-command timeout. A command that times out makes the socket suspect: it is
 * dropped and a new one is opened (node-routeros would otherwise leave the reply pending forever,
 * docs/routeros.md "Dropped connections").
 */
export class RouterConnection {
  private state: RouterConnectionState = 'disconnected';
  private api?: RouterOSAPI;
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Aborts a connect attempt in progress (stop() must not wait for its timeout). */
  private cancelConnect?: () => void;
  private lastError?: string;
  private lastErrorCode?: RouterErrorCode;
  private identityName?: string;
  private connectedSince?: number;
  private lostSince?: number;
  private readonly listeners = new Set<(status: RouterStatus) => void>();
  /** The streams open on the current socket: ended (onEnd) when it drops, since node-routeros tells them nothing. */
  private readonly streams = new Set<OpenStream>();

  constructor(
    private readonly cfg: ConnectionConfig,
    /** Runs right after login, before `connected` is announced (reads the identity). */
    private readonly onLogin: (run: (words: string[]) => Promise<RosRow[]>) => Promise<string | undefined>,
  ) {}

  get status(): RouterStatus {
    return {
      state: this.state,
      connected: this.state === 'connected',
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
      identity: this.identityName,
      connectedSince: this.state === 'connected' ? this.connectedSince : undefined,
      lostSince: this.state === 'connected' ? undefined : this.lostSince,
    };
  }

  get connected(): boolean {
    return this.state === 'connected' && this.api !== undefined;
  }

  onStatus(listener: (status: RouterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.api?.destroy();
    this.cancelConnect?.();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Sends one command on the current socket; rejects with RouterError (UNREACHABLE when not connected). */
  async run(words: string[], command: string, onRow?: (row: RosRow) => void): Promise<RosRow[]> {
    const api = this.api;
    if (!api || this.state !== 'connected') {
      throw new RouterError('ROUTER_UNREACHABLE', `Router not connected (${command})`, { command });
    }
    return this.write(api, words, command, onRow);
  }

  /**
   * A command that runs until stopped (`print =follow-only=`) on the current socket. `onEnd` once: refused by the
   * router, or the socket lost; never after stop().
   */
  stream(
    words: string[],
    command: string,
    onRow: (row: RosRow) => void,
    onEnd: (err: RouterError) => void,
  ): RouterFollow {
    const api = this.api;
    if (!api || this.state !== 'connected')
      throw new RouterError('ROUTER_UNREACHABLE', `Router not connected (${command})`, { command });
    const s = openStream(api, words, command, {
      onRow,
      onEnd: (err) => {
        this.streams.delete(s);
        onEnd(err);
      },
      stopMs: this.cfg.timeoutSeconds * 1000,
    });
    this.streams.add(s);
    return {
      stop: () => {
        this.streams.delete(s);
        return s.stop();
      },
    };
  }

  /** Drops the socket (a command timed out on it); the loop reconnects. */
  private drop(api: RouterOSAPI, { message: reason, code }: RouterError): void {
    if (api !== this.api) return;
    this.lastError = reason;
    this.lastErrorCode = code;
    this.cfg.logger.warn({ host: this.cfg.host, reason }, 'router connection dropped');
    api.destroy();
    this.api = undefined;
    const streams = [...this.streams];
    this.streams.clear();
    for (const s of streams) s.lost(new RouterError(code, reason));
    this.wake?.();
  }

  /** With `onRow`, the reply's rows go to it as they arrive (the patched client's writeEach) and none are returned. */
  private write(
    api: RouterOSAPI,
    words: string[],
    command: string,
    onRow?: (row: RosRow) => void,
  ): Promise<RosRow[]> {
    const ms = this.cfg.timeoutSeconds * 1000;
    return new Promise<RosRow[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new RouterError(
            'ROUTER_TIMEOUT',
            `No reply from the router within ${this.cfg.timeoutSeconds}s (${command})`,
            { command },
          ),
        );
        this.drop(api, new RouterError('ROUTER_TIMEOUT', `command timed out: ${command}`));
      }, ms);
      (onRow === undefined ? api.write(words) : api.writeEach(words, onRow as (row: object) => void)).then(
        (rows) => {
          clearTimeout(timer);
          resolve(rows as RosRow[]);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(toRouterError(err, command));
        },
      );
    });
  }

  private async runLoop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      this.setState('connecting');
      if (await this.connectOnce()) {
        attempt = 0;
        await this.untilDropped();
      }
      if (this.stopped) break;
      this.setState('disconnected');
      const delay = backoffDelay(attempt++, this.cfg.reconnect, this.cfg.random);
      this.cfg.logger.debug({ delayMs: delay, attempt }, 'router reconnect scheduled');
      await this.sleep(delay);
    }
    this.api?.destroy();
    this.api = undefined;
    this.setState('disconnected');
  }

  /** One connect + login attempt; true when connected. Never throws. */
  private async connectOnce(): Promise<boolean> {
    const { host, port, user, tls } = this.cfg;
    const api = this.newApi();
    try {
      await this.withTimeout(api.connect(), api, 'connect');
      if (this.stopped) throw new RouterError('ROUTER_UNREACHABLE', 'stopping');
      this.api = api;
      this.identityName = await this.onLogin((words) => this.write(api, words, words[0] ?? '')).catch(
        () => this.identityName,
      );
      if (this.api !== api || this.stopped) return false; // dropped while reading the identity
      this.lastError = undefined;
      this.lastErrorCode = undefined;
      this.connectedSince = this.cfg.now();
      this.cfg.logger.info({ host, port, user, tls, identity: this.identityName }, 'router connected');
      this.setState('connected');
      return true;
    } catch (err) {
      api.destroy();
      if (this.api === api) this.api = undefined;
      const e = await explainConnectFailure(err, {
        ...this.cfg,
        stopped: this.stopped,
        onCancel: (cancel) => (this.cancelConnect = cancel),
      });
      // A router that stays down would log every retry; warn when the reason changes, debug otherwise.
      const repeated = e.message === this.lastError;
      this.lastError = e.message;
      this.lastErrorCode = e.code;
      if (!this.stopped) {
        const line = { host, port, user, tls, code: e.code, err: e.message };
        if (repeated) this.cfg.logger.debug(line, 'router connect failed again');
        else this.cfg.logger.warn(line, 'router connect failed');
      }
      return false;
    }
  }

  private newApi(): RouterOSAPI {
    const api = new RouterOSAPI({
      host: this.cfg.host,
      // always explicit: with tls the library would still default to 8728 (docs/routeros.md "API-SSL port")
      port: this.cfg.port,
      user: this.cfg.user,
      password: this.cfg.password,
      timeout: this.cfg.timeoutSeconds,
      keepalive: this.cfg.keepalive,
      // node-routeros types this as server-side TlsOptions but hands it to tls.connect() unchanged.
      tls: buildTlsOptions(this.cfg.tls, this.cfg.tlsOptions) as TlsOptions | undefined,
    });
    // An 'error' without a listener crashes the process (idle timeout SOCKTMOUT,
    // docs/routeros.md "Idle timeout"). Old API objects keep this listener forever, so a late event from a
    // dead socket is still handled.
    api.on('error', (err: unknown) => this.drop(api, toRouterError(err)));
    api.on('close', () =>
      this.drop(api, new RouterError('ROUTER_UNREACHABLE', 'connection closed by the router')),
    );
    return api;
  }

  private untilDropped(): Promise<void> {
    if (!this.api || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wake = wake;
    });
  }

  private withTimeout<T>(promise: Promise<T>, api: RouterOSAPI, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (fn: () => void): void => {
        clearTimeout(timer);
        this.cancelConnect = undefined;
        fn();
      };
      const timer = setTimeout(() => {
        api.destroy();
        settle(() =>
          reject(
            new RouterError(
              'ROUTER_TIMEOUT',
              `No reply from the router within ${this.cfg.timeoutSeconds}s (${what})`,
            ),
          ),
        );
      }, this.cfg.timeoutSeconds * 1000);
      this.cancelConnect = () => {
        api.destroy();
        settle(() => reject(new RouterError('ROUTER_UNREACHABLE', 'stopping')));
      };
      promise.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e)),
      );
    });
  }

  private setState(state: RouterConnectionState): void {
    if (this.state === state) return;
    if (this.state === 'connected') this.lostSince = this.cfg.now();
    this.state = state;
    const snapshot = this.status;
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (err) {
        this.cfg.logger.error({ err: String(err) }, 'router status listener threw');
      }
    }
  }
}
