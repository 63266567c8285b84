/**
 * Coin vendos, the pure part: a vendo's rate table (what each amount buys), the most time a credit buys, and
 * the bounds every face (admin, API, CLI, the board's protocol) shares. Money in centavos, time in seconds.
 */
import { ValidationError } from './errors';
import { ErrorCollector } from './error-collector';
import { formatMoney, formatRouterDuration, parseDuration } from './units';
import { gcd } from './overage';

export interface RateEntry {
  /** Centavos: a whole number of pesos (the coin acceptor counts pesos). */
  amount: number;
  /** What the amount buys, seconds. */
  seconds: number;
}

/** At most this many lines in a rate table. */
const MAX_RATES = 20;
/** A rate line's amount: ₱1 to ₱500. */
const MAX_RATE_PESOS = 500;
/** One coin (or bill) the board reports: ₱1 to ₱1,000. */
const MAX_COIN_PESOS = 1000;
/** A rate line buys at least a minute and at most 30 days. */
const MIN_RATE_SECONDS = 60;
const MAX_RATE_SECONDS = 30 * 86400;
/** A bought time is capped at a year, whatever the credit (the voucher's own bound). */
export const MAX_BOUGHT_SECONDS = 365 * 86400;

const PESOS_FORMS = `use a whole number of pesos from 1 to ${MAX_RATE_PESOS}`;
const VALIDITY_FORMS = 'use a duration from 1m to 30d, like 10m, 1h or 3h';

function wholePesos(v: unknown, field: string, max: number, forms: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw ValidationError.invalid(field, v, 'an amount', forms);
  return n * 100;
}

/**
 * A rate table as people send it: `[{amount: 5, validity: "1h"}, …]` (amount in pesos, validity a duration
 * text or seconds). Every problem is reported at once, under `rates[i].amount` / `rates[i].validity`.
 * Sorted by amount; two lines for the same amount are refused (which one would the customer get?).
 */
export function parseRates(json: unknown): RateEntry[] {
  if (!Array.isArray(json) || json.length === 0)
    throw ValidationError.invalid(
      'rates',
      json,
      'a rate table',
      'give a list like [{"amount":1,"validity":"10m"}]',
    );
  if (json.length > MAX_RATES)
    throw new ValidationError('rates', `has ${json.length} lines; use at most ${MAX_RATES}`);
  const c = new ErrorCollector();
  const out: RateEntry[] = [];
  json.forEach((line: unknown, i) => {
    const p = `rates[${i}]`;
    if (!line || typeof line !== 'object' || Array.isArray(line)) {
      c.add(p, `${JSON.stringify(line) ?? 'missing'} is not a rate line; use {"amount":1,"validity":"10m"}`);
      return;
    }
    const l = line as Record<string, unknown>;
    const amount = c.field(() => wholePesos(l.amount, `${p}.amount`, MAX_RATE_PESOS, PESOS_FORMS)) ?? 0;
    const seconds =
      c.field(() => {
        const parsed = parseDuration(l.validity ?? l.seconds, `${p}.validity`);
        if (parsed >= MIN_RATE_SECONDS && parsed <= MAX_RATE_SECONDS) return parsed;
        throw ValidationError.invalid(`${p}.validity`, l.validity ?? l.seconds, 'a validity', VALIDITY_FORMS);
      }) ?? 0;
    if (amount && seconds) {
      if (out.some((r) => r.amount === amount))
        c.add(`${p}.amount`, `${formatMoney(amount)} is listed twice; keep one line per amount`);
      else out.push({ amount, seconds });
    }
  });
  c.throwIfAny('Invalid rate table');
  return out.sort((a, b) => a.amount - b.amount);
}

/** The table in the form people write it: `[{amount: 5, validity: "1h"}]` (pesos, duration text). */
export function ratesJson(
  rates: readonly RateEntry[],
): { amount: number; validity: string; seconds: number }[] {
  return rates.map((r) => ({
    amount: r.amount / 100,
    validity: formatRouterDuration(r.seconds),
    seconds: r.seconds,
  }));
}

/** A coin amount from the board (pesos), bounded: centavos. */
export function parseCoinAmount(v: unknown): number {
  const forms = `use a whole number of pesos from 1 to ${MAX_COIN_PESOS}`;
  // The board sends a JSON number; text is a bug in its sketch, refused rather than guessed.
  if (typeof v !== 'number') throw ValidationError.invalid('amount', v, 'an amount', forms);
  return wholePesos(v, 'amount', MAX_COIN_PESOS, forms);
}

export interface Purchase {
  /** The most time the credit buys (capped at a year). */
  seconds: number;
  /** Which lines, how many times each (largest amounts first). */
  lines: { amount: number; count: number }[];
  /** Centavos the chosen lines use; the rest of the credit buys nothing more. */
  spent: number;
}

/**
 * The most time `credit` buys from `rates`: an unbounded knapsack over the amounts (any line any number of
 * times, amounts summing to at most the credit, total time as large as possible). Ties go to the combination
 * found first with the fewest lines. A very large credit is reduced first: some best solution always uses the
 * line with the most time per peso for all but at most (its amount × the largest amount) of the credit, so
 * the table filled is small whatever the credit.
 */
export function bestPurchase(rates: readonly RateEntry[], credit: number): Purchase {
  const none: Purchase = { seconds: 0, lines: [], spent: 0 };
  if (!rates.length || !Number.isSafeInteger(credit) || credit <= 0) return none;
  const unit = rates.reduce((g, r) => gcd(g, r.amount), 0);
  const items = rates.map((r) => ({ w: r.amount / unit, v: r.seconds, amount: r.amount }));
  let cap = Math.floor(credit / unit);
  const best = items.reduce((a, b) => (b.v * a.w > a.v * b.w ? b : a));
  const maxW = Math.max(...items.map((i) => i.w));
  const bound = best.w * maxW;
  let bestCount = 0;
  if (cap > bound + 2 * best.w) {
    bestCount = Math.floor((cap - bound) / best.w) - 1;
    cap -= bestCount * best.w;
  }
  // dp[c] = most seconds within capacity c; choice[c] = the item taken last (-1: none).
  const dp = new Float64Array(cap + 1);
  const choice = new Int16Array(cap + 1).fill(-1);
  for (let c = 1; c <= cap; c++) {
    dp[c] = dp[c - 1];
    choice[c] = -2; // same as c - 1
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (it.w <= c && dp[c - it.w] + it.v > dp[c]) {
        dp[c] = dp[c - it.w] + it.v;
        choice[c] = i;
      }
    }
  }
  const counts = new Map<number, number>();
  if (bestCount > 0) counts.set(best.amount, bestCount);
  for (let c = cap; c > 0;) {
    const i = choice[c];
    if (i === -2) c -= 1;
    else if (i < 0) break;
    else {
      counts.set(items[i].amount, (counts.get(items[i].amount) ?? 0) + 1);
      c -= items[i].w;
    }
  }
  const lines = [...counts].map(([amount, count]) => ({ amount, count })).sort((a, b) => b.amount - a.amount);
  const seconds = lines.reduce(
    (s, l) => s + l.count * (rates.find((r) => r.amount === l.amount)?.seconds ?? 0),
    0,
  );
  return {
    seconds: Math.min(seconds, MAX_BOUGHT_SECONDS),
    lines,
    spent: lines.reduce((s, l) => s + l.amount * l.count, 0),
  };
}

/** The smallest amount that buys anything (what a customer must insert at least). */
export function minimumAmount(rates: readonly RateEntry[]): number {
  return rates.length ? Math.min(...rates.map((r) => r.amount)) : 0;
}
