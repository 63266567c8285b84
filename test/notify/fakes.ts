/**
 * A fake Telegram Bot API and a webhook receiver on loopback, for the notification tests (and, run as a
 * script, for trying the product by hand: `npx tsx test/notify/fakes.ts 5613` prints what arrives).
 * Each can answer as a healthy server, with an error status of the owner's choosing, or refuse connections
 * (its port closed, then opened again on the same port).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; description?: string; retryAfter?: number }
  /** Not the API's JSON at all: a proxy or a captive page in the way. */
  | { kind: 'body'; status: number; body: string }
  | { kind: 'refuse' };

/** The first port of the system's ephemeral range, where it says (Linux), if there is room below it. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(
      fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 11_000 ? low : undefined;
  } catch {
    return undefined;
  }
}

abstract class FakeServer {
  private server?: http.Server;
  private boundPort = 0;
  answer: Answer = { kind: 'ok' };
  /** Requests that reached the server, whatever it answered. */
  hits = 0;

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  async start(port = 0): Promise<this> {
    if (port === 0 && this.boundPort === 0) await this.listenOnFreePort();
    else await this.listenOn(port || this.boundPort);
    return this;
  }

  private async listenOn(port: number): Promise<void> {
    const server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * A port below the system's ephemeral range (Linux: 32768 up), tried at random until one is free. A refusing fake
   * closes its port and opens it again later; a port from the ephemeral range may meanwhile be handed to any
   * process listening on port 0 (another test file's fake Telegram took one, and the "refusing" webhook answered
   * 404), while one below it is only ever taken by name.
   */
  private async listenOnFreePort(): Promise<void> {
    const low = ephemeralLow();
    if (low === undefined) return this.listenOn(0);
    for (let i = 0; ; i++) {
      try {
        await this.listenOn(10_000 + crypto.randomInt(low - 10_000));
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i >= 50) throw err;
      }
    }
  }

  private createServer(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits++;
        this.handle(req, Buffer.concat(chunks), res);
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Refuses connections (the port closed) until `set` is called with another answer. */
  async set(answer: Answer): Promise<void> {
    this.answer = answer;
    if (answer.kind === 'refuse') await this.stop();
    else if (!this.server) await this.start();
  }

  protected abstract handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void;
}

export interface TelegramMessage {
  token: string;
  chat_id: unknown;
  text: string;
}

/** `POST /bot<token>/sendMessage`, answered as the Bot API answers. */
export class FakeTelegram extends FakeServer {
  readonly messages: TelegramMessage[] = [];
  /** Print each message as it arrives (the script). */
  echo = false;

  protected handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m)
      return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    const a = this.answer;
    if (a.kind === 'body') {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      return void res.end(a.body);
    }
    if (a.kind === 'status')
      return reply(a.status, {
        ok: false,
        error_code: a.status,
        description: a.description ?? 'Internal Server Error',
        ...(a.retryAfter !== undefined ? { parameters: { retry_after: a.retryAfter } } : {}),
      });
    const json = JSON.parse(body.toString('utf8')) as { chat_id: unknown; text: string };
    this.messages.push({ token: m[1], chat_id: json.chat_id, text: json.text });
    if (this.echo) process.stdout.write(`--- sendMessage chat_id=${String(json.chat_id)}\n${json.text}\n`);
    reply(200, {
      ok: true,
      result: { message_id: this.messages.length, date: Math.floor(Date.now() / 1000), text: json.text },
    });
  }
}

export interface WebhookDelivery {
  signature: string | undefined;
  raw: string;
  body: {
    id: string;
    kind: string;
    site: string | null;
    at: string;
    text: string;
    data: Record<string, unknown>;
  };
}

/** Any POST: 204 when healthy. */
export class FakeWebhook extends FakeServer {
  readonly deliveries: WebhookDelivery[] = [];

  protected handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const a = this.answer;
    if (a.kind === 'status') {
      res.writeHead(a.status, a.retryAfter !== undefined ? { 'retry-after': String(a.retryAfter) } : {});
      return void res.end(a.description ?? 'server error');
    }
    const raw = body.toString('utf8');
    const sig = req.headers['x-pisonet-signature'];
    this.deliveries.push({
      signature: typeof sig === 'string' ? sig : undefined,
      raw,
      body: JSON.parse(raw) as WebhookDelivery['body'],
    });
    res.writeHead(204);
    res.end();
  }

  /** Whether a delivery's signature is the HMAC-SHA256 of its exact bytes with `secret`. */
  static verify(d: WebhookDelivery, secret: string): boolean {
    const want = crypto.createHmac('sha256', secret).update(d.raw).digest('hex');
    return (
      d.signature !== undefined &&
      d.signature.length === want.length &&
      crypto.timingSafeEqual(Buffer.from(d.signature), Buffer.from(want))
    );
  }
}

if (require.main === module) {
  const t = new FakeTelegram();
  t.echo = true;
  void t
    .start(Number(process.argv[2] ?? 5613))
    .then(() => process.stdout.write(`fake Telegram Bot API on ${t.url}\n`));
}
