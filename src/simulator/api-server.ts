/**
 * The simulator's API service: the TCP (or TLS) listener, the sessions on it and their counters. A router that
 * cannot be reached accepts a connection and drops it at once, as a port behind a dead link would.
 */
import { createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { apiSessionHost, type ApiHostParts } from './api-host';
import { Session, SessionHost, SimStats } from './connection';
import type { Menu } from './menus/common';
import { versionAtLeast } from './options';

type ApiServerParts = Pick<ApiHostParts, 'opts' | 'faults' | 'log'> & {
  menus: ReadonlyMap<string, Menu>;
  /** The RouterOS version answering: a print with nothing to show answers `!empty` from 7.18 on. */
  version: string;
};

export class ApiServer {
  readonly stats: SimStats = {
    connections: 0,
    commands: 0,
    commandsByPath: {},
    bytesIn: 0,
    bytesOut: 0,
    rowsBuilt: 0,
  };
  private readonly sessions = new Set<Session>();
  private server?: Server;
  private boundPort = 0;
  /** The delay before each reply (`setLatency`). */
  latencyMs: number;

  /** Whether a print with nothing to show answers `!empty` (`setEmptyReplies`). */
  emptyReplies: boolean;

  constructor(
    private readonly parts: ApiServerParts,
    private readonly reachable: () => boolean,
  ) {
    this.latencyMs = parts.opts.latencyMs ?? 0;
    this.emptyReplies = parts.opts.emptyReplies ?? versionAtLeast(parts.version, 7, 18);
  }

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async listen(host: string): Promise<number> {
    const opts = this.parts.opts;
    const onSocket = (socket: Socket): void => this.accept(socket);
    const server = opts.tls
      ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, onSocket)
      : createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      // A listen failure (port taken) is the caller's to handle through the rejection, not a log line.
      server.once('error', reject);
      // Started again after stop(): the same port, as a router switched off and on keeps its address.
      server.listen(opts.port || this.boundPort, host, () => {
        server.off('error', reject);
        server.on('error', (err) => opts.logger?.warn('simulator: server error', err));
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : 0;
    return this.boundPort;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  silenceLoggedIn(): void {
    for (const s of this.sessions) if (s.isLoggedIn) s.silence();
  }

  dropAll(): void {
    for (const s of this.sessions) s.close();
    this.sessions.clear();
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (!this.reachable()) {
      socket.destroy();
      return;
    }
    this.stats.connections++;
    const { opts, faults, log, menus } = this.parts;
    const host: SessionHost = apiSessionHost({
      opts,
      faults,
      log,
      stats: this.stats,
      menu: (path) => menus.get(path),
      latencyMs: () => this.latencyMs,
      emptyReplies: () => this.emptyReplies,
    });
    const session = new Session(socket, host);
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
  }
}
