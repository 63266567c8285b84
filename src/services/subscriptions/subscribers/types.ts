/**
 * The subscriber service's contract (index.ts): customers on monthly plans, as records. The router work (PPPoE
 * secrets) and billing build on these; nothing here writes the router.
 */
import type { Knex } from 'knex';
import type { Cycle } from '../../../domain/billing-cycle';
import type { SubscriberLanguage } from '../../../domain/subscriber-fields';
import type { SubscriberStatus } from '../../../domain/subscriber-status';
import type { Actor } from '../../business/audit/actor';
import type { Asker } from '../../shop/guess-limiter/types';
import type { SubscriberSession } from '../../network/usage/subscriber-online';
import type { SiteRef } from '../../deps';
import type { SiteAddresses } from './static-ip';

export interface SubscriberView {
  id: number;
  /** `S-000001`: numbered in the order they were added, without gaps. */
  accountNo: string;
  name: string;
  /** `+639XXXXXXXXX`. */
  mobile: string;
  profile: string;
  /** The plan's monthly fee, centavos. */
  price: number;
  billingDay: number;
  /** A billing day changed mid-cycle: the day, and the date it applies from. */
  billingDayNext: { day: number; from: string } | null;
  username: string;
  /** The PPPoE password, opened from its sealed form. */
  password: string;
  site: { id: number; name: string };
  status: SubscriberStatus;
  /** Why it was suspended (absent when active or ended). */
  statusReason: string | null;
  /** Its open suspension: by billing (`unpaid`) or by hand, and whether paying what is past due lifts it. */
  suspension: OpenSuspension | null;
  startsOn: string;
  /** The last day paid before it came over (null: none): billing starts the day after. */
  paidUntil: string | null;
  /** What it owed when it came over (centavos; null: nothing) and that invoice's due date. */
  openingBalance: number | null;
  openingDueOn: string | null;
  /** The current billing cycle (shop dates, inclusive). */
  cycle: Cycle;
  /** Counted bytes of the current cycle, the plan's cap, what is left (null: no cap). */
  usage: { countedBytes: number; capBytes: number | null; leftBytes: number | null };
  /** What its open invoices still ask, and the credit it holds (centavos). */
  owed: number;
  credit: number;
  language: SubscriberLanguage;
  address: string | null;
  /** Its fixed address (the PPP session always gets it), or null: an address from its plan's pool. */
  staticIp: string | null;
  /** Its PPP session now, as the poll last read it (online, address, uptime, speed). */
  session: SubscriberSession;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

/** A subscriber's open suspension as its pages tell it: who suspended it, and whether paying lifts it. */
export interface OpenSuspension {
  cause: 'unpaid' | 'manual';
  /** Paying what is past due lifts it: billing's own always, one by hand when it was made until paid. */
  untilPaid: boolean;
}

export type SubscriberChange = 'create' | 'update' | 'activate' | 'suspend' | 'resume' | 'end';

/** What the router work listens to: which subscriber changed, and how (never its password). */
export interface SubscriberChanged {
  id: number;
  change: SubscriberChange;
}

/** What adding needs beyond the fields (adopt.ts): the router's secret it takes over. */
export interface CreateOptions {
  adoptedSecret?: string;
  /** Its fixed address, checked by the caller already (an adopted secret's own: adopt-address.ts). */
  staticIp?: string;
  /** It starts suspended by hand with this reason (a disabled secret adopted). */
  suspendedBecause?: string;
  /** An opening balance that looks like a typo was asked about and meant. */
  confirmed?: boolean;
  /** More for its audit entry (an adopted secret's comment, which ours replaces). */
  audited?: Record<string, unknown>;
}

export interface SubscriberService {
  list(opts?: { status?: unknown; siteId?: number }): Promise<SubscriberView[]>;
  /** By id (a number, or digits) or by username; AppError SUBSCRIBER_NOT_FOUND (404). */
  get(ref: number | string): Promise<SubscriberView>;
  /** How many subscribers are online now, as the poll last read their PPP sessions (a site's, or every site's). */
  onlineCount(siteId?: number): Promise<number>;
  /**
   * Customers from a CSV (src/services/subscriptions/subscribers/import.ts): every row checked as `create` checks one, then all
   * written in one transaction (or, with `dryRun`, none); rows with problems: nothing written, each named in the
   * report; a username the site has: skipped as `exists`. Over 2 MB or 5,000 rows: 413 TOO_LARGE. Rows whose
   * opening balance looks like a typo (as `create` asks): flagged in a dry run, else 409 CONFIRM_REQUIRED naming
   * them and nothing written, unless `confirmed`.
   */
  importCsv(csv: unknown, opts: ImportOptions, actor: Actor): Promise<ImportReport>;
  /**
   * A new subscriber. Every bad field named at once (400 INVALID_INPUT); a username taken on the site: 409
   * SUBSCRIBER_EXISTS. An opening balance above six months of its plan's fee looks like a typo (₱50,000 for ₱500):
   * 409 CONFIRM_REQUIRED under `opening_balance`, nothing written, unless `confirmed`.
   */
  create(input: unknown, actor: Actor, opts?: CreateOptions): Promise<SubscriberView>;
  /**
   * The input checked as create checks it (400 naming every bad field; an opening balance that looks like a typo,
   * unless `confirmed`: 409 CONFIRM_REQUIRED), nothing written.
   */
  checkNew(input: unknown, opts?: { confirmed?: boolean }): Promise<void>;
  /** name, mobile, password, profile, language, address; billing_day applies from the next cycle. */
  update(ref: number | string, input: unknown, actor: Actor): Promise<SubscriberView>;
  /**
   * What a plan change today would bill, per other monthly plan it could move to (centavos; above 0 an invoice,
   * below 0 credit; null before its billing starts): the edit form says it before Save.
   */
  planChangeQuotes(ref: number | string): Promise<Array<{ plan: string; net: number | null }>>;
  /**
   * A suspension by hand, with its reason (1–200 characters). `untilPaid` true: billing lifts it as its own once
   * nothing is past due (refused, 409 NOTHING_PAST_DUE, while nothing is); else only a resume by hand lifts it.
   */
  suspend(ref: number | string, reason: unknown, actor: Actor, untilPaid?: unknown): Promise<SubscriberView>;
  resume(ref: number | string, actor: Actor): Promise<SubscriberView>;
  /**
   * Billing's suspension for an unpaid invoice (the suspension enforcer, src/services/subscriptions/billing/suspension.ts):
   * active → suspended, recorded with cause `unpaid`; false when it was not active (a repeat changes nothing).
   */
  suspendUnpaid(id: number, reason: string): Promise<boolean>;
  /**
   * Lifts billing's open `unpaid` suspension, or one by hand made until paid (suspended → active); false when
   * there is none. Any other suspension by hand stays.
   */
  liftUnpaid(id: number): Promise<boolean>;
  /**
   * Billing's own suspension, still past due but for another invoice than its reason names (that one paid or
   * voided): the subscriber's `status_reason` names the oldest past due now. Its suspension row keeps why it began.
   */
  restateUnpaid(id: number, reason: string): Promise<boolean>;
  /** The service ends (status `ended`); the record and its history stay. A scheduled one leaves no invoice. */
  end(ref: number | string, actor: Actor): Promise<SubscriberView>;
  /**
   * A scheduled subscriber's service starts now (installed early): active, billed from today (its first invoice,
   * prorated). 409 SUBSCRIBER_STATUS when it is not scheduled.
   */
  activate(ref: number | string, actor: Actor): Promise<SubscriberView>;
  /**
   * Every scheduled subscriber whose `starts_on` has come (00:00 in its site's time zone) becomes active, billed
   * from today; the ids activated (none on a repeat). The billing run calls it first.
   */
  startScheduled(): Promise<number[]>;
  /**
   * The subscriber these credentials are (username in any case), for its own account page. A wrong pair: 401
   * SUBSCRIBER_LOGIN, never saying which was wrong; counted by the portal's guess limits (429 RATE_LIMITED).
   */
  signIn(username: unknown, password: unknown, asker: Asker): Promise<SubscriberView>;
  /**
   * The subscriber's wrong passwords on the portal counted now (from every address) and the seconds its sign-in
   * still waits, or null when none are counted.
   */
  signInWait(ref: number | string): Promise<{ failures: number; waitSeconds: number } | null>;
  /** Clears the subscriber's wrong-password count and wait on the portal (audited); false when there was none. */
  unlockSignIn(ref: number | string, actor: Actor): Promise<boolean>;
  /**
   * The subscriber (not ended) whose PPPoE session holds this address, or null; RouterError ROUTER_UNREACHABLE
   * when a site's sessions cannot be read now and no other site's holds it.
   */
  atAddress(address: string): Promise<SubscriberView | null>;
  /** The fixed addresses held on a site (by its id) and what is left of its static pool. */
  addresses(siteId: number): Promise<SiteAddresses>;
  /** Called after each committed change; returns the way to stop listening. */
  onChange(listener: (e: SubscriberChanged) => void): () => void;
}

/**
 * A subscriber being created or activated, as billing is told of it: its first invoice when its billing starts
 * today, its opening balance when it brought one.
 */
export interface FirstInvoiceInput {
  subscriberId: number;
  plan: string;
  /** The plan's monthly fee, centavos. */
  price: number;
  billingDay: number;
  /** The day its service starts here (today, or its later `starts_on`): its first cycle's first day. */
  startsOn: string;
  /** `scheduled`: its service has not started, nothing of it is billed yet. */
  status: 'active' | 'scheduled';
  /** The last day paid before it came over (null: none). */
  paidUntil: string | null;
  /** What it owed when it came over (centavos) and when that is due; null: nothing. */
  opening: { amount: number; dueOn: string } | null;
  /** The shop date it is issued on (today where the subscriber is). */
  today: string;
}

/** A subscriber's plan changing within a cycle (days from `on` to the cycle's end change price). */
export interface PlanChangeInput {
  subscriberId: number;
  from: { plan: string; price: number };
  to: { plan: string; price: number };
  /** The cycle it changes in, the billing day in force in it, and the shop date of the change. */
  cycle: Cycle;
  billingDay: number;
  on: string;
}

/**
 * What a subscriber's changes tell billing, and what it asks billing, through hooks passed in where the product is
 * composed (src/core.ts; billing's side is src/services/subscriptions/billing/index.ts): subscribers import nothing of billing.
 */
export interface BillingHooks {
  /** Inside the creating transaction, after the row is written (the first invoice): a failure refuses the create. */
  afterCreate(trx: Knex.Transaction, s: FirstInvoiceInput): Promise<void>;
  /** Inside the activating transaction of a scheduled subscriber (its first invoice, from today). */
  afterActivate(trx: Knex.Transaction, s: FirstInvoiceInput): Promise<void>;
  /** Inside the changing transaction, when the plan changes (the plan-change invoice or credit). */
  afterPlanChange(trx: Knex.Transaction, c: PlanChangeInput): Promise<void>;
  /** What a subscriber has past due now (centavos): a suspension by hand until paid needs some. */
  pastDue(id: number): Promise<number>;
  /** What each subscriber's open invoices still ask and the credit it holds (centavos), for its view. */
  balances(ids: readonly number[]): Promise<Map<number, { credit: number; owed: number }>>;
}

// ---- Customers from a CSV (import.ts) ----

/** One row's outcome: `ok` (a dry run: it would be added), `created`, or `exists` (skipped). */
export interface ImportRow {
  row: number;
  username: string;
  outcome: 'ok' | 'created' | 'exists';
  /** What it is billed: its plan, the plan's monthly fee (centavos), the opening balance brought (centavos). */
  plan: string;
  fee: number;
  openingBalance?: number;
  /** An opening balance that looks like a typo, in the single add's words (not asked of a row that exists). */
  question?: string;
  id?: number;
  accountNo?: string;
  /** Made here because the row gave none (created rows only); shown to the owner as a single add shows it. */
  madePassword?: string;
}

/** A problem with the file or a row: its row as a spreadsheet counts it (the header is row 1), the column. */
export interface ImportProblem {
  row: number;
  field: string;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  site: SiteRef;
  rows: ImportRow[];
  /** Not empty: nothing was written. */
  problems: ImportProblem[];
  created: number;
  exists: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** The site's id or name (the default site when absent). */
  site?: unknown;
  /** Rows whose opening balance looks like a typo were asked about and are meant (else 409 CONFIRM_REQUIRED). */
  confirmed?: boolean;
}
