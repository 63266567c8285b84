/**
 * A stateful RouterOS 7.18.2 API server over real TCP: the demo router, `npm run simulator`, and the router
 * every test talks to. It behaves like RouterOS (docs/routeros.md), not like a client hopes: it must never
 * accept what a real router would refuse, or a test passes that a shop's router would fail.
 */
import { ApiServer } from './api-server';
import type { SimStats } from './connection';
import { Faults } from './faults';
import { DemoTraffic } from './demo-traffic';
import { Dhcp } from './dhcp';
import { Interfaces } from './interfaces';
import { RouterLog } from './log';
import type { Menu, SimCore } from './menus/common';
import { allMenus } from './menus/index';
import { syncDynamicFilters } from './menus/firewall';
import { restore, snapshot, StateStore } from './persist';
import type { Row } from './query';
import { HotspotHttp } from './hotspot-http';
import { HotspotLogin } from './hotspot-login';
import { RouterRadius } from './radius';
import { expireAddressLists } from './ppp/ip-menus';
import { PppSessions } from './ppp/sessions';
import { Hotspot } from './sessions';
import { type BoardKind, makeLicense, replacementLicense } from './license';
import { RouterState } from './state';
import { addDefaultFastTrack, losePower, powerOn, wipeConfiguration } from './power';
import { Traffic, Transfer } from './traffic';
import { REBOOT_DOWN_MS, type RouterSimulatorOptions } from './options';

export { demoDevice, type RouterSimulatorOptions } from './options';

export class RouterSimulator {
  readonly faults: Faults;
  /** CPEs dialling the PPPoE server: `dial`, `hangUp`, `autoRedial`, `addTraffic` (docs/routeros.md "PPPoE"). */
  readonly pppoe: PppSessions;
  private readonly state: RouterState;
  private readonly hotspot: Hotspot;
  private readonly radius: RouterRadius;
  private readonly login: HotspotLogin;
  private readonly http: HotspotHttp;
  private readonly traffic: Traffic;
  private readonly log: RouterLog;
  private readonly interfaces: Interfaces;
  private readonly menus = new Map<string, Menu>();
  private readonly store?: StateStore;
  private readonly now: () => number;
  private readonly version: string;
  private readonly api: ApiServer;
  private reachable = true;
  private readonly demo: DemoTraffic;
  private housekeeping?: NodeJS.Timeout;
  private rebootTimer?: { timer: NodeJS.Timeout; resolve: () => void };

  constructor(private readonly opts: RouterSimulatorOptions = {}) {
    this.now = opts.clock ?? Date.now;
    this.version = opts.version ?? '7.18.2';
    this.state = new RouterState(opts.identity ?? 'MikroTik', this.now(), makeLicense(opts.board ?? 'chr'));
    this.state.setupDnsName = opts.hotspotDnsName ?? '';
    const timeZone = opts.timeZone ?? 'UTC';
    this.log = new RouterLog(this.now, timeZone);
    const dhcp = new Dhcp(this.state, this.now, this.log);
    this.hotspot = new Hotspot(this.state, this.now, () => this.persistSoon(), this.log, dhcp);
    this.interfaces = new Interfaces(this.state, this.now, timeZone);
    this.traffic = new Traffic(this.state, this.hotspot, this.now, this.interfaces);
    const aaa = (): RouterRadius['ppp'] => this.radius.ppp;
    this.pppoe = new PppSessions(this.state, this.now, this.log, () => this.reachable, this.interfaces, aaa);
    this.demo = new DemoTraffic(this.traffic, this.pppoe);
    this.faults = new Faults(() => this.api.silenceLoggedIn());
    const apiParts = { opts, faults: this.faults, log: this.log, menus: this.menus, version: this.version };
    this.api = new ApiServer(apiParts, () => this.reachable);
    if (opts.coaRateChange) this.faults.coaRateChanges(opts.coaRateChange);
    const warn = (message: string, err: unknown): void => this.opts.logger?.warn(message, err);
    this.radius = new RouterRadius({
      state: this.state,
      hotspot: this.hotspot,
      log: this.log,
      now: this.now,
      listenHost: opts.host ?? '127.0.0.1',
      ppp: this.pppoe,
      incomingPort: opts.radiusIncomingPort,
      coaRateMode: () => this.faults.coaRateMode,
      warn,
    });
    this.login = new HotspotLogin(this.state, this.hotspot, this.radius, this.now);
    this.http = new HotspotHttp(this.state, this.hotspot, this.login, warn);
    if (opts.stateFile) this.store = new StateStore(opts.stateFile);
    const saved = this.store?.load();
    if (saved) restore(this.state, saved);
    else this.state.installDefaults();
    // Explicit options describe the machine and win over what the state file remembers.
    if (opts.board && opts.board !== this.state.license.board) this.state.license = makeLicense(opts.board);
    if (opts.licenseId) this.state.license.id = opts.licenseId;
    syncDynamicFilters(this.state);
    this.buildMenus(dhcp);
    // The licence id must be on disk from the start: it is how the demo stays the same router.
    if (this.store && saved?.license?.id !== this.state.license.id) this.persistSoon();
  }

