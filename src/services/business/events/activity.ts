/**
 * The events of the shop's activity feed (src/domain/activity.ts), worded once: each service that owns a
 * transition (a redemption, the usage poll, a bandwidth change, a revoke) records these through here, so
 * the dashboard, the voucher page and the API read the same sentences. Codes are not written into the
 * message: an event already links its voucher, and the feed shows the code from that link.
 */
import { EVENT_KINDS } from '../../../domain/activity';
import { formatMoney } from '../../../domain/units';
import type { EventInput } from '.';

type Via = 'portal' | 'router';

/**
 * A redemption that got the device online: a `sale` when it was the voucher's first use (a staff voucher is
 * free, so it is no sale, as in the reports), and a `login` for the device in every case.
 */
export function redemptionEvents(a: {
  voucherId: number;
  first: boolean;
  staff: boolean;
  price: number;
  profile: string;
  mac: string;
  ip: string | null;
  via: Via;
  again?: boolean;
}): EventInput[] {
  const out: EventInput[] = [];
  if (a.first && !a.staff)
    out.push({
      voucherId: a.voucherId,
      kind: EVENT_KINDS.sale,
      message: `Sold: ${a.profile} voucher, ${formatMoney(a.price)}, first used by ${a.mac} via the ${a.via}`,
      data: { price: a.price, profile: a.profile, mac: a.mac },
    });
  out.push(loginEvent(a));
  return out;
}

/** A device online on a voucher (`profile` named when known). */
export function loginEvent(a: {
  voucherId: number;
  mac: string;
  ip: string | null;
  via: Via;
  profile?: string;
  again?: boolean;
}): EventInput {
  const on = a.profile ? ` on ${a.profile}` : '';
  return {
    voucherId: a.voucherId,
    kind: EVENT_KINDS.login,
    message: `${a.mac}${a.ip ? ` (${a.ip})` : ''} online${on}${a.again ? ' again' : ''} via the ${a.via}`,
    data: { mac: a.mac, ip: a.ip, via: a.via },
  };
}

/** A device whose session ended: seen gone by the poll, or logged out by the shop. */
export function logoutEvent(a: { voucherId: number; mac: string; by?: string; reason?: string }): EventInput {
  const why = a.by ? `logged out by ${a.by}` : (a.reason ?? 'session ended');
  return {
    voucherId: a.voucherId,
    kind: EVENT_KINDS.logout,
    message: `${a.mac} offline: ${why}`,
    data: { mac: a.mac, ...(a.by ? { by: a.by } : {}) },
  };
}

/** The shop changed a device's speed (set, removed, back to plan). */
export function bandwidthEvent(a: { voucherId: number; mac: string; what: string; by: string }): EventInput {
  return {
    voucherId: a.voucherId,
    kind: EVENT_KINDS.bandwidth,
    message: `${a.what[0]!.toUpperCase()}${a.what.slice(1)} (by ${a.by})`,
    data: { mac: a.mac, by: a.by },
  };
}

/** The shop cancelled a voucher. */
export function revokeEvent(a: { voucherId: number; previous: string; by: string }): EventInput {
  return {
    voucherId: a.voucherId,
    kind: EVENT_KINDS.revoked,
    level: 'warn',
    message: `Voucher revoked by ${a.by} (it was ${a.previous})`,
    data: { previous: a.previous, by: a.by },
  };
}
