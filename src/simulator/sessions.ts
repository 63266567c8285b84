/**
 * Hotspot runtime: hosts (devices the hotspot sees), logins and logouts. Logins are checked the way the
 * hotspot does (docs/routeros.md "Hotspot user limits", "Login refusals"); the exact error texts are
 * unconfirmed and live in messages.ts.
 */
import {
  CATEGORY,
  LOGIN_ERR_ALREADY,
  LOGIN_ERR_BAD_CREDENTIALS,
  LOGIN_ERR_BLOCKED,
  LOGIN_ERR_MAC_REQUIRED,
  LOGIN_ERR_WRONG_MAC,
  loginErrMacNotAllowed,
  loginErrSharedUsers,
  loginErrTrafficLimit,
  loginErrUnknownHost,
  loginErrUptimeLimit,
  msgInvalidValue,
  Trap,
} from './messages';
import type { Dhcp } from './dhcp';
import type { RouterLog } from './log';
import {
  ActiveItem,
  CookieItem,
  HostItem,
  newQueueRuntime,
  QueueItem,
  RouterState,
  UserItem,
  zeroCounters,
} from './state';
import { QUEUE_DEFAULTS } from './menus/queue';
import { ipToInt, normaliseMac, parseDuration, parseRateLimit, RateLimit, formatDuration } from './values';

const ANY_MAC = '00:00:00:00:00:00';

/** Why a session ended, as the hotspot's log line words it (docs/routeros.md "Log"). */
export type LogoutReason = 'admin reset' | 'session timeout' | 'traffic limit reached' | 'lost dhcp lease';

export class Hotspot {
  /**
   * @param usageChanged a user's accumulated usage changed (it is persisted with the config).
   * @param log the router's log: logins, logouts and refused logins are written to it.
   * @param dhcp the network's DHCP server: every device seen has a lease.
   */
  constructor(
    private readonly state: RouterState,
    private readonly now: () => number,
    private readonly usageChanged: () => void,
    private readonly log: RouterLog,
    private readonly dhcp: Dhcp,
  ) {}

  /** A device appears on the hotspot network (DHCP lease + first packet); `hostName` is what its DHCP asked with. */
  addDevice(macText: string, ip: string, server?: string, hostName?: string): HostItem {
    const mac = normaliseMac(macText);
    if (!mac || ipToInt(ip) === null) throw new Error(`bad device ${macText} ${ip}`);
    const existing = this.state.hostsByMac.get(mac);
    if (existing) {
      this.setDeviceIp(mac, ip);
      return existing;
    }
    this.dhcp.assign(mac, ip, hostName ?? this.dhcp.lease(mac)?.hostName);
    const t = this.now();
    const host: HostItem = {
      id: this.state.hosts.newId(),
      cfg: {},
      dynamic: true,
      mac,
      ip,
      server: server ?? this.defaultServer(),
      foundAt: t,
      lastSeenAt: t,
      counters: zeroCounters(),
      authorized: false,
      rate: [0, 0],
      rateUntil: 0,
    };
    this.state.hosts.insert(host);
    return host;
  }

  /** The device got a new IP: its session and dynamic queue follow it. */
  setDeviceIp(macText: string, ip: string): void {
    const host = this.host(macText);
    this.dhcp.assign(host.mac, ip, this.dhcp.lease(host.mac)?.hostName);
    host.ip = ip;
    for (const a of this.state.active.list.filter((s) => s.mac === host.mac)) {
      a.ip = ip;
      const q = a.queueId ? this.state.queues.get(a.queueId) : undefined;
      if (q) this.state.queues.update(q, { target: `${ip}/32` });
    }
    this.state.hosts.emit('set', host);
  }

  /**
   * After a reboot the hotspot's host list starts empty and fills again as devices send traffic: the same
   * devices come back with new `.id`s, zero counters, not logged in. A device whose server has gone is seen
   * by the first server.
   */
  rediscoverHosts(): void {
    const devices = this.state.hosts.list.map((h) => ({ mac: h.mac, ip: h.ip, server: h.server }));
    this.state.hosts.clear();
    for (const d of devices) {
      const server = this.state.servers.byNameGet(d.server) ? d.server : undefined;
      this.addDevice(d.mac, d.ip, server);
    }
  }

