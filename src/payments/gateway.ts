/**
 * What the product needs of a payment gateway, in the product's words: start a hosted checkout, read a checkout
 * session back as the gateway's API answers it (paid, expired, pending), and check a webhook's signature and say
 * what its event asks (read a paid session, or nothing). No gateway's event names or status strings pass this
 * line. PayMongo (paymongo.ts) is one implementation; another gateway is another file here, not another flow
 * (src/services/shop/payments holds the one flow).
 */

export interface CheckoutRequest {
  /** The product's own reference, unique per checkout. */
  reference: string;
  /** The one line item: what is bought, at what price (centavos, PHP). */
  item: { name: string; amount: number };
  /** What the checkout page says it is for; the item's name when absent. */
  description?: string;
  methods: string[];
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutStarted {
  sessionId: string;
  checkoutUrl: string;
  livemode: boolean;
}

/** A paid payment of a session, as the gateway answers it. */
export interface PaidPayment {
  id: string;
  /** Centavos. */
  amount: number;
  currency: string;
  livemode: boolean;
  /** The method used (gcash, paymaya, qrph, …), when the gateway says. */
  method: string | null;
}

/**
 * What a checkout session came to, in the product's words (each gateway maps its own statuses here): `paid` with
 * its paid payments (at least one), their sum and the method; `expired` (the gateway will take no payment on it);
 * `pending` (not paid yet, still open).
 */
export type SessionState =
  | { kind: 'paid'; payments: PaidPayment[]; amount: number; method: string | null }
  | { kind: 'expired' }
  | { kind: 'pending' };

/** A checkout session, as the gateway's API answers it (never as a webhook's body says). */
export interface SessionFacts {
  id: string;
  reference: string | null;
  livemode: boolean;
  /** The line items' total in centavos, and their currency. */
  total: number;
  currency: string;
  state: SessionState;
}

/**
 * What a signed webhook event asks of the product: read the session `sessionId` (`paid`: the gateway says it was
 * paid; only the session as its API answers proves it), or nothing (`ignored`: another kind of event, the other
 * mode, …; `reason` in words for the log).
 */
export type WebhookAction = { kind: 'paid'; sessionId: string } | { kind: 'ignored'; reason: string };

/**
 * Why a call to the gateway failed: `unreachable` (no answer: network, DNS, timeout), `refused` (4xx: our request
 * or our key), `server` (5xx). `code` is the gateway's own code (e.g. parameter_below_minimum) when it gave one.
 */
export class GatewayError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'refused' | 'server',
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** Why a webhook was refused (each a 4xx to the sender). */
export type SignatureRefusal = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'no-secret';

export interface PaymentGateway {
  readonly name: string;
  /** The key's mode: true for live keys. */
  readonly livemode: boolean;
  /**
   * The address the customer's phone opens to pay (its scheme, host and port): what the walled garden must let
   * through, and what the portal's reachability check tries.
   */
  readonly checkoutOrigin: string;
  createCheckout(req: CheckoutRequest): Promise<CheckoutStarted>;
  /** The session as the gateway's API answers it; null when the gateway knows no such session. */
  getSession(id: string): Promise<SessionFacts | null>;
  /**
   * Checks a webhook delivery (its signature, in whichever request header the gateway puts it, over the exact
   * bytes received, at `now` in ms) and says what its event asks.
   */
  verifyWebhook(
    header: (name: string) => string | undefined,
    raw: Buffer,
    now: number,
  ): { ok: true; action: WebhookAction } | { ok: false; why: SignatureRefusal };
}
