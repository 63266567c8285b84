/**
 * Every error the controller shows: a stable code (ErrorCode) and a message a shop owner or a customer
 * can read. Parsers throw ValidationError, the router boundary RouterError, the services, the web and the
 * terminal AppError and its subclasses; every face renders them through one mapping (src/lib/error-reply.ts).
 * Imports only its network errors (network-errors.ts, re-exported here): the pure domain throws these too.
 */

import type { RouterErrorCode } from './network-errors';

/** The code of every error we show: AppError's, ValidationError's and RouterError's. */
export type ErrorCode =
  | RouterErrorCode
  | 'UNREACHABLE' // a usage source or enforcer out of reach (UnreachableError), whatever the mode
  | 'SETUP_UNKNOWN_ITEM'
  | 'SERVICE_NOT_STARTED' // systemd did not take the service (`pisonet service install`)
  | 'SETUP_NO_PORTAL'
  | 'INVALID_INPUT' // input and requests
  | 'INVALID_JSON'
  | 'BAD_REQUEST'
  | 'BAD_URL'
  | 'URL_TOO_LONG'
  | 'TOO_LARGE'
  | 'TOO_MANY_FIELDS'
  | 'UNSUPPORTED_BODY'
  | 'CONFIRM_REQUIRED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'FORBIDDEN_ROLE' // accounts and their roles
  | 'ACCOUNT_EXISTS'
  | 'ACCOUNT_NOT_FOUND'
  | 'CREDIT_LIMIT'
  | 'REMITTANCE_ABOVE_OWED'
  | 'REMITTANCE_NOT_FOUND'
  | 'REMITTANCE_VOIDED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL'
  | 'USAGE'
  | 'CONFIG_INVALID' // starting, configuration, database, admin login
  | 'PROFILES_FILE'
  | 'CONTROLLER_RUNNING'
  | 'PORT_IN_USE'
  | 'PORT_NOT_ALLOWED'
  | 'BIND_NOT_AVAILABLE'
  | 'DATABASE_UNREACHABLE'
  | 'SCHEMA_MISMATCH'
  | 'TARGET_NOT_EMPTY'
  | 'COPY_MISMATCH'
  | 'BACKUP_DAMAGED' // backups and restores
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_NEWER'
  | 'BACKUP_FAILED'
  | 'BACKUP_WRONG_ENGINE'
  | 'BACKUP_TOOL_MISSING'
  | 'RESTORE_NOT_EMPTY'
  | 'RESTORE_FAILED'
  | 'CREDENTIALS_KEY_FILE'
  | 'CREDENTIALS_KEY_WRONG'
  | 'ADMIN_LOCKOUT'
  | 'PORTAL_URL_INVALID'
  | 'ROUTER_ERROR' // the router as the services see it
  | 'ROUTER_SLOW'
  | 'ROUTER_CHANGED'
  | 'SAFE_MODE'
  | 'PROFILE_NOT_FOUND' // profiles and vouchers
  | 'PROFILE_EXISTS'
  | 'PROFILE_ARCHIVED'
  | 'PROFILE_NOT_SHARED'
  | 'PROFILE_OTHER_SITE'
  | 'PROFILE_USED_BY_VENDO'
  | 'PROFILE_MONTHLY'
  | 'BATCH_NOT_FOUND'
  | 'CODES_EXHAUSTED'
  | 'VOUCHER_NOT_FOUND'
  | 'VOUCHER_NOT_ON_ROUTER'
  | 'VOUCHER_UNLIMITED'
  | 'VOUCHER_ENDED'
  | 'VOUCHER_EXPIRED'
  | 'VOUCHER_REVOKED'
  | 'INVALID_CODE' // customers on the portal
  | 'RATE_LIMITED'
  | 'DEVICE_LIMIT'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_NOT_PROVEN'
  | 'DEVICE_OTHER_SITE'
  | 'UNKNOWN_DEVICE'
  | 'UNKNOWN_SESSION'
  | 'LOGIN_REFUSED'
  | 'NO_ACTIVE_VOUCHER'
  | 'WRONG_SITE'
  | 'TOPUP_CONFLICT'
  | 'ALREADY_QUEUED'
  | 'NOTHING_QUEUED'
  | 'PAUSE_LIMIT'
  | 'PAUSE_NOT_AVAILABLE'
  | 'NOT_PAUSED'
  | 'CODE_IN_USE'
  | 'MOVE_LIMIT'
  | 'MOVE_OTHER_SITE'
  | 'DATA_USED_UP' // extra data at the cap (overage)
  | 'DATA_NOT_USED_UP'
  | 'OVERAGE_NOT_OFFERED'
  | 'OVERAGE_CONFLICT'
  | 'EXTEND_CONFLICT'
  | 'CHARGE_NOT_FOUND' // a counter sale's void
  | 'CHARGE_VOIDED'
  | 'CHARGE_NOT_YOURS'
  | 'CHARGE_VOID_CONFLICT'
  | 'VOUCHER_NOT_ACTIVE'
  | 'EXTRA_DATA_CREDIT_TOO_SMALL'
  | 'PAYMENTS_OFF' // online payments (src/services/payments)
  | 'PAYMENT_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED' // a subscriber's payment: the key of another payment
  | 'PAYMENT_PROFILE_NOT_FOR_SALE'
  | 'PAYMENT_NO_DEVICE'
  | 'BILL_NOTHING_OWED' // a subscriber's bill paid online (src/services/billing/bill-payment.ts)
  | 'NOTHING_PAST_DUE' // a suspension by hand until paid while nothing is past due (src/services/subscribers/status.ts)
  | 'BILL_BELOW_MINIMUM'
  | 'PAYMENT_GATEWAY_UNREACHABLE'
  | 'PAYMENT_GATEWAY_REFUSED'
  | 'PAYMENT_GATEWAY_FAILED'
  | 'PAYMENT_SIGNATURE'
  | 'VENDO_NOT_FOUND' // coin vendos
  | 'VENDO_NAME_TAKEN'
  | 'VENDO_AUTH'
  | 'VENDO_BUSY'
  | 'VENDO_DEVICE_BUSY'
  | 'VENDO_DISABLED'
  | 'VENDO_OFFLINE'
  | 'VENDO_OTHER_SITE'
  | 'VENDO_HAS_HISTORY'
  | 'VENDO_SESSION_BUSY'
  | 'VENDO_SESSION_FINISHED'
  | 'VENDO_SESSION_NOT_FOUND'
  | 'NO_CREDIT'
  | 'CREDIT_TOO_SMALL'
  | 'SITE_NOT_FOUND' // sites
  | 'SITE_INVALID'
  | 'SITE_AMBIGUOUS'
  | 'SITE_NAME_TAKEN'
  | 'SITE_DEFAULT_FIXED'
  | 'SITE_HAS_VOUCHERS'
  | 'SITE_HAS_OWN_ITEMS'
  | 'SITE_AND_ROAMING'
  | 'SITE_UNREACHABLE'
  | 'NAS_ADDRESS_TAKEN' // RADIUS
  | 'RADIUS_NEEDS_POSTGRES'
  | 'NOTIFY_NOT_SET' // notifications to the owner
  | 'SUBSCRIBER_NOT_FOUND' // subscribers on monthly plans
  | 'INVOICE_NOT_FOUND' // subscribers' invoices
  | 'INVOICE_PAID'
  | 'INVOICE_VOIDED'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_VOIDED'
  | 'SUBSCRIBER_EXISTS'
  | 'SUBSCRIBER_ENDED'
  | 'SUBSCRIBER_STATUS'
  | 'SUBSCRIBER_LOGIN'
  | 'DEMO_ONLY' // the demo's "Open as this subscriber" (src/web/portal/demo-as.ts)
  | 'DEMO_LINK_INVALID'
  | 'DEMO_LINK_EXPIRED';

