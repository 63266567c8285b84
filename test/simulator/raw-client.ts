/** A bare API client over node:net for wire-level tests: no library between the test and the bytes. */
import { connect, Socket } from 'node:net';
import { encodeSentence, SentenceDecoder } from '../../src/simulator/wire';

export class RawClient {
  private readonly decoder = new SentenceDecoder();
  private readonly queue: string[][] = [];
  private waiter?: () => void;
  closed = false;
  readonly ended: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(...this.decoder.push(chunk));
      this.waiter?.();
    });
    this.ended = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.waiter?.();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** A command that must succeed: its reply, or an error showing the trap. */
  async ok(words: string[]): Promise<string[][]> {
    const reply = await this.command(words);
    if (reply.some((s) => s[0] === '!trap')) throw new Error(`${words[0]}: ${JSON.stringify(reply)}`);
    return reply;
  }

  static async login(port: number, name = 'admin', password = ''): Promise<RawClient> {
    const c = await RawClient.connect(port);
    const reply = await c.command(['/login', `=name=${name}`, `=password=${password}`]);
    if (reply[0][0] !== '!done') throw new Error(`login failed: ${JSON.stringify(reply)}`);
    return c;
  }

  send(words: string[]): void {
    this.socket.write(encodeSentence(words));
  }

  /** The next reply sentence (rejects if the socket closes first). */
  async next(): Promise<string[]> {
    while (this.queue.length === 0) {
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    return this.queue.shift() as string[];
  }

  /** Sentences up to and including the next `!done` (or `!fatal`). */
  async untilDone(): Promise<string[][]> {
    const out: string[][] = [];
    for (;;) {
      const s = await this.next();
      out.push(s);
      if (s[0] === '!done' || s[0] === '!fatal') return out;
    }
  }

  async command(words: string[]): Promise<string[][]> {
    this.send(words);
    return this.untilDone();
  }

  /** Whatever arrives within `ms` (for asserting that nothing arrives). */
  async drain(ms: number): Promise<string[][]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0);
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.ended;
  }
}

/** `=name=value` attributes of a reply sentence as an object. */
export function attrs(sentence: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of sentence.slice(1)) {
    if (!w.startsWith('=')) continue;
    const eq = w.indexOf('=', 1);
    out[w.slice(1, eq)] = w.slice(eq + 1);
  }
  return out;
}
