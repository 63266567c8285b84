/**
 * `/ip/hotspot` runtime menus (docs/routeros.md "Active sessions and hosts"): active sessions, hosts and cookies.
 * They list what the hotspot holds now; their only verbs are a login and removals.
 */
import type { HotspotLogin } from '../hotspot-login';
import type { Row } from '../query';
import type { Hotspot } from '../sessions';
import type { ActiveItem, CookieItem, HostItem } from '../state';
import { formatDuration, formatSeconds } from '../values';
import { eachTarget, Menu, SimCore, tableMenu } from './common';
import { counterFields } from './hotspot';

/**
 * `/ip/hotspot/active`: ✔ a session's limits are listed when it has them (`idle-timeout`, `limit-bytes-total`);
 * `radius` says whether RADIUS authenticated it. Its `login` waits for a RADIUS answer when it asks one.
 */
export function activeMenu(
  core: SimCore,
  hotspot: Hotspot,
  login: HotspotLogin,
  byteLimitPrinted: () => boolean = () => true,
): Menu {
  const active = core.state.active;
  const render = (a: ActiveItem): Row => {
    const left = hotspot.timeLeft(a);
    const idle = hotspot.idleTimeout(a);
    const row: Row = {
      '.id': a.id,
      server: a.server,
      user: a.user,
      domain: '',
      address: a.ip,
      'mac-address': a.mac,
      'login-by': a.loginBy,
      uptime: formatSeconds(hotspot.sessionUptime(a)),
      'idle-time': formatSeconds(hotspot.idleTime(a)),
    };
    if (left !== null) row['session-time-left'] = formatSeconds(left);
    if (idle > 0) row['idle-timeout'] = formatDuration(idle);
    const bytesLimit = a.fixed?.bytesTotal ?? a.radius?.limitBytesTotal;
    if (bytesLimit && byteLimitPrinted()) row['limit-bytes-total'] = String(bytesLimit);
    return Object.assign(row, counterFields(a.counters), {
      radius: String(a.radius !== undefined),
      blocked: 'false',
    });
  };
  return tableMenu('/ip/hotspot/active', active, render, {
    login: (args) => {
      const session = login.login({
        user: args.get('user'),
        password: args.get('password'),
        ip: args.get('ip'),
        mac: args.get('mac-address'),
      });
      if (session instanceof Promise) return session.then(() => undefined);
    },
    remove: eachTarget(active, (a) => hotspot.logout(a)),
  });
}

export function hostMenu(core: SimCore, hotspot: Hotspot): Menu {
  const hosts = core.state.hosts;
  const now = (): number => core.now();
  // ✖ docs/routeros.md "Active sessions and hosts": the API names of the host flags are unconfirmed;
  // `authorized`/`bypassed` follow the CLI flags.
  const render = (h: HostItem): Row => ({
    '.id': h.id,
    'mac-address': h.mac,
    address: h.ip,
    'to-address': h.ip,
    server: h.server,
    uptime: formatSeconds((now() - h.foundAt) / 1000),
    'idle-time': formatSeconds((now() - h.lastSeenAt) / 1000),
    ...counterFields(h.counters),
    authorized: String(h.authorized),
    bypassed: String(hotspot.isBypassed(h)),
    dynamic: 'true',
  });
  return tableMenu('/ip/hotspot/host', hosts, render, {
    remove: eachTarget(hosts, (h) => hotspot.removeHost(h)),
  });
}

/**
 * `/ip/hotspot/cookie`: ✔ `user domain mac-address expires-in`, read-only; `remove` forgets one (that browser must
 * log in with its code again). A cookie past its lifetime is not listed.
 */
export function cookieMenu(core: SimCore): Menu {
  const cookies = core.state.cookies;
  const render = (c: CookieItem): Row => ({
    '.id': c.id,
    user: c.user,
    domain: '',
    'mac-address': c.mac,
    'expires-in': formatSeconds(Math.max(0, (c.expiresAt - core.now()) / 1000)),
  });
  return tableMenu(
    '/ip/hotspot/cookie',
    cookies,
    render,
    { remove: eachTarget(cookies, (c) => cookies.remove(c)) },
    { rows: () => cookies.list.filter((c) => c.expiresAt > core.now()).map(render) },
  );
}
