/**
 * PPPoE sessions on the simulated router (docs/routeros.md "PPPoE"): a CPE dials in, gets an address and the
 * dynamic things RouterOS makes for a session (the `<pppoe-NAME>` interface, a dynamic simple queue when its
 * profile has a rate limit, a dynamic address-list entry when it names a list), moves bytes, and hangs up or is
 * ended (`/ppp/active/remove`, a reboot, a reset). What a session took at its start stays with it.
 */
import type { Interfaces } from '../interfaces';
import type { RouterLog } from '../log';
import type { Transfer } from '../traffic';
import { type RouterState, zeroInterfaceCounters } from '../state';
import { countInterface, countQueue } from '../counting';
import { parseRateLimit, type RateLimit } from '../values';
import { addSessionQueue, setSessionQueueRate } from '../session-queue';
import { packetPath, type Packet, type PacketPath } from '../packet-path';
import { pppInterfaceName } from './names';
import { allocate } from './pools';
import {
  addressSource,
  answeringServer,
  matchingSecret,
  sessionSettings,
  type DialRefusal,
  type DialRequest,
  type DialResult,
} from './settings';
import type { Item } from '../table';
import type { PppAaa, PppGrant } from './aaa';
import type { PppActiveItem } from './tables';

/** How a session ends, and ◐ its Acct-Terminate-Cause (RFC 2866; ✖ Lost-Carrier for a host that dialled again). */
const TERMINATE_CAUSES = {
  'peer hung up': 'User-Request',
  'disconnected by administrator': 'Admin-Reset',
  'radius disconnect': 'Admin-Reset',
  'router reboot': 'Admin-Reboot',
  replaced: 'Lost-Carrier',
};
type PppEndReason = keyof typeof TERMINATE_CAUSES;

interface Redial {
  req: DialRequest;
  afterMs: number;
  timer?: NodeJS.Timeout;
}

export class PppSessions {
  private readonly redials = new Map<string, Redial>();

  constructor(
    private readonly state: RouterState,
    private readonly now: () => number,
    private readonly log: RouterLog,
    /** Whether the router is up (a CPE's discovery gets no answer while it is away). */
    private readonly up: () => boolean,
    /** Bytes through the router's own ports: the server's interface and the WAN port. */
    private readonly ports: Pick<Interfaces, 'countThrough'>,
    /** The RADIUS client, for PPP logins and accounting. */
    private readonly aaa: () => PppAaa | undefined,
  ) {}

  private get ppp() {
    return this.state.ppp;
  }

  /**
   * A CPE dials in. A name no local secret has is asked of RADIUS when `/ppp/aaa use-radius=yes` (✔ RADIUS Client
   * page: the local database first); the answer comes when a server has answered.
   */
  async dial(req: DialRequest): Promise<DialResult> {
    if (!this.up()) return { ok: false, reason: 'router-down' };
    const mac = req.mac.toUpperCase();
    const server = answeringServer(this.ppp.servers, req.serviceName ?? '');
    if (!server) return { ok: false, reason: 'no-server' };
    const acctSessionId = this.state.nextAcctSessionId();
    const aaa = this.aaa();
    if (!this.ppp.secrets.byNameGet(req.user) && this.ppp.aaa['use-radius'] === 'true' && aaa) {
      const login = await aaa.authenticate({ ...req, mac, server, acctSessionId });
      if (!this.up()) return { ok: false, reason: 'router-down' };
      if (!login.ok)
        return this.refuse(login.reason, `<pppoe-${mac}>: user ${req.user} authentication failed`);
      const wanted = login.grant.profile;
      const profile = wanted && this.ppp.profiles.byNameGet(wanted) ? wanted : server.cfg['default-profile'];
      const asSecret = {
        id: '',
        cfg: { name: req.user, profile, 'remote-address': login.grant.address ?? '' },
      };
      return this.admit({ ...req, mac }, server, asSecret, acctSessionId, login.grant);
    }
    const secret = matchingSecret(this.ppp, req);
    // ✖ The log words of a refused login.
    if (!secret)
      return this.refuse('authentication-failed', `<pppoe-${mac}>: user ${req.user} authentication failed`);
    return this.admit({ ...req, mac }, server, secret, acctSessionId);
  }

  private refuse(reason: DialRefusal, line: string): DialResult {
    this.log.write('pppoe,ppp,error', line);
    return { ok: false, reason };
  }

