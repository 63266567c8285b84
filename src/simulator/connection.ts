/**
 * One API session over a socket: decoding, login, tags, `/cancel`, `/quit`, the `#` keepalive, faults and
 * reply latency. Menu commands are delegated to the dispatcher (commands.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Faults } from './faults';
import {
  CATEGORY,
  FATAL_QUIT,
  MSG_INTERRUPTED,
  MSG_KEEPALIVE,
  MSG_LOGIN_FAILED,
  MSG_LOGIN_FAILED_CHALLENGE,
  MSG_NOT_LOGGED_IN,
} from './messages';
import { parseRequest, ReplyBuilder, Request, TagPosition } from './request';
import { SentenceDecoder } from './wire';

export interface SimStats {
  connections: number;
  commands: number;
  commandsByPath: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  /** Rows `print` built to test against its query (what a print cost the simulator, not what it sent). */
  rowsBuilt: number;
}

export interface Logger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
}

/** A command that keeps running until `/cancel` (listen, a hung command). */
interface Running {
  stop(): void;
}

/** What a session needs from the simulator. */
export interface SessionHost {
  readonly users: readonly { name: string; password: string }[];
  readonly loginMode: 'plain' | 'challenge';
  readonly tagPosition: TagPosition;
  readonly faults: Faults;
  readonly stats: SimStats;
  readonly logger?: Logger;
  latencyMs(): number;
  /** Run a logged-in menu command; may register a long-running command via `session.track`. */
  dispatch(session: Session, req: Request): void;
  /** An API login from `address` succeeded or was refused; a logged-in session ended (the router logs both). */
  loggedIn?(user: string, address: string, ok: boolean): void;
  loggedOut?(user: string, address: string): void;
}

export class Session {
  private readonly decoder = new SentenceDecoder();
  private loggedIn = false;
  /** The API user of this session once logged in. */
  private user?: string;
  private challenge?: Buffer;
  private silent = false;
  private closed = false;
  private readonly running = new Map<string, Running>();
  private readonly outbox: { due: number; data: Buffer; end: boolean }[] = [];
  private timer?: NodeJS.Timeout;
  /** The client's address as the router's log names it (`127.0.0.1`, not `::ffff:127.0.0.1`). */
  private readonly address: string;

