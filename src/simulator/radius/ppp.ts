/**
 * The RADIUS client's side of PPPoE (docs/routeros.md "RADIUS for PPP"): ✔ (RADIUS Client page) the `/radius`
 * entries with service `ppp` are asked; a PPP Access-Request is a Framed-User over PPP, with the CPE's MAC as
 * Calling-Station-Id; the Access-Accept's Framed-IP-Address, Framed-Pool, Mikrotik-Rate-Limit,
 * Mikrotik-Address-List, Mikrotik-Group and Acct-Interim-Interval override the profile's. Accounting: Start when
 * the session comes up, Interim-Update every interval, Stop with its time and bytes (input = what the router
 * received from the subscriber).
 */
import type { PppAaa, PppDevice, PppGrant, PppLogin } from '../ppp/aaa';
import type { PppActiveItem } from '../ppp/tables';
import type { RouterState } from '../state';
import { parseDuration, parseRateLimit } from '../values';
import { AccountingRun, usageAttributes } from './accounting-run';
import { attr, attrs, RadiusError, type Attribute, type RadiusPacket } from './codec';
import { nasAddress } from './nas';

interface Who {
  user: string;
  mac: string;
  serviceName: string;
  iface: string;
  acctSessionId: string;
  address?: string;
}

/** ◐ What every PPP request says about the router and the session (MAC as `XX:XX:XX:XX:XX:XX`). */
function pppAttributes(
  state: RouterState,
  who: Who,
  entry: Record<string, string>,
  host: string,
): Attribute[] {
  const out: Attribute[] = [
    ['User-Name', who.user],
    ['NAS-IP-Address', nasAddress(entry, host)],
    ['NAS-Identifier', state.identity],
    ['NAS-Port', parseInt(who.acctSessionId, 16)],
    ['NAS-Port-Type', 'Ethernet'],
    ['Service-Type', 'Framed-User'],
    ['Framed-Protocol', 'PPP'],
    ['Calling-Station-Id', who.mac],
    ['Called-Station-Id', who.serviceName],
    ['Acct-Session-Id', who.acctSessionId],
  ];
  if (who.iface) out.push(['NAS-Port-Id', who.iface]);
  if (who.address) out.push(['Framed-IP-Address', who.address]);
  if (entry.realm) out.push(['Mikrotik-Realm', entry.realm]);
  return out;
}

function grantOf(reply: RadiusPacket): PppGrant {
  const str = (name: string): string | undefined => {
    const v = attr(reply, name);
    return typeof v === 'string' ? v : undefined;
  };
  const grant: PppGrant = { classes: attrs(reply, 'Class').filter((c): c is Buffer => Buffer.isBuffer(c)) };
  const address = str('Framed-IP-Address');
  if (address) grant.address = address;
  const pool = str('Framed-Pool');
  if (pool) grant.pool = pool;
  // ✖ A rate limit that does not parse is ignored, as for the hotspot.
  const rate = str('Mikrotik-Rate-Limit');
  if (rate && parseRateLimit(rate)) grant.rateLimit = rate;
  const list = str('Mikrotik-Address-List');
  if (list) grant.addressList = list;
  const group = str('Mikrotik-Group');
  if (group) grant.profile = group;
  const interim = attr(reply, 'Acct-Interim-Interval');
  if (typeof interim === 'number') grant.interimInterval = interim;
  return grant;
}

export class RadiusPpp extends AccountingRun<PppActiveItem> implements PppAaa {
  async authenticate(device: PppDevice): Promise<PppLogin> {
    const who: Who = {
      user: device.user,
      mac: device.mac,
      serviceName: device.server.cfg['service-name'] ?? '',
      iface: device.server.cfg.interface ?? '',
      acctSessionId: device.acctSessionId,
    };
    try {
      const { reply } = await this.servers.ask('ppp', 'Access-Request', 'auth', (entry) => [
        ...pppAttributes(this.state, who, entry, this.listenHost),
        ['User-Password', device.password],
      ]);
      if (reply.code !== 'Access-Accept') return { ok: false, reason: 'authentication-failed' };
      return { ok: true, grant: grantOf(reply) };
    } catch (err) {
      if (err instanceof RadiusError && err.code === 'TIMEOUT')
        return { ok: false, reason: 'radius-timeout' };
      throw err;
    }
  }

  /** ✔ (PPP AAA) `/ppp/aaa accounting=yes`: sessions are accounted on the `ppp` entries (✖ local ones too). */
  started(session: PppActiveItem): void {
    const aaa = this.state.ppp.aaa;
    if (aaa.accounting !== 'true' || this.servers.entries('ppp').length === 0) return;
    // ◐ The server's Acct-Interim-Interval wins over `/ppp/aaa interim-update`.
    const interval = session.radius?.interimInterval ?? parseDuration(aaa['interim-update']) ?? 0;
    this.running.set(session, { interval, lastAt: this.now() });
    this.send(session, 'Start', []);
  }

  ended(session: PppActiveItem, cause: string): void {
    if (!this.running.delete(session)) return;
    this.send(session, 'Stop', [...this.usage(session, this.now()), ['Acct-Terminate-Cause', cause]]);
  }

  protected usage(session: PppActiveItem, now: number): Attribute[] {
    const c = session.counters;
    return usageAttributes(session.loginAt, now, [c.rxByte, c.txByte, c.rxPacket, c.txPacket]);
  }

  protected send(session: PppActiveItem, status: string, extra: Attribute[]): void {
    const who: Who = {
      user: session.name,
      mac: session.callerId,
      serviceName: session.serviceName,
      iface: session.serverInterface,
      acctSessionId: session.acctSessionId,
      address: session.address,
    };
    const classes = (session.radius?.classes ?? []).map((c): Attribute => ['Class', c]);
    // The event's time, whichever server (or a fallback tried later) is asked: as the hotspot's accounting.
    const eventTime = Math.floor(this.now() / 1000);
    const request = this.servers
      .ask('ppp', 'Accounting-Request', 'acct', (entry) => [
        ...pppAttributes(this.state, who, entry, this.listenHost),
        ['Acct-Status-Type', status],
        ['Acct-Delay-Time', 0],
        ['Event-Timestamp', eventTime],
        ['Acct-Authentic', session.radius ? 'RADIUS' : 'Local'],
        ...classes,
        ...extra,
      ])
      .then(
        () => undefined,
        (err: unknown) => this.failed(`${status} of PPP ${session.name} (${session.acctSessionId})`, err),
      );
    this.track(request);
  }
}