  /** The device left: its lease is freed, and the hotspot drops it (its sessions end). */
  removeDevice(macText: string): void {
    const host = this.state.hostsByMac.get(normaliseMac(macText) ?? '');
    if (!host) return;
    this.dhcp.releaseMac(host.mac);
    this.removeHost(host, 'lost dhcp lease');
  }

  removeHost(host: HostItem, reason: LogoutReason = 'admin reset'): void {
    for (const a of this.state.active.list.filter((s) => s.mac === host.mac)) this.logout(a, reason);
    this.state.hosts.remove(host);
  }

  host(macText: string): HostItem {
    const host = this.state.hostsByMac.get(normaliseMac(macText) ?? '');
    if (!host) throw new Error(`no device with MAC ${macText}`);
    return host;
  }

  private defaultServer(): string {
    return this.state.servers.list[0]?.cfg.name ?? 'hotspot1';
  }

  isBypassed(host: HostItem): boolean {
    return this.bindingType(host) === 'bypassed';
  }

  private bindingType(host: HostItem): string | undefined {
    const b = this.state.bindings.list.find(
      (i) =>
        i.cfg.disabled !== 'true' &&
        ((i.cfg['mac-address'] && i.cfg['mac-address'] === host.mac) ||
          (i.cfg.address && i.cfg.address === host.ip)),
    );
    return b?.cfg.type;
  }

  /**
   * `/ip/hotspot/active/login`. The device must be one the hotspot sees: its IP in the host list, with the
   * MAC given. A login never creates a host (a real router has no way to reach a device it has not seen),
   * so a test must add the device first (`addDevice`). Then the credentials, then the account's own limits.
   * All texts: messages.ts.
   */
  login(args: { user?: string; password?: string; ip?: string; mac?: string }): ActiveItem {
    try {
      const session = this.tryLogin(args);
      this.log.write('hotspot,account,info,debug', `${session.user} (${session.ip}): logged in`);
      return session;
    } catch (err) {
      // ◐ a refused login is logged with its reason, under the name and address it was tried with.
      if (err instanceof Trap)
        this.log.write(
          'hotspot,info,debug',
          `${args.user ?? ''} (${args.ip ?? ''}): login failed: ${err.message}`,
        );
      throw err;
    }
  }

  private tryLogin(args: { user?: string; password?: string; ip?: string; mac?: string }): ActiveItem {
    const host = this.hostFor(args.ip, args.mac);
    const user = args.user !== undefined ? this.state.users.byNameGet(args.user) : undefined;
    if (
      !user ||
      (user.cfg.password ?? '') !== (args.password ?? '') ||
      user.cfg.disabled === 'true' ||
      (user.cfg.server && user.cfg.server !== 'all' && user.cfg.server !== host.server)
    )
      throw loginTrap(LOGIN_ERR_BAD_CREDENTIALS);
    const name = user.cfg.name;
    const bound = user.cfg['mac-address'];
    if (bound && bound !== ANY_MAC && bound !== host.mac) throw loginTrap(loginErrMacNotAllowed(name));
    if (this.bindingType(host) === 'blocked') throw loginTrap(LOGIN_ERR_BLOCKED);
    if (host.authorized) throw loginTrap(LOGIN_ERR_ALREADY);
    const limit = parseDuration(user.cfg['limit-uptime'] ?? '0') ?? 0;
    if (limit > 0 && user.uptime >= limit) throw loginTrap(loginErrUptimeLimit(name));
    if (overBytes(user)) throw loginTrap(loginErrTrafficLimit(name));
    const profile = this.state.profiles.byNameGet(user.cfg.profile ?? 'default');
    const shared = profile?.cfg['shared-users'] ?? '1';
    const sessions = this.state.active.list.filter((a) => a.userId === user.id).length;
    if (shared !== 'unlimited' && sessions >= Number(shared)) throw loginTrap(loginErrSharedUsers(name));
    return this.startSession(user, host, profile?.cfg ?? {});
  }

