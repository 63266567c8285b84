/**
 * How a profile is sold, as profiles.json and the API write it: `billing` (`prepaid`, the default: vouchers;
 * `monthly`: a subscriber's plan) and a monthly plan's `ppp_pool`. A monthly plan's time is its billing cycle, so
 * the settings of a voucher's time are refused on it rather than silently ignored.
 */
import type { ErrorCollector } from './error-collector';
import { describeValue } from './errors';
import { SELF_SERVICE_KEYS } from './self-service';

export const BILLING_KEYS = ['billing', 'ppp_pool'] as const;

/** An `/ip/pool` name as RouterOS menus take it without quoting: letters, digits, `_`, `-` and `.`. */
const POOL_RE = /^[A-Za-z0-9_.-]{1,63}$/;
/** Settings of a voucher's time that a monthly plan does not take. */
const PREPAID_ONLY_KEYS = ['validity', 'time_mode', 'overage', ...SELF_SERVICE_KEYS];

interface BillingFields {
  /** undefined when `billing` itself is bad (reported in the collector). */
  monthly: boolean | undefined;
  pppPool?: string;
}

export function parseBillingFields(
  json: Record<string, unknown>,
  p: string,
  c: ErrorCollector,
): BillingFields {
  let monthly: boolean | undefined = false;
  if (json.billing !== undefined) {
    if (json.billing === 'monthly' || json.billing === 'prepaid') monthly = json.billing === 'monthly';
    else {
      c.add(
        `${p}billing`,
        `${describeValue(json.billing)} is not an accepted value; use one of: prepaid, monthly`,
      );
      monthly = undefined;
    }
  }
  if (monthly)
    for (const key of PREPAID_ONLY_KEYS)
      if (json[key] !== undefined)
        c.add(`${p}${key}`, "is for vouchers only; a monthly plan's time and data run per billing cycle");
  const out: BillingFields = { monthly };
  const pool = json.ppp_pool;
  if (pool === undefined) return out;
  if (monthly === false)
    c.add(
      `${p}ppp_pool`,
      'is for monthly plans only (their subscribers\' addresses); add "billing": "monthly"',
    );
  else if (typeof pool !== 'string' || !POOL_RE.test(pool))
    c.add(
      `${p}ppp_pool`,
      `${describeValue(pool)} is not a pool name; use 1–63 letters, digits, _, - or . as in /ip/pool, like pppoe-pool`,
    );
  else out.pppPool = pool;
  return out;
}
