/** What the steps of a redemption share: their dependencies, and the state kept between redemptions. */
import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profiles';
import { normaliseMac } from '../../../domain/units';
import type { SiteDeps, SiteRef } from '../../deps';
import type { GuessLimiter } from '../guess-limiter';
import type { RedeemResult } from '../../types';
import type { VoucherRow } from '../vouchers/state';

export interface RedemptionDeps {
  deps: SiteDeps;
  site: SiteRef;
  /**
   * Lookups go to the read connection so they do not queue behind other customers' writes; a retry after a lost
   * race reads through the writing connection.
   */
  reader: Knex;
  /** Shared by every site's redemption, so a guesser gets no more tries for there being more routers. */
  limiter: GuessLimiter;
  /** Confirmations and feed events still being written; `settled()` waits for them (closing the database, tests). */
  recording: Set<Promise<void>>;
  /** How a device is logged in with the code, as the site's mode chose (src/services/network/site-stack/parts.ts). */
  login: DeviceLogin;
  /**
   * This server's name among the servers sharing the database (src/db/site-leases.ts), carried by its claims: a
   * claim whose server is gone is settled by the next poll at once. Absent with one server per database.
   */
  server?: string;
  /** The topmost dynamic queue's read in flight, shared (see dynamicQueue). */
  dynamicRead?: Promise<string | undefined>;
  /**
   * The router refused a login in a way its setup explains (fewer devices per code than the plan sells): the
   * site's router setup is read again, so the owner is warned (SETUP_INCOMPLETE) at once.
   */
  setupDoubt?: () => void;
}

/**
 * How a device that may use a code is logged in: by this controller over the router's API with a queue of ours
 * (connect.ts), or by the router asking the site's login store itself (radius-connect.ts).
 */
export interface DeviceLogin {
  /**
   * Whether a code can be redeemed while this controller has no connection to the router: the customer's phone
   * is then handed to the router's own login page with the code, and the router checks it there.
   */
  withoutRouter: boolean;
  /** Logs the device in with the voucher (claiming it first); 'lost': another device won the race, read again. */
  connect(r: RedemptionDeps, kind: Claim, a: Attempt, sale?: SaleEvent): Promise<RedeemResult | 'lost'>;
}

/** What a redemption does with the voucher for this device. */
export type Claim = 'activate' | 'add-device' | 'relogin';

/** The feed's sale entry as the caller words it (see RedemptionService.redeem). */
export type SaleEvent = { kind: string; message: string; data?: Record<string, unknown> };

/** One try at a code for a device (a lost race is tried again from a fresh read). */
export interface Attempt {
  row: VoucherRow;
  profile: Profile;
  profileName: string;
  mac: string;
  ip: string;
  /** A login again that finishes this device's first use, whose login the router did not answer: the sale. */
  finishesSale?: boolean;
}

/** `value` as a MAC written one way, or null when it is not one. */
export function macOrNull(value: string): string | null {
  try {
    return normaliseMac(value);
  } catch {
    return null;
  }
}

/** Writes that follow the customer's answer: kept until done, so closing waits for them. */
export function track(r: RedemptionDeps, p: Promise<void>): void {
  r.recording.add(p);
  void p.finally(() => r.recording.delete(p));
}

/**
 * The topmost dynamic queue, read at most once per round trip however many redemptions run at once:
 * a redemption that starts while a read is in flight shares it (the answer is at most one round trip old).
 */
export function dynamicQueue(r: RedemptionDeps): Promise<string | undefined> {
  r.dynamicRead ??= r.deps.hotspot.topDynamicQueue().finally(() => (r.dynamicRead = undefined));
  return r.dynamicRead;
}
