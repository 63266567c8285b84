/**
 * Hotspot runtime: hosts (devices the hotspot sees), logins and logouts. Logins are checked the way the
 * hotspot does (docs/routeros.md "Hotspot user limits", "Login refusals"); the exact error texts are
 * unconfirmed and live in messages.ts.
 */
import {
  LOGIN_ERR_BAD_CREDENTIALS,
  loginErrMacNotAllowed,
  loginErrTrafficLimit,
  loginErrUptimeLimit,
  Trap,
} from './messages';
import { bindingType, checkDevice, checkShared, hostFor, loginTrap } from './login-checks';
import type { Dhcp } from './dhcp';
import type { RouterLog } from './log';
import { giveCookie } from './cookies';
import { addSessionQueue } from './session-queue';
import { ActiveItem, HostItem, RadiusGrant, RouterState, zeroCounters } from './state';
import { ipToInt, normaliseMac, parseDuration, parseRateLimit } from './values';
import { limitsAtLogin, overBytes, overFixed, overGrant } from './session-limits';
import type { LoginArgs, LogoutReason, SessionListener } from './session-types';

const ANY_MAC = '00:00:00:00:00:00';

export type { LoginArgs, LogoutReason } from './session-types';

export class Hotspot {
  private readonly listeners = new Set<SessionListener>();

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