/** Shows a bad value inside a message: strings quoted, other values as JSON, missing as `missing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

/** One field's problem, from a parser: the message names the field and the accepted forms. */
export class ValidationError extends Error {
  readonly code = 'INVALID_INPUT' as const;
  readonly field: string;
  /** The message without the `field: ` prefix. */
  readonly problem: string;

  /** `message` overrides the default `field: problem` wording (e.g. `BASIC: rate_up "1 Mbit" is not …`). */
  constructor(field: string, problem: string, message?: string) {
    super(message ?? (field ? `${field}: ${problem}` : problem));
    this.name = 'ValidationError';
    this.field = field;
    this.problem = problem;
  }

  /** `field: "12Q" is not a rate; use …` (or `field: missing; use …`). */
  static invalid(field: string, value: unknown, what: string, accepted: string): ValidationError {
    const shown = describeValue(value);
    const problem = value === undefined ? `missing; ${accepted}` : `${shown} is not ${what}; ${accepted}`;
    return new ValidationError(field, problem);
  }
}

/** Several field errors at once (a profile list, a config file): all problems, not just the first. */
export class ValidationErrors extends Error {
  readonly code = 'INVALID_INPUT' as const;
  readonly errors: readonly ValidationError[];

  constructor(errors: readonly ValidationError[], title = 'Invalid input') {
    const n = errors.length;
    super(
      `${title} (${n} problem${n === 1 ? '' : 's'}):\n${errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
    this.name = 'ValidationErrors';
    this.errors = errors;
  }

  get fields(): string[] {
    return this.errors.map((e) => e.field);
  }
}

export * from './network-errors';

/**
 * The project's service-level error: a stable machine code, a message a shop owner (or customer) can
 * read, and the HTTP status it maps to.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = 400,
    readonly field?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A reseller's batch that would take what it owes above its credit limit (centavos in the figures). */
export class CreditLimitError extends AppError {
  constructor(
    message: string,
    readonly creditLimit: number,
    readonly owed: number,
    readonly cost: number,
  ) {
    super('CREDIT_LIMIT', message, 409);
    this.name = 'CreditLimitError';
  }
}

/**
 * A remittance above what the reseller owes now, not marked as an advance: nothing is recorded (a typo of ₱1,000
 * for ₱48 would otherwise lift its credit limit). Figures in centavos.
 */
export class RemittanceAboveOwedError extends AppError {
  constructor(
    message: string,
    readonly owed: number,
    readonly amount: number,
  ) {
    super('REMITTANCE_ABOVE_OWED', message, 409, 'amount', { amount: message });
    this.name = 'RemittanceAboveOwedError';
  }
}

/**
 * The server refuses to start for a reason the owner fixes in .env or by stopping another program (the
 * database is in use by another controller, the port is taken). `npm start` prints the message as its one
 * line, without a stack: nothing is wrong with the program.
 */
export class StartRefused extends AppError {
  constructor(code: ErrorCode, reason: string) {
    super(code, `PisoNet Manager cannot start: ${reason}`, 409);
    this.name = 'StartRefused';
  }
}

export const notFound = (what: string, code: ErrorCode = 'NOT_FOUND') =>
  new AppError(code, `${what} not found`, 404);

/** Bad usage of a terminal command (exit 2): the message, then the command's usage text on its own lines. */
export class UsageError extends AppError {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super('USAGE', message, 400);
  }
}

/** Problems in .env, all of them at once (src/config/env.ts); the program refuses to start. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A DATABASE_URL that cannot be used: the message names the problem, the password masked. */
export class DatabaseUrlError extends Error {}

/** The sealed text could not be opened: another key sealed it (or it was altered), or it is not ours. */
export class SecretBoxError extends Error {
  constructor(readonly reason: 'wrong-key' | 'format') {
    super(
      reason === 'wrong-key'
        ? 'the stored secret cannot be decrypted with this key (it was sealed with another key)'
        : 'the stored secret is not in a known format',
    );
    this.name = 'SecretBoxError';
  }
}

/** Too many wrong codes from one asker (src/services/guess-limiter/index.ts); its wait in seconds (Retry-After). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'RATE_LIMITED',
      `Too many wrong codes. Please wait ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'} and try again.`,
      429,
    );
  }
}

