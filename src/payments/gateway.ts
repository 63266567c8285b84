/**
 * What the product needs of a payment gateway: start a hosted checkout, read a checkout session back as the
 * gateway's API answers it, and check a webhook's signature. PayMongo (paymongo.ts) is one implementation; another
 * gateway is another file here, not another flow (src/services/payments holds the one flow).
 */

export interface CheckoutRequest {
  /** The product's own reference, unique per checkout. */
  reference: string;
  /** The one line item: what is bought, at what price (centavos, PHP). */
  item: { name: string; amount: number };
  methods: string[];
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutStarted {
  sessionId: string;
  checkoutUrl: string;
  livemode: boolean;
}

/** A payment of a session, as the gateway answers it. */
export interface SessionPayment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  livemode: boolean;
  /** The method used (gcash, paymaya, qrph, …), when the gateway says. */
  method: string | null;
}

/** A checkout session, as the gateway's API answers it (never as a webhook's body says). */
export interface SessionFacts {
  id: string;
  reference: string | null;
  status: string;
  livemode: boolean;
  /** The line items' total in centavos, and their currency. */
  total: number;
  currency: string;
  payments: SessionPayment[];
  /** The method the customer chose, when the gateway says (the session's own field). */
  method: string | null;
}

/** A webhook event whose signature checked out. */
export interface VerifiedEvent {
  type: string;
  livemode: boolean;
  /** The checkout session the event is about, when it is about one. */
  sessionId: string | null;
}

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
  getSession(id: string): Promise<SessionFacts>;
  /** Checks a webhook delivery: the signature header over the exact bytes received, at `now` (ms). */
  verifyWebhook(
    header: string | undefined,
    raw: Buffer,
    now: number,
  ): { ok: true; event: VerifiedEvent } | { ok: false; why: SignatureRefusal };
}
