/**
 * Whether phones not logged in yet can reach the payment gateway's checkout: the portal's login page tries the
 * checkout's address (public/js/portal-checkout-reach.js) and reports what happened; the owner reads the last
 * reports on the Payments page. Kept in memory, bounded, and forgotten on restart: the reports say how the
 * walled garden behaves now, not a history. Anyone on the hotspot can post one, so every bound here is about a
 * stranger not filling the owner's page: a few reports per device, a fixed number of devices, one report per
 * address every REPORT_EVERY_MS.
 */
import type { Clock } from '../../../lib/clock';

export interface CheckoutReachReport {
  at: number;
  /** The device as the router's login page named it (canonical MAC), or null when the page did not know it. */
  mac: string | null;
  /** The address the report came from, as this controller saw it. */
  ip: string | null;
  reached: boolean;
  /** How long the try took, in ms (until the answer, or until it failed or timed out). */
  ms: number;
}

/** The longest a page waits for the checkout; a report of more is refused. */
export const REACH_TIMEOUT_MS = 8000;
/** The reports kept per device, the devices kept, and the reports the page shows. */
export const REPORTS_PER_DEVICE = 3;
export const DEVICES_KEPT = 20;
export const REPORTS_SHOWN = 20;
/** One report per address this often; more are refused (a page is loaded once per visit). */
export const REPORT_EVERY_MS = 20_000;

export type CheckoutReachLog = ReturnType<typeof checkoutReachLog>;

export function checkoutReachLog(clock: Clock) {
  // Map order is insertion order: a device that reports again goes to the end, so the first is the stalest.
  const byDevice = new Map<string, CheckoutReachReport[]>();
  const lastFrom = new Map<string, number>();

  function forgetOldAddresses(now: number) {
    for (const [ip, at] of lastFrom) if (now - at >= REPORT_EVERY_MS) lastFrom.delete(ip);
  }

  return {
    /** Records a report; 'too-soon' when the address reported less than REPORT_EVERY_MS ago (nothing kept). */
    record(r: Omit<CheckoutReachReport, 'at'>): 'kept' | 'too-soon' {
      const now = clock.now();
      const from = r.ip ?? '?';
      const last = lastFrom.get(from);
      if (last !== undefined && now - last < REPORT_EVERY_MS) return 'too-soon';
      if (lastFrom.size >= 1000) forgetOldAddresses(now);
      lastFrom.set(from, now);
      const key = r.mac ?? `ip:${from}`;
      const kept = byDevice.get(key) ?? [];
      byDevice.delete(key);
      byDevice.set(key, [{ ...r, at: now }, ...kept].slice(0, REPORTS_PER_DEVICE));
      while (byDevice.size > DEVICES_KEPT) byDevice.delete(byDevice.keys().next().value as string);
      return 'kept';
    },
    /** The last reports, newest first. */
    recent(): CheckoutReachReport[] {
      return [...byDevice.values()]
        .flat()
        .sort((a, b) => b.at - a.at)
        .slice(0, REPORTS_SHOWN);
    },
  };
}
