/**
 * A stand-in for Semaphore's SMS API on loopback, for the tests and the demo, answering as Semaphore documents:
 * `POST /api/v4/messages` with form fields `apikey`, `number` (comma-separated, at most 1,000), `message`,
 * `sendername`; 200 with one object per number (`message_id`, `user_id`, `user`, `account_id`, `account`,
 * `recipient`, `message`, `sender_name`, `network`, `status: "Pending"`, `type`, `source: "Api"`, `created_at`,
 * `updated_at`), or 200 with an object of errors for a bad field (`{"number": ["The number format is invalid."]}`),
 * and 429 with Retry-After past 120 calls a minute. Tests can make it refuse (`refuseNext`) or drop (`mode`).
 */
import http from 'node:http';
import { LoopbackFake } from '../lib/loopback-fake';
import { CALLS_PER_MINUTE, MAX_NUMBERS_PER_CALL } from './semaphore';

interface FakeSms {
  id: number;
  number: string;
  message: string;
  senderName: string;
  at: number;
}

const NUMBER = /^(09\d{9}|639\d{9})$/;

/** `mode`: `down` drops connections; `error` answers every call 500. */
export class FakeSemaphore extends LoopbackFake {
  readonly sent: FakeSms[] = [];
  /** Every call, accepted or not. */
  calls = 0;
  /** The next n calls answer 200 with an error object, as Semaphore does for a refused send. */
  refuseNext = 0;
  /** Numbers it cannot send to (a network it does not serve): a call naming one is refused whole, under `number`. */
  readonly refusedNumbers = new Set<string>();
  private nextId = 1;
  private window: number[] = [];

  constructor(
    readonly apiKey: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  protected answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    this.calls++;
    if (this.mode === 'error') return this.send(res, 500, { message: 'Server Error' });
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/api/v4/messages')
      return this.send(res, 404, { message: 'Not Found' });
    const now = this.now();
    this.window = this.window.filter((t) => now - t < 60_000);
    if (this.window.length >= CALLS_PER_MINUTE)
      return this.send(res, 429, { message: 'Too Many Attempts.' }, { 'retry-after': '60' });
    this.window.push(now);
    const type = String(req.headers['content-type'] ?? '');
    const form: Record<string, string> = type.includes('application/json')
      ? (JSON.parse(raw || '{}') as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    if (form.apikey !== this.apiKey) return this.send(res, 401, { apikey: ['The apikey is invalid.'] });
    const numbers = String(form.number ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    const errors: Record<string, string[]> = {};
    if (numbers.length === 0) errors.number = ['The number field is required.'];
    else if (numbers.length > MAX_NUMBERS_PER_CALL)
      errors.number = [`The number may not have more than ${MAX_NUMBERS_PER_CALL} items.`];
    else if (!numbers.every((n) => NUMBER.test(n) && !this.refusedNumbers.has(n)))
      errors.number = ['The number format is invalid.'];
    if (!form.message) errors.message = ['The message field is required.'];
    if (Object.keys(errors).length > 0) return this.send(res, 200, errors);
    if (this.refuseNext > 0) {
      this.refuseNext--;
      return this.send(res, 200, { sendername: ['The selected sendername is invalid.'] });
    }
    const at = new Date(now).toISOString().replace('T', ' ').slice(0, 19);
    const out = numbers.map((n) => {
      const id = this.nextId++;
      this.sent.push({
        id,
        number: n,
        message: form.message,
        senderName: form.sendername ?? 'SEMAPHORE',
        at: now,
      });
      return {
        message_id: id,
        user_id: 1,
        user: 'shop@example.com',
        account_id: 1,
        account: 'PisoNet Shop',
        recipient: n.startsWith('0') ? `63${n.slice(1)}` : n,
        message: form.message,
        sender_name: form.sendername ?? 'SEMAPHORE',
        network: 'Globe',
        status: 'Pending',
        type: numbers.length > 1 ? 'Bulk' : 'Single',
        source: 'Api',
        created_at: at,
        updated_at: at,
      };
    });
    this.send(res, 200, out);
  }
}
