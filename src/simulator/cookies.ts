/** The hotspot's HTTP cookies (`/ip/hotspot/cookie`, docs/routeros.md "Hotspot cookies"). */
import { randomBytes } from 'node:crypto';
import type { ActiveItem, CookieItem, HostItem, RouterState } from './state';
import { parseDuration } from './values';

/** ✖ The name of the browser cookie the hotspot sets (the value is what `/ip/hotspot/cookie` keeps for it). */
export const HOTSPOT_COOKIE = 'hotspot-cookie';

/** The server profile a hotspot server names (none when it names one that does not exist). */
const profileOf = (state: RouterState, server: string): Record<string, string> | undefined =>
  state.serverProfiles.byNameGet(state.servers.byNameGet(server)?.cfg.profile ?? 'default')?.cfg;
const methodsOf = (state: RouterState, server: string): string[] =>
  (profileOf(state, server)?.['login-by'] ?? '').split(',');

/**
 * ✔ An HTTP login on a server whose profile's `login-by` has `cookie` leaves a cookie for that browser, valid for
 * the profile's `http-cookie-lifetime`. ✖ The simulator's API logins stand for the external portal's HTTP login
 * (`login-by` http-pap), so they get one too; a later login of the same user on the same device renews it.
 * `password`: what the login was made with, which a cookie login uses again.
 */
export function giveCookie(
  state: RouterState,
  now: number,
  session: ActiveItem,
  password: string,
): CookieItem | undefined {
  if (!methodsOf(state, session.server).includes('cookie')) return undefined;
  const lifetime = parseDuration(profileOf(state, session.server)?.['http-cookie-lifetime'] ?? '3d') ?? 0;
  const cookies = state.cookies;
  for (const c of cookies.list.filter((c) => c.user === session.user && c.mac === session.mac))
    cookies.remove(c);
  const userProfile = state.profiles.byNameGet(session.profile)?.cfg;
  const cookie: CookieItem = {
    id: cookies.newId(),
    cfg: {},
    dynamic: true,
    user: session.user,
    mac: session.mac,
    expiresAt: now + lifetime * 1000,
    password,
    token: randomBytes(16).toString('hex'),
    macCookie: (userProfile?.['add-mac-cookie'] ?? 'true') === 'true',
  };
  cookies.insert(cookie);
  return cookie;
}

/**
 * The cookie a device comes back with, if it may log in by one: ◐ the browser's own cookie (`token`) when
 * `login-by` has `cookie` (MikroTik's manual: the cookie is compared with the one the router keeps, and only when
 * the MAC address and its random id match is the user logged in, with the login information the cookie was made
 * with); with `mac-cookie`, any MAC cookie of the device, no browser needed. A cookie past its lifetime or
 * removed (`/ip/hotspot/cookie/remove`) logs nobody in.
 */
export function cookieOf(
  state: RouterState,
  now: number,
  host: HostItem,
  token: string | undefined,
): CookieItem | undefined {
  const methods = methodsOf(state, host.server);
  const valid = state.cookies.list.filter((c) => c.mac === host.mac && c.expiresAt > now);
  const byBrowser = token && methods.includes('cookie') ? valid.find((c) => c.token === token) : undefined;
  if (byBrowser) return byBrowser;
  if (!methods.includes('mac-cookie')) return undefined;
  return valid.filter((c) => c.macCookie).at(-1);
}
