/**
 * `/radius/incoming`: Disconnect and CoA requests from the RADIUS servers (docs/routeros.md "RADIUS",
 * "Incoming CoA and Disconnect"). ✔ Taken only when `accept=yes`, on `port`, from an address a `/radius` entry
 * has, verified with that entry's secret; anything else is dropped (and logged, ✖ words).
 */
import type { RouterLog } from '../log';
import { radiusLogBadRequest, radiusLogUnknownSender } from '../messages';
import { addSessionQueue, setSessionQueueRate } from '../session-queue';
import type { PppSessions } from '../ppp/sessions';
import type { PppActiveItem } from '../ppp/tables';
import type { Hotspot } from '../sessions';
import type { ActiveItem, RouterState } from '../state';
import { parseRateLimit } from '../values';
import {
  attr,
  listen,
  type Attribute,
  type Peer,
  type RadiusCode,
  type RadiusPacket,
  type Responder,
} from './codec';
import { nasAddress } from './nas';
import type { RadiusServers } from './servers';

/**
 * What the router does with a CoA that changes a session's rate (`Mikrotik-Rate-Limit`): ◐ `apply` it to the
 * session's queue and ACK (the default: MikroTik's v6 wiki RADIUS Client page lists the rate among what a CoA
 * may change, and billing systems rely on it; unconfirmed for a live hotspot session), or, to test a product's
 * fallback to Disconnect, ✖ `nak` it
 * (CoA-NAK, Error-Cause Unsupported-Service) or stay `silent` (no answer at all).
 */
export type CoaRateMode = 'apply' | 'nak' | 'silent';

type Answer = { code: RadiusCode; attributes: Attribute[] } | undefined;

interface IncomingDeps {
  state: RouterState;
  hotspot: Hotspot;
  ppp: PppSessions;
  servers: RadiusServers;
  log: RouterLog;
  /** The address the simulator listens on (the listener binds there too). */
  listenHost: string;
  /** A fixed port for the listener (0: any free one) instead of `/radius/incoming`'s `port`. */
  portOverride?: number;
  coaRateMode(): CoaRateMode;
  failed(what: string, err: unknown): void;
}

