/**
 * A subscriber as the admin API and the terminal's `--json` answer it (snake_case, times ISO-8601, the plan's
 * fee in pesos with `_centavos` beside it). The password is shown to the owner only.
 */
import type { SubscriberView } from './types';
import type { SiteAddresses } from './static-ip';
import { accountNo } from './store';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function subscriberJson(s: SubscriberView, opts: { withPassword: boolean }) {
  return {
    id: s.id,
    account_no: s.accountNo,
    name: s.name,
    mobile: s.mobile || null,
    profile: s.profile,
    // The plan's monthly fee.
    price: s.price / 100,
    price_centavos: s.price,
    billing_day: s.billingDay,
    billing_day_next: s.billingDayNext,
    username: s.username,
    ...(opts.withPassword ? { password: s.password } : {}),
    site: s.site.name,
    site_id: s.site.id,
    status: s.status,
    status_reason: s.statusReason,
    // Its open suspension: `unpaid` (billing's) or `manual`; until_paid: paying what is past due lifts it.
    suspension: s.suspension ? { cause: s.suspension.cause, until_paid: s.suspension.untilPaid } : null,
    starts_on: s.startsOn,
    // When billing starts: the last day paid before it came over, and the balance it brought (pesos, centavos).
    paid_until: s.paidUntil,
    opening_balance: s.openingBalance === null ? null : s.openingBalance / 100,
    opening_balance_centavos: s.openingBalance,
    opening_due_on: s.openingDueOn,
    cycle: s.cycle,
    usage: {
      counted_bytes: s.usage.countedBytes,
      cap_bytes: s.usage.capBytes,
      left_bytes: s.usage.leftBytes,
    },
    // What its open invoices still ask, and the credit it holds.
    owed: s.owed / 100,
    owed_centavos: s.owed,
    credit: s.credit / 100,
    credit_centavos: s.credit,
    language: s.language,
    address: s.address,
    static_ip: s.staticIp,
    // Its PPP session as the poll last read it: rate in bits per second, up = what the subscriber sends.
    session: {
      online: s.session.online,
      address: s.session.address,
      uptime_seconds: s.session.uptimeSeconds,
      rate: s.session.rate,
      seen_at: iso(s.session.seenAt),
    },
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    ended_at: iso(s.endedAt),
  };
}

/** A site's fixed addresses as the admin API and the terminal's `--json` answer them. */
export function addressesJson(a: SiteAddresses) {
  return {
    pool: a.pool,
    used: a.used,
    free: a.free,
    on_router: a.onRouter,
    addresses: a.addresses.map((x) => ({
      ip: x.ip,
      subscriber: {
        id: x.subscriber.id,
        account_no: accountNo(x.subscriber.seq),
        username: x.subscriber.username,
        name: x.subscriber.name,
      },
    })),
  };
}
