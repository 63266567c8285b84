/**
 * A stand-in for an outside HTTP API on loopback (the payment gateway's, the SMS provider's), for the tests and
 * the demo: started on a port (0: any free one), stopped with every connection closed, and able to play a
 * provider that is down (connections dropped) or failing (each fake answers `error` its own way).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class LoopbackFake {
  /** `down`: connections are dropped; `error`: every call answers 500. */
  mode: 'up' | 'down' | 'error' = 'up';
  url = '';
  private server?: http.Server;

  /** Answers one request, its body read whole (never called while `down`). */
  protected abstract answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
  ): Promise<void> | void;

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** A JSON answer, as both providers give theirs. */
  protected send(
    res: http.ServerResponse,
    status: number,
    json: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(json));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await this.answer(req, res, Buffer.concat(chunks).toString('utf8'));
  }
}