  /** An authenticated dial-in comes up, unless only-one or the addresses refuse it. */
  private admit(
    req: DialRequest,
    server: Item,
    secret: Item,
    acctSessionId: string,
    grant?: PppGrant,
  ): DialResult {
    const { mac, user } = req;
    const settings = sessionSettings(this.ppp, secret, server);
    if (grant?.rateLimit) settings.rateLimit = grant.rateLimit;
    if (grant?.addressList) settings.addressList = grant.addressList;
    if (settings.onlyOne && this.ppp.active.list.some((a) => a.name === user))
      return this.refuse('only-one', `<pppoe-${mac}>: user ${user} is already active`);
    // ✔ (PPPoE page) one-session-per-host: a host's new session closes its old one.
    if (server.cfg['one-session-per-host'] === 'true')
      for (const a of this.ppp.active.list.filter((s) => s.callerId === mac)) this.end(a, 'replaced');
    const leases: string[] = [];
    const fromPool = (pool: string): string | null => {
      const got = allocate(this.ppp.pools, this.ppp.used, pool, 'ppp', user);
      if (got) leases.push(got);
      return got;
    };
    const take = (field: 'remote-address' | 'local-address'): string | null => {
      // A RADIUS Framed-Pool stands in the profile's place; a single address still wins over it.
      if (field === 'remote-address' && grant?.pool && !grant.address) return fromPool(grant.pool);
      const src = addressSource(this.ppp, secret, server, field);
      if (!src) return field === 'local-address' ? '' : null;
      return 'address' in src ? src.address : fromPool(src.pool);
    };
    const address = take('remote-address');
    const localAddress = address === null ? null : take('local-address');
    if (address === null || localAddress === null) {
      for (const a of leases) this.ppp.used.delete(a);
      return this.refuse('no-address', `<pppoe-${mac}>: could not allocate an address for ${user}`);
    }
    const session: PppActiveItem = {
      id: this.ppp.active.newId(),
      cfg: {},
      name: user,
      service: 'pppoe',
      callerId: mac,
      address,
      localAddress,
      serverInterface: server.cfg.interface ?? '',
      serviceName: server.cfg['service-name'] ?? '',
      loginAt: this.now(),
      acctSessionId,
      sessionId: `0x${acctSessionId.toUpperCase()}`,
      settings,
      counters: zeroInterfaceCounters(),
      rate: [0, 0],
      rateUntil: 0,
      interfaceId: `*${(this.ppp.nextInterfaceId++).toString(16).toUpperCase()}`,
      poolLeases: leases,
    };
    if (grant) session.radius = { classes: grant.classes, interimInterval: grant.interimInterval };
    const rl = settings.rateLimit ? parseRateLimit(settings.rateLimit) : null;
    if (rl) session.queueId = this.addQueue(user, rl);
    if (settings.addressList) session.addressListId = this.addListEntry(settings.addressList, address);
    this.ppp.active.insert(session);
    // ✖ The words; the topics are those of published PPPoE server logs.
    this.log.write('pppoe,ppp,info,account', `${user} logged in, ${address} from ${mac}`);
    this.aaa()?.started(session);
    return { ok: true, address };
  }

  /** The CPE hangs up: its sessions end and it does not dial again. */
  hangUp(mac: string): boolean {
    const m = mac.toUpperCase();
    this.stopRedial(m);
    const mine = this.ppp.active.list.filter((a) => a.callerId === m);
    for (const a of mine) this.end(a, 'peer hung up');
    return mine.length > 0;
  }

  /** A session ends on the router's side: what it held goes, and a CPE set to redial dials again later. */
  end(session: PppActiveItem, reason: PppEndReason): void {
    if (this.ppp.active.get(session.id) !== session) return;
    this.aaa()?.ended(session, TERMINATE_CAUSES[reason]);
    const q = session.queueId ? this.state.queues.get(session.queueId) : undefined;
    if (q) this.state.queues.remove(q);
    const entry = session.addressListId ? this.ppp.addressLists.get(session.addressListId) : undefined;
    if (entry) this.ppp.addressLists.remove(entry);
    for (const a of session.poolLeases) this.ppp.used.delete(a);
    this.ppp.active.remove(session);
    this.log.write('pppoe,ppp,info,account', `${session.name} logged out, ${reason}`);
    this.scheduleRedial(session.callerId);
  }

  /** A CoA's new rate limit: onto the session's dynamic queue (its counters go on), or a new queue. */
  setRate(session: PppActiveItem, rl: RateLimit): void {
    if (!session.queueId || !setSessionQueueRate(this.state, session.queueId, rl))
      session.queueId = this.addQueue(session.name, rl);
  }

  /** A CoA's new address list: the session's dynamic entry moves to it. */
  setAddressList(session: PppActiveItem, list: string): void {
    const entry = session.addressListId ? this.ppp.addressLists.get(session.addressListId) : undefined;
    if (entry) this.ppp.addressLists.update(entry, { list });
    else session.addressListId = this.addListEntry(list, session.address);
  }

