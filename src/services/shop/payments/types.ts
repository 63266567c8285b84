/** Online payments' public shapes (src/services/shop/payments). Money in centavos, times in ms. */
import type { PaymentGateway, SignatureRefusal } from '../../../payments/gateway';
import type { Actor } from '../../business/audit/actor';
import type { CheckoutReachLog } from './checkout-reach';
import type { PaymentField, PaymentSettingsView } from './settings';

export type PaymentState = 'pending' | 'paid' | 'expired' | 'failed' | 'rejected';

/** A profile a customer can pay for online (priced at the gateway's minimum or more). */
export interface PaymentOffer {
  id: number;
  name: string;
  price: number;
}

export interface PaymentView {
  id: number;
  gateway: string;
  reference: string | null;
  sessionId: string | null;
  state: PaymentState;
  profile: string | null;
  mac: string | null;
  amount: number;
  method: string | null;
  livemode: boolean;
  voucherCode: string | null;
  /** Whether the voucher is in use (first logged in), on this device or another. */
  voucherUsed: boolean;
  problem: string | null;
  loginError: string | null;
  createdAt: number;
  creditedAt: number | null;
  onlineAt: number | null;
  /**
   * The device's code was still running when the payment was credited: its time was added to that code (`add`), or
   * it waits for the device and starts when that code ends (`queue`). `into`: that code, masked. Null: its own code.
   */
  joined: { mode: 'add' | 'queue'; into: string } | null;
  /** What it paid for: a profile for a device (`voucher`), or a subscriber's bill (`subscriber`, its id). */
  purpose: 'voucher' | 'subscriber';
  subscriberId: number | null;
  /** The subscriber's name (a subscriber's bill), as the Subscribers page shows it; null for a voucher. */
  subscriberName: string | null;
}

/** What learning of a session came to. */
export type LearnOutcome =
  'credited' | 'already-credited' | 'unpaid' | 'expired' | 'rejected' | 'unknown' | 'other-mode' | 'off';

/**
 * What a webhook delivery came to (the web layer picks the answer to the sender): the session it named was
 * credited now, or before; `ignored`: taken, nothing credited, because the event asks nothing of us
 * (`not-a-payment`, the gateway's words in `detail`), the gateway could not be asked now (`retry-later`: the poller
 * reads the session later), or what reading the session came to; `refused`: not taken, as payments are off or its
 * signature does not check.
 */
export type WebhookOutcome =
  | { kind: 'credited' }
  | { kind: 'already-credited' }
  | {
      kind: 'ignored';
      reason: 'not-a-payment' | 'retry-later' | Exclude<LearnOutcome, 'credited' | 'already-credited'>;
      detail?: string;
    }
  | { kind: 'refused'; reason: 'payments-off' | SignatureRefusal };

export interface StartInput {
  profileId: number;
  mac: string;
  ip: string;
  /** The site the portal page was for (as the page carried it), passed on to the login. */
  site?: string;
  /** The site whose profiles the portal offers (its own and the shared ones); null: shared only. */
  siteId: number | null;
  lang: string;
  /** The portal's address as the phone reaches it: the gateway sends the phone back there. */
  returnBase: string;
}

export interface PaymentService {
  /** Whether a key is set: without one there is no pay button anywhere. */
  enabled(): Promise<boolean>;
  offers(siteId: number | null): Promise<PaymentOffer[]>;
  /** Starts a checkout; the phone is sent to the answer's address. */
  start(input: StartInput): Promise<{ reference: string; checkoutUrl: string }>;
  /** Reads a session from the gateway's API and credits it once if it proves a payment of ours. */
  learn(sessionId: string): Promise<LearnOutcome>;
  /**
   * A webhook delivery (`header`: the request's headers by name, for the gateway's signature): its signature
   * checked, the session it names read and credited once.
   */
  webhook(header: (name: string) => string | undefined, raw: Buffer): Promise<WebhookOutcome>;
  /** The phone came back from the gateway: the session is read at once. */
  returned(reference: string): Promise<PaymentView | undefined>;
  /** The device a checkout was started for (to send the returning phone to its pages). */
  device(
    reference: string,
  ): Promise<{ mac: string; ip: string; site: string | null; lang: string } | undefined>;
  /** What a subscriber can pay online now (what it owes, from ₱20.00, while payments are on), or why not. */
  billOffer(subscriberId: number): Promise<BillOffer>;
  /**
   * Starts a checkout for what the subscriber owes now, or (`part: 'past-due'`) for what is past due now (GCash,
   * Maya); the phone is sent to the answer's address. Refused: PAYMENTS_OFF, BILL_NOTHING_OWED (nothing owed, or
   * nothing past due), BILL_BELOW_MINIMUM, RATE_LIMITED, PAYMENT_GATEWAY_*.
   */
  startBill(input: {
    subscriberId: number;
    lang: string;
    returnBase: string;
    part?: BillPart;
  }): Promise<{ reference: string; checkoutUrl: string }>;
  /** A subscriber's checkout the phone came back from, read from the gateway at once while pending. */
  billReturned(
    reference: string,
  ): Promise<{ state: PaymentState; amount: number; lang: string; subscriberId: number } | undefined>;
  /** One round of the poller: pending sessions read, logins of credited payments retried. */
  poll(): Promise<void>;
  list(opts?: { limit?: number; offset?: number }): Promise<{ total: number; rows: PaymentView[] }>;
  /** The gateway's checkout address (scheme, host, port) while payments are on; null while they are off. */
  checkoutOrigin(): Promise<string | null>;
  /** What phones not logged in yet reported of reaching the checkout (checkout-reach.ts). */
  reach: CheckoutReachLog;
  settingsView(): Promise<PaymentSettingsView>;
  updateSettings(input: Partial<Record<PaymentField, unknown>>, actor: Actor): Promise<PaymentField[]>;
}

/** What a checkout pays: all that is owed (the default), or only what is past due. */
export type BillPart = 'all' | 'past-due';

/**
 * What a subscriber can pay online now: nothing offered (and why), or the amount and its invoices. `pastDue`:
 * what of `owed` is past its last day to pay (0 to `owed`), the part that paying lifts a suspension for.
 */
export type BillOffer =
  | { kind: 'off' | 'nothing-owed' }
  | { kind: 'below-minimum'; owed: number; pastDue: number }
  | { kind: 'payable'; owed: number; pastDue: number; accountNo: string; oldest: string; invoices: number };

/**
 * What the payments service lends a subscriber's bill (src/services/subscriptions/billing/bill-payment.ts): the gateway in effect
 * now (its neutral actions only; undefined while payments are off) and how long a started checkout is watched.
 */
export interface GatewayInEffect {
  current(): Promise<{ gw: PaymentGateway; methods: string[] } | undefined>;
  watchMs: number;
}

/** A subscriber's checkout row, as a proven payment of it is recorded: its id, its gateway, whose bill. */
export interface BillCheckout {
  id: number;
  gateway: string;
  subscriber_id: number;
}

/** A subscriber's bill paid online, as billing offers, starts and records it on the gateway in effect. */
export interface BillPayments {
  offer(subscriberId: number): Promise<BillOffer>;
  start(
    input: Parameters<PaymentService['startBill']>[0],
  ): Promise<{ reference: string; checkoutUrl: string }>;
  /** A bill's checkout proven paid: recorded as one of the subscriber's payments. */
  credit(
    row: BillCheckout,
    paid: { sessionId: string; paymentId: string; method: string | null; paid: number },
  ): Promise<LearnOutcome>;
}