  constructor(
    readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  silence(): void {
    this.silent = true;
  }

  reply(tag: string | undefined): ReplyBuilder {
    return new ReplyBuilder(tag, this.host.tagPosition);
  }

  private onData(chunk: Buffer): void {
    this.host.stats.bytesIn += chunk.length;
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (err) {
      this.host.logger?.warn('simulator: bad API framing, closing', String(err));
      this.socket.destroy();
      return;
    }
    for (const words of sentences) if (!this.closed) this.handle(parseRequest(words));
  }

  private handle(req: Request): void {
    const stats = this.host.stats;
    stats.commands++;
    stats.commandsByPath[req.command] = (stats.commandsByPath[req.command] ?? 0) + 1;
    if (this.silent) return;
    // ✖ docs/routeros.md "Keepalive": the `#` keepalive gets a tagged trap + done, never !empty, and the
    // session stays up.
    if (req.command === '#') return this.send(this.reply(req.tag).trap(MSG_KEEPALIVE).done());
    if (req.command === '/login') return this.login(req);
    if (!this.loggedIn) return this.send(this.reply(req.tag).trap(MSG_NOT_LOGGED_IN).done());
    if (this.applyFault(req)) return;
    if (req.command === '/quit') return this.fatal(FATAL_QUIT);
    if (req.command === '/cancel') return this.cancel(req);
    this.host.dispatch(this, req);
  }

  /** Returns true when a fault consumed the command. */
  private applyFault(req: Request): boolean {
    const fault = this.host.faults.take(req.command);
    if (!fault) return false;
    switch (fault.kind) {
      case 'drop':
        this.socket.destroy();
        return true;
      case 'hang':
        this.track(req.tag, { stop: () => undefined });
        return true;
      case 'trap':
        this.send(this.reply(req.tag).trap(fault.trap.message, fault.trap.category).done());
        return true;
      case 'fatal':
        this.fatal(fault.reason);
        return true;
      case 'late':
        this.host.dispatch(this, req);
        // Deliberately breaks "never send on a tag after its !done" (docs/routeros.md "Late tagged replies").
        this.send(this.reply(req.tag).sentence('!re'));
        return true;
    }
  }

  private login(req: Request): void {
    const name = req.attrs.get('name');
    const user = this.host.users.find((u) => u.name === name);
    const out = this.reply(req.tag);
    if (this.host.loginMode === 'challenge') {
      const response = req.attrs.get('response');
      if (response === undefined) {
        // Pre-6.43: anything without a response gets a challenge (docs/routeros.md "Login").
        this.challenge = randomBytes(16);
        return this.send(out.done(this.challenge.toString('hex')));
      }
      const ok =
        user && this.challenge && response.toLowerCase() === challengeResponse(user.password, this.challenge);
      if (!ok) return this.refuseLogin(name, out.trap(MSG_LOGIN_FAILED_CHALLENGE).done());
    } else if (!user || req.attrs.get('password') !== user.password) {
      return this.refuseLogin(name, out.trap(MSG_LOGIN_FAILED).done());
    }
    this.loggedIn = true;
    this.user = user.name;
    this.host.loggedIn?.(user.name, this.address, true);
    this.send(out.done());
    if (this.host.faults.takeSilence()) this.silent = true;
  }

  private refuseLogin(name: string | undefined, reply: ReplyBuilder): void {
    this.host.loggedIn?.(name ?? '', this.address, false);
    this.send(reply);
  }

  /** Register a command that runs until `/cancel` (or the session ends). */
  track(tag: string | undefined, running: Running): void {
    this.running.get(tag ?? '')?.stop();
    this.running.set(tag ?? '', running);
  }

  untrack(tag: string | undefined): void {
    this.running.delete(tag ?? '');
  }

  /** ✔ [API][TRACE] order: `!trap` interrupted (target's tag), cancel's `!done`, then the target's `!done`. */
  private cancel(req: Request): void {
    const target = req.attrs.get('tag');
    const tags = target !== undefined ? (this.running.has(target) ? [target] : []) : [...this.running.keys()];
    let text = '';
    for (const tag of tags) {
      this.running.get(tag)?.stop();
      text += this.reply(tag || undefined).trap(MSG_INTERRUPTED, CATEGORY.interrupted).text;
    }
    text += this.reply(req.tag).done().text;
    for (const tag of tags) {
      this.running.delete(tag);
      text += this.reply(tag || undefined).done().text;
    }
    this.sendText(text);
  }

  /**
   * `!fatal` carries a bare reason word, then the router closes the connection
   * (docs/routeros.md "Reply words").
   */
  fatal(reason: string): void {
    this.sendText(this.reply(undefined).sentence('!fatal', [reason]).text, true);
  }

  send(builder: ReplyBuilder): void {
    this.sendText(builder.text);
  }

  /** Queue a batch; with latency, batches are delayed but never reordered. */
  sendText(text: string, end = false): void {
    if (this.closed || this.silent) return;
    const data = Buffer.from(text, 'latin1');
    const latency = this.host.latencyMs();
    if (latency <= 0 && this.outbox.length === 0) return this.write(data, end);
    this.outbox.push({ due: Date.now() + latency, data, end });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.outbox.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        while (this.outbox.length > 0 && this.outbox[0].due <= Date.now()) {
          const next = this.outbox.shift() as { data: Buffer; end: boolean };
          this.write(next.data, next.end);
        }
        this.schedule();
      },
      Math.max(0, this.outbox[0].due - Date.now()),
    );
  }

  private write(data: Buffer, end: boolean): void {
    if (this.closed) return;
    this.host.stats.bytesOut += data.length;
    if (end) {
      this.socket.end(data);
      this.closed = true;
    } else this.socket.write(data);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.outbox.length = 0;
    for (const r of this.running.values()) r.stop();
    this.running.clear();
    if (this.user !== undefined) this.host.loggedOut?.(this.user, this.address);
    this.user = undefined;
    this.closed = true;
    if (!this.socket.destroyed) this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** `00` + hex MD5 of 0x00, the password and the challenge bytes (test vector in docs/routeros.md "Login"). */
export function challengeResponse(password: string, challenge: Buffer): string {
  const md5 = createHash('md5')
    .update(Buffer.from([0]))
    .update(Buffer.from(password, 'latin1'));
  return `00${md5.update(challenge).digest('hex')}`;
}
