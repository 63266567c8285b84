/**
 * PayMongo's API v1, the one place that knows its HTTP: Checkout Sessions (create, retrieve) with HTTP Basic auth
 * (the secret key as the user name, no password), its error shape (`{"errors":[{"code","detail","source"}]}`) and
 * its webhook signatures (`Paymongo-Signature: t=…,te=…,li=…`, HMAC-SHA256 of `t + "." + raw body` with the
 * webhook's secret; `te` is the test mode's signature, `li` the live mode's). A later API version stays here.
 */
import crypto from 'node:crypto';
import {
  GatewayError,
  type CheckoutRequest,
  type CheckoutStarted,
  type PaymentGateway,
  type PaidPayment,
  type SessionFacts,
  type SessionState,
  type SignatureRefusal,
  type WebhookAction,
} from './gateway';

interface PaymongoOptions {
  secretKey: string;
  webhookSecret?: string;
  /** Without a trailing slash; https://api.paymongo.com in production. */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Where PayMongo's hosted checkout is for an API address: `checkout.paymongo.com` beside PayMongo's own API (its
 * Checkout Sessions answer `checkout_url`s there); any other API address (a simulated gateway, as in the tests and
 * the demo: src/payments/fake-paymongo.ts) serves its checkout pages at its own origin.
 */
function checkoutOriginOf(apiUrl: string): string {
  const origin = new URL(apiUrl).origin;
  return origin === 'https://api.paymongo.com' ? 'https://checkout.paymongo.com' : origin;
}

/** How far a webhook's timestamp may be from now. */
const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** `t=…,te=…,li=…` into its parts; undefined when it is not of that form. */
function parseSignatureHeader(h: string): { t: string; te: string; li: string } | undefined {
  const parts = new Map<string, string>();
  for (const piece of h.split(',')) {
    const i = piece.indexOf('=');
    if (i <= 0) return undefined;
    parts.set(piece.slice(0, i).trim(), piece.slice(i + 1).trim());
  }
  const t = parts.get('t');
  if (!t || !/^\d{1,12}$/.test(t)) return undefined;
  return { t, te: parts.get('te') ?? '', li: parts.get('li') ?? '' };
}

/** The signature PayMongo puts in `te` or `li` for this body at this time. */
export function signWebhook(secret: string, t: string, raw: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The event that says a checkout session was paid (the one the webhook is registered for). */
const PAID_EVENT = 'checkout_session.payment.paid';

/** A payment of a session, when PayMongo says it is paid (its `status`: `pending`, `paid`, `failed`). */
function paidPaymentOf(p: unknown): PaidPayment | null {
  const o = obj(p);
  const a = obj(o.attributes);
  if (s(a.status) !== 'paid') return null;
  return {
    id: s(o.id) ?? '',
    amount: n(a.amount),
    currency: s(a.currency) ?? '',
    livemode: a.livemode === true,
    method: s(obj(a.source).type) ?? null,
  };
}

/**
 * What a session came to: paid when one of its payments is (its own `status` proves nothing), else expired when
 * its `status` says so, else pending (`active`, or anything else PayMongo may say).
 */
function stateOf(a: Json): SessionState {
  const paid = arr(a.payments)
    .map(paidPaymentOf)
    .filter((p): p is PaidPayment => p !== null);
  if (paid.length > 0)
    return {
      kind: 'paid',
      payments: paid,
      amount: paid.reduce((sum, p) => sum + p.amount, 0),
      method: paid[0].method ?? s(a.payment_method_used),
    };
  return s(a.status) === 'expired' ? { kind: 'expired' } : { kind: 'pending' };
}

/** A checkout session resource (`data` of the API's answer, or an event's `attributes.data`). */
export function sessionOf(data: unknown): SessionFacts {
  const d = obj(data);
  const a = obj(d.attributes);
  const items = arr(a.line_items).map(obj);
  const currencies = [...new Set(items.map((i) => s(i.currency) ?? ''))];
  return {
    id: s(d.id) ?? '',
    reference: s(a.reference_number),
    livemode: a.livemode === true,
    total: items.reduce((sum, i) => sum + n(i.amount) * (n(i.quantity) || 1), 0),
    currency: currencies.length === 1 ? currencies[0] : '',
    state: stateOf(a),
  };
}

/** What a signed event's body asks, for a key of this mode. */
export function actionOf(body: unknown, livemode: boolean): WebhookAction {
  const a = obj(obj(obj(body).data).attributes);
  const resource = obj(a.data);
  const type = s(a.type) ?? '';
  if ((a.livemode === true) !== livemode)
    return {
      kind: 'ignored',
      reason: `sent in ${livemode ? 'test' : 'live'} mode, the key is for the other`,
    };
  if (type !== PAID_EVENT)
    return { kind: 'ignored', reason: `event ${type.slice(0, 60) || 'without a type'}` };
  const sessionId = s(resource.type) === 'checkout_session' ? s(resource.id) : null;
  if (!sessionId) return { kind: 'ignored', reason: 'a paid event naming no checkout session' };
  return { kind: 'paid', sessionId };
}

export function paymongoGateway(o: PaymongoOptions): PaymentGateway {
  const auth = `Basic ${Buffer.from(`${o.secretKey}:`).toString('base64')}`;
  const livemode = o.secretKey.startsWith('sk_live_');

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
    let res: Response;
    try {
      res = await fetch(`${o.apiUrl}${path}`, {
        method,
        headers: {
          authorization: auth,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
    } catch (err) {
      // Never the key: only what failed.
      throw new GatewayError('unreachable', `PayMongo did not answer (${(err as Error).message})`);
    }
    const text = await res.text().catch(() => '');
    let json: Json = {};
    try {
      json = obj(JSON.parse(text));
    } catch {
      /* not JSON: a proxy's page, say */
    }
    if (!res.ok) {
      const first = obj(arr(json.errors)[0]);
      const code = s(first.code) ?? undefined;
      const detail = s(first.detail) ?? `HTTP ${res.status}`;
      throw new GatewayError(
        res.status >= 500 ? 'server' : 'refused',
        `PayMongo answered ${res.status}: ${detail}`,
        res.status,
        code,
      );
    }
    return json;
  }

  return {
    name: 'paymongo',
    livemode,
    checkoutOrigin: checkoutOriginOf(o.apiUrl),
    async createCheckout(req: CheckoutRequest): Promise<CheckoutStarted> {
      const json = await call('POST', '/v1/checkout_sessions', {
        data: {
          attributes: {
            line_items: [{ name: req.item.name, amount: req.item.amount, currency: 'PHP', quantity: 1 }],
            payment_method_types: req.methods,
            reference_number: req.reference,
            success_url: req.successUrl,
            cancel_url: req.cancelUrl,
            description: req.description ?? req.item.name,
            send_email_receipt: false,
            show_description: true,
            show_line_items: true,
          },
        },
      });
      const d = obj(json.data);
      const url = s(obj(d.attributes).checkout_url);
      const id = s(d.id);
      if (!id || !url || !/^https?:\/\//i.test(url))
        throw new GatewayError('server', 'PayMongo answered without a checkout session');
      return { sessionId: id, checkoutUrl: url, livemode: obj(d.attributes).livemode === true };
    },
    async getSession(id: string): Promise<SessionFacts | null> {
      if (!/^[A-Za-z0-9_]{1,100}$/.test(id)) return null;
      try {
        return sessionOf((await call('GET', `/v1/checkout_sessions/${id}`)).data);
      } catch (err) {
        if (err instanceof GatewayError && err.status === 404) return null;
        throw err;
      }
    },
    verifyWebhook(headerOf, raw, now) {
      const refuse = (why: SignatureRefusal) => ({ ok: false as const, why });
      if (!o.webhookSecret) return refuse('no-secret');
      const header = headerOf('paymongo-signature');
      if (!header) return refuse('missing');
      const p = parseSignatureHeader(header);
      if (!p) return refuse('malformed');
      if (Math.abs(now - Number(p.t) * 1000) > SIGNATURE_TOLERANCE_MS) return refuse('stale');
      const given = livemode ? p.li : p.te;
      if (!given || !sameHex(given, signWebhook(o.webhookSecret, p.t, raw))) return refuse('mismatch');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse('malformed');
      }
      return { ok: true, action: actionOf(body, livemode) };
    },
  };
}
