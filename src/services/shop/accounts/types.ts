/**
 * The accounts' contract (index.ts): the cashiers and resellers the owner makes, their bearer tokens, a
 * reseller's balance and remittances, and each account's end-of-shift sales.
 */
import type { Role } from '../../../domain/roles';
import type { ResellerBalance } from '../../../domain/reseller';
import type { Actor } from '../../business/audit/actor';
import type { SubscriberTakings, VoidedCharge } from '../reports/money-in';

export interface AccountView {
  id: number;
  username: string;
  role: Role;
  /** A reseller's profiles (names); empty for the others. */
  profiles: string[];
  /** A reseller's commission in basis points (12.5% = 1250). */
  commissionBp: number;
  /** A reseller's credit limit in centavos; null: none. */
  creditLimit: number | null;
  createdAt: number;
  updatedAt: number;
  /** Changes with the password and the role: a session keeps the one it logged in with (never shown). */
  stamp: string;
}

/** As the API and the forms send it: pesos and percents as numbers or text, checked by the service. */
export interface AccountInput {
  username?: unknown;
  password?: unknown;
  role?: unknown;
  profiles?: unknown;
  commission_percent?: unknown;
  credit_limit?: unknown;
}

export type BalanceView = ResellerBalance & Pick<AccountView, 'username' | 'creditLimit' | 'commissionBp'>;

/** A reseller removed while it still owed the shop (or had paid ahead): its figures, by the id it had. */
export interface RemovedReseller extends ResellerBalance {
  accountId: number;
  username: string;
}

/** One remittance as recorded (centavos, ms); a voided one says when, by whom and why. */
export interface RemittanceView {
  id: number;
  amount: number;
  /** Recorded as money handed over ahead of what was owed. */
  advance: boolean;
  at: number;
  /** Who recorded it. */
  actor: string;
  voidedAt: number | null;
  voidedBy: string | null;
  voidReason: string | null;
}

export interface ShiftSale {
  code: string;
  profile: string;
  price: number;
  soldAt: number;
}

/** What a login took in a shift besides its codes first used (centavos). */
export interface ShiftMoney {
  /** Sold at the counter by this login: more time, extra data, plan changes (voucher_charges it made). */
  counter: { count: number; amount: number };
  /** Vouchers of the batches this login generated in the shift (staff codes left out), at their price. */
  printed: { count: number; value: number };
  /** Its counter sales of the shift voided since (not in `counter`), newest first, with who voided them and why. */
  voided: VoidedCharge[];
  /** Subscribers' payments it recorded, less the ones it voided (a void counts when made), cash and others apart. */
  subscribers: SubscriberTakings;
}

export interface AccountService {
  /** The cashiers and resellers, by name. */
  list(): Promise<AccountView[]>;
  /** 400 INVALID_INPUT naming the fields; 409 ACCOUNT_EXISTS (taken, or the owner's name). Audited. */
  create(input: AccountInput, actor: Actor): Promise<AccountView>;
  /**
   * Any of password, role, profiles, commission_percent, credit_limit. 404 ACCOUNT_NOT_FOUND. Audited. A new
   * password or role ends the account's tokens and sessions.
   */
  update(username: string, input: AccountInput, actor: Actor): Promise<AccountView>;
  /**
   * Removes it with its tokens; its sessions stop at their next request (`find` no longer finds it). A reseller
   * that owes money is asked about first: 409 CONFIRM_REQUIRED naming the amount, nothing removed, unless
   * `confirmed`; what it owes stays on the books (`removedBalances`). Audited.
   */
  remove(username: string, actor: Actor, opts?: { confirmed?: boolean }): Promise<void>;
  /** Any admin login by name (the owner's too: role `owner`); undefined when there is none. */
  find(username: string): Promise<AccountView | undefined>;
  /** A new bearer token for the name and password, or undefined when they do not match. Audited. */
  issueToken(
    username: string,
    password: string,
  ): Promise<{ token: string; account: AccountView } | undefined>;
  /** The account a bearer token belongs to, or undefined (unknown, or its account is gone). */
  byToken(token: string): Promise<AccountView | undefined>;
  /**
   * Money a reseller handed over (pesos > 0). 404 ACCOUNT_NOT_FOUND for a name that is not a reseller; 409
   * REMITTANCE_ABOVE_OWED (nothing recorded) for more than it owes, unless `advance`. Audited.
   */
  remit(username: string, amount: unknown, actor: Actor, opts?: { advance?: boolean }): Promise<BalanceView>;
  /** The reseller's remittances, newest first, voided ones included. */
  remittances(username: string): Promise<RemittanceView[]>;
  /**
   * Voids a remittance with a reason (400 without one): the balance no longer counts it. 404
   * REMITTANCE_NOT_FOUND, 409 REMITTANCE_VOIDED for a second void. Audited `remittance.void`.
   */
  voidRemittance(username: string, id: unknown, reason: unknown, actor: Actor): Promise<RemittanceView>;
  balance(username: string): Promise<BalanceView>;
  /** Every reseller's figures, for the owner's reports. */
  balances(): Promise<BalanceView[]>;
  /** The removed resellers that still owe (or had paid ahead), for the owner's reports. */
  removedBalances(): Promise<RemovedReseller[]>;
  /** Whether the voucher (any spelling of its code) is of this account's batches. */
  ownsVoucher(accountId: number, code: string): Promise<boolean>;
  ownsBatch(accountId: number, batchId: number): Promise<boolean>;
  /** The vouchers this login generated that were first used in [since, until): its sales for the slip. */
  shift(who: { accountId: number | null; name: string }, since: number, until: number): Promise<ShiftSale[]>;
  /** The login's counter sales and printed codes in [since, until): the slip's other two figures. */
  shiftMoney(
    who: { accountId: number | null; name: string },
    since: number,
    until: number,
  ): Promise<ShiftMoney>;
}
