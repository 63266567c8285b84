/**
 * A stand-in for PayMongo's API on loopback, for the tests and the demo. It answers as PayMongo documents:
 * `POST /v1/checkout_sessions` and `GET /v1/checkout_sessions/{id}` with HTTP Basic auth (the secret key as the
 * user name), JSON:API resources (`{"data":{"id":"cs_…","type":"checkout_session","attributes":{…}}}`), errors as
 * `{"errors":[{"code","detail","source"}]}` (a line item below ₱20.00 is `parameter_below_minimum`), and webhook
 * events signed as PayMongo signs them (`Paymongo-Signature: t=…,te=…,li=`). Its checkout page is the demo's
 * simulated gateway: "Pay ₱20.00 with GCash (demo)". Never stricter or looser than what the product relies on.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { LoopbackFake } from '../lib/loopback-fake';
import { signWebhook } from './paymongo';

interface FakeSession {
  id: string;
  reference: string | null;
  status: 'active' | 'expired';
  livemode: boolean;
  lineItems: { name: string; amount: number; currency: string; quantity: number }[];
  methods: string[];
  successUrl: string;
  cancelUrl: string;
  payments: {
    id: string;
    status: string;
    amount: number;
    currency: string;
    livemode: boolean;
    method: string;
  }[];
  createdAt: number;
}

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

const rid = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString('hex')}`;
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const peso = (c: number) => `₱${(c / 100).toFixed(2)}`;

/** `mode`: `down` drops connections; `error` answers every API call 500. */
export class FakePaymongo extends LoopbackFake {
  readonly sessions = new Map<string, FakeSession>();
  readonly requests: RecordedRequest[] = [];
  /** Where the checkout page's "Pay" sends its signed event (the demo's own webhook route), if anywhere. */
  webhookUrl?: string;

  constructor(
    readonly secretKey: string,
    readonly webhookSecret: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get livemode(): boolean {
    return this.secretKey.startsWith('sk_live_');
  }

  /** The session as the API returns it. */
  resource(s: FakeSession): Record<string, unknown> {
    const secs = Math.floor(s.createdAt / 1000);
    return {
      id: s.id,
      type: 'checkout_session',
      attributes: {
        billing: null,
        checkout_url: `${this.url}/checkout/${s.id}`,
        client_key: `${s.id}_client`,
        description: s.lineItems[0]?.name ?? null,
        line_items: s.lineItems,
        livemode: s.livemode,
        merchant: 'Demo shop',
        payments: s.payments.map((p) => ({
          id: p.id,
          type: 'payment',
          attributes: {
            amount: p.amount,
            currency: p.currency,
            livemode: p.livemode,
            status: p.status,
            source: { id: rid('src'), type: p.method },
            paid_at: secs,
            created_at: secs,
          },
        })),
        payment_method_types: s.methods,
        payment_method_used: s.payments[0]?.method ?? null,
        reference_number: s.reference,
        status: s.status,
        success_url: s.successUrl,
        cancel_url: s.cancelUrl,
        created_at: secs,
        updated_at: secs,
      },
    };
  }

  /** The customer pays: a payment of `amount` (the line items' total unless given) is added to the session. */
  pay(
    id: string,
    o: { method?: string; amount?: number; currency?: string; livemode?: boolean; status?: string } = {},
  ) {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`no session ${id}`);
    s.payments.push({
      id: rid('pay'),
      status: o.status ?? 'paid',
      amount: o.amount ?? s.lineItems.reduce((a, i) => a + i.amount * i.quantity, 0),
      currency: o.currency ?? 'PHP',
      livemode: o.livemode ?? s.livemode,
      method: o.method ?? 'gcash',
    });
  }

  /** A webhook event as PayMongo sends it, with its signature header (`at` in ms). */
  event(
    id: string,
    type = 'checkout_session.payment.paid',
    at = this.now(),
  ): { body: string; signature: string } {
    const s = this.sessions.get(id);
    const secs = Math.floor(at / 1000);
    const body = JSON.stringify({
      data: {
        id: rid('evt'),
        type: 'event',
        attributes: {
          type,
          livemode: this.livemode,
          data: s ? this.resource(s) : { id, type: 'checkout_session', attributes: {} },
          previous_data: {},
          created_at: secs,
          updated_at: secs,
        },
      },
    });
    const sig = signWebhook(this.webhookSecret, String(secs), body);
    const signature = `t=${secs},te=${this.livemode ? '' : sig},li=${this.livemode ? sig : ''}`;
    return { body, signature };
  }

  /** Delivers an event to `url` as PayMongo does; resolves to the HTTP status. */
  async deliver(url: string, id: string, type?: string): Promise<number> {
    const e = this.event(id, type);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'paymongo-signature': e.signature },
      body: e.body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  private error(res: http.ServerResponse, status: number, code: string, detail: string, attribute?: string) {
    this.send(res, status, {
      errors: [{ code, detail, ...(attribute ? { source: { pointer: attribute, attribute } } : {}) }],
    });
  }

  private authorised(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Basic ')) return false;
    const given = Buffer.from(h.slice(6), 'base64');
    const want = Buffer.from(`${this.secretKey}:`);
    return given.length === want.length && crypto.timingSafeEqual(given, want);
  }