/**
 * A code that works at another of the shop's sites. The customer is told which one: its WiFi name as the cards
 * print it (the site's own, else WIFI_NAME, else the shop's name) and the site's name (`place`; null for the
 * `.env` router, "main" in the customer's language). Only the holder of a valid code learns this.
 */
export class WrongSiteError extends AppError {
  constructor(
    readonly place: string | null,
    readonly wifi: string,
  ) {
    super(
      'WRONG_SITE',
      `This code works at the shop's ${place ?? 'main'} hotspot (WiFi “${wifi}”). Your code was not used; connect to that hotspot to use it.`,
      409,
      'code',
    );
  }
}

/**
 * The code is in use on another phone and does not move here. `waitMinutes`: how long the other phone must
 * stay offline before this one may take it; null when the shop has moves off (waiting does not help).
 */
export class CodeInUseError extends AppError {
  constructor(readonly waitMinutes: number | null) {
    super(
      'CODE_IN_USE',
      waitMinutes === null
        ? 'This code is in use on another phone. Ask the shop for help.'
        : `This code is in use on another phone. Ask the shop for help, or wait until the other phone has been offline for ${waitMinutes} minute${waitMinutes === 1 ? '' : 's'}.`,
      409,
      'code',
    );
    this.name = 'CodeInUseError';
  }
}

/** A code moved as often as the shop allows in a day; `waitMinutes`: until the oldest move leaves the day. */
export class MoveLimitError extends AppError {
  constructor(
    readonly limit: number,
    readonly waitMinutes: number | null,
    waitWords: string,
  ) {
    super(
      'MOVE_LIMIT',
      `This code has moved to another device ${limit} time${limit === 1 ? '' : 's'} today. ${
        waitMinutes === null ? '' : `It can move again in ${waitWords}, or ask the shop.`
      }`.trim(),
      429,
      'code',
    );
    this.name = 'MoveLimitError';
  }
}

/** A write refused in safe mode (src/router/hotspot/guard.ts); `operation`: the ManagedHotspot call. */
export class SafeModeError extends AppError {
  constructor(operation: string, why: string) {
    super(
      'SAFE_MODE',
      `Nothing was changed on the router: the controller is in safe mode (${why}). An owner can adopt the router in Settings.`,
      409,
    );
    this.name = 'SafeModeError';
    this.operation = operation;
  }
  readonly operation: string;
}

/** A removal refused while the site has open vouchers; `open` says how many of each. */
export class SiteHasVouchersError extends AppError {
  constructor(
    message: string,
    readonly open: { unused: number; active: number },
  ) {
    super('SITE_HAS_VOUCHERS', message, 409);
  }
}
