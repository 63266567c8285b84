/**
 * Use cases shared by the web admin, the admin API, the portal and the terminal menu. The web and the
 * CLI are two faces of these services: neither holds business logic and neither calls the other.
 *
 * Conventions: money in centavos, rates in bits/s, bytes as integers, times as ms epoch, MACs upper-case
 * `AA:BB:CC:DD:EE:FF`. Failures throw AppError (src/lib/errors.ts) with a stable code.
 */
import type { UsageSummary } from '../domain/usage-summary';
import type { GuessLimiter, GuessTicket } from './guess-limiter';
import type { SelfService } from './self-service';
import type { SiteService } from './sites/types';
import type { CardTemplateService } from './card-templates';
import type { ShopSettingsService } from './shop-settings';
import type { RouterBinding } from './router-binding';
import type { HousekeepingService } from './router-housekeeping';
import type { Profile } from '../domain/profiles';
import type { VoucherRow } from './voucher-state';
import type { CardDesign } from '../domain/cards';
import type { UsersCheckOptions, UsersCheckReport } from './vouchers/users-check';
import type { PortalCodeEntry } from './vouchers/code-style';
import type { RouterChecksService, RouterWarning } from './router-checks';
import type { SourceSales, VendoService } from './vendos/types';

export type VoucherStatus = 'unused' | 'active' | 'expired' | 'exhausted' | 'revoked';

/** Who did something, for the audit log. */
export interface Actor {
  name: string;
  via: 'admin' | 'api' | 'cli' | 'system' | 'portal';
}

export const SYSTEM: Actor = { name: 'system', via: 'system' };

// ---------------------------------------------------------------- profiles

export interface ProfileRecord {
  id: number;
  name: string;
  price: number;
  profile: Profile;
  /** The profile in the profiles.json format (human units), for forms and the API. */
  json: Record<string, unknown>;
  source: 'file' | 'admin';
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  /** The site it is sold on only, or null: shared by every site. */
  site: { id: number; name: string } | null;
}

export interface ProfileService {
  /**
   * `siteId`: what that site sells (shared profiles and its own); null: shared profiles only; absent: all.
   */
  list(opts?: { includeArchived?: boolean; siteId?: number | null }): Promise<ProfileRecord[]>;
  /** Case-insensitive; AppError PROFILE_NOT_FOUND (404). */
  get(name: string): Promise<ProfileRecord>;
  /**
   * Validated like profiles.json; AppError INVALID_INPUT with `fields` per field. Audited. A `site` key (id or
   * name; null, '' or absent: shared) ties it to one site; on update an absent `site` leaves it as it is.
   */
  create(json: unknown, actor: Actor): Promise<ProfileRecord>;
  update(name: string, json: unknown, actor: Actor): Promise<ProfileRecord>;
  /** Applies profiles.json: adds new, updates changed; returns one human line per change. */
  syncFromFile(file: string): Promise<string[]>;
  /**
   * A whole profiles.json list (or one entry): each profile added or replaced, profiles not in it untouched.
   * Every entry is validated first; nothing is written on any error, or with `dryRun`. Audited.
   */
  importProfiles(
    json: unknown,
    opts: { dryRun?: boolean; site?: unknown },
    actor: Actor,
  ): Promise<{ changes: string[]; applied: boolean }>;
  /** Archived profiles leave pickers and the portal; their vouchers and sales stay. Audited. */
  setArchived(name: string, archived: boolean, actor: Actor): Promise<ProfileRecord>;
}

// ---------------------------------------------------------------- vouchers

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
  override: { up: number; down: number } | null;
  onRouter: boolean;
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