  protected async answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/checkout/')) return this.page(req, res, url, raw);
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.error(res, 400, 'parameter_invalid', 'The request body is not valid JSON.');
    }
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
      body,
    });
    if (this.mode === 'error') return this.error(res, 500, 'internal_server_error', 'Something went wrong.');
    if (!this.authorised(req))
      return this.error(res, 401, 'api_key_invalid', 'API key is invalid or missing. Use your secret key.');
    const m = /^\/v1\/checkout_sessions(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return this.error(res, 404, 'resource_not_found', 'The resource does not exist.');
    if (req.method === 'GET' && m[1]) {
      const s = this.sessions.get(m[1]);
      if (!s) return this.error(res, 404, 'resource_not_found', `No such checkout_session with id ${m[1]}.`);
      return this.send(res, 200, { data: this.resource(s) });
    }
    if (req.method === 'POST' && !m[1]) return this.create(res, body);
    return this.error(res, 405, 'method_not_allowed', 'Method not allowed.');
  }

  private create(res: http.ServerResponse, body: unknown): void {
    const a = ((body as { data?: { attributes?: Record<string, unknown> } })?.data?.attributes ??
      {}) as Record<string, unknown>;
    const bad = (code: string, detail: string, attribute: string) =>
      this.error(res, 400, code, detail, attribute);
    const items = a.line_items;
    if (!Array.isArray(items) || items.length === 0)
      return bad('parameter_required', 'line_items is required.', 'line_items');
    const lineItems: FakeSession['lineItems'] = [];
    for (const [i, raw] of items.entries()) {
      const it = (raw ?? {}) as Record<string, unknown>;
      const at = `line_items[${i}].`;
      if (typeof it.name !== 'string' || it.name === '')
        return bad('parameter_required', 'name is required.', `${at}name`);
      if (!Number.isInteger(it.amount))
        return bad('parameter_data_type_invalid', 'amount must be an integer.', `${at}amount`);
      if ((it.amount as number) < 2000)
        return bad('parameter_below_minimum', 'The minimum value for the amount is 2000.', `${at}amount`);
      if (it.currency !== 'PHP') return bad('parameter_invalid', 'currency must be PHP.', `${at}currency`);
      if (!Number.isInteger(it.quantity) || (it.quantity as number) < 1)
        return bad('parameter_invalid', 'quantity must be at least 1.', `${at}quantity`);
      lineItems.push({
        name: it.name,
        amount: it.amount as number,
        currency: 'PHP',
        quantity: it.quantity as number,
      });
    }
    const methods = a.payment_method_types;
    if (!Array.isArray(methods) || methods.length === 0 || !methods.every((x) => typeof x === 'string'))
      return bad('parameter_required', 'payment_method_types is required.', 'payment_method_types');
    for (const k of ['success_url', 'cancel_url'])
      if (a[k] !== undefined && (typeof a[k] !== 'string' || !/^https?:\/\//.test(a[k] as string)))
        return bad('parameter_format_invalid', `${k} must be a valid URL.`, k);
    const s: FakeSession = {
      id: rid('cs'),
      reference: typeof a.reference_number === 'string' ? a.reference_number : null,
      status: 'active',
      livemode: this.livemode,
      lineItems,
      methods: methods as string[],
      successUrl: (a.success_url as string) ?? '',
      cancelUrl: (a.cancel_url as string) ?? '',
      payments: [],
      createdAt: this.now(),
    };
    this.sessions.set(s.id, s);
    this.send(res, 200, { data: this.resource(s) });
  }

  /** The simulated hosted checkout: one button per method, and Cancel. */
  private async page(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string) {
    const [, , id, action] = url.pathname.split('/');
    const s = this.sessions.get(id);
    if (!s) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('No such checkout');
      return;
    }
    const total = s.lineItems.reduce((a, i) => a + i.amount * i.quantity, 0);
    if (req.method === 'POST' && action === 'pay') {
      const method = new URLSearchParams(raw).get('method') ?? 'gcash';
      if (s.payments.every((p) => p.status !== 'paid'))
        this.pay(id, { method: s.methods.includes(method) ? method : s.methods[0] });
      if (this.webhookUrl) await this.deliver(this.webhookUrl, id).catch(() => undefined);
      res.writeHead(303, { location: s.successUrl });
      res.end();
      return;
    }
    const names: Record<string, string> = {
      gcash: 'GCash',
      paymaya: 'Maya',
      qrph: 'QR Ph',
      grab_pay: 'GrabPay',
    };
    const buttons = s.methods
      .map(
        (m) =>
          `<form method="post" action="/checkout/${esc(id)}/pay"><input type="hidden" name="method" value="${esc(m)}"><button type="submit">Pay ${peso(total)} with ${esc(names[m] ?? m)} (demo)</button></form>`,
      )
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checkout (demo)</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.box{border:1px solid #ccc;border-radius:.75rem;padding:1rem}button{display:block;width:100%;margin:.6rem 0;padding:.9rem;font-size:1.05rem;border:0;border-radius:.5rem;background:#0b5cff;color:#fff}
.note{color:#555;font-size:.9rem}</style></head><body>
<p class="note">Simulated payment page: no money moves. A real shop sends customers to PayMongo's checkout here.</p>
<div class="box"><h1>${esc(s.lineItems[0]?.name ?? 'Checkout')}</h1><p><strong>${peso(total)}</strong></p>
${buttons}
<p><a href="${esc(s.cancelUrl)}">Cancel</a></p></div></body></html>`);
  }
}
