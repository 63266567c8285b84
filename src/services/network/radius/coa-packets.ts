/**
 * The RFC 5176 packets of a RADIUS site's enforcer (coa-enforcer.ts): a CoA-Request or Disconnect-Request naming a
 * session, sent to the router's `/radius incoming` port, and what its answer means.
 */
import { attr, RadiusError, type Attribute } from '../../../radius/packet';
import { exchange } from '../../../radius/udp';
import type { SessionReading } from '../usage/source';

export interface CoaTarget {
  /** The router's address and CoA port, and the site's secret. */
  host: string;
  port: number;
  secret: string;
}

export interface PacketOptions {
  /** Per try (default 2000 ms) and retransmissions of the same packet (default 2). */
  timeoutMs?: number;
  retries?: number;
  /** Told of each packet's outcome (metrics, events). */
  onPacket?(p: { type: 'coa' | 'disconnect'; result: 'ack' | 'nak' | 'timeout' | 'error' }): void;
}

/** What a request's answer means here: taken, refused, the session not there, or no answer. */
type Answer = 'ack' | 'nak' | 'gone' | 'timeout' | 'error';

/** The session's identity in a CoA or Disconnect request (RFC 5176 section 3). */
function sessionAttributes(s: SessionReading): Attribute[] {
  const out: Attribute[] = [['User-Name', s.user]];
  if (s.id) out.push(['Acct-Session-Id', s.id]);
  if (s.ip) out.push(['Framed-IP-Address', s.ip]);
  return out;
}

/** One RFC 5176 request and what its answer means here. */
export async function send(
  o: PacketOptions,
  type: 'coa' | 'disconnect',
  s: SessionReading,
  extra: Attribute[],
  t: CoaTarget,
): Promise<Answer> {
  const code = type === 'coa' ? 'CoA-Request' : 'Disconnect-Request';
  try {
    const reply = await exchange(code, [...sessionAttributes(s), ...extra], {
      ...t,
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      messageAuthenticator: true,
    });
    const ack = reply.code === 'CoA-ACK' || reply.code === 'Disconnect-ACK';
    o.onPacket?.({ type, result: ack ? 'ack' : 'nak' });
    if (ack) return 'ack';
    return attr(reply, 'Error-Cause') === 'Session-Context-Not-Found' ? 'gone' : 'nak';
  } catch (err) {
    const timeout = err instanceof RadiusError && err.code === 'TIMEOUT';
    o.onPacket?.({ type, result: timeout ? 'timeout' : 'error' });
    return timeout ? 'timeout' : 'error';
  }
}
