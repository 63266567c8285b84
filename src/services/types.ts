/**
 * Use cases shared by the web admin, the admin API, the portal and the terminal menu. The web and the
 * CLI are two faces of these services: neither holds business logic and neither calls the other.
 *
 * Conventions: money in centavos, rates in bits/s, bytes as integers, times as ms epoch, MACs upper-case
 * `AA:BB:CC:DD:EE:FF`. Failures throw AppError (src/domain/errors.ts) with a stable code.
 *
 * Each service's contract lives beside it (`types.ts` in its folder; `settings/shop-types.ts`,
 * `vouchers/charge-types.ts` for a folder's second service) and imports no
 * service implementation; this file only re-exports them and names the whole set (Services), so importing it
 * never pulls a service in.
 */
import type { AdminAccountService } from './admins/types';
import type { LoginDelays } from './login-delays';
import type { AccountService } from './accounts/types';
import type { AuditService } from './audit/types';
import type { BackupService } from './backup/types';
import type { BandwidthService } from './bandwidth/types';
import type { CardTemplateService } from './card-templates/types';
import type { EventService } from './events/types';
import type { BrowserTokenBudget } from './guess-limiter/types';
import type { ProfileService } from './profiles/types';
import type { RedemptionService } from './redemption/types';
import type { ReportService } from './reports/types';
import type { RouterBinding } from './router-binding/types';
import type { RouterChecksService } from './router-checks/types';
import type { HousekeepingService } from './router-housekeeping/types';
import type { RouterInfoService } from './router-info/types';
import type { SelfService } from './self-service/types';
import type { SettingsService } from './settings/types';
import type { ShopSettingsService } from './settings/shop-types';
import type { BillingSettingsService } from './billing/settings';
import type { SiteService } from './sites/types';
import type { UsageService } from './usage/types';
import type { VendoService } from './vendos/types';
import type { SubscriberService } from './subscribers/types';
import type { SubscriberAdopt } from './subscribers/adopt-types';
import type { InvoiceService } from './billing/types';
import type { SuspensionEnforcer } from './billing/suspension';
import type { BillingReportService } from './billing/reports';
import type { VoucherService } from './vouchers/types';
import type { NotifyService } from './notify/types';
import type { SmsService } from './sms';
import type { PaymentService } from './payments/types';

export type { VoucherStatus } from '../domain/vouchers';
export { SYSTEM, type Actor } from './audit/actor';
export type { AdminAccountService } from './admins/types';
export type { AccountService, AccountView, BalanceView, RemittanceView, ShiftSale } from './accounts/types';
export type { AuditEntry, AuditService } from './audit/types';
export type {
  BandwidthChange,
  BandwidthService,
  RouterQueueView,
  SiteQueues,
  UserTraffic,
} from './bandwidth/types';
export type { EventService, EventView } from './events/types';
export type { ProfileRecord, ProfileService } from './profiles/types';
export type { PortalStatus, RedeemResult, RedemptionService } from './redemption/types';
export type { ReportService, SalesRow } from './reports/types';
export type { RouterInfo, RouterInfoService } from './router-info/types';
export type { SettingsService } from './settings/types';
export type { CycleReport, UsageService, WatchReport } from './usage/types';
export type {
  BatchView,
  DeviceView,
  GenerateInput,
  VoucherDetail,
  VoucherFilter,
  VoucherService,
  VoucherView,
} from './vouchers/types';

import type { SiteRouterSetup } from './router-setup';

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
  /** Every site's router's hosts, sessions, leases, log, resources, traffic; its reboot (src/services/router-housekeeping/index.ts). */
  housekeeping: HousekeepingService;
  /** Which router this database manages; safe mode and adopt. */
  routerBinding: RouterBinding;
  /** What the product needs of each site's router, checked and applied (src/services/router-setup). */
  routerSetup: SiteRouterSetup;
  admins: AdminAccountService;
  /** The admin login's delays after wrong passwords, per username and address (src/services/login-delays). */
  loginDelays: LoginDelays;
  /** The owner's cashiers and resellers, their tokens, balances and shifts (src/services/accounts/index.ts). */
  accounts: AccountService;
  /** Customer self-service on the portal: top-ups, pause/resume, moves to a new WiFi address. */
  selfService: SelfService;
  /** The portal's wrong-code limits, and its bound on new browser tokens per address. */
  guesses: BrowserTokenBudget;
  settings: SettingsService;
  /** Time zone, WiFi name, card links and the admin's networks: `.env` overridden from the admin or the CLI. */
  shopSettings: ShopSettingsService;
  /** Days to pay, grace days, reminder days and the invoice prefix: `.env` overridden from the admin. */
  billingSettings: BillingSettingsService;
  /** Coin vendos and their ledger (src/services/vendos/). */
  vendos: VendoService & {
    ownerOf(id: string): Promise<{ mac: string; proven: boolean } | undefined>;
    usedAddress(mac: string, ip: string): Promise<boolean>;
  };
  /** The routers (sites) this controller knows; `default` is the one in .env (src/services/sites/). */
  sites: SiteService;
  /** The owner's printed card designs: the shop's, a profile's, a batch's (src/services/card-templates/index.ts). */
  cards: CardTemplateService;
  /** Notifications to the owner on Telegram and a webhook: settings, test message, latest messages. */
  notify: NotifyService;
  /** Online payments through a gateway (src/services/payments); off while no key is set. */
  payments: PaymentService;
  /** Backups of the database: made now or on schedule, kept, offered for download (src/services/backup). */
  backups: BackupService;
  /** Customers on monthly plans, as records (src/services/subscribers); the router work listens to their changes. */
  subscribers: SubscriberService;
  /** An API site's own PPP secrets adopted as subscribers (src/services/subscribers/adopt.ts). */
  subscriberAdopt: SubscriberAdopt;
  /** Subscribers' invoices (src/services/billing): the first at creation, the rest by the billing run. */
  invoices: InvoiceService;
  /** Suspension for unpaid invoices and its lift (src/services/billing/suspension.ts): after each billing run and payment. */
  suspensions: SuspensionEnforcer;
  /** Subscribers' usage per cycle, what is owed by age, money in from them (src/services/billing/reports.ts). */
  billingReports: BillingReportService;
  /** SMS to subscribers through Semaphore (src/services/sms): the outbox's state; off without a key. */
  sms: SmsService;
}
