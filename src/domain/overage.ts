/**
 * Extra data: a profile's `overage` (bytes per purchase, price in centavos). A voucher whose cap stops it
 * (cap_policy block) on a plan that sells extra data does not end at the cap: the policy keeps it active as
 * `capped-waiting` (policy.ts), with no internet, until extra data is bought or its time runs out. It may buy
 * before the cap too, so a customer who sees the data running low is never cut. Here: whether
 * a voucher may buy now (and why not), and which coins of a vendo's credit pay for how many purchases. Pure; the
 * services record a purchase (src/services/shop/vouchers/overage.ts) and every face reads these answers.
 */
import { desiredLimits } from './policy';
import type { VoucherState } from './vouchers';

export interface OverageOffer {
  /** Bytes one purchase adds to the voucher's cap. */
  bytes: number;
  /** Centavos. */
  price: number;
}

/** Why a voucher cannot buy extra data now. */
export type OverageRefusal =
  /** Ended, or not used yet: nothing to add data to. */
  | { code: 'VOUCHER_NOT_ACTIVE' }
  /** Its plan sells no extra data. */
  | { code: 'OVERAGE_NOT_OFFERED' }
  /** Its cap does not stop it (it slows down or warns): it never waits for extra data. */
  | { code: 'DATA_NOT_USED_UP'; leftBytes: number | null };

/** Whether the voucher waits at its cap for extra data now (the policy's `capped-waiting`). */
export function isCappedWaiting(v: VoucherState, now: number, tz: string): boolean {
  return v.status === 'active' && desiredLimits(v, now, tz).state === 'capped-waiting';
}

/**
 * Why `v` cannot buy its plan's extra data now, or null when it can: it waits at its cap, or its cap will stop it
 * and it is still running (bought before the cap, the extra data moves the cap before the customer is cut).
 */
export function overageRefusal(v: VoucherState, now: number, tz: string): OverageRefusal | null {
  if (!v.profile.overage) return { code: 'OVERAGE_NOT_OFFERED' };
  const state = desiredLimits(v, now, tz).state;
  if (v.status !== 'active' || state === 'expired' || state === 'revoked')
    return { code: 'VOUCHER_NOT_ACTIVE' };
  if (state === 'capped-waiting') return null;
  if (v.profile.dataCapBytes !== undefined && v.profile.capPolicy === 'block') return null;
  const cap = v.profile.dataCapBytes;
  return {
    code: 'DATA_NOT_USED_UP',
    leftBytes: cap === undefined ? null : Math.max(0, cap - v.countedBytes),
  };
}

/** The offer the voucher may take now: its plan's while its cap stops it, before or at the cap; null otherwise. */
export function overageOfferNow(v: VoucherState, now: number, tz: string): OverageOffer | null {
  return overageRefusal(v, now, tz) === null ? (v.profile.overage ?? null) : null;
}

export interface Coin {
  id: number;
  /** Centavos. */
  amount: number;
}

export const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * As many whole purchases as the credit covers, paid with the fewest pesos: the coins whose sum is the smallest
 * one at least `offers × price`. A coin is never split, so when no coins make that sum exactly the few pesos over
 * go with the sale (as pesos a rate table cannot use do with bought time); every other coin stays unspent, the
 * device's saved credit. Null when the credit is below one price. Coins are whole centavos; the sums are found by
 * subset sums over their common divisor (a box of peso coins: a few thousand steps).
 */
export function coinsForOverage(coins: readonly Coin[], price: number) {
  const credit = coins.reduce((s, c) => s + c.amount, 0);
  if (!(price > 0) || credit < price) return null;
  const offers = Math.floor(credit / price);
  const target = offers * price;
  const unit = coins.reduce((g, c) => gcd(g, c.amount), 0) || 1;
  const total = credit / unit;
  // by[s]: the coin that first reached the sum s (in units), -1 for s = 0, undefined for sums no coins make.
  const by: Array<number | undefined> = new Array<number | undefined>(total + 1);
  by[0] = -1;
  coins.forEach((c, i) => {
    const step = c.amount / unit;
    for (let s = total; s >= step; s--) if (by[s] === undefined && by[s - step] !== undefined) by[s] = i;
  });
  let sum = Math.ceil(target / unit);
  while (by[sum] === undefined) sum++;
  const ids: number[] = [];
  const amount = sum * unit;
  for (let s = sum; s > 0;) {
    const c = coins[by[s] as number];
    ids.push(c.id);
    s -= c.amount / unit;
  }
  return { offers, ids: ids.sort((a, b) => a - b), amount };
}