  private buildMenus(dhcp: Dhcp): void {
    const core: SimCore = {
      state: this.state,
      now: this.now,
      version: this.version,
      configChanged: () => {
        // Dynamic rules follow the configuration (FastTrack on or off, hotspot servers).
        syncDynamicFilters(this.state);
        this.persistSoon();
      },
    };
    const reboot = (): void =>
      void this.reboot({ downMs: this.opts.rebootDownMs ?? REBOOT_DOWN_MS }).catch((err: unknown) =>
        this.opts.logger?.warn('simulator: reboot failed', err),
      );
    const parts = {
      hotspot: this.hotspot,
      interfaces: this.interfaces,
      log: this.log,
      dhcp,
      reboot,
      login: this.login,
      radiusCounters: this.radius.servers,
      radiusIncomingChanged: () => void this.radius.incomingChanged(),
      fetchFileDelayMs: () => this.faults.fetchFileDelayMs,
      sessionByteLimitsPrinted: () => this.faults.sessionByteLimitsPrinted,
      ppp: this.pppoe,
    };
    for (const m of allMenus(core, parts)) this.menus.set(m.path, m);
  }

  private persistSoon(): void {
    this.store?.schedule(() => snapshot(this.state));
  }

  get stats(): SimStats {
    return this.api.stats;
  }

  get port(): number {
    return this.api.port;
  }

  /** The UDP port of the CoA/Disconnect listener, or undefined while `/radius/incoming` does not accept. */
  get radiusIncomingPort(): number | undefined {
    return this.radius.incomingPort;
  }

  /** The TCP port of the hotspot's HTTP login, or undefined when it is not served (`hotspotHttpPort`). */
  get hotspotHttpPort(): number | undefined {
    return this.http.port;
  }

  /**
   * Resolves when the router has nothing left to do on the RADIUS side: every accounting request so far answered
   * or given up, and the incoming listener where `/radius/incoming` says.
   */
  async radiusSettled(): Promise<void> {
    await this.radius.incomingChanged();
    await this.radius.settled();
  }

  /** The machine's licence id as `/system/license/print` shows it (`system-id` or `software-id`). */
  get licenseId(): string {
    return this.state.license.id;
  }

  async start(): Promise<{ host: string; port: number }> {
    const host = this.opts.host ?? '127.0.0.1';
    const port = await this.api.listen(host);
    await this.radius.setUp(this.reachable);
    if (this.opts.hotspotHttpPort !== undefined) {
      const httpPort = await this.http.start(this.opts.hotspotHttpPort, host);
      this.opts.logger?.info(`simulator: hotspot HTTP login on ${host}:${httpPort}`);
    }
    // With the real clock, time-based limits need a heartbeat; with a fake clock the test calls tick().
    if (!this.opts.clock) {
      this.housekeeping = setInterval(() => this.tick(1), 1000);
      this.housekeeping.unref();
    }
    this.opts.logger?.info(`simulator: RouterOS ${this.version} API on ${host}:${port}`);
    return { host, port };
  }

  async stop(): Promise<void> {
    this.stopDemoTraffic();
    this.pppoe.stop();
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.housekeeping = undefined;
    if (this.rebootTimer) {
      clearTimeout(this.rebootTimer.timer);
      this.rebootTimer.resolve();
      this.rebootTimer = undefined;
    }
    this.api.dropAll();
    await this.http.stop();
    await this.radius.stop();
    this.store?.flush();
    await this.api.close();
  }

  // ---- devices and traffic -------------------------------------------------------------------------------

  /** A device joins the hotspot network: a DHCP lease (with the name it asked with, if any), then a host. */
  addDevice(device: { mac: string; ip: string; server?: string; hostName?: string }): void {
    this.hotspot.addDevice(device.mac, device.ip, device.server, device.hostName);
  }

  setDeviceIp(mac: string, ip: string): void {
    this.hotspot.setDeviceIp(mac, ip);
  }

  removeDevice(mac: string): void {
    this.hotspot.removeDevice(mac);
  }

  addTraffic(mac: string, bytes: Transfer, seconds = 1): Transfer {
    return this.traffic.add(mac, bytes, seconds);
  }

  /** addTraffic for many devices in one call, in list order (matched through one index: see Traffic.addMany). */
  addTrafficMany(list: ReadonlyArray<{ mac: string } & Transfer>, seconds = 1): Transfer[] {
    return this.traffic.addMany(list, seconds);
  }

  /**
   * Process `seconds` of elapsed time (advance your fake clock first): ends sessions whose limit-uptime or
   * session-timeout is reached, and drops rates to 0 for queues without traffic in that interval.
   */
  tick(seconds: number): void {
    this.hotspot.enforceLimits();
    this.hotspot.expireCookies();
    this.traffic.decayRates(seconds);
    this.radius.tick();
    expireAddressLists({ state: this.state, now: this.now });
  }

