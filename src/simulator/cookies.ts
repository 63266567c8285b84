/** The hotspot's HTTP cookies (`/ip/hotspot/cookie`, docs/routeros.md "Hotspot cookies"). */
import type { ActiveItem, CookieItem, RouterState } from './state';
import { parseDuration } from './values';

/**
 * ✔ An HTTP login on a server whose profile's `login-by` has `cookie` leaves a cookie for that browser, valid for
 * the profile's `http-cookie-lifetime`. ✖ The simulator's API logins stand for the external portal's HTTP login
 * (`login-by` http-pap), so they get one too; a later login of the same user on the same device renews it.
 */
export function giveCookie(state: RouterState, now: number, session: ActiveItem): void {
  const server = state.servers.byNameGet(session.server);
  const profile = state.serverProfiles.byNameGet(server?.cfg.profile ?? 'default');
  const methods = (profile?.cfg['login-by'] ?? '').split(',');
  if (!methods.includes('cookie')) return;
  const lifetime = parseDuration(profile?.cfg['http-cookie-lifetime'] ?? '3d') ?? 0;
  const cookies = state.cookies;
  for (const c of cookies.list.filter((c) => c.user === session.user && c.mac === session.mac))
    cookies.remove(c);
  const cookie: CookieItem = {
    id: cookies.newId(),
    cfg: {},
    dynamic: true,
    user: session.user,
    mac: session.mac,
    expiresAt: now + lifetime * 1000,
  };
  cookies.insert(cookie);
}
