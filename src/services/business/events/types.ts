/**
 * The shop's feed of events (index.ts): sales, logins, alerts, the router away and back.
 */

export interface EventView {
  id: number;
  ts: number;
  voucherCode: string | null;
  kind: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface EventService {
  /** Newest first; `after`: only events with a larger id (the live feed's "what is new since"). */
  list(opts?: {
    limit?: number;
    voucherCode?: string;
    kinds?: string[];
    after?: number;
    /**
     * One site's events: those of its vouchers. Events without a voucher (the router away and back…) are
     * shown under every site only.
     */
    siteId?: number;
  }): Promise<EventView[]>;
}
