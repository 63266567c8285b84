/**
 * Customer self-service's contract (index.ts): top-ups, pauses, queued codes and moves, as the portal asks.
 */
import type { Actor } from '../../business/audit/actor';
import type { PortalStatus, RedeemResult } from '../redemption/types';

export type SelfRedeemResult =
  | { kind: 'redeemed'; result: RedeemResult }
  | { kind: 'topped-up'; topUp: TopUpOutcome }
  | { kind: 'moved'; result: RedeemResult }
  | { kind: 'confirm-move'; message: string };

export interface Asker {
  provenMac: string | null;
  peerIp: string | null;
  /** The browser's portal token (guess-limiter/index.ts): who typed a code, for the wrong-code limits. */
  browser?: string | null;
}

/** What the status page adds for self-service: pause state and codes waiting for this device. */
export interface SelfServiceStatus {
  /** The voucher counts connected time and may be paused (the Pause button shows). */
  pausable: boolean;
  paused: boolean;
  pauseEndsAt: number | null;
  pausesLeft: number | null;
  /** Codes kept for this device (top-up "queue"), in the order they start. */
  queued: Array<{ code: string; profile: string; seconds: number | null }>;
  /** A queued code may start now (nothing running on this device). */
  canStartQueued: boolean;
  /** The voucher allows several devices at once (a pause logs them all out; Resume brings them back). */
  multiDevice: boolean;
  /**
   * A device with no code that lost one to another phone in the last day (a self-service move): the code, masked,
   * and when it moved. Null otherwise.
   */
  movedAway: { code: string; at: number } | null;
}

/** A code typed on the portal; `password`: the voucher's separate password as typed, when it has one. */
export interface SelfRedeemInput {
  code: string;
  password?: string;
  mac: string;
  ip: string;
  site?: string | number;
  confirmMove?: boolean;
}

export interface SelfService {
  /** The password is checked like the code (a wrong one is a wrong guess). */
  redeem(input: SelfRedeemInput, asker: Asker): Promise<SelfRedeemResult>;
  /**
   * A code the controller holds for the device (bought online): no guess limit; it joins the device's running code
   * like a second code typed on the status page (added, or queued), else it is logged in as a new one.
   */
  redeemHeld(
    input: SelfRedeemInput,
    /** How its sale reads in the shop's feed when it is logged in as its own (as RedemptionService.redeem). */
    sale?: { kind: string; message: string; data?: Record<string, unknown> },
  ): Promise<SelfRedeemResult>;
  /**
   * `site` (id or name, the login page's) in these four: the site whose voucher is meant, for a phone that
   * used codes at two sites; absent, the site is found from the device (SelfSites.ofDevice).
   */
  status(
    mac: string,
    asker: Asker,
    site?: string | number,
  ): Promise<PortalStatus & { self: SelfServiceStatus }>;
  pause(mac: string, asker: Asker, site?: string | number): Promise<PauseState>;
  resume(mac: string, asker: Asker, site?: string | number): Promise<PauseState>;
  /** Logs the device in again with the code it has (after the router logged it out); no typing, nothing charged. */
  reconnect(mac: string, asker: Asker, site?: string | number): Promise<RedeemResult | null>;
  /** Starts the first code queued for the device when nothing runs on it (the customer's button). */
  startQueued(mac: string, asker: Asker, site?: string | number): Promise<RedeemResult>;
  /** After each poll cycle of a site (default: `default`): its queued codes whose turn came, its pauses that ended. */
  afterCycle(siteId?: number): Promise<void>;
  /**
   * The device's hotspot address, told only to the device itself (its cookie, or asking from that address);
   * null otherwise. The status page's links carry it to the login page (device-address.ts).
   */
  deviceAddress(mac: string, asker: Asker, site?: string | number): Promise<string | null>;
  movesPerDay(): Promise<number>;
  setMovesPerDay(value: unknown, actor: Actor): Promise<number>;
  /** Minutes every device of a code must be offline before another phone may take it. */
  moveOfflineMinutes(): Promise<number>;
  setMoveOfflineMinutes(value: unknown, actor: Actor): Promise<number>;
}

export interface PauseState {
  paused: boolean;
  remainingSeconds: number | null;
  /** When the pause ends by itself (the profile's max pause), ms; null when it does not. */
  endsAt: number | null;
  /** Pauses left in the last 24 hours; null when the profile sets no limit. */
  pausesLeft: number | null;
}

export interface TopUpOutcome {
  /** `data`: a code sold as extra data to a voucher waiting at its cap (extra-data.ts): its data only. */
  mode: 'add' | 'queue' | 'data';
  /** The running voucher (masked) the code was added to or queued after. */
  into: string;
  /** Masked second code. */
  code: string;
  addedSeconds: number;
  addedBytes: number;
  /** Why a code meant to be added was queued instead (plans too different); null otherwise. */
  queuedBecause: string | null;
  /** The running voucher's time left after the top-up (null: unlimited). */
  remainingSeconds: number | null;
  /** `data`: the device is online again with its voucher (false: it logs in again from the login page). */
  online?: boolean;
}
