/**
 * A hotspot login, from the API (`/ip/hotspot/active/login`) or the hotspot's HTTP login page: the local users
 * first, RADIUS when the server's profile says `use-radius` (docs/routeros.md "RADIUS", "Login through RADIUS").
 */
import { LOGIN_ERR_AUTHORIZING, LOGIN_ERR_BAD_CREDENTIALS, Trap } from './messages';
import { cookieOf } from './cookies';
import type { RadiusLogin } from './radius/auth';
import { type DeviceContext, serverProfileOf } from './radius/nas';
import type { Hotspot, LoginArgs } from './sessions';
import { checkDevice, hostFor } from './login-checks';
import type { ActiveItem, HostItem, RouterState } from './state';

interface RadiusAuthenticator {
  authenticate(device: DeviceContext, password: string): Promise<RadiusLogin>;
}

export class HotspotLogin {
  /** MACs of devices whose Access-Request is out (◐ a second login meanwhile: `already authorizing`). */
  private readonly authorizing = new Set<string>();

  constructor(
    private readonly state: RouterState,
    private readonly hotspot: Hotspot,
    private readonly radius: RadiusAuthenticator,
    private readonly now: () => number,
  ) {}

  /**
   * Logs the device in, or refuses it with a Trap whose text the router's log repeats. A login against the local
   * users is decided at once (no promise); one that asks RADIUS resolves when a server has answered.
   */
  login(args: LoginArgs): ActiveItem | Promise<ActiveItem> {
    const host = this.knownHost(args);
    if (!host || !this.asksRadius(host, args.user)) return this.hotspot.login(args);
    return this.loginByRadius(args, host);
  }

  /**
   * A device back with its cookie (cookies.ts cookieOf) logs in as the cookie's user with the login information
   * the cookie was made with: ◐ the same login again, so every check of a typed login applies (a disabled or
   * used-up local user is refused, RADIUS is asked and its Access-Reject refuses). ✖ A refused cookie is kept.
   * Undefined: no cookie to log in with.
   */
  cookieLogin(host: HostItem, token: string | undefined): ActiveItem | Promise<ActiveItem> | undefined {
    const cookie = cookieOf(this.state, this.now(), host, token);
    if (!cookie) return undefined;
    return this.login({ user: cookie.user, password: cookie.password, ip: host.ip, mac: host.mac });
  }

  /** The host the login names, or undefined (the local login then refuses it, with its log line). */
  private knownHost(args: LoginArgs): HostItem | undefined {
    try {
      return hostFor(this.state, args.ip, args.mac);
    } catch (err) {
      if (err instanceof Trap) return undefined;
      throw err;
    }
  }

  /**
   * ✔ The router's own users are consulted first: RADIUS is asked only when no local user has the name (MikroTik's
   * RADIUS page), and only on a server whose profile has `use-radius`.
   */
  private asksRadius(host: HostItem, user: string | undefined): boolean {
    const profile = serverProfileOf(this.state, host.server);
    return profile['use-radius'] === 'true' && !this.hotspot.hasLocalUser(user);
  }

  private async loginByRadius(args: LoginArgs, host: HostItem): Promise<ActiveItem> {
    try {
      const session = await this.askRadius(args, host);
      this.hotspot.loggedIn(session);
      return session;
    } catch (err) {
      if (err instanceof Trap) this.hotspot.loginFailed(args, err.message);
      throw err;
    }
  }

  /** ✖ The device's own checks (blocked, logged in already) come before the request, as before a local user's. */
  private async askRadius(args: LoginArgs, host: HostItem): Promise<ActiveItem> {
    // ✖ An empty name is refused without asking: a RADIUS request cannot carry an empty User-Name.
    if (!args.user) throw new Trap(LOGIN_ERR_BAD_CREDENTIALS);
    checkDevice(this.state, host);
    if (this.authorizing.has(host.mac)) throw new Trap(LOGIN_ERR_AUTHORIZING);
    const device: DeviceContext = {
      user: args.user,
      mac: host.mac,
      ip: host.ip,
      server: host.server,
      acctSessionId: this.state.nextAcctSessionId(),
    };
    this.authorizing.add(host.mac);
    let answer: RadiusLogin;
    try {
      answer = await this.radius.authenticate(device, args.password ?? '');
    } finally {
      this.authorizing.delete(host.mac);
    }
    // The device may have moved or gone while the server answered: it must still be the one asked about.
    const now = hostFor(this.state, args.ip, args.mac);
    return this.hotspot.startRadiusSession(now, {
      user: args.user,
      password: args.password ?? '',
      profile: answer.profile,
      grant: answer.grant,
      acctSessionId: device.acctSessionId,
    });
  }
}
