/** The hotspot users room's own words: what a sync, a push and a check report. */

/** The room of one site's hotspot users (index.ts): what the site stack, the terminal and the jobs ask of it. */
export interface HotspotUsers {
  /**
   * Pushes the site's unused and active codes that have no user on its router yet (resumable). When a users check
   * is due (first sync, reconnect, reboot, every 10 minutes) it checks every code's user instead (check.ts).
   */
  sync(opts?: UsersCheckOptions): Promise<PushOutcome>;
  /**
   * Pushes one batch's codes meant for this router that are not on it yet (this site's codes without their user;
   * a roaming batch's codes not used yet), pipelined: what `generate` and the terminal's batch call. A user
   * already there is found, never added twice; what fails stays pending for the next sync.
   */
  pushBatch(batchId: number): Promise<PushOutcome>;
  /** Reads the router's users now and puts back what the unused and active codes call for. */
  check(opts?: UsersCheckOptions): Promise<UsersCheckReport>;
  /** The next sync checks the router's users (the poll saw the router boot again, a binding did not follow). */
  requestCheck(reason: string): void;
}

/** How many codes are on the router now (`created`) and how many still wait for their user (`pending`). */
export interface PushOutcome {
  created: number;
  pending: number;
}

export interface UsersCheckOptions {
  /** Remove our users that no unused or active voucher wants (default true). */
  allowRemovals?: boolean;
}

export interface UsersCheckReport {
  /** Unused and active vouchers: the users there should be. */
  vouchers: number;
  /** Users the router had (ours and others), as printed before the check. */
  usersOnRouter: number;
  added: number;
  fixed: number;
  removed: number;
  /** Wanted users whose name belongs to a user we did not create (left alone). */
  blocked: number;
  /** Vouchers that gained a router id they did not have (a pushed batch, found or added). */
  created: number;
  /** Vouchers still without their user on the router (retried by the next sync's push). */
  pending: number;
  /** Router changes refused or failed. */
  failed: number;
  /** Router commands the check sent (one print plus the writes). */
  roundTrips: number;
}
