/**
 * Where a site's vouchers live as logins: what a device logs in with. Each site's mode chooses one
 * (src/services/network/site-stack/parts.ts): a hotspot user on the site's router, written over its API
 * (src/services/network/hotspot-users/logins.ts), or FreeRADIUS's rows, written from the database
 * (src/services/network/radius/logins.ts). The voucher service changes a voucher through its site's logins and never
 * asks which kind they are.
 */
import type { VoucherRow } from './state';

/** What happens to a voucher's login with a change to the voucher. */
export type LoginChange =
  | { kind: 'remove' }
  /** Its plan or time changed: the login's profile and uptime limit. */
  | { kind: 'plan'; profileName: string; limitSeconds: number | null };

export interface Logins {
  /** A new batch of the site's codes made logins now; how many still wait for theirs (the next sync makes them). */
  added(batchId: number, count: number): Promise<number>;
  /** The shop's roaming codes (of no one site) made logins at this site too; how many still wait there. */
  roamingAdded(): Promise<number>;
  /**
   * One voucher changed in the database by `commit`, its login with it. A login the router holds is changed
   * first, so a router that cannot be reached changes nothing (ROUTER_UNREACHABLE); a login written from the
   * database is written right after the change, and the router is told at once where it must be.
   */
  change<T>(row: VoucherRow, change: LoginChange, commit: () => Promise<T>): Promise<T>;
  /** Data added to a voucher's cap (in the database already) reaches its login now; false: at the next poll. */
  dataAdded(row: VoucherRow, bytes: number): Promise<boolean>;
  /** Every code of the site brought in line, or only those named (right after a change to them). */
  sync(codes?: readonly string[]): Promise<void>;
  /** A check of every login soon, without waiting for it (after a change whose codes are not known). */
  requestCheck(reason: string): void;
  /**
   * Time or data added to a voucher (in the database already: a top-up) reaches its login now: its plan, its time
   * limit, `addedBytes` more of its byte limit. False: the login is missing (the users check puts it right).
   */
  grown(
    row: VoucherRow,
    g: { profileName: string; limitSeconds: number | null; addedBytes: number },
  ): Promise<boolean>;
  /** A code kept for a device (a queued top-up) is held for that device until it starts, where logins can be. */
  kept(row: VoucherRow, plan: KeptPlan, mac: string, at: number): Promise<void>;
  /**
   * A code kept for a device has started on it: its login takes the plan's own binding (`oneDevice`: that device;
   * otherwise none, so its other devices can log in). False: not now (the next sync releases it).
   */
  started(row: Pick<VoucherRow, 'router_user_id'>, mac: string, oneDevice: boolean): Promise<boolean>;
  /**
   * A voucher paused or resumed (in the database already) reaches its login now: while paused every login with it
   * is refused, the router's own page and a browser's or a MAC's cookie too, so only the customer's Resume (or
   * the pause's end) lets it in again. Throws ROUTER_UNREACHABLE when a router that holds the login is away.
   */
  paused(row: VoucherRow, paused: boolean): Promise<void>;
  /** A voucher's device moved from one address to another (`oneDevice`: its plan allows one device only). */
  moved(row: VoucherRow, from: string, to: string, oneDevice: boolean): Promise<void>;
}

/** What a kept code's login is made with, when it has none yet. */
export interface KeptPlan {
  profileName: string;
  limitSeconds: number | null;
  users: number;
}
