/** A voucher's byte allowance in the enforce order's words, shared by every enforcer (the router's, CoA). */

/** A voucher's byte allowance: its code, and the bytes it may still move (null: no limit now). */
export interface ByteCap {
  code: string;
  /** The code's password (a session brought to a new limit logs in again with it). */
  password: string;
  left: number | null;
}

/**
 * How far a user's `limit-bytes-total` may drift from the exact figure before it is written again: the hotspot's
 * session counters and the device queues' counters (the ledger) differ by a little traffic (to the router itself,
 * the login page), and rewriting every poll for that would be churn.
 */
export const BYTE_LIMIT_SLACK = 256 * 1024;
