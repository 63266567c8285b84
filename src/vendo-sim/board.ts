/**
 * A simulated coin vendo: speaks the board's protocol (docs/vendo-protocol.md) exactly as a real ESP8266 does,
 * signed requests over HTTP. Used by the demo (the portal's "demo coin" button), the tests and the benchmark,
 * and runnable alone: `npm run vendo-sim -- --url http://127.0.0.1:5000 --id vendo-ab12cd --secret …`.
 * Like a real board it keeps its coin counter (`seq`) across restarts (a state file), since the controller
 * answers a repeated seq as the coin it already has.
 */
import fs from 'node:fs';
import path from 'node:path';
import { signedHeaders } from '../services/shop/vendos/signature';

interface VendoReply {
  status: number;
  json: Record<string, unknown>;
}

interface SimulatedVendoOptions {
  url: string;
  id: string;
  secret: string;
  /** ms epoch; the board's clock (NTP on a real one). */
  now?: () => number;
  /** Where the coin counter is kept; none = in memory only. */
  stateFile?: string;
  /** Attempts per coin when the reply is lost (network error or 5xx). */
  retries?: number;
}

export class SimulatedVendo {
  seq = 0;
  /** What the board believes: the open window and its credit (pesos). */
  session: string | null = null;
  credit = 0;
  expiresIn = 0;
  /** Pesos the controller confirmed, per seq (what the board's own display and log would show). */
  readonly confirmed = new Map<number, number>();
  private readonly now: () => number;
  private stopped = false;
  private readonly hangUp = new AbortController();

  constructor(private readonly opts: SimulatedVendoOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.stateFile && fs.existsSync(opts.stateFile)) {
      const saved = JSON.parse(fs.readFileSync(opts.stateFile, 'utf8')) as { seq?: number };
      this.seq = Number.isInteger(saved.seq) ? Number(saved.seq) : 0;
    }
  }

  private saveSeq(): void {
    if (!this.opts.stateFile) return;
    fs.mkdirSync(path.dirname(this.opts.stateFile), { recursive: true });
    fs.writeFileSync(this.opts.stateFile, JSON.stringify({ id: this.opts.id, seq: this.seq }));
  }

  /** One signed request; `body` is sent byte for byte as signed. */
  async send(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body = '',
    nowMs = this.now(),
  ): Promise<VendoReply> {
    const pathOnly = pathAndQuery.split('?')[0];
    const headers: Record<string, string> = signedHeaders(
      this.opts.id,
      this.opts.secret,
      method,
      pathOnly,
      body,
      nowMs / 1000,
    );
    if (method === 'POST') headers['content-type'] = 'application/json';
    const res = await fetch(`${this.opts.url}${pathAndQuery}`, {
      method,
      headers,
      body: method === 'POST' ? body : undefined,
      signal: this.hangUp.signal,
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { error: text };
    }
    return { status: res.status, json };
  }

  /** Asks whether a customer opened a window; `waitSeconds` > 0 long-polls. */
  async poll(waitSeconds = 0): Promise<VendoReply> {
    const r = await this.send('GET', `/api/vendo/v1/poll${waitSeconds ? `?wait=${waitSeconds}` : ''}`);
    if (r.status === 200) {
      this.session = r.json.state === 'armed' ? String(r.json.session) : null;
      this.credit = Number(r.json.credit ?? 0);
      this.expiresIn = Number(r.json.expires_in ?? 0);
    }
    return r;
  }

  /** The body of coin `seq`, exactly as sent (and re-sent on a retry). */
  coinBody(seq: number, amount: number, session = this.session ?? ''): string {
    return JSON.stringify({ session, seq, amount });
  }

  /**
   * A coin dropped into the acceptor: a new seq (kept before sending, as a board writes it to flash first),
   * sent until a reply arrives (lost replies are retried with the same seq and bytes).
   */
  async insertCoin(amount: number): Promise<VendoReply> {
    if (!this.session) throw new Error('the coin acceptor is off: no window is open (poll first)');
    const seq = ++this.seq;
    this.saveSeq();
    const body = this.coinBody(seq, amount);
    const attempts = Math.max(1, this.opts.retries ?? 5);
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        const r = await this.send('POST', '/api/vendo/v1/coin', body);
        if (r.status >= 500) {
          last = new Error(`HTTP ${r.status}`);
          continue;
        }
        if (r.status === 200) {
          this.confirmed.set(seq, amount);
          this.credit = Number(r.json.credit);
        }
        return r;
      } catch (err) {
        last = err;
      }
      await sleep(200 * (i + 1));
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  /** Polls until stopped: long polls while idle, a poll a second while a window is open (to show its time). */
  async run(log: (line: string) => void = () => undefined): Promise<void> {
    this.stopped = false;
    let wasArmed = false;
    while (!this.stopped) {
      try {
        const r = await this.poll(wasArmed ? 0 : 25);
        if (r.status !== 200) {
          log(`poll refused: ${r.status} ${String(r.json.error ?? '')}`);
          await sleep(5000);
          continue;
        }
        const armed = r.json.state === 'armed';
        if (armed !== wasArmed)
          log(armed ? `armed: window ${this.session}, ${this.expiresIn} s` : 'idle: coin acceptor off');
        wasArmed = armed;
        if (armed) await sleep(1000);
      } catch (err) {
        if (this.stopped) break;
        log(`controller not reachable: ${(err as Error).message}`);
        await sleep(3000);
      }
    }
  }

  /** Stops the poll loop and hangs up a request in flight (a long poll). */
  stop(): void {
    this.stopped = true;
    this.hangUp.abort();
  }
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
