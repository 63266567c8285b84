/**
 * Writing the hotspot users that mirror our vouchers (name = the code; password = the voucher's separate
 * password, or the code), so a code also works on the router's own login page while the controller is down. Ours carry the comment `pisonet <PROFILE>`; users
 * without it were made by someone else and are never touched.
 */
import { formatRouterDuration, parseRouterDuration } from '../../domain/units';
import type { RosAttrs, RouterClient } from '../types';
import { RouterError } from '../../domain/errors';
import { USER_MENU } from './snapshot';

/** Any MAC: a hotspot user with this `mac-address` is not bound to a device. */
export const ANY_MAC = '00:00:00:00:00:00';
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
}

/** A hotspot user as the router holds it; `ours` when it carries our comment. */
export interface UserOnRouter {
  id: string;
  name: string;
  ours: boolean;
  profile: string;
  server: string;
  limitSeconds: number | null;
  mac: string | null;
  comment: string;
  disabled: boolean;
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
  };
}

export const USER_PROPS = [
  '.id',
  'name',
  'profile',
  'server',
  'limit-uptime',
  'mac-address',
  'comment',
  'disabled',
];

function seconds(value: string | undefined): number | null {
  try {
    const s = parseRouterDuration(value ?? '', 'limit-uptime');
    return s === null || s === 0 ? null : s;
  } catch {
    return -1; // unreadable: differs from any wanted value, so it is rewritten
  }
}

export function userOnRouter(row: Record<string, string>): UserOnRouter {
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
  if (have.disabled) c.disabled = 'false';
  return c;
}

/** The `.id` of the hotspot user named `code`, or undefined. */
export async function findUser(router: RouterClient, code: string): Promise<string | undefined> {
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

export function setUser(router: RouterClient, id: string, attrs: RosAttrs): Promise<void> {
  return router.set(USER_MENU, id, attrs);
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
