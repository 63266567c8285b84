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
import type { AdminAccountService } from './business/admins/types';
import type { LoginDelays } from './business/login-delays';
import type { AccountService } from './shop/accounts/types';
import type { AuditService } from './business/audit/types';
import type { BackupService } from './business/backup/types';
import type { BandwidthService } from './network/bandwidth/types';
import type { CardTemplateService } from './shop/card-templates/types';
import type { EventService } from './business/events/types';
import type { BrowserTokenBudget } from './shop/guess-limiter/types';
import type { ProfileService } from './shop/profiles/types';
import type { RedemptionService } from './shop/redemption/types';
import type { ReportService } from './shop/reports/types';
import type { RouterBinding } from './network/router-binding/types';
import type { RouterChecksService } from './network/router-checks/types';
import type { HousekeepingService } from './network/router-housekeeping/types';
import type { RouterInfoService } from './network/router-info/types';
import type { SelfService } from './shop/self-service/types';
import type { SettingsService } from './business/settings/types';
import type { ShopSettingsService } from './business/settings/shop-types';
import type { BillingSettingsService } from './subscriptions/billing/settings';
import type { SiteService } from './business/sites/types';
import type { UsageService } from './network/usage/types';
import type { VendoService } from './shop/vendos/types';
import type { SubscriberService } from './subscriptions/subscribers/types';
import type { SubscriberAdopt } from './subscriptions/subscribers/adopt-types';
import type { InvoiceService } from './subscriptions/billing/types';
import type { SuspensionEnforcer } from './subscriptions/billing/suspension';
import type { BillingReportService } from './subscriptions/billing/reports';
import type { VoucherService } from './shop/vouchers/types';
import type { NotifyService } from './business/notify/types';
import type { SmsService } from './subscriptions/sms';
import type { PaymentService } from './shop/payments/types';

export type { VoucherStatus } from '../domain/vouchers';
export { SYSTEM, type Actor } from './business/audit/actor';
export type { AdminAccountService } from './business/admins/types';
export type {
  AccountService,
  AccountView,
  BalanceView,
  RemittanceView,
  ShiftSale,
} from './shop/accounts/types';
export type { AuditEntry, AuditService } from './business/audit/types';
export type {
  BandwidthChange,
  BandwidthService,
  RouterQueueView,
  SiteQueues,
  UserTraffic,
} from './network/bandwidth/types';
export type { EventService, EventView } from './business/events/types';
export type { ProfileRecord, ProfileService } from './shop/profiles/types';
export type { PortalStatus, RedeemResult, RedemptionService } from './shop/redemption/types';
export type { ReportService, SalesRow } from './shop/reports/types';
export type { RouterInfo, RouterInfoService } from './network/router-info/types';
export type { SettingsService } from './business/settings/types';
export type { CycleReport, UsageService, WatchReport } from './network/usage/types';
export type {
  BatchView,
  GenerateInput,
  VoucherDetail,
  VoucherFilter,
  VoucherService,
  VoucherView,
} from './shop/vouchers/types';

import type { SiteRouterSetup } from './network/router-setup';

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
  /** Every site's router's hosts, sessions, leases, log, resources, traffic; its reboot (src/services/network/router-housekeeping/index.ts). */
  housekeeping: HousekeepingService;
  /** Which router this database manages; safe mode and adopt. */
  routerBinding: RouterBinding;
  /** What the product needs of each site's router, checked and applied (src/services/network/router-setup). */
  routerSetup: SiteRouterSetup;
  admins: AdminAccountService;
  /** The admin login's delays after wrong passwords, per username and address (src/services/business/login-delays). */
  loginDelays: LoginDelays;
  /** The owner's cashiers and resellers, their tokens, balances and shifts (src/services/shop/accounts/index.ts). */
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
  /** Coin vendos and their ledger (src/services/shop/vendos/). */
  vendos: VendoService & {
    ownerOf(id: string): Promise<{ mac: string; proven: boolean } | undefined>;
    usedAddress(mac: string, ip: string): Promise<boolean>;
  };
  /** The routers (sites) this controller knows; `default` is the one in .env (src/services/business/sites/). */
  sites: SiteService;
  /** The owner's printed card designs: the shop's, a profile's, a batch's (src/services/shop/card-templates/index.ts). */
  cards: CardTemplateService;
  /** Notifications to the owner on Telegram and a webhook: settings, test message, latest messages. */
  notify: NotifyService;
  /** Online payments through a gateway (src/services/shop/payments); off while no key is set. */
  payments: PaymentService;
  /** Backups of the database: made now or on schedule, kept, offered for download (src/services/business/backup). */
  backups: BackupService;
  /** Customers on monthly plans, as records (src/services/subscriptions/subscribers); the router work listens to their changes. */
  subscribers: SubscriberService;
  /** An API site's own PPP secrets adopted as subscribers (src/services/subscriptions/subscribers/adopt.ts). */
  subscriberAdopt: SubscriberAdopt;
  /** Subscribers' invoices (src/services/subscriptions/billing): the first at creation, the rest by the billing run. */
  invoices: InvoiceService;
  /** Suspension for unpaid invoices and its lift (src/services/subscriptions/billing/suspension.ts): after each billing run and payment. */
  suspensions: SuspensionEnforcer;
  /** Subscribers' usage per cycle, what is owed by age, money in from them (src/services/subscriptions/billing/reports.ts). */
  billingReports: BillingReportService;
  /** SMS to subscribers through Semaphore (src/services/subscriptions/sms): the outbox's state; off without a key. */
  sms: SmsService;
}
