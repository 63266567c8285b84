/**
 * Every error the controller shows: a stable code (ErrorCode) and a message a shop owner or a customer
 * can read. Parsers throw ValidationError, the router boundary RouterError, the services, the web and the
 * terminal AppError and its subclasses; every face renders them through one mapping (src/lib/error-reply.ts).
 * Imports only its codes (error-codes.ts) and its network errors (network-errors.ts), both re-exported here:
 * the pure domain throws these too.
 */

import type { ErrorCode } from './error-codes';

export type { ErrorCode } from './error-codes';

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

/** The longest reason a void keeps (a sale's, a remittance's). */
const MAX_VOID_REASON = 200;

/**
 * A void's reason, trimmed: 1–200 characters, else 400 naming `reason`. `what`: what is voided ("this sale");
 * `example`: a reason the message shows.
 */
export function voidReason(reason: unknown, what: string, example: string): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text || text.length > MAX_VOID_REASON)
    throw new AppError(
      'INVALID_INPUT',
      `reason: say why ${what} is voided, in 1–${MAX_VOID_REASON} characters`,
      400,
      'reason',
      { reason: `say why, in 1–${MAX_VOID_REASON} characters (like "${example}")` },
    );
  return text;
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
 * An amount above what is owed now, not confirmed (a reseller's remittance not marked as an advance, a
 * subscriber's payment): nothing is recorded (a typo of ₱1,000 for ₱48 would otherwise lift a credit limit or
 * leave a credit). Figures in centavos.
 */
export class AboveOwedError extends AppError {
  constructor(
    code: 'REMITTANCE_ABOVE_OWED' | 'CONFIRM_REQUIRED',
    message: string,
    readonly owed: number,
    readonly amount: number,
  ) {
    super(code, message, 409, 'amount', { amount: message });
    this.name = 'AboveOwedError';
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

/** Too many wrong codes from one asker (src/services/shop/guess-limiter/index.ts); its wait in seconds (Retry-After). */
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