  /** Every session ends (a reboot or a reset). */
  endAll(reason: PppEndReason): void {
    for (const a of [...this.ppp.active.list]) this.end(a, reason);
  }

  /**
   * A CPE that dials again `afterMs` after its session ends on the router's side (removed, rebooted), and keeps
   * trying at that pace until it is back or hangs up. Dials now when it has no session.
   */
  async autoRedial(req: DialRequest, afterMs: number): Promise<DialResult | undefined> {
    const mac = req.mac.toUpperCase();
    this.stopRedial(mac);
    this.redials.set(mac, { req: { ...req, mac }, afterMs });
    if (this.ppp.active.list.some((a) => a.callerId === mac)) return undefined;
    const result = await this.dial({ ...req, mac });
    if (!result.ok) this.scheduleRedial(mac);
    return result;
  }

  private scheduleRedial(mac: string): void {
    const r = this.redials.get(mac);
    if (!r || r.timer) return;
    r.timer = setTimeout(() => {
      r.timer = undefined;
      if (this.redials.get(mac) !== r || this.ppp.active.list.some((a) => a.callerId === mac)) return;
      void this.dial(r.req).then((res) => {
        if (!res.ok) this.scheduleRedial(mac);
      });
    }, r.afterMs);
    r.timer.unref();
  }

  private stopRedial(mac: string): void {
    const r = this.redials.get(mac);
    if (r?.timer) clearTimeout(r.timer);
    this.redials.delete(mac);
  }

  /** The simulator stops: no CPE dials any more. */
  stop(): void {
    for (const mac of [...this.redials.keys()]) this.stopRedial(mac);
  }

  /**
   * Where a packet the subscriber of session `name` sends would go: its destination after the router's `dstnat`
   * rules, and the forward filter's verdict (src/simulator/packet-path.ts).
   */
  route(name: string, p: Omit<Packet, 'src'>): PacketPath {
    return packetPath(this.state, { ...p, src: this.session(name).address });
  }

  private session(name: string): PppActiveItem {
    const session = this.ppp.active.list.find((a) => a.name === name);
    if (!session) throw new Error(`simulator: no PPP session ${name}`);
    return session;
  }

  /**
   * Bytes through a session (`up` from the subscriber, `down` to it) over `seconds`, capped by its dynamic
   * queue's max-limit; counted on its interface (rx = up), its queue and the router's ports.
   */
  addTraffic(name: string, want: Transfer, seconds = 1): Transfer {
    const session = this.session(name);
    const secs = seconds > 0 ? seconds : 1;
    let up = Math.max(0, Math.floor(want.up));
    let down = Math.max(0, Math.floor(want.down));
    const queue = session.queueId ? this.state.queues.get(session.queueId) : undefined;
    if (queue && queue.cfg.disabled !== 'true') {
      const [maxUp, maxDown] = queue.cfg['max-limit'].split('/').map(Number);
      if (maxUp > 0) up = Math.min(up, Math.floor((maxUp * secs) / 8));
      if (maxDown > 0) down = Math.min(down, Math.floor((maxDown * secs) / 8));
      countQueue(queue, up, down, secs, this.now());
      this.state.queues.emit('set', queue);
    }
    countInterface(session.counters, up, down);
    session.rate = [Math.round((up * 8) / secs), Math.round((down * 8) / secs)];
    session.rateUntil = this.now() + Math.max(secs, 2) * 1000;
    this.ports.countThrough(session.serverInterface ? [session.serverInterface] : [], up, down);
    this.ppp.active.emit('set', session);
    return { up, down };
  }

  /** The demo's home internet: every session streams and browses, up to ~6 Mbit/s down and ~1 Mbit/s up. */
  demoStep(seconds: number, random: () => number = Math.random): void {
    for (const a of [...this.ppp.active.list])
      this.addTraffic(
        a.name,
        { up: random() * 120_000 * seconds, down: random() * 750_000 * seconds },
        seconds,
      );
  }

  /**
   * ◐ The session's dynamic queue `<pppoe-USER>` targets its interface; rx of the rate limit is the subscriber's
   * upload, the first half of max-limit (PPP AAA page). ✖ Its place: first, as the hotspot's.
   */
  private addQueue(user: string, rl: RateLimit): string {
    return addSessionQueue(this.state, 'pppoe', user, pppInterfaceName(user), rl);
  }

  /** ✔ (PPP AAA page) the profile's `address-list` gets the session's address, as a dynamic entry. */
  private addListEntry(list: string, address: string): string {
    const lists = this.ppp.addressLists;
    const item = { id: lists.newId(), cfg: { list, address, disabled: 'false', comment: '' }, dynamic: true };
    lists.insert({ ...item, createdAt: this.now() });
    return item.id;
  }
}