  startDemoTraffic(opts: { intervalMs?: number } = {}): void {
    this.demo.start(opts.intervalMs ?? 1000);
  }

  stopDemoTraffic(): void {
    this.demo.stop();
  }

  // ---- router lifecycle -----------------------------------------------------------------------------------

  /**
   * Reboot: every API connection drops and the router is away for `downMs`; sessions end, dynamic queues go,
   * queue, rule and host counters restart at zero, hosts are found again (new `.id`s) and the uptime restarts.
   * The configuration, its `.id`s and the licence stay.
   */
  async reboot(opts: { downMs?: number } = {}): Promise<void> {
    await this.restart(opts.downMs, () => undefined);
  }

  /**
   * `/system/reset-configuration` as a shop would do it, then its hotspot set up again: the hotspot users,
   * simple queues, ip-bindings, firewall rules and sessions are gone; the identity is `MikroTik` again; the
   * hotspot server and default profile are back as a new simulator has them. ✖ `.id`s start again from `*1`,
   * so a controller that remembered ids must not find its old items under them. The licence id does not
   * change (it is the same machine) and the devices on the network are seen again. Like a reboot otherwise.
   */
  async resetConfiguration(opts: { downMs?: number } = {}): Promise<void> {
    await this.restart(opts.downMs, () => wipeConfiguration(this.state, 'MikroTik'));
  }

  /**
   * A factory-like router to try the controller's router setup on: the configuration reset as above, the hotspot
   * set up again, and MikroTik's default FastTrack rule in the filter list as a home router's default
   * configuration has it (✔ `chain=forward action=fasttrack-connection connection-state=established,related`,
   * comment `defconf: fasttrack`). Nothing of the controller's is left: no walled garden, login page, bypass.
   */
  async factoryReset(opts: { downMs?: number } = {}): Promise<void> {
    const identity = this.state.identity;
    await this.restart(opts.downMs, () => {
      wipeConfiguration(this.state, identity);
      addDefaultFastTrack(this.state);
    });
  }

  /**
   * Another machine takes this one's place at the same address: a reset configuration as above, but a
   * different licence id (`licenseId`, or a fresh one), and optionally another board and identity.
   * Returns the new licence id.
   */
  async replaceRouter(
    opts: { licenseId?: string; board?: BoardKind; identity?: string; downMs?: number } = {},
  ): Promise<string> {
    const license = replacementLicense(
      opts.board ?? this.state.license.board,
      this.state.license.id,
      opts.licenseId,
    );
    await this.restart(opts.downMs, () => {
      this.state.license = license;
      wipeConfiguration(this.state, opts.identity ?? 'MikroTik');
    });
    return license.id;
  }

  private async restart(downMs: number | undefined, change: () => void): Promise<void> {
    this.setReachable(false);
    const s = this.state;
    losePower(s, { hotspot: this.hotspot, interfaces: this.interfaces, log: this.log, ppp: this.pppoe });
    change();
    powerOn(s, this.hotspot, this.now());
    this.persistSoon();
    if ((downMs ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        this.rebootTimer = { timer: setTimeout(resolve, downMs), resolve };
      });
      this.rebootTimer = undefined;
      // The uptime counts from the start that ends the time away, not from the moment it went down.
      s.bootAt = this.now();
    }
    // ✔ The first line of a fresh log (MikroTik's Log page shows it).
    this.log.write('system,info', 'router rebooted');
    this.setReachable(true);
  }

  /** false: close all API connections and refuse new ones (accept + destroy); true: back. */
  setReachable(up: boolean): void {
    this.reachable = up;
    if (!up) this.api.dropAll();
    // The CoA/Disconnect listener goes with the network (only once the simulator has started).
    if (this.api.listening) void this.radius.setUp(up);
  }

  setLatency(ms: number): void {
    this.api.latencyMs = Math.max(0, ms);
  }

  setEmptyReplies(on: boolean): void {
    this.api.emptyReplies = on;
  }

  /** What `print` would return for a menu (all properties), e.g. `rows('/queue/simple')`. */
  rows(menu: string): Row[] {
    const m = this.menus.get(menu.replace(/\/print$/, '').replace(/\/$/, ''));
    if (!m) throw new Error(`simulator: no menu ${menu}`);
    return m.rows();
  }

  /** The rows of `rows(menu)` whose `name` is one of `names`, in list order (by the menu's name index if it has one). */
  rowsNamed(menu: string, names: ReadonlySet<string>): Row[] {
    const m = this.menus.get(menu.replace(/\/print$/, '').replace(/\/$/, ''));
    if (!m) throw new Error(`simulator: no menu ${menu}`);
    return m.rowsNamed ? m.rowsNamed(names) : m.rows().filter((r) => names.has(r.name));
  }
}
