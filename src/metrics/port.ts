/**
 * What the pieces that own the data tell the metrics (src/metrics/index.ts), and nothing else: the services count
 * through this port and never see prom-client. Absent (the terminal, a shop with no token to read the metrics
 * with), nothing is counted. Every label is a site's name, a direction, a result or an error code: never a MAC,
 * an IP address or a voucher code.
 */
import { AppError, RouterError, ValidationError } from '../domain/errors';

/** A RADIUS CoA or Disconnect packet's outcome (src/services/network/radius/coa-enforcer.ts). */
export type CoaOutcome = 'ack' | 'nak' | 'timeout' | 'error';

export interface MetricsPort {
  /** A site's poll cycle that ran (not skipped): how long it took, and the devices online it saw. */
  polled(site: string, seconds: number, devicesOnline: number): void;
  /** The bytes one poll booked in the usage ledger, once its transaction committed. */
  booked(site: string, up: number, down: number): void;
  /** A redemption a customer or a vendo asked for: `ok`, or the refusal's error code (INVALID_CODE, ...). */
  redeemed(site: string, result: string): void;
  /** The fair-use watch's set (devices read between polls) as its last tick found it. */
  fupWatched(site: string, devices: number): void;
  /** One watch read between polls, and the rows the router sent for it. */
  fupWatchRead(site: string, rows: number): void;
  /** The subscribers the fair-use watch reads between polls, as its last tick found them. */
  fupWatchedSubscribers(site: string, subscribers: number): void;
  /**
   * A speed threshold crossed between polls and enforced by the watch: seconds from the crossing (estimated), for
   * a hotspot device's voucher or a PPPoE subscriber.
   */
  fupEnforced(site: string, seconds: number, kind?: 'device' | 'subscriber'): void;
  /** A RADIUS site's CoA-Request or Disconnect-Request, and what came of it. */
  coa(site: string, type: 'coa' | 'disconnect', result: CoaOutcome): void;
}

/** A redemption's refusal as its result label: the error's stable code (never its message), else `ERROR`. */
export function redemptionResult(err: unknown): string {
  const known = err instanceof AppError || err instanceof RouterError || err instanceof ValidationError;
  return known ? err.code : 'ERROR';
}