  /** The host the login is for: found by IP, and it must have the MAC given. */
  private hostFor(ip: string | undefined, macText: string | undefined): HostItem {
    if (macText === undefined || macText === '') throw new Trap(LOGIN_ERR_MAC_REQUIRED, CATEGORY.argument);
    const mac = normaliseMac(macText);
    if (mac === null) throw new Trap(msgInvalidValue('mac-address'), CATEGORY.argument);
    // ✖ A login without an IP: refused like a malformed one.
    if (ip === undefined || ipToInt(ip) === null) throw new Trap(msgInvalidValue('ip'), CATEGORY.argument);
    const host = this.state.hosts.list.find((h) => h.ip === ip);
    if (!host) throw loginTrap(loginErrUnknownHost(ip));
    if (host.mac !== mac) throw loginTrap(LOGIN_ERR_WRONG_MAC);
    return host;
  }

  private startSession(user: UserItem, host: HostItem, profile: Record<string, string>): ActiveItem {
    const session: ActiveItem = {
      id: this.state.active.newId(),
      cfg: {},
      userId: user.id,
      user: user.cfg.name,
      mac: host.mac,
      ip: host.ip,
      server: host.server,
      loginAt: this.now(),
      // ✖ what login-by shows for an API login; http-pap is what an external portal's POST gives.
      loginBy: 'http-pap',
      counters: zeroCounters(),
    };
    const rl = profile['rate-limit'] ? parseRateLimit(profile['rate-limit']) : null;
    if (rl) session.queueId = this.addSessionQueue(user.cfg.name, host.ip, rl, profile);
    host.authorized = true;
    this.state.active.insert(session);
    this.state.hosts.emit('set', host);
    this.giveCookie(session);
    return session;
  }

  /**
   * ✔ An HTTP login on a server whose profile's `login-by` has `cookie` leaves a cookie for that browser, valid for
   * the profile's `http-cookie-lifetime`. ✖ The simulator's logins stand for the external portal's HTTP login
   * (`login-by` http-pap), so they get one; a later login of the same user on the same device renews it.
   */
  private giveCookie(session: ActiveItem): void {
    const server = this.state.servers.byNameGet(session.server);
    const profile = this.state.serverProfiles.byNameGet(server?.cfg.profile ?? 'default');
    const methods = (profile?.cfg['login-by'] ?? '').split(',');
    if (!methods.includes('cookie')) return;
    const lifetime = parseDuration(profile?.cfg['http-cookie-lifetime'] ?? '3d') ?? 0;
    const cookies = this.state.cookies;
    for (const c of cookies.list.filter((c) => c.user === session.user && c.mac === session.mac))
      cookies.remove(c);
    const cookie: CookieItem = {
      id: cookies.newId(),
      cfg: {},
      dynamic: true,
      user: session.user,
      mac: session.mac,
      expiresAt: this.now() + lifetime * 1000,
    };
    cookies.insert(cookie);
  }

  /** Cookies past their lifetime are gone. */
  expireCookies(): void {
    this.state.cookies.clear((c) => c.expiresAt <= this.now());
  }

