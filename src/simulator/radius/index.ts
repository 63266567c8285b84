/**
 * The router's RADIUS client for the hotspot (docs/routeros.md "RADIUS"): its servers (`/radius`), logins asked
 * of them, accounting of sessions, and incoming CoA and Disconnect requests (`/radius/incoming`). Built once per
 * simulator; the hotspot tells it when sessions start and end.
 */
import type { RouterLog } from '../log';
import type { PppSessions } from '../ppp/sessions';
import type { Hotspot } from '../sessions';
import type { RouterState } from '../state';
import { Accounting } from './accounting';
import { authenticate, type RadiusLogin } from './auth';
import { RadiusIncoming, type CoaRateMode } from './incoming';
import type { DeviceContext } from './nas';
import { RadiusPpp } from './ppp';
import { RadiusServers } from './servers';

interface RouterRadiusOptions {
  state: RouterState;
  hotspot: Hotspot;
  log: RouterLog;
  now(): number;
  /**
   * The address the simulator listens on, as an IPv4 address the router can name itself by: NAS-IP-Address when
   * an entry has no src-address.
   */
  listenHost: string;
  /** The PPPoE sessions (CoA and Disconnect reach them too). */
  ppp: PppSessions;
  /** A fixed port for incoming CoA and Disconnect (0: any free one) instead of `/radius/incoming port`. */
  incomingPort?: number;
  coaRateMode(): CoaRateMode;
  /** Something went wrong that a router would only count (an accounting request nobody answered...). */
  warn(message: string, err: unknown): void;
}

export class RouterRadius {
  readonly servers: RadiusServers;
  /** PPP logins and accounting (docs/routeros.md "RADIUS for PPP"). */
  readonly ppp: RadiusPpp;
  private readonly accounting: Accounting;
  private readonly incoming: RadiusIncoming;
  private up = false;

  constructor(private readonly opts: RouterRadiusOptions) {
    const failed = (what: string, err: unknown): void => opts.warn(`simulator: RADIUS ${what} failed`, err);
    this.servers = new RadiusServers(opts.state);
    this.accounting = new Accounting(opts.state, this.servers, opts.now, opts.listenHost, failed);
    this.ppp = new RadiusPpp(opts.state, this.servers, opts.now, opts.listenHost, failed);
    this.incoming = new RadiusIncoming({
      state: opts.state,
      hotspot: opts.hotspot,
      ppp: opts.ppp,
      servers: this.servers,
      log: opts.log,
      listenHost: opts.listenHost,
      portOverride: opts.incomingPort,
      coaRateMode: opts.coaRateMode,
      failed,
    });
    opts.hotspot.onSession(this.accounting);
  }

  /** A hotspot login asked of the `hotspot` entries (rejects a Trap with the login page's text). */
  authenticate(device: DeviceContext, password: string): Promise<RadiusLogin> {
    return authenticate(this.opts.state, this.servers, device, password, this.opts.listenHost);
  }

  /** Simulated time passed: Interim-Updates that are due go out. */
  tick(): void {
    this.accounting.tick();
    this.ppp.tick();
  }

  /** Every accounting request so far answered or given up (tests wait for this before reading the AAA). */
  async settled(): Promise<void> {
    await this.accounting.settled();
    await this.ppp.settled();
  }

  /** The incoming listener's port, or undefined while `/radius/incoming` does not accept. */
  get incomingPort(): number | undefined {
    return this.incoming.port;
  }

  /** The router is up (reachable) or down: the incoming listener follows, and `/radius/incoming` changes. */
  setUp(up: boolean): Promise<void> {
    this.up = up;
    return this.incoming.sync(up);
  }

  incomingChanged(): Promise<void> {
    return this.incoming.sync(this.up);
  }

  async stop(): Promise<void> {
    this.up = false;
    await this.incoming.close();
    await this.settled();
  }
}
