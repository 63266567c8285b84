/**
 * The voucher service's contract (index.ts): what the admin, the API and the terminal read and ask of
 * vouchers, and a voucher's row as the database holds it (state.ts maps it).
 */
import type { CardDesign } from '../../../domain/cards';
import type { UsageSummary } from '../../../domain/usage-summary';
import type { VoucherListStatus, VoucherStatus } from '../../../domain/vouchers';
import type { Actor } from '../../business/audit/actor';
import type { EventView } from '../../business/events/types';
import type { ChargeOutcome, PlanChangePreview, VoucherCharge } from './charge-types';
import type { PausedView, QueuedView } from './hold';

/** A row of the vouchers table; state.ts turns it into the domain's VoucherState and a VoucherView. */
export interface VoucherRow {
  id: number;
  code: string;
  /** A separate password (migration 0023); NULL or absent (a narrower column list): the password is the code. */
  password?: string | null;
  profile_id: number;
  /** The plan it was sold as, once a sold voucher moved to another plan (see migration 0008). */
  sale_profile_id: number | null;
  batch_id: number | null;
  price: number;
  rate_limit_up: number;
  rate_limit_down: number;
  staff: number | boolean;
  status: VoucherStatus;
  created_at: number;
  activated_at: number | null;
  expires_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  bound_mac: string | null;
  router_user_id: string | null;
  router_synced_at: number | null;
  bytes_up: number;
  bytes_down: number;
  counted_bytes: number;
  uptime_seconds: number;
  extra_seconds: number;
  override_up: number | null;
  override_down: number | null;
  updated_at: number;
  /** Data added by second codes (migration 0012); absent in rows read with a narrower column list. */
  extra_bytes?: number;
  extra_fup_bytes?: number;
  topped_up_into?: number | null;
  queued_mac?: string | null;
  queued_after?: number | null;
  queued_at?: number | null;
  paused_at?: number | null;
  paused_mac?: string | null;
  /** The router it lives on (migration 0017); NULL on a roaming voucher not used yet. */
  site_id?: number | null;
  roaming?: number | boolean;
}

export interface VoucherView {
  code: string;
  /** The separate password printed on the card and set on the router; null when the password is the code. */
  password: string | null;
  profile: string;
  price: number;
  status: VoucherStatus;
  rateUp: number;
  rateDown: number;
  staff: boolean;
  batchId: number | null;
  createdAt: number;
  activatedAt: number | null;
  expiresAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  boundMac: string | null;
  bytesUp: number;
  bytesDown: number;
  countedBytes: number;
  remainingSeconds: number | null;
  /** Time added to it (extensions, top-ups), in seconds: what a counter sale of more time sends back as seen. */
  addedSeconds: number;
  override: { up: number; down: number } | null;
  onRouter: boolean;
  /** Its site (null: roaming and not used yet). */
  siteId: number | null;
  /** Unused but kept for a customer's device, to start after the code running there (hold.ts); else null. */
  queued: QueuedView | null;
  /** Since when its customer has paused it on the portal (a running code; hold.ts says the rest); else null. */
  pausedAt: number | null;
}

export interface DeviceView {
  mac: string;
  ip: string | null;
  connected: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
  bytesUp: number;
  bytesDown: number;
  rateUp: number;
  rateDown: number;
}

export interface VoucherDetail extends VoucherView {
  /** Its profile's price now (centavos): `price` is what the voucher itself was sold (or made) at. */
  profilePrice: number;
  /** The plan it was sold as, once a used voucher moved to another (null: it is on the plan it was sold as). */
  saleProfile: string | null;
  devices: DeviceView[];
  events: EventView[];
  /** The voucher's own limits: the plan's, raised by the codes added to it (`addedBytes`, `addedFupBytes`). */
  fupThresholdBytes: number | null;
  capBytes: number | null;
  addedBytes: number;
  addedFupBytes: number;
  /** Used, counted, left and the alert levels reached: the same summary the portal shows the customer. */
  usage: UsageSummary;
  /**
   * State now: the policy's (normal | fup | capped-throttle | capped-waiting | blocked | expired | revoked |
   * unused), or what its customer did on the portal: queued (kept for a device) | paused.
   */
  state: string;
  /** Paused by its customer on the portal (hold.ts); else null. */
  paused: PausedView | null;
  /** Why, in one line (the policy's reason: "data used up (…): extra data can be bought"). */
  stateReason: string;
  /** The extra data its plan sells at the cap, and whether it may be bought now (it waits at its cap). */
  overage: { bytes: number; price: number; availableNow: boolean } | null;
  /** Extra data bought at the cap so far (charges of kind `overage`): bytes and centavos. */
  overageBought: { bytes: number; amount: number; count: number };
  /** Charges and credits kept on it (plan changes, extra data), newest first. */
  charges: VoucherCharge[];
  /** Used as a top-up: the code of the voucher its time and data were added to, and when; else null. */
  toppedUpInto: { code: string; at: number | null } | null;
}

