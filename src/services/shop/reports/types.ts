/**
 * The reports' contract (index.ts): money in, stock, usage and the top users, per site or for all.
 */
import type { CreditsGiven, SubscriberTakings, VoidedCharge } from './money-in';
import type { SourceSales } from '../vendos/types';
import type { BatchView } from '../vouchers/types';

export interface SalesRow {
  period: string; // '2026-11-21', '2026-W47', '2026-11' or the profile name
  profile?: string;
  /** Vouchers sold (first used). */
  count: number;
  /** Charges on running vouchers (plan upgrades, any kind) in `amount`; absent when none. */
  charges?: number;
  amount: number; // centavos: the vouchers' prices and the charges
}

/** Rows added up: vouchers sold, charges and centavos (the TOTAL line of every sales table). */
export function salesTotal(rows: readonly SalesRow[]): { count: number; charges: number; amount: number } {
  const t = { count: 0, charges: 0, amount: 0 };
  for (const r of rows) {
    t.count += r.count;
    t.charges += r.charges ?? 0;
    t.amount += r.amount;
  }
  return t;
}

export interface ReportService {
  /**
   * Money in by source and local day: printed vouchers (first used), each vendo's vouchers, coin top-ups.
   */
  bySource(opts: { from: number; to: number; siteId?: number }): Promise<SourceSales>;
  /**
   * A voucher counts as sold when first used (activated_at), at its price when generated; a charge on a running
   * voucher (src/services/shop/reports/money-in.ts: a plan upgrade) when made, under the profile it moved the voucher to.
   */
  sales(opts: {
    from: number;
    to: number;
    by: 'day' | 'week' | 'month' | 'profile';
    /** One site's vouchers (vouchers.site_id); every `siteId` below means the same. None: every site. */
    siteId?: number;
  }): Promise<SalesRow[]>;
  /** Credits noted for customers (plan downgrades), by kind: never taken off the sales. */
  credits(opts: { from: number; to: number; siteId?: number }): Promise<CreditsGiven[]>;
  /** Charges made in the range and voided since (out of every total), newest first, with who and why. */
  voided(opts: { from: number; to: number; siteId?: number }): Promise<VoidedCharge[]>;
  /**
   * Subscribers' payments recorded in [from, to) (a void counts, negative, when made), of one login (`actor`) or
   * all: the money in beside the voucher sales, cash (the drawer's) apart from the other methods. Subscribers
   * belong to no site: shop-wide.
   */
  subscriberPayments(opts: { from: number; to: number; actor?: string }): Promise<SubscriberTakings>;
  /** Unused vouchers and what they are worth, without the per-profile split (the dashboard asks often). */
  stockTotal(opts?: { siteId?: number }): Promise<{ count: number; value: number }>;
  stock(opts?: { siteId?: number }): Promise<{
    count: number;
    value: number;
    byProfile: { profile: string; count: number; value: number }[];
  }>;
  usageTotals(opts: {
    from: number;
    to: number;
    siteId?: number;
  }): Promise<{ bytesUp: number; bytesDown: number; vouchers: number }>;
  topUsers(opts: {
    from: number;
    to: number;
    limit?: number;
    siteId?: number;
  }): Promise<{ code: string; profile: string; bytes: number }[]>;
  /**
   * Recent batches (newest first, at most `limit`, default 50) with the unused vouchers left in each: the stock
   * by batch, of one site (batches.site_id) or every site.
   */
  batches(opts?: { limit?: number; siteId?: number; accountId?: number }): Promise<BatchView[]>;
}