  /**
   * ✔ [HSU] a profile with rate-limit gets a dynamic simple queue at login; ◐ named `<hotspot-USER>`;
   * position from the profile's insert-queue-before (✖ default: we use `first`).
   */
  private addSessionQueue(user: string, ip: string, rl: RateLimit, profile: Record<string, string>): string {
    const queues = this.state.queues;
    let name = `<hotspot-${user}>`;
    // ✖ a second session of a shared user: RouterOS's naming is unknown; keep names unique.
    for (let n = 2; queues.byNameGet(name); n++) name = `<hotspot-${user}-${n}>`;
    const p = (x: [number, number]): string => `${x[0]}/${x[1]}`;
    const cfg = {
      ...QUEUE_DEFAULTS,
      name,
      target: `${ip}/32`,
      parent:
        profile['parent-queue'] && queues.byNameGet(profile['parent-queue'])
          ? profile['parent-queue']
          : 'none',
      'max-limit': p(rl.maxLimit),
      'limit-at': p(rl.limitAt),
      'burst-limit': p(rl.burstLimit),
      'burst-threshold': rl.burstLimit[0] || rl.burstLimit[1] ? p(rl.burstThreshold) : '0/0',
      'burst-time': `${formatDuration(rl.burstTime[0])}/${formatDuration(rl.burstTime[1])}`,
      priority: `${rl.priority}/${rl.priority}`,
    };
    const q: QueueItem = { id: queues.newId(), cfg, dynamic: true, ...newQueueRuntime() };
    const where = profile['insert-queue-before'] ?? 'first';
    const before =
      where === 'bottom' ? undefined : where === 'first' ? queues.list[0] : queues.byNameGet(where);
    queues.insert(q, before);
    return q.id;
  }

  /**
   * Log out: the session's time and bytes are added to the user (updated when the session ends,
   * docs/routeros.md "Hotspot user limits").
   */
  logout(session: ActiveItem, reason: LogoutReason = 'admin reset'): void {
    this.log.write('hotspot,account,info,debug', `${session.user} (${session.ip}): logged out: ${reason}`);
    const user = this.state.users.get(session.userId);
    if (user) {
      user.uptime += this.sessionUptime(session);
      for (const k of Object.keys(user.counters) as (keyof typeof user.counters)[])
        user.counters[k] += session.counters[k];
      this.state.users.emit('set', user);
      this.usageChanged();
    }
    const q = session.queueId ? this.state.queues.get(session.queueId) : undefined;
    if (q) this.state.queues.remove(q);
    const host = this.state.hostsByMac.get(session.mac);
    if (host) {
      host.authorized = false;
      this.state.hosts.emit('set', host);
    }
    this.state.active.remove(session);
  }

  sessionUptime(session: ActiveItem): number {
    return Math.max(0, (this.now() - session.loginAt) / 1000);
  }

  /** Seconds left before limit-uptime or the profile's session-timeout ends the session, or null. */
  timeLeft(session: ActiveItem): number | null {
    const user = this.state.users.get(session.userId);
    if (!user) return null;
    const up = this.sessionUptime(session);
    const limits: number[] = [];
    const limit = parseDuration(user.cfg['limit-uptime'] ?? '0') ?? 0;
    if (limit > 0) limits.push(limit - user.uptime - up);
    const profile = this.state.profiles.byNameGet(user.cfg.profile ?? 'default');
    const timeout = parseDuration(profile?.cfg['session-timeout'] ?? '0') ?? 0;
    if (timeout > 0) limits.push(timeout - up);
    return limits.length ? Math.max(0, Math.min(...limits)) : null;
  }

  /** End sessions (all, or those given) whose time or traffic allowance is used up. */
  enforceLimits(sessions: readonly ActiveItem[] = this.state.active.list): void {
    for (const s of [...sessions]) {
      const left = this.timeLeft(s);
      const user = this.state.users.get(s.userId);
      // ✖ a limit-uptime that ran out is logged like the profile's session-timeout.
      if (left !== null && left <= 0) this.logout(s, 'session timeout');
      else if (user && overBytes(user, s)) this.logout(s, 'traffic limit reached');
    }
  }
}

function overBytes(user: UserItem, session?: ActiveItem): boolean {
  const inB = user.counters.bytesIn + (session?.counters.bytesIn ?? 0);
  const outB = user.counters.bytesOut + (session?.counters.bytesOut ?? 0);
  const lim = (k: string): number => Number(user.cfg[k] ?? '0');
  return (
    (lim('limit-bytes-in') > 0 && inB >= lim('limit-bytes-in')) ||
    (lim('limit-bytes-out') > 0 && outB >= lim('limit-bytes-out')) ||
    (lim('limit-bytes-total') > 0 && inB + outB >= lim('limit-bytes-total'))
  );
}

/** ✖ category of login refusals unknown; none is sent. */
function loginTrap(message: string): Trap {
  return new Trap(message);
}
