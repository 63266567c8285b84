/**
 * A reseller's money, in integer centavos: it buys each voucher of its batches from the shop at wholesale
 * (the price less its commission), owes that until it hands money over, and may not owe more than its credit
 * limit. Pure arithmetic; src/services/shop/accounts/index.ts reads and writes the figures.
 *
 * Rounding: a commission is kept in basis points (12.5% = 1250), so `price × (1 − commission/100)` is
 * `price × (10000 − bp) / 10000`, which need not be whole centavos. The wholesale price of ONE voucher is rounded
 * to the nearest centavo, halves up (in the shop's favour); a batch costs count × that. The commission on a
 * voucher is its price less its wholesale price, so sold value = wholesale + commission to the centavo.
 */
import { ValidationError } from './errors';
import { formatMoney } from './quantities';

const MAX_COMMISSION_BP = 10_000;

/** `12.5` or `"12.5"` (percent, 0–100, at most two decimals) → basis points (1250). */
export function parseCommissionPercent(v: unknown, field = 'commission_percent'): number {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  const m = text === undefined ? null : /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  const bp = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
  if (!m || bp > MAX_COMMISSION_BP)
    throw ValidationError.invalid(field, v, 'a commission', 'use a percent from 0 to 100, like 10 or 12.5');
  return bp;
}

export const percentOf = (bp: number): number => bp / 100;

/** One voucher's wholesale price: round-half-up(price × (10000 − bp) / 10000). */
export function wholesaleCentavos(priceCentavos: number, commissionBp: number): number {
  const n = priceCentavos * (MAX_COMMISSION_BP - commissionBp);
  // Integer arithmetic: the product stays far below 2^53 (₱100,000 × 10,000).
  return Math.floor((2 * n + MAX_COMMISSION_BP) / (2 * MAX_COMMISSION_BP));
}

export type ResellerBalance = ReturnType<typeof balanceOf>;

/**
 * Figures from the batches' sums (Σ count × price, Σ count × wholesale) and the remittances' sum: the
 * vouchers' prices, what the reseller keeps (`commission`), and what it `owed` (negative: paid ahead).
 */
export function balanceOf(sums: { soldValue: number; wholesale: number; remitted: number }) {
  const commission = sums.soldValue - sums.wholesale;
  return {
    soldValue: sums.soldValue,
    commission,
    remitted: sums.remitted,
    owed: sums.soldValue - commission - sums.remitted,
  };
}

/**
 * Whether a batch costing `cost` fits: owed + cost ≤ limit (a limit of null: none). Returns the refusal's
 * words, or undefined when it fits.
 */
export function creditRefusal(owed: number, cost: number, limit: number | null): string | undefined {
  if (limit === null || owed + cost <= limit) return undefined;
  return (
    `This batch costs ${formatMoney(cost)} at wholesale; with the ${formatMoney(owed)} owed now that is ` +
    `${formatMoney(owed + cost)}, above the credit limit of ${formatMoney(limit)}. ` +
    `Hand money over to the owner first, or make a smaller batch.`
  );
}
