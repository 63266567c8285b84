/**
 * The redemption's contract (src/services/shop/redemption): a code typed on the portal becomes a login, and the
 * status a device may read of its own voucher.
 */
import type { Profile } from '../../../domain/profile-types';
import type { UsageSummary } from '../../../domain/usage-summary';
import type { GuessTicket } from '../guess-limiter/types';
import type { VoucherRow } from '../vouchers/types';

export interface RedeemResult {
  code: string;
  profile: string;
  expiresAt: number | null;
  rateUp: number;
  rateDown: number;
  /** true when the device was already bound and was only logged back in */
  relogin: boolean;
  /**
   * A RADIUS site this controller cannot log the device in at: the portal hands the phone to the router's own
   * login page (its `link-login-only`) with these, and the router asks FreeRADIUS.
   */
  handoff?: { username: string; password: string };
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
  /** While an unlimited off-peak window is on, the shop time it ends (`06:00`): data until then is free. */
  freeDataUntil: string | null;
  /** How the device's last voucher ended, when it is not active: the status page says so. */
  ended: 'expired' | 'revoked' | 'exhausted' | null;
  /**
   * The voucher is active but its data is used up and its plan sells extra data (the policy's capped-waiting):
   * the offer (bytes per purchase, price in centavos) the status page sells; no internet until bought. Null
   * otherwise.
   */
  extraData: { bytes: number; price: number } | null;
  /** Whether the time left goes down by the second now (clock time, or online time while online). */
  clockRunning: boolean;
  /**
   * Whether this device is online now, as its router says (services/shop/vouchers/online.ts): false after the router logged it
   * out (a restart, an idle timeout), though its code still has time; the page then offers to reconnect.
   */
  online: boolean;
  /**
   * Offline because the shop logged it out (the owner's or a cashier's kick), not the router: the page says so
   * instead of blaming a router restart.
   */
  loggedOutByShop: boolean;
  /** Offline, and extra data was sold at the counter since (its data had run out): the page says to reconnect. */
  extraSinceLogout: boolean;
  /**
   * Whether the page knows which device asks (its signed cookie, or asking from the device's own hotspot
   * address). False: nothing is told, and the page asks for the code again instead of saying "no voucher".
   */
  identified: boolean;
}

export interface RedemptionService {
  /** Throws AppError: INVALID_CODE 404, VOUCHER_USED 409, VOUCHER_EXPIRED 410, VOUCHER_REVOKED 410, DEVICE_LIMIT 409, UNKNOWN_DEVICE 403, RATE_LIMITED 429, ROUTER_UNREACHABLE 503, LOGIN_UNCONFIRMED 503 (the router did not answer the login: its claim waits for the poll). */
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
   * see redemption/connect.ts). Waited for before the database closes.
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
