/**
 * Writing the hotspot users that mirror our vouchers (name = the code; password = the voucher's separate
 * password, or the code), so a code also works on the router's own login page while the controller is down. Ours carry the comment `pisonet <PROFILE>`; users
 * without it were made by someone else and are never touched.
 */
import { formatRouterDuration, parseRouterDuration } from '../../domain/units';
import type { RosAttrs, RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { printNamed } from '../named-print';
import { uptime } from './row-parse';
import { COOKIE_MENU, USER_MENU } from './snapshot';

/** Any MAC: a hotspot user with this `mac-address` is not bound to a device. */
const ANY_MAC = '00:00:00:00:00:00';
const COMMENT_PREFIX = 'pisonet ';

/** What a voucher's hotspot user should be. */
export interface VoucherUser {
  /** Our voucher id (for the caller's bookkeeping). */
  id: number;
  code: string;
  /** The voucher's separate password; null: the password is the code. */
  password: string | null;
  profileName: string;
  /** `limit-uptime` in seconds; null = no limit on the router (staff, unlimited profiles). */
  limitSeconds: number | null;
  /** Bound to this MAC (one-device vouchers once used), or any MAC. */
  mac: string | null;
  /**
   * `limit-bytes-total` for a new user (a cap the router holds: the bytes it may still move); absent: none. Only
   * written when the user is added; the poll keeps it in step after that (services/network/usage/enforcer.ts).
   */
  limitBytes?: number;
  /** Disabled: its voucher is paused, so no login with it (typed, or a browser's or MAC's cookie) is let in. */
  disabled?: boolean;
}

export interface UserPlacement {
  hotspotServer: string;
  hotspotUserProfile: string;
}

const commentFor = (profileName: string) => `${COMMENT_PREFIX}${profileName}`;

/** The hotspot user's password: RouterOS checks it, case and all, on its login page and on an API login. */
export function userPassword(u: { code: string; password?: string | null }): string {
  return u.password ?? u.code;
}

export function userAddAttrs(where: UserPlacement, u: VoucherUser): RosAttrs {
  return {
    name: u.code,
    password: userPassword(u),
    profile: where.hotspotUserProfile,
    server: where.hotspotServer,
    'limit-uptime': u.limitSeconds === null ? undefined : formatRouterDuration(u.limitSeconds),
    comment: commentFor(u.profileName),
    'mac-address': u.mac ?? undefined,
    'limit-bytes-total': u.limitBytes !== undefined && u.limitBytes > 0 ? String(u.limitBytes) : undefined,
    disabled: u.disabled ? 'true' : undefined,
  };
}

const USER_PROPS = ['.id', 'name', 'profile', 'server', 'limit-uptime', 'mac-address', 'comment', 'disabled'];

function seconds(value: string | undefined): number | null {
  try {
    const s = parseRouterDuration(value ?? '', 'limit-uptime');
    return s === null || s === 0 ? null : s;
  } catch {
    return -1; // unreadable: differs from any wanted value, so it is rewritten
  }
}

/** A hotspot user as the router holds it; `ours` when it carries our comment. */
export type UserOnRouter = ReturnType<typeof userOnRouter>;

function userOnRouter(row: Record<string, string>) {
  const mac = row['mac-address'];
  const comment = row.comment ?? '';
  return {
    id: row['.id'] ?? '',
    name: row.name ?? '',
    ours: comment.startsWith(COMMENT_PREFIX),
    profile: row.profile ?? 'default',
    server: row.server ?? 'all',
    limitSeconds: seconds(row['limit-uptime']),
    mac: mac && mac !== ANY_MAC ? mac : null,
    comment,
    disabled: row.disabled === 'true',
  };
}

/** Every hotspot user with the properties we manage (one print, however many vouchers). */
export async function readUsers(router: RouterClient): Promise<UserOnRouter[]> {
  const rows = await router.print(USER_MENU, { proplist: USER_PROPS });
  return rows.map(userOnRouter);
}

/** What `set` must change so the user matches (empty when it does); the password is never printed back. */
export function userChanges(where: UserPlacement, want: VoucherUser, have: UserOnRouter): RosAttrs {
  const c: RosAttrs = {};
  if (have.profile !== where.hotspotUserProfile) c.profile = where.hotspotUserProfile;
  if (have.server !== where.hotspotServer) c.server = where.hotspotServer;
  if (have.limitSeconds !== want.limitSeconds)
    c['limit-uptime'] = want.limitSeconds === null ? '0s' : formatRouterDuration(want.limitSeconds);
  if (have.mac !== want.mac) c['mac-address'] = want.mac ?? ANY_MAC;
  if (have.comment !== commentFor(want.profileName)) c.comment = commentFor(want.profileName);
  if (have.disabled !== Boolean(want.disabled)) c.disabled = want.disabled ? 'true' : 'false';
  return c;
}

/** The `.id` of the hotspot user named `code`, or undefined. */
async function findUser(router: RouterClient, code: string): Promise<string | undefined> {
  const rows = await router.print(USER_MENU, { proplist: ['.id', 'name'], query: [`name=${code}`] });
  return rows.find((r) => r.name === code)?.['.id'];
}

/**
 * Adds one user; a duplicate name means an earlier attempt reached the router but its reply was lost, so the
 * existing user is looked up. Throws other router errors.
 */
export async function addUser(router: RouterClient, where: UserPlacement, u: VoucherUser): Promise<string> {
  try {
    return await router.add(USER_MENU, userAddAttrs(where, u));
  } catch (err) {
    if (!(err instanceof RouterError && err.code === 'ROUTER_DUPLICATE')) throw err;
    const id = await findUser(router, u.code);
    if (!id) throw err;
    return id;
  }
}

/**
 * A paused voucher's user is disabled and its cookies forgotten, a resumed one's enabled again. RouterOS checks
 * the user at every login, a cookie's too (the cookie only stands for the code typed), so a disabled user logs in
 * no way; its cookies go as well, so that nothing of the pause's device outlives it on the router.
 */
export async function holdUser(router: RouterClient, id: string, code: string, held: boolean): Promise<void> {
  await router.set(USER_MENU, id, { disabled: held ? 'true' : 'false' });
  if (!held) return;
  const cookies = await router.print(COOKIE_MENU, { proplist: ['.id', 'user'], query: [`user=${code}`] });
  const ids = cookies.filter((c) => c.user === code).map((c) => c['.id'] ?? '');
  // One at a time: a cookie past its lifetime between the print and the remove is gone all the same.
  await Promise.all(
    ids.map((c) =>
      router.remove(COOKIE_MENU, [c]).catch((err: unknown) => {
        if (!(err instanceof RouterError && err.code === 'ROUTER_NO_SUCH_ITEM')) throw err;
      }),
    ),
  );
}

export function bindUser(router: RouterClient, id: string, mac: string | null): Promise<void> {
  return router.set(USER_MENU, id, { 'mac-address': mac ?? ANY_MAC });
}

/** New limit and comment after an extension or a change of profile. */
export function updateUserPlan(
  router: RouterClient,
  id: string,
  profileName: string,
  limitSeconds: number | null,
): Promise<void> {
  return router.set(USER_MENU, id, {
    // 0s = no limit on RouterOS
    'limit-uptime': limitSeconds === null ? '0s' : formatRouterDuration(limitSeconds),
    comment: commentFor(profileName),
  });
}

/**
 * A hotspot user's bytes and time as the router counts them (ended sessions; `bytes-in` + `bytes-out`, `uptime`)
 * and its byte limit.
 */
export type UserBytes = Awaited<ReturnType<typeof readUserBytes>>[number];

const count = (v: string | undefined): number => {
  const n = Number(v ?? '0');
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

/** The byte and time counters and byte limits of the users named (named-print.ts: 100 names a print). */
export async function readUserBytes(router: RouterClient, names: readonly string[]) {
  const rows = await printNamed(router, USER_MENU, names, {
    proplist: ['.id', 'name', 'bytes-in', 'bytes-out', 'uptime', 'limit-bytes-total'],
  });
  return rows.map((r) => ({
    id: r['.id'] ?? '',
    name: r.name ?? '',
    /** Bytes of its ended sessions (RouterOS adds a session's bytes to its user when the session ends). */
    bytes: count(r['bytes-in']) + count(r['bytes-out']),
    /** Seconds of its ended sessions (added to the user the same way; what `limit-uptime` is held against). */
    seconds: uptime(r.uptime),
    /** `limit-bytes-total`; 0 = none. */
    limit: count(r['limit-bytes-total']),
  }));
}

/** Sets a user's `limit-bytes-total` (plain integer bytes; 0 = none). */
export function setUserByteLimit(router: RouterClient, id: string, bytes: number): Promise<void> {
  return router.set(USER_MENU, id, { 'limit-bytes-total': String(bytes) });
}

/**
 * Raises the byte limit of the user named `code` by `bytes` (a top-up), when it has one; false when it has none
 * or is not there (the poll sets it then).
 */
export async function raiseUserByteLimit(
  router: RouterClient,
  code: string,
  bytes: number,
): Promise<boolean> {
  const user = (await readUserBytes(router, [code])).find((u) => u.name === code);
  if (!user || user.limit === 0) return false;
  await setUserByteLimit(router, user.id, user.limit + bytes);
  return true;
}
