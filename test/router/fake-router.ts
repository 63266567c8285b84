import net from 'node:net';

/**
 * A scripted RouterOS API peer on node:net for the protocol corner cases the simulator does not (or
 * should not) produce: unknown reply words, `!fatal` mid-command, replies on tags nobody asked for.
 * It sends words of up to 0x3FFF bytes and reads short ones; the simulator tests cover the full length table.
 */
export type Sentence = string[];
export type CommandHandler = (
  words: string[],
  tag: string | undefined,
  socket: net.Socket,
) => Sentence[] | undefined;

export function encode(sentences: Sentence[]): Buffer {
  const parts: number[] = [];
  for (const words of sentences) {
    for (const w of words) {
      const b = Buffer.from(w, 'latin1');
      if (b.length >= 0x4000) throw new Error('fake router encodes words of up to 0x3FFF bytes');
      if (b.length < 0x80) parts.push(b.length, ...b);
      else parts.push(0x80 | (b.length >> 8), b.length & 0xff, ...b);
    }
    parts.push(0);
  }
  return Buffer.from(parts);
}

export class FakeRouter {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  readonly received: string[][] = [];
  logins = 0;
  /** Per-command scripted replies; `undefined` from a handler means "never answer". */
  readonly handlers = new Map<string, CommandHandler>();
  /**
   * Each connection's writes in order: RouterOS writes every sentence whole, never one inside another, so a
   * reply (to the client's keepalive `#`, say) waits for a reply being written in pieces (stream()).
   */
  private readonly writes = new WeakMap<net.Socket, Promise<void>>();

  private inTurn(socket: net.Socket, write: () => void | Promise<void>): void {
    const turn = (this.writes.get(socket) ?? Promise.resolve()).then(async () => {
      if (!socket.destroyed) await write();
    });
    this.writes.set(socket, turn);
  }

  /** Writes `bytes` to the client in pieces cut at `cuts`, each piece a read of its own (`gapMs` apart). */
  stream(socket: net.Socket, bytes: Buffer, cuts: readonly number[], gapMs = 3): void {
    this.inTurn(socket, async () => {
      let from = 0;
      for (const c of [...cuts, bytes.length]) {
        if (socket.destroyed) return;
        socket.write(bytes.subarray(from, c));
        from = c;
        if (from < bytes.length) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  }

  async start(): Promise<number> {
    this.server = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Sends raw sentences to every connected client. */
  send(sentences: Sentence[]): void {
    for (const s of this.sockets) s.write(encode(sentences));
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let words: string[] = [];
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length > 0 && buf.length >= 1 + buf[0]) {
        const len = buf[0];
        if (len >= 0x80) throw new Error('fake router only decodes short words');
        const word = buf.subarray(1, 1 + len).toString('latin1');
        buf = buf.subarray(1 + len);
        if (len > 0) words.push(word);
        else if (words.length > 0) {
          this.onSentence(words, socket);
          words = [];
        }
      }
    });
  }

  private onSentence(words: string[], socket: net.Socket): void {
    this.received.push(words);
    const tagWord = words.find((w) => w.startsWith('.tag='));
    const tag = tagWord?.slice(5);
    const t = tag === undefined ? [] : [`.tag=${tag}`];
    const cmd = words[0];
    let reply: Sentence[] | undefined;
    if (cmd === '/login') {
      this.logins++;
      reply = [['!done', ...t]];
    } else if (cmd === '#') {
      reply = [
        ['!trap', ...t, '=message=no such command'],
        ['!done', ...t],
      ];
    } else {
      const handler = this.handlers.get(cmd);
      reply = handler ? handler(words, tag, socket) : [['!done', ...t]];
    }
    if (!reply) return;
    const bytes = encode(reply);
    this.inTurn(socket, () => {
      socket.write(bytes);
    });
  }
}