export class RadiusIncoming {
  private responder?: Responder;
  private boundFor?: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IncomingDeps) {}

  /** The UDP port the listener has, or undefined while it does not listen. */
  get port(): number | undefined {
    return this.responder?.port;
  }

  /** Brings the listener in line with `/radius/incoming` and whether the router is up (serialised). */
  sync(up: boolean): Promise<void> {
    this.chain = this.chain.then(
      () => this.apply(up),
      () => this.apply(up),
    );
    return this.chain;
  }

  private async apply(up: boolean): Promise<void> {
    const cfg = this.deps.state.radiusIncoming;
    const want = up && cfg.accept === 'true' ? (this.deps.portOverride ?? Number(cfg.port)) : undefined;
    if (want === this.boundFor && (want === undefined || this.responder)) return;
    await this.responder?.close();
    this.responder = undefined;
    this.boundFor = want;
    if (want === undefined) return;
    try {
      this.responder = await listen({
        port: want,
        address: this.deps.listenHost,
        secretOf: (address) => this.deps.servers.secretOf(address),
        handle: (req) => Promise.resolve(this.handle(req)),
        onDrop: (reason, from) => this.dropped(reason, from),
        onError: (err) => this.deps.failed('incoming RADIUS listener', err),
      });
    } catch (err) {
      this.boundFor = undefined;
      this.deps.failed(`incoming RADIUS listener on port ${want}`, err);
    }
  }

  private dropped(reason: string, from: Peer): void {
    const known = this.deps.servers.secretOf(from.address) !== undefined;
    const line = known ? radiusLogBadRequest(from.address, reason) : radiusLogUnknownSender(from.address);
    this.deps.log.write('radius,warning', line);
  }

  private handle(req: RadiusPacket): Answer {
    if (req.code === 'Disconnect-Request') return this.disconnect(req);
    if (req.code === 'CoA-Request') return this.coa(req);
    return undefined;
  }

  /** ✔ RFC 5176: the sessions ended, Disconnect-ACK; ◐ none matches: NAK, Session-Context-Not-Found. */
  private disconnect(req: RadiusPacket): Answer {
    const ppp = this.pppSessionsOf(req, () => true);
    const found = this.sessionsOf(req, () => true);
    if (typeof found === 'string' && ppp.length === 0) return nak('Disconnect-NAK', found);
    if (typeof found !== 'string') for (const s of found) this.deps.hotspot.logout(s, 'admin reset');
    for (const s of ppp) this.deps.ppp.end(s, 'radius disconnect');
    return { code: 'Disconnect-ACK', attributes: [] };
  }

  /**
   * A CoA on RADIUS sessions: ◐ Mikrotik-Rate-Limit onto the session's dynamic queue (one is made if it had
   * none), Session-Timeout (✖ counted from the login, as at login) and Idle-Timeout. ✖ A CoA for a session a
   * local user logged in with finds nothing; a rate that does not parse is refused (Invalid-Attribute-Value).
   */
  private coa(req: RadiusPacket): Answer {
    const ppp = this.pppSessionsOf(req, (s) => s.radius !== undefined);
    const found = this.sessionsOf(req, (s) => s.radius !== undefined);
    if (typeof found === 'string' && ppp.length === 0) return nak('CoA-NAK', found);
    const rateText = attr(req, 'Mikrotik-Rate-Limit');
    const rate = typeof rateText === 'string' ? parseRateLimit(rateText) : null;
    if (rateText !== undefined && !rate) return nak('CoA-NAK', 'Invalid-Attribute-Value');
    if (rateText !== undefined) {
      const mode = this.deps.coaRateMode();
      if (mode === 'silent') return undefined;
      if (mode === 'nak') return nak('CoA-NAK', 'Unsupported-Service');
    }
    const list = attr(req, 'Mikrotik-Address-List');
    for (const s of ppp) {
      if (rate) this.deps.ppp.setRate(s, rate);
      if (typeof list === 'string') this.deps.ppp.setAddressList(s, list);
    }
    if (typeof found === 'string') return { code: 'CoA-ACK', attributes: [] };
    const sessionTimeout = attr(req, 'Session-Timeout');
    const idleTimeout = attr(req, 'Idle-Timeout');
    for (const s of found) {
      const grant = s.radius;
      if (!grant) continue;
      if (typeof sessionTimeout === 'number') grant.sessionTimeout = sessionTimeout;
      if (typeof idleTimeout === 'number') grant.idleTimeout = idleTimeout;
      if (typeof rateText === 'string' && rate) {
        grant.rateLimit = rateText;
        const state = this.deps.state;
        if (!s.queueId || !setSessionQueueRate(state, s.queueId, rate)) {
          const profile = state.profiles.byNameGet(s.profile)?.cfg ?? {};
          s.queueId = addSessionQueue(state, 'hotspot', s.user, `${s.ip}/32`, rate, profile);
        }
      }
      this.deps.state.active.emit('set', s);
    }
    this.deps.hotspot.enforceLimits(found);
    return { code: 'CoA-ACK', attributes: [] };
  }

  /**
   * The sessions a request names (✔ RFC 5176: by User-Name, Acct-Session-Id, Framed-IP-Address; every one given
   * must match), or the Error-Cause of a NAK: a request naming another NAS (NAS-Identifier, NAS-IP-Address), one
   * naming no session at all (✖ Missing-Attribute), or none matching.
   */
  private sessionsOf(req: RadiusPacket, eligible: (s: ActiveItem) => boolean): ActiveItem[] | string {
    const { state, listenHost } = this.deps;
    const nasId = attr(req, 'NAS-Identifier');
    if (nasId !== undefined && nasId !== state.identity) return 'NAS-Identification-Mismatch';
    const nasIp = attr(req, 'NAS-IP-Address');
    const ours = new Set([
      nasAddress({}, listenHost),
      ...state.radius.list.map((e) => nasAddress(e.cfg, listenHost)),
    ]);
    if (nasIp !== undefined && !ours.has(String(nasIp))) return 'NAS-Identification-Mismatch';
    const named = NAMING.map((n) => attr(req, n));
    if (named.every((v) => v === undefined)) return 'Missing-Attribute';
    const sessions = state.active.list.filter(
      (s) => eligible(s) && matches(named, [s.user, s.acctSessionId, s.ip]),
    );
    return sessions.length ? sessions : 'Session-Context-Not-Found';
  }

  /**
   * The PPP sessions a request names, by the same attributes (◐ RouterOS takes CoA and Disconnect for PPP
   * sessions as for hotspot ones); none when the request names another NAS or no session.
   */
  private pppSessionsOf(req: RadiusPacket, eligible: (s: PppActiveItem) => boolean): PppActiveItem[] {
    // The NAS checks of sessionsOf: with no hotspot session eligible, only a request that passes them and names
    // a session gets `Session-Context-Not-Found`.
    if (this.sessionsOf(req, () => false) !== 'Session-Context-Not-Found') return [];
    const named = NAMING.map((n) => attr(req, n));
    return this.deps.state.ppp.active.list.filter(
      (s) => eligible(s) && matches(named, [s.name, s.acctSessionId, s.address]),
    );
  }

  async close(): Promise<void> {
    await this.sync(false);
  }
}

const NAMING = ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address'];
const matches = (named: unknown[], own: string[]): boolean =>
  named.every((v, i) => v === undefined || v === own[i]);

function nak(code: RadiusCode, cause: string): Answer {
  return { code, attributes: [['Error-Cause', cause]] };
}
