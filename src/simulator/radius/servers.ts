/**
 * The router's RADIUS servers (`/radius`) as its RADIUS client uses them (docs/routeros.md "RADIUS"): ✔ the
 * entries serving a service are asked in list order; ✔ an unanswered request is resent after the entry's
 * `timeout`; ✖ three tries per entry, then the next entry. Each entry keeps the counters `/radius monitor` shows.
 */
import { isIP } from 'node:net';
import { radiusHost, type RadiusCounters, type RadiusCounterSource } from '../menus/radius';
import type { RouterState } from '../state';
import type { Item } from '../table';
import { parseDuration } from '../values';
import { Attribute, exchange, RadiusCode, RadiusError, RadiusPacket } from './codec';

/** ✖ Resends of one request to one entry before the next entry is tried (three tries in all). */
const RESENDS_PER_ENTRY = 2;

interface RadiusAnswer {
  reply: RadiusPacket;
  entry: Item;
}

const zero = (): RadiusCounters => ({
  pending: 0,
  requests: 0,
  accepts: 0,
  rejects: 0,
  resends: 0,
  timeouts: 0,
  badReplies: 0,
  lastRttMs: 0,
});

export class RadiusServers implements RadiusCounterSource {
  private readonly stats = new Map<string, RadiusCounters>();

  constructor(private readonly state: RouterState) {}

  /** The enabled entries that serve `service`, in list order. */
  entries(service: string): Item[] {
    return this.state.radius.list.filter(
      (e) => e.cfg.disabled !== 'true' && (e.cfg.service ?? '').split(',').includes(service),
    );
  }

  /**
   * The secret of the enabled entry whose address is `address` (a CoA or Disconnect request's sender), or
   * undefined: ✔ RouterOS takes such requests only from its RADIUS servers.
   */
  secretOf(address: string): string | undefined {
    const plain = address.replace(/^::ffff:/, '');
    const entry = this.state.radius.list.find(
      (e) => e.cfg.disabled !== 'true' && radiusHost(e.cfg.address ?? '') === plain,
    );
    return entry?.cfg.secret;
  }

  /**
   * Sends a request to each entry serving `service` in turn until one answers; `build` gives the attributes
   * for an entry (NAS-IP-Address depends on it). Rejects RadiusError TIMEOUT when none answers (or there is
   * none).
   */
  async ask(
    service: string,
    code: RadiusCode,
    kind: 'auth' | 'acct',
    build: (entry: Record<string, string>) => Attribute[],
  ): Promise<RadiusAnswer> {
    for (const entry of this.entries(service)) {
      const answer = await this.askOne(entry, code, kind, build(entry.cfg));
      if (answer) return { reply: answer, entry };
    }
    throw new RadiusError('TIMEOUT', `no RADIUS server for ${service} answered ${code}`);
  }

  private async askOne(
    entry: Item,
    code: RadiusCode,
    kind: 'auth' | 'acct',
    attributes: Attribute[],
  ): Promise<RadiusPacket | undefined> {
    const cfg = entry.cfg;
    const c = this.counters(entry.id);
    const timeoutMs = Math.round((parseDuration(cfg.timeout ?? '300ms') ?? 0.3) * 1000);
    const requireMa = cfg['require-message-auth'] !== 'no';
    const host = radiusHost(cfg.address ?? '0.0.0.0');
    c.requests++;
    // An entry without an address never answers (sending to 0.0.0.0 would reach this very machine).
    if (host === '0.0.0.0' || host === '::') {
      c.timeouts++;
      return undefined;
    }
    const started = Date.now();
    c.pending++;
    try {
      const reply = await exchange(code, attributes, {
        host,
        port: Number(kind === 'auth' ? cfg['authentication-port'] : cfg['accounting-port']),
        secret: cfg.secret ?? '',
        timeoutMs,
        retries: RESENDS_PER_ENTRY,
        messageAuthenticator: code === 'Access-Request' ? requireMa : undefined,
        requireMessageAuthenticator: code === 'Access-Request' && requireMa,
        localAddress: localAddress(cfg['src-address']),
        onIgnored: () => c.badReplies++,
      });
      const rtt = Date.now() - started;
      c.lastRttMs = rtt;
      c.resends += Math.min(RESENDS_PER_ENTRY, Math.floor(rtt / Math.max(1, timeoutMs)));
      if (reply.code === 'Access-Accept') c.accepts++;
      if (reply.code === 'Access-Reject') c.rejects++;
      return reply;
    } catch (err) {
      if (!(err instanceof RadiusError) || (err.code !== 'TIMEOUT' && err.code !== 'NETWORK')) throw err;
      c.timeouts++;
      c.resends += RESENDS_PER_ENTRY;
      return undefined;
    } finally {
      c.pending--;
    }
  }

  counters(id: string): RadiusCounters {
    let c = this.stats.get(id);
    if (!c) this.stats.set(id, (c = zero()));
    return c;
  }

  reset(id: string): void {
    this.stats.set(id, { ...zero(), pending: this.counters(id).pending });
  }
}

/**
 * ✖ A `src-address` is the source of the requests when the machine has it: a loopback address (127.x) can be
 * bound on any machine; another one is only named in NAS-IP-Address, the request leaving from the machine's
 * own address.
 */
function localAddress(src: string | undefined): string | undefined {
  if (!src || isIP(src) !== 4) return undefined;
  return src.startsWith('127.') ? src : undefined;
}
