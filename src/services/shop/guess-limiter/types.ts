/**
 * Who asks the portal for a code, and the ticket a lookup holds (index.ts has the limits themselves).
 */

/** Who sends a portal request: its browser token (when it kept one), the device it names, its address. */
export interface Asker {
  /** The id of the portal token the browser sent back (signature already checked), or null. */
  browser?: string | null;
  /** The TCP peer's address (the device itself on the hotspot LAN; the router's address behind NAT). */
  peerIp: string | null;
  /** The device the request names (a claim until a router confirms it). */
  device?: { mac: string; ip: string } | null;
}

/** A code being looked up for an asker (GuessLimiter.admit): settle it once, whatever the outcome. */
export interface GuessTicket {
  /** The code was wrong: counted; the asker's wait from now on, and whether the shop-wide ceiling was reached. */
  fail(): Promise<{ lockSeconds: number; ceilingReached: boolean }>;
  /** Anything else (a valid code, a refusal, an error): nothing is counted. */
  release(): void;
}

/** Whether the portal may give a browser a new token now (GuessLimiter.mayMint), within its budgets. */
export interface BrowserTokenBudget {
  mayMint(address: string | null, device?: { mac: string; ip: string } | null): Promise<boolean>;
}
