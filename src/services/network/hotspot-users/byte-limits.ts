/**
 * The byte allowances an API site's hotspot users hold (`limit-bytes-total`, so RouterOS cuts a capped voucher at
 * its cap), the sessions logged in again to take a new one, and ended vouchers' users removed: the hotspot users'
 * part of the router's enforcer (usage/enforcer.ts routerEnforcer), which hands them the poll's order.
 */
import { RouterError } from '../../../domain/errors';
import type { ManagedHotspot, Relogin, SessionInfo } from '../../../router/hotspot';
import { BYTE_LIMIT_SLACK, type ByteCap } from '../../../domain/byte-allowance';

/**
 * Whether a running session's own byte limit (taken from its user at login) would cut it at another point than the
 * voucher's allowance now: the allowance grew past it (a top-up, extra data, a plan change), a limit began while it
 * ran without one (a free off-peak window ended), or a limit it took is no longer wanted (a free window began).
 * A smaller allowance needs no new login: the poll ends the voucher at its cap.
 */
function sessionLimitStale(s: SessionInfo, left: number | null): boolean {
  if (s.limitBytes === undefined || s.bytes === undefined) return false;
  if (left === null) return s.limitBytes > 0;
  if (s.limitBytes === 0) return true;
  return s.limitBytes - s.bytes < left - BYTE_LIMIT_SLACK;
}

/**
 * A session whose row does not say its limit (docs/routeros.md "Hotspot sessions": RouterOS may leave the field
 * out) is unknown, not unlimited. Only when this poll has just changed its user's limit (from `before` to `now`)
 * is it known to hold the old one: stale if a limit began or grew, or a limit it took is no longer wanted.
 */
function unprintedLimitStale(s: SessionInfo, before: number, now: number): boolean {
  if (s.limitBytes !== undefined || before === now) return false;
  return now === 0 || before === 0 || now > before;
}

/** `read`'s answer, or undefined with the router's error kept in `errors` (any other error is thrown). */
export async function orRouterError<T>(
  read: () => Promise<T>,
  errors: RouterError[],
): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    errors.push(err);
    return undefined;
  }
}

/** The user limit each device was last logged in again under (`code\nmac` → limit), per enforcer. */
export type Relogged = Map<string, number>;

/**
 * Keeps each capped voucher's hotspot user at `limit-bytes-total` = what the router has counted for it (its
 * ended sessions, on the user, plus its sessions now, from the snapshot that fed the ledger) + what it may still
 * move, so RouterOS cuts it at the cap. Written only when missing or off by more than BYTE_LIMIT_SLACK; cleared
 * (0) while no limit is wanted. A voucher whose sessions' bytes the snapshot lacks is left for the next poll.
 *
 * RouterOS fixes a session's limit at login, so a session whose limit no longer matches the allowance is logged
 * out and in again (by MAC and IP) once the user holds the new limit: the customer does nothing. Once per device
 * and user limit (`relogged`), so a router that does not list a session's limit is not asked again every poll.
 */
export async function keepByteLimits(
  hotspot: ManagedHotspot,
  caps: readonly ByteCap[],
  sessions: readonly SessionInfo[],
  errors: RouterError[],
  relogged: Relogged = new Map(),
): Promise<{ written: number; relogged: number }> {
  if (caps.length === 0) return { written: 0, relogged: 0 };
  const live = new Map<string, number | undefined>();
  for (const s of sessions) {
    const before = live.has(s.user) ? live.get(s.user) : 0;
    live.set(s.user, before === undefined || s.bytes === undefined ? undefined : before + s.bytes);
  }
  const users = await orRouterError(() => hotspot.userBytes(caps.map((c) => c.code)), errors);
  if (!users) return { written: 0, relogged: 0 };
  // The router's own users by name: the order names vouchers by code, the router's ids are its own.
  const byName = new Map(users.map((u) => [u.name, u]));
  let written = 0;
  const again: Relogin[] = [];
  const capped = new Set<string>();
  for (const cap of caps) {
    const user = byName.get(cap.code);
    if (!user) continue;
    const online = live.has(cap.code) ? live.get(cap.code) : 0;
    if (online === undefined) continue;
    capped.add(cap.code);
    const want = cap.left === null ? 0 : user.bytes + online + cap.left;
    const off =
      want === 0 ? user.limit !== 0 : user.limit === 0 || Math.abs(user.limit - want) > BYTE_LIMIT_SLACK;
    let limit = user.limit;
    const before = user.limit;
    if (off) {
      const set = () => hotspot.setUserByteLimit(user.id, want).then(() => true);
      if (!(await orRouterError(set, errors))) continue;
      written++;
      limit = want;
    }
    for (const s of sessions) {
      const key = `${s.user}\n${s.mac}`;
      if (s.user !== cap.code || relogged.get(key) === limit) continue;
      if (!sessionLimitStale(s, cap.left) && !unprintedLimitStale(s, before, limit)) continue;
      const ip = s.hostIp ?? s.ip;
      if (!ip) continue;
      relogged.set(key, limit);
      again.push({ id: s.id, user: s.user, password: cap.password, mac: s.mac, ip });
    }
  }
  // Devices that left, or whose voucher holds no cap any more, are forgotten.
  const present = new Set(sessions.map((s) => `${s.user}\n${s.mac}`));
  for (const key of relogged.keys())
    if (!present.has(key) || !capped.has(key.slice(0, key.indexOf('\n')))) relogged.delete(key);
  const back = again.length > 0 ? await hotspot.relogin(again, errors) : 0;
  return { written, relogged: back };
}

/** The router's users of the codes named removed; returns the codes whose user is gone now (or was not there). */
export async function removeLoginsOf(
  hotspot: ManagedHotspot,
  codes: readonly string[],
  errors: RouterError[],
): Promise<string[]> {
  const users = await orRouterError(() => hotspot.userBytes(codes), errors);
  if (!users) return [];
  const idOf = new Map(users.map((u) => [u.name, u.id]));
  const ids = codes.map((c) => idOf.get(c)).filter((id): id is string => id !== undefined);
  const gone = new Set(ids.length > 0 ? await hotspot.removeUsers(ids, errors) : []);
  return codes.filter((c) => {
    const id = idOf.get(c);
    return id === undefined || gone.has(id);
  });
}

/**
 * The connected time the router counted for the users of these codes from their ended sessions (`uptime`, which
 * `limit-uptime` is held against), by code; the usage source's `readEndedSeconds`. Throws the router's error.
 */
export async function endedSecondsOf(
  hotspot: ManagedHotspot,
  codes: readonly string[],
): Promise<Map<string, number>> {
  return new Map((await hotspot.userBytes(codes)).map((u) => [u.name, u.seconds]));
}