export interface EventView {
  id: number;
  ts: number;
  voucherCode: string | null;
  kind: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface VoucherDetail extends VoucherView {
  devices: DeviceView[];
  events: EventView[];
  /** The voucher's own limits: the plan's, raised by the codes added to it (`addedBytes`, `addedFupBytes`). */
  fupThresholdBytes: number | null;
  capBytes: number | null;
  addedBytes: number;
  addedFupBytes: number;
  /** Policy state now: normal | fup | capped-throttle | blocked | expired | revoked | unused. */
  state: string;
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
  status?: VoucherStatus;
  profile?: string;
  batchId?: number;
  /** created_at range, ms epoch */
  from?: number;
  to?: number;
  /** substring of the code (normalised) */
  search?: string;
  /** One site's vouchers (vouchers.site_id); none: every site. */
  siteId?: number;
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
  /** Adds time (the hotspot user's uptime limit follows). Audited. */
  /**
   * Adds time (1 s–365 days); above a day it needs `confirmed` (AppError CONFIRM_REQUIRED otherwise), so a typo
   * such as `99999999d` or one digit too many never lands silently. Audited.
   */
  extend(code: string, seconds: number, actor: Actor, opts?: { confirmed?: boolean }): Promise<VoucherView>;
  /** Moves a voucher to another profile; new rates apply at the next cycle, usage kept. Audited. */
  changeProfile(code: string, profile: string, actor: Actor): Promise<VoucherView>;
  batches(limit?: number): Promise<BatchView[]>;
  batch(id: number): Promise<{ batch: BatchView; vouchers: VoucherView[] }>;
  csv(filter: VoucherFilter): Promise<string>;
  /** How the portal's login form asks for a code: the shop's style, and whether codes still sold need a password. */
  codeEntry(): Promise<PortalCodeEntry>;
  /**
   * Pushes unsynced unused/active vouchers to the router (resumable). When a users check is due (first sync,
   * reconnect, reboot, every 10 minutes) it checks every voucher's user instead (vouchers/users-check.ts).
   */
  syncRouterUsers(opts?: UsersCheckOptions): Promise<{ created: number; pending: number }>;
  /**
   * Pushes one batch's codes meant for this service's router that are not on it yet (this site's codes
   * without their user; a roaming batch's codes not used yet), pipelined as `generate` pushes them: what
   * the terminal calls on a branch's router after saving a batch for it. A user already there is found,
   * never added twice; what fails stays pending for the server's sync. `pending`: still not there.
   */
  pushBatch(batchId: number): Promise<{ created: number; pending: number }>;
  /** Reads the router's users now and puts back what the unused and active vouchers call for. */
  checkRouterUsers(opts?: UsersCheckOptions): Promise<UsersCheckReport>;
  /** The next sync checks the router's users (the poll saw the router boot again). */
  requestUsersCheck(reason: string): void;
}

// ---------------------------------------------------------------- portal

export interface RedeemResult {
  code: string;
  profile: string;
  expiresAt: number | null;
  rateUp: number;
  rateDown: number;
  /** true when the device was already bound and was only logged back in */
  relogin: boolean;
}

export interface PortalStatus {
  active: boolean;
  code: string | null;
  profile: string | null;
  remainingSeconds: number | null;
  /** Data used, counted, left and the alerts reached (the banners), against the voucher's own limits. */
  usage: UsageSummary;
  throttled: boolean;
  rateUp: number | null;
  rateDown: number | null;
  /** How the device's last voucher ended, when it is not active: the status page says so. */
  ended: 'expired' | 'revoked' | 'exhausted' | null;
  /** Whether the time left goes down by the second now (clock time, or online time while online). */
  clockRunning: boolean;
  /**
   * Whether the page knows which device asks (its signed cookie, or asking from the device's own hotspot
   * address). False: nothing is told, and the page asks for the code again instead of saying "no voucher".
   */
  identified: boolean;
}

export interface RedemptionService {
  /** Throws AppError: INVALID_CODE 404, VOUCHER_USED 409, VOUCHER_EXPIRED 410, VOUCHER_REVOKED 410, DEVICE_LIMIT 409, UNKNOWN_DEVICE 403, RATE_LIMITED 429, ROUTER_UNREACHABLE 503. */
  /**
   * `asker` is who typed the code (its portal token and the address it comes from): wrong codes are counted
   * against it, never against the device the request names. No asker: a code the controller itself holds (a
   * queued code starting, a resume, a move, a vendo's sale), which no guess limit applies to.
   */
  redeem(
    /**
     * `site`: the site's id or name (the login page names it); absent: found from the MAC and IP. `password`: what
     * the customer typed as the password; a typed code (an asker) of a voucher with a separate password is found
     * only with it (a wrong one is a wrong code: INVALID_CODE, counted alike).
     */
    input: { code: string; password?: string; mac: string; ip: string; site?: string | number },
    asker?: { peerIp: string | null; browser?: string | null; ticket?: GuessTicket },
    /** The voucher as the caller has just read it (saves the lookup); it must be the one `code` names. */
    known?: { row: VoucherRow; profile: Profile; profileName: string },
    /**
     * How the sale reads in the shop's feed when the caller knows better than "Sold: <profile> voucher" (a vendo's
     * coins): it replaces the generic sale event, so one purchase is one entry.
     */
    sale?: { kind: string; message: string; data?: Record<string, unknown> },
  ): Promise<RedeemResult>;
  /**
   * Resolves when the confirmations of finished redemptions are written (they follow the customer's answer;
   * see redemption.ts). Waited for before the database closes.
   */
  settled(): Promise<void>;
  /**
   * The status of the device's voucher, for that device only: `asker` must prove it is the device (a MAC it
   * proved with the portal's signed cookie, or the address it asks from being the one the device uses).
   * Anyone else learns nothing beyond "no active voucher here". The code is always masked. `siteId`: that
   * site's vouchers only (a phone may have used codes at two sites); absent: the device's newest voucher.
   */
  status(
    mac: string,
    asker: { provenMac: string | null; peerIp: string | null },
    siteId?: number,
  ): Promise<PortalStatus>;
}

// ---------------------------------------------------------------- usage, bandwidth, sessions

export interface UserTraffic {
  user: string; // voucher code
  /** The id of the site whose router the device is on (its voucher's site). */
  site: number;
  mac: string;
  ip: string | null;
  profile: string;
  /** What the customer uploaded / downloaded, cumulative for the voucher. */
  bytesIn: number;
  bytesOut: number;
  rateIn: number; // current upload bits/s
  rateOut: number; // current download bits/s
  maxLimit: string; // `up/down` bits/s as on the router, e.g. `512000/1000000`; `0/0` = no limit
  /** What "back to plan" would give now (the policy without the admin override), `up/down` bits/s. */
  planMaxLimit: string;
  limitSource: 'profile' | 'override' | 'fup' | 'cap' | 'offpeak';
  fupState: 'normal' | 'fup' | 'capped-throttle' | 'blocked';
  connected: boolean;
  remainingSeconds: number | null;
}

export interface RouterQueueView {
  id: string;
  name: string;
  target: string;
  maxLimit: string;
  bytes: string;
  rate: string;
  disabled: boolean;
  dynamic: boolean;
  comment: string;
}

/** One site's router queues, or why they are not listed. */
export interface SiteQueues {
  site: { id: number; name: string };
  queues: RouterQueueView[];
  /** Its router is not connected, answered an error, or did not answer in time; null when listed. */
  error: string | null;
}

export interface CycleReport {
  at: number;
  /** safe-mode: the database does not know this router (src/services/router-binding.ts); nothing was metered or written. */
  /** not-leased: another server sharing the database polls this site (src/db/site-leases.ts). */
  skipped?: 'router-unreachable' | 'overrun' | 'safe-mode' | 'not-leased';
  roundTrips: number;
  devices: number;
  changes: { added: number; updated: number; removed: number; loggedOut: number; ended: number };
  bytesCounted: number;
}

export interface UsageService {
  /** One poll + reconcile cycle. Never throws on router trouble: returns `skipped`. */
  runCycle(): Promise<CycleReport>;
  lastPollAt(): number | undefined;
  /** Traffic per hour (or bucket) for charts: [{ts, up, down}]. */
  trafficSeries(opts: {
    /** One site's vouchers only (their site_id). */
    siteId?: number;
    since: number;
    bucketSeconds: number;
    voucherCode?: string;
    mac?: string;
  }): Promise<{ ts: number; up: number; down: number }[]>;
}

/** What an admin bandwidth change left in force. */
export interface BandwidthChange {
  mac: string;
  /** The voucher's profile name. */
  profile: string;
  /** bits/s now in force for the device; 0 = no limit that way. */
  up: number;
  down: number;
  /** False when saved but not on the router yet (down, refused, no queue yet): the next poll applies it. */
  applied: boolean;
}

export interface BandwidthService {
  users(): Promise<UserTraffic[]>;
  /**
   * Admin override for the device's voucher (null = no limit that way), within 8 kbit/s–10 Gbit/s; holds
   * until reset or the voucher ends. Audited.
   */
  setLimit(mac: string, up: number | null, down: number | null, actor: Actor): Promise<BandwidthChange>;
  /** Lifts the device's speed limit: its queue stays (usage still counted) with no limit. Audited. */
  removeLimit(mac: string, actor: Actor): Promise<BandwidthChange>;
  /** Drops the admin override: back to the plan's speeds. Audited. */
  resetLimit(mac: string, actor: Actor): Promise<BandwidthChange>;
  /**
   * All `pisonet-` queues on a site's router (absent: the default site's); its router's error is thrown
   * (SITE_UNREACHABLE when this server does not drive that site's router).
   */
  queues(siteId?: number): Promise<RouterQueueView[]>;
  /**
   * The `pisonet-` queues of every site's router (`siteId`: that site's only), each site with its own error
   * instead of its queues when its router is down, hung or not driven here; never thrown.
   */
  queuesBySite(siteId?: number): Promise<SiteQueues[]>;
  /** Logs the device out (the voucher stays usable). Audited. */
  kick(mac: string, actor: Actor): Promise<void>;
}

export interface EventService {
  /** Newest first; `after`: only events with a larger id (the live feed's "what is new since"). */
  list(opts?: {
    limit?: number;
    voucherCode?: string;
    kinds?: string[];
    after?: number;
    /**
     * One site's events: those of its vouchers. Events without a voucher (the router away and back…) are
     * shown under every site only.
     */
    siteId?: number;
  }): Promise<EventView[]>;
}

// ---------------------------------------------------------------- admin, reports, router

export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditService {
  record(
    actor: Actor,
    action: string,
    target: string | null,
    details?: Record<string, unknown>,
  ): Promise<void>;
  list(opts?: {
    limit?: number;
    offset?: number;
    action?: string;
  }): Promise<{ total: number; entries: AuditEntry[] }>;
}

export interface RouterInfo {
  connected: boolean;
  simulated: boolean;
  identity: string | null;
  version: string | null;
  boardName: string | null;
  uptime: string | null;
  cpuLoad: number | null;
  freeMemory: number | null;
  totalMemory: number | null;
  rttMs: number | null;
  error: string | null;
  /** The RouterErrorCode behind `error` (ROUTER_LOGIN_FAILED, ROUTER_TLS, ...), null when none. */
  errorCode: string | null;
  /** Router settings that break the controller (FastTrack), re-checked by each test. */
  warnings: RouterWarning[];
}

export interface RouterInfoService {
  /** Connects (if needed) and reads identity and resources; never throws: `error` says what failed. */
  test(): Promise<RouterInfo>;
}

export interface SalesRow {
  period: string; // '2026-11-21', '2026-W47', '2026-11' or the profile name
  profile?: string;
  count: number;
  amount: number; // centavos
}

export interface ReportService {
  /**
   * Money in by source and local day: printed vouchers (first used), each vendo's vouchers, coin top-ups.
   */
  bySource(opts: { from: number; to: number; siteId?: number }): Promise<SourceSales>;
  /** A voucher counts as sold when first used (activated_at), at its price when generated. */
  sales(opts: {
    from: number;
    to: number;
    by: 'day' | 'week' | 'month' | 'profile';
    /** One site's vouchers (vouchers.site_id); every `siteId` below means the same. None: every site. */
    siteId?: number;
  }): Promise<SalesRow[]>;
  /** Unused vouchers and what they are worth, without the per-profile split (the dashboard asks often). */
  stockTotal(opts?: { siteId?: number }): Promise<{ count: number; value: number }>;
  stock(opts?: { siteId?: number }): Promise<{
    count: number;
    value: number;
    byProfile: { profile: string; count: number; value: number }[];
  }>;
  usageTotals(opts: {
    from: number;
    to: number;
    siteId?: number;
  }): Promise<{ bytesUp: number; bytesDown: number; vouchers: number }>;
  topUsers(opts: {
    from: number;
    to: number;
    limit?: number;
    siteId?: number;
  }): Promise<{ code: string; profile: string; bytes: number }[]>;
  /**
   * Recent batches (newest first, at most `limit`, default 50) with the unused vouchers left in each: the stock
   * by batch, of one site (batches.site_id) or every site.
   */
  batches(opts?: { limit?: number; siteId?: number }): Promise<BatchView[]>;
}

export interface AdminAccountService {
  verify(username: string, password: string): Promise<boolean>;
  setPassword(username: string, password: string, actor: Actor): Promise<void>;
  /** At start: create from ADMIN_PASSWORD, or in demo mode generate one and return it (printed once). */
  ensureInitial(): Promise<{ generatedPassword?: string }>;
  /** Whether the account exists (default: ADMIN_USERNAME); the login page explains how to create it if not. */
  hasAccount(username?: string): Promise<boolean>;
}

export interface SettingsService {
  get<T = unknown>(key: string, fallback: T): Promise<T>;
  set(key: string, value: unknown, actor: Actor): Promise<void>;
  all(): Promise<Record<string, unknown>>;
}

export interface Services {
  profiles: ProfileService;
  vouchers: VoucherService;
  redemption: RedemptionService;
  usage: UsageService;
  bandwidth: BandwidthService;
  events: EventService;
  audit: AuditService;
  reports: ReportService;
  routerInfo: RouterInfoService;
  routerChecks: RouterChecksService;
  /** Every site's router's hosts, sessions, leases, log, resources, traffic; its reboot (src/services/router-housekeeping.ts). */
  housekeeping: HousekeepingService;
  /** Which router this database manages; safe mode and adopt. */
  routerBinding: RouterBinding;
  admins: AdminAccountService;
  /** Customer self-service on the portal: top-ups, pause/resume, moves to a new WiFi address. */
  selfService: SelfService;
  /** The portal's wrong-code limits, and its bound on new browser tokens per address. */
  guesses: Pick<GuessLimiter, 'mayMint'>;
  settings: SettingsService;
  /** Time zone, WiFi name, card links and the admin's networks: `.env` overridden from the admin or the CLI. */
  shopSettings: ShopSettingsService;
  /** Coin vendos and their ledger (src/services/vendos/). */
  vendos: VendoService & {
    ownerOf(id: string): Promise<{ mac: string; proven: boolean } | undefined>;
    usedAddress(mac: string, ip: string): Promise<boolean>;
  };
  /** The routers (sites) this controller knows; `default` is the one in .env (src/services/sites/). */
  sites: SiteService;
  /** The owner's printed card designs: the shop's, a profile's, a batch's (src/services/card-templates.ts). */
  cards: CardTemplateService;
}