/** How extra data is sold at the counter. */
export interface OverageSaleOptions {
  /**
   * The extra data the seller saw on the voucher (a page's hidden field): when it has changed since (the same
   * form sent twice, another sale meanwhile), nothing is sold (409 OVERAGE_CONFLICT).
   */
  addedBytes?: number;
}

/** Extra data sold at the counter: the voucher after it, the charge, and whether its router took it at once. */
export interface OverageSale {
  voucher: VoucherView;
  charge: { chargeId: number; offers: number; bytes: number; amount: number };
  /** The router's byte limit was raised now; false: at the next poll of its site. */
  appliedNow: boolean;
}

/** A voucher moved to another plan, and what the move charged or credited. */
export interface ProfileChange {
  voucher: VoucherView;
  charge: ChargeOutcome;
}

export interface BatchView {
  id: number;
  profile: string;
  count: number;
  prefix: string;
  price: number;
  createdAt: number;
  createdBy: string;
  note: string | null;
  unused: number;
  /** The card design its sheets print with unless another is chosen at print time. */
  design: CardDesign;
  /** The site whose router has its codes (null: roaming, or its site was removed). */
  site: { id: number; name: string } | null;
  /** Valid on every site until used. */
  roaming: boolean;
}

export interface VoucherFilter {
  /** A status; `unused` is the cards still for sale, `queued` the unused codes kept for a device. */
  status?: VoucherListStatus;
  profile?: string;
  batchId?: number;
  /** created_at range, ms epoch */
  from?: number;
  to?: number;
  /** substring of the code (normalised) */
  search?: string;
  /** One site's vouchers (vouchers.site_id); none: every site. */
  siteId?: number;
  /** One account's vouchers (its batches'): what a reseller sees. */
  accountId?: number;
  limit?: number;
  offset?: number;
}

export interface GenerateInput {
  profile: string;
  count: number;
  /**
   * The code style (src/domain/code-style.ts); what is left out is the shop's (Settings). `alphabet`: digits,
   * lowercase or uppercase; `length`: random characters after the prefix; `passwordAlphabet`: `same` (the
   * password is the code) or the alphabet of a separate password of `passwordLength` characters.
   */
  alphabet?: string;
  prefix?: string;
  length?: number | string;
  passwordAlphabet?: string;
  passwordLength?: number | string;
  /** Centavos; at most ₱100,000. */
  price?: number;
  /** bits/s, or a rate text like `2M` (parsed and bounded to 8 kbit/s–10 Gbit/s by the service). */
  rateUp?: number | string;
  rateDown?: number | string;
  staff?: boolean;
  note?: string;
  /** Card design for its printed sheets (src/domain/cards.ts), any case; default compact. */
  design?: string;
  /** The site (id or name) whose router gets the users; default `default`. */
  site?: string | number;
  /** Valid on every site: pushed to all of them, the site of its first use keeps it. */
  roaming?: boolean;
}