  onSession(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private defaultServer(): string {
    return this.state.servers.list[0]?.cfg.name ?? 'hotspot1';
  }

  isBypassed(host: HostItem): boolean {
    return bindingType(this.state, host) === 'bypassed';
  }

  /**
   * `/ip/hotspot/active/login` against the local users. The device must be one the hotspot sees: its IP in the
   * host list, with the MAC given. A login never creates a host (a real router has no way to reach a device it
   * has not seen), so a test must add the device first (`addDevice`). Then the credentials, then the account's
   * own limits. All texts: messages.ts.
   */
  login(args: LoginArgs): ActiveItem {
    try {
      const session = this.loginLocal(args);
      this.loggedIn(session);
      return session;
    } catch (err) {
      if (err instanceof Trap) this.loginFailed(args, err.message);
      throw err;
    }
  }

  /** The log line of a login. */
  loggedIn(session: ActiveItem): void {
    this.log.write('hotspot,account,info,debug', `${session.user} (${session.ip}): logged in`);
  }

  /** ◐ A refused login is logged with its reason, under the name and address it was tried with. */
  loginFailed(args: LoginArgs, reason: string): void {
    this.log.write('hotspot,info,debug', `${args.user ?? ''} (${args.ip ?? ''}): login failed: ${reason}`);
  }

  hasLocalUser(name: string | undefined): boolean {
    return name !== undefined && this.state.users.byNameGet(name) !== undefined;
  }

  /** A login checked against the local users, without its log line. */
  loginLocal(args: LoginArgs): ActiveItem {
    const host = hostFor(this.state, args.ip, args.mac);
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
    checkDevice(this.state, host);
    const limit = parseDuration(user.cfg['limit-uptime'] ?? '0') ?? 0;
    if (limit > 0 && user.uptime >= limit) throw loginTrap(loginErrUptimeLimit(name));
    if (overBytes(user)) throw loginTrap(loginErrTrafficLimit(name));
    const profileName = user.cfg.profile ?? 'default';
    checkShared(this.state, name, profileName, (a) => a.userId === user.id);
    return this.startSession(host, {
      user: name,
      userId: user.id,
      profile: profileName,
      fixed: limitsAtLogin(user),
      password: args.password ?? '',
    });
  }

  /**
   * A session that RADIUS authenticated (docs/routeros.md "RADIUS"): `profile` is the hotspot user profile it
   * runs with; the grant's values override that profile's. ✖ The profile's shared-users counts the sessions of
   * the same name, as for a local user.
   */
  startRadiusSession(
    host: HostItem,
    login: { user: string; password: string; profile: string; grant: RadiusGrant; acctSessionId: string },
  ): ActiveItem {
    const { user, password, profile, grant, acctSessionId } = login;
    checkDevice(this.state, host);
    checkShared(this.state, user, profile, (a) => a.radius !== undefined && a.user === user);
    return this.startSession(host, { user, userId: '', profile, radius: grant, acctSessionId, password });
  }

  private startSession(
    host: HostItem,
    who: Pick<ActiveItem, 'user' | 'userId' | 'profile' | 'radius' | 'fixed'> & {
      acctSessionId?: string;
      password: string;
    },
  ): ActiveItem {
    const session: ActiveItem = {
      id: this.state.active.newId(),
      cfg: {},
      userId: who.userId,
      user: who.user,
      mac: host.mac,
      ip: host.ip,
      server: host.server,
      loginAt: this.now(),
      // ✖ what login-by shows for an API login; http-pap is what an external portal's POST gives.
      loginBy: 'http-pap',
      counters: zeroCounters(),
      profile: who.profile,
      acctSessionId: who.acctSessionId ?? this.state.nextAcctSessionId(),
      radius: who.radius,
      fixed: who.fixed,
    };
    const profile = this.state.profiles.byNameGet(who.profile)?.cfg ?? {};
    const rateText = who.radius?.rateLimit ?? profile['rate-limit'];
    const rl = rateText ? parseRateLimit(rateText) : null;
    if (rl) session.queueId = addSessionQueue(this.state, 'hotspot', who.user, `${host.ip}/32`, rl, profile);
    host.authorized = true;
    this.state.active.insert(session);
    this.state.hosts.emit('set', host);
    giveCookie(this.state, this.now(), session, who.password);
    for (const l of this.listeners) l.started(session);
    return session;
  }

  /** Cookies past their lifetime are gone. */
  expireCookies(): void {
    this.state.cookies.clear((c) => c.expiresAt <= this.now());
  }

  /**
   * Log out: the session's time and bytes are added to the user (updated when the session ends,
   * docs/routeros.md "Hotspot user limits").
   */
  logout(session: ActiveItem, reason: LogoutReason = 'admin reset'): void {
    if (this.state.active.get(session.id) !== session) return;
    for (const l of this.listeners) l.ended(session, reason);
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

  /** Seconds left before limit-uptime, the session timeout (RADIUS's or the profile's) ends the session, or null. */
  timeLeft(session: ActiveItem): number | null {
    const up = this.sessionUptime(session);
    const limits: number[] = [];
    const limit = session.fixed?.uptime ?? 0;
    if (limit > 0) limits.push(limit - up);
    const timeout = session.radius?.sessionTimeout ?? this.profileSeconds(session, 'session-timeout');
    if (timeout > 0) limits.push(timeout - up);
    if (!session.fixed && !session.radius) return null;
    return limits.length ? Math.max(0, Math.min(...limits)) : null;
  }

  /** The session's idle timeout in seconds (RADIUS's Idle-Timeout, else its profile's), 0 for none. */
  idleTimeout(session: ActiveItem): number {
    return session.radius?.idleTimeout ?? this.profileSeconds(session, 'idle-timeout');
  }

  /** Seconds since the device's last traffic, or since the login when that came later. */
  idleTime(session: ActiveItem): number {
    const host = this.state.hostsByMac.get(session.mac);
    const last = Math.max(session.loginAt, host?.lastSeenAt ?? 0);
    return Math.max(0, (this.now() - last) / 1000);
  }

  private profileSeconds(session: ActiveItem, field: string): number {
    return parseDuration(this.state.profiles.byNameGet(session.profile)?.cfg[field] ?? '0') ?? 0;
  }

  /** End sessions (all, or those given) whose time, idle time or traffic allowance is used up. */
  enforceLimits(sessions: readonly ActiveItem[] = this.state.active.list): void {
    for (const s of [...sessions]) {
      const left = this.timeLeft(s);
      const idle = this.idleTimeout(s);
      // ✖ a limit-uptime that ran out is logged like the profile's session-timeout.
      if (left !== null && left <= 0) this.logout(s, 'session timeout');
      else if (idle > 0 && this.idleTime(s) >= idle) this.logout(s, 'idle timeout');
      else if (overFixed(s) || overGrant(s)) this.logout(s, 'traffic limit reached');
    }
  }
}
