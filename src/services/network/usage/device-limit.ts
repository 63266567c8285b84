/**
 * The device count on sessions the controller did not start: codes work on the router's own login
 * page, where RouterOS lets a user in as many times as the profile's `shared-users` allows, and the setup guide
 * asks for `unlimited` so that every plan's devices fit. Each cycle, sessions beyond a voucher's own count are
 * picked out here (the decision is src/domain/device-limit.ts), left out of adoption, metering and queues, and
 * logged out with the cycle's other router writes. No I/O: it works on the cycle's snapshot and state.
 */
import { decideDeviceLimit, type KnownDevice } from '../../../domain/device-limit';
import type { LoadedState, LoadedVoucher } from './load';
import type { SessionReading as SessionInfo, UsageReading } from './source';

export interface OverLimit {
  session: SessionInfo;
  voucher: LoadedVoucher;
}

interface DeviceLimitPlan {
  /**
   * Sessions the controller did not start and must record: new devices within the count on active vouchers,
   * and every kept session of an unused voucher (its first login, which activates it). Earliest first. Never
   * the session of a device whose portal login is still under way: that redemption records it.
   */
  adopt: SessionInfo[];
  /** Sessions beyond their voucher's count: logged out this cycle, never recorded. */
  overLimit: OverLimit[];
  /**
   * The reading without the sessions over the limit (the same object when there are none): they end this
   * cycle, so no device row is marked online for them, no queue is made and no connected time is charged.
   */
  reading: UsageReading;
}

/** Only vouchers that can have devices are limited; ended vouchers' sessions are ended by enforcement anyway. */
const LIMITED = new Set(['unused', 'active']);

function boundMacOf(v: LoadedVoucher): string | null {
  return v.profile.users === 1 ? (v.row.bound_mac ?? null) : null;
}

/**
 * A session of a device the voucher has on record, on a voucher within its count: the case of nearly every
 * session every poll, settled without grouping the voucher's sessions.
 */
function plainlyWithin(v: LoadedVoucher, mac: string): boolean {
  if (v.row.status !== 'active' || v.devices.length > v.profile.users) return false;
  const bound = boundMacOf(v);
  if (bound !== null && bound !== mac) return false;
  return v.devices.some((d) => d.mac === mac);
}

function knownDevices(v: LoadedVoucher): KnownDevice[] {
  // Row ids break ties of first-seen time: the row written first was the first claim.
  return [...v.devices]
    .sort((a, b) => a.id - b.id)
    .map((d) => ({ mac: d.mac, firstSeenAt: Number(d.first_seen_at) }));
}

/** The longest-running session of each device, longest first (the first one adopted activates the voucher). */
function onePerMac(sessions: readonly SessionInfo[]): SessionInfo[] {
  const seen = new Set<string>();
  const longestFirst = [...sessions].sort((a, b) => b.uptimeSeconds - a.uptimeSeconds);
  return longestFirst.filter((s) => !seen.has(s.mac) && seen.add(s.mac));
}

/**
 * `loginsInFlight`: the devices whose portal login may not have been recorded when `state` was read (the
 * hotspot's loginsMissedBy). The snapshot may show such a login's session while its claim is not committed yet;
 * adopting it would activate the voucher "from the router's own page" under the redemption, which then loses
 * its claim and undoes the customer's login.
 */
export function planDeviceLimits(reading: UsageReading, state: LoadedState): DeviceLimitPlan {
  const sessions = reading.sessions;
  const loginsInFlight = reading.loginsMissed();
  const voucherAt = (i: number): LoadedVoucher | undefined => state.byCode.get(sessions[i].user);
  // Pass 1: the vouchers whose sessions need the full decision (a device not on record, too many devices,
  // a first login). Usually none.
  let todo: Map<LoadedVoucher, SessionInfo[]> | undefined;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    const v = voucherAt(i);
    if (!v || !LIMITED.has(v.row.status) || plainlyWithin(v, s.mac)) continue;
    todo ??= new Map();
    todo.set(v, []);
  }
  if (!todo) return { adopt: [], overLimit: [], reading };
  // Pass 2: every session of those vouchers, in the router's order.
  for (let i = 0; i < sessions.length; i++) {
    const v = voucherAt(i);
    if (v) todo.get(v)?.push(sessions[i]);
  }
  const adopt: SessionInfo[] = [];
  const overLimit: OverLimit[] = [];
  for (const [v, sessions] of todo) {
    const d = decideDeviceLimit({
      limit: v.profile.users,
      boundMac: boundMacOf(v),
      known: knownDevices(v),
      sessions,
    });
    const record = v.row.status === 'unused' ? onePerMac(d.keep) : d.adopt;
    for (const s of record) if (!loginsInFlight.has(s.mac)) adopt.push(s);
    for (const s of d.logout) overLimit.push({ session: s, voucher: v });
  }
  if (overLimit.length === 0) return { adopt, overLimit, reading };
  const ending = new Set(overLimit.map((o) => o.session));
  return {
    adopt,
    overLimit,
    reading: { ...reading, sessions: reading.sessions.filter((s) => !ending.has(s)) },
  };
}