export interface VoucherService {
  /** DB first (one transaction), then router users pipelined; `routerPending` = not yet on the router (resumed later). Audited. */
  generate(
    input: GenerateInput,
    actor: Actor,
  ): Promise<{ batchId: number; vouchers: VoucherView[]; routerPending: number; design: CardDesign }>;
  list(filter: VoucherFilter): Promise<{ total: number; vouchers: VoucherView[] }>;
  /** AppError VOUCHER_NOT_FOUND (404). Code matched case-insensitively, spaces/dashes ignored. */
  get(code: string): Promise<VoucherDetail>;
  /** Logs the device(s) out, removes the router user and queue, status revoked. Audited. */
  revoke(code: string, actor: Actor): Promise<VoucherView>;
  /**
   * Adds time (1 s–365 days) without a counter sale; above a day it needs `confirmed` (AppError CONFIRM_REQUIRED
   * otherwise), so a typo such as `99999999d` or one digit too many never lands silently. `coins`: a coin box's
   * top-up, its coins kept as the sale (a charge of kind coin_topup, in every report's money in). The hotspot
   * user's uptime limit follows. Audited.
   */
  extend(
    code: string,
    seconds: number,
    actor: Actor,
    opts?: { confirmed?: boolean; coins?: { amount: number; vendo: string } },
  ): Promise<VoucherView>;
  /**
   * Time sold at the counter: `extend` and a sale of `price` (pesos; absent or empty: the plan's pro-rata price for
   * the time; 0: given free, no sale kept) in one transaction. 400 INVALID_INPUT naming `price`; 409
   * EXTEND_CONFLICT (nothing added nor charged) when `addedSeconds` is not the voucher's extra time now, or
   * another extension came first. A price above the plan's rate for that time needs `priceConfirmed` (400
   * CONFIRM_REQUIRED naming `price` otherwise: it looks like a typo). Audited with its price.
   */
  sellTime(
    code: string,
    seconds: number,
    actor: Actor,
    opts?: { confirmed?: boolean; price?: unknown; priceConfirmed?: boolean; addedSeconds?: number },
  ): Promise<ExtensionSale>;
  /** The plan's pro-rata price (centavos) for `seconds` more on this voucher. */
  quoteTime(code: string, seconds: number): Promise<number>;
  /**
   * Moves a voucher to another profile; new rates apply at the next cycle, usage kept. What its time left is
   * worth on the new plan less what it is worth now (src/domain/plan-change.ts) is charged (a sale) or credited,
   * unless `charge: false` (moved free). `expected`: the signed centavos the owner confirmed (charge positive,
   * credit negative), kept when it still stands, else 409 CONFIRM_REQUIRED (plan-confirm.ts). Another profile
   * only (INVALID_INPUT under `profile`), not archived, one that leaves it time (PLAN_TOO_SHORT). Audited.
   */
  changeProfile(
    code: string,
    profile: string,
    actor: Actor,
    opts?: { charge?: boolean; expected?: number },
  ): Promise<ProfileChange>;
  /** What changeProfile would charge or credit, changing nothing (the same checks). */
  previewProfileChange(
    code: string,
    profile: string,
    opts?: { charge?: boolean },
  ): Promise<PlanChangePreview>;
  /** One charge or credit of the voucher (its receipt); NOT_FOUND (404) when it is not that voucher's. */
  charge(code: string, id: number): Promise<VoucherCharge>;
  /**
   * Voids a charge of the voucher (charge-void.ts): it leaves every total, its unused time or data is taken back.
   * `reason` 1–200 characters (400 under `reason`); 404 CHARGE_NOT_FOUND; 409 CHARGE_VOIDED (a second void);
   * 403 CHARGE_NOT_YOURS (a cashier: another's, or of an earlier day). Audited `charge.void`.
   */
  voidCharge(code: string, id: unknown, reason: unknown, actor: Actor): Promise<ChargeVoid>;
  /**
   * Sells the plan's extra data (`overage`) at the counter: one purchase at its price, a sale (voucher_charges
   * kind `overage`) kept with the raised cap in one transaction, the router's byte limit raised now when its
   * router is connected (else at the next poll). For a running voucher whose cap stops it, before or at the cap:
   * 409 DATA_NOT_USED_UP (its cap only slows it down or warns),
   * OVERAGE_NOT_OFFERED (its plan sells none), VOUCHER_NOT_ACTIVE. Audited.
   */
  addOverage(code: string, actor: Actor, opts?: OverageSaleOptions): Promise<OverageSale>;
  /**
   * After extra data was added to a voucher (`bytes`, committed): its router's byte limit raised now (a RADIUS
   * site's account rewritten). False when its router cannot be told now: its next poll does it.
   */
  extraDataAdded(code: string, bytes: number): Promise<boolean>;
  batches(limit?: number): Promise<BatchView[]>;
  batch(id: number): Promise<{ batch: BatchView; vouchers: VoucherView[] }>;
  csv(filter: VoucherFilter): Promise<string>;
  /** How the portal's login form asks for a code: the shop's style, and whether codes still sold need a password. */
  codeEntry(): Promise<PortalCodeEntry>;
}

/** How the portal's login form asks for a code (src/web/portal): the keyboard a phone shows, a password field. */
export interface PortalCodeEntry {
  /** The shop's codes are numbers only: the phone shows its number pad. */
  digits: boolean;
  /** The shop's codes are small letters: the phone must not capitalise what is typed. */
  lowercase: boolean;
  /** Ask for a password beside the code: the shop's style has one, or codes still sold carry one. */
  password: boolean;
  /**
   * Every card the shop makes now carries one (its style has a password): the field must be filled. Else only some
   * cards still sold do (an earlier style, a one-off batch): the field is there for them, and a card without one
   * connects with its code alone.
   */
  passwordRequired: boolean;
  /** The shop's passwords are numbers only (the password field's keyboard). */
  passwordDigits: boolean;
}

/** Time sold at the counter: the voucher after it, and the sale (price null: no sale; 0: given free). */
export interface ExtensionSale {
  voucher: VoucherView;
  seconds: number;
  price: number | null;
  /** Its voucher_charges row (the receipt); null when nothing was charged. */
  chargeId: number | null;
}

/** A voided charge: the charge as it reads now (voided), the voucher after, and what was taken back of it. */
export interface ChargeVoid {
  voucher: VoucherView;
  charge: VoucherCharge;
  takenBack: { seconds: number; bytes: number };
}
