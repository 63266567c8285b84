/**
 * A RADIUS site's enforcer: the policy's decisions reach live sessions by RFC 5176 packets sent to the router
 * (its `/radius incoming` port), signed with the site's secret and naming the session by User-Name,
 * Acct-Session-Id and Framed-IP-Address.
 *
 * - A device whose rates the policy changed (fair use reached, off-peak, an admin's override) gets a CoA-Request
 *   with the new `Mikrotik-Rate-Limit`, retried until a CoA-ACK. Whether a live hotspot session takes a rate
 *   change by CoA is not confirmed by any public source: a CoA-NAK or no answer falls back to a Disconnect-Request,
 *   and the device's next login is answered the new rates (the accounts are rewritten after every poll).
 * - A session to end (its voucher ended, a device beyond its count) gets a Disconnect-Request; a NAK saying the
 *   session is not there (Session-Context-Not-Found) means it is already gone.
 * - A code that ended is refused by FreeRADIUS from its accounts (src/services/radius/accounts.ts), not here.
 *
 * What each session was last given is kept in memory; a session first seen is taken to have the rates its code's
 * account answered (radreply), which is what its Access-Accept carried.
 */
import type { Knex } from 'knex';
import { rateLimitText } from '../../domain/radius-account';
import type { Logger } from '../../lib/logger';
import { attr, RadiusError, type Attribute } from '../../radius/packet';
import { exchange } from '../../radius/udp';
import { RouterError } from '../../router/types';
import type { Enforcer, EnforceOutcome } from '../usage/enforcer';
import type { SessionReading } from '../usage/source';

export interface CoaTarget {
  /** The router's address and CoA port, and the site's secret. */
  host: string;
  port: number;
  secret: string;
}

export interface CoaEnforcerOptions {
  db: Knex;
  target: () => Promise<CoaTarget>;
  log: Logger;
  /** Per try (default 2000 ms) and retransmissions of the same packet (default 2). */
  timeoutMs?: number;
  retries?: number;
  now?: () => number;
  /** Told of each packet's outcome (metrics, events). */
  onPacket?(p: { type: 'coa' | 'disconnect'; result: 'ack' | 'nak' | 'timeout' | 'error' }): void;
}

type Answer = 'ack' | 'nak' | 'gone' | 'timeout' | 'error';

/** The session's identity in a CoA or Disconnect request (RFC 5176 section 3). */
function sessionAttributes(s: SessionReading): Attribute[] {
  const out: Attribute[] = [['User-Name', s.user]];
  if (s.id) out.push(['Acct-Session-Id', s.id]);
  if (s.ip) out.push(['Framed-IP-Address', s.ip]);
  return out;
}

async function radiusRateOf(db: Knex, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = (await db('radreply')
      .whereIn('username', codes.slice(i, i + 1000))
      .where({ attribute: 'Mikrotik-Rate-Limit' })
      .select('username', 'value')) as Array<{ username: string; value: string }>;
    for (const r of rows) out.set(r.username, r.value);
  }
  return out;
}

/**
 * A session the router said it ended is not asked again for this long: its Stop may take a moment to reach the
 * accounting, and until then the session still looks open there.
 */
export const DISCONNECTED_HOLD_MS = 5 * 60_000;

export function coaEnforcer(o: CoaEnforcerOptions): Enforcer {
  /** The rates each live session (by Acct-Session-Id) was last given. */
  const given = new Map<string, string>();
  /** Sessions the router ended at our request, and when. */
  const disconnected = new Map<string, number>();
  const now = o.now ?? Date.now;

  async function send(
    type: 'coa' | 'disconnect',
    s: SessionReading,
    extra: Attribute[],
    t: CoaTarget,
  ): Promise<Answer> {
    const code = type === 'coa' ? 'CoA-Request' : 'Disconnect-Request';
    try {
      const reply = await exchange(code, [...sessionAttributes(s), ...extra], {
        host: t.host,
        port: t.port,
        secret: t.secret,
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

  return {
    async apply(order, reading): Promise<EnforceOutcome> {
      const out: EnforceOutcome = {
        added: 0,
        updated: 0,
        removed: 0,
        loggedOut: [],
        usersRemoved: [...order.removeUsers],
        errors: [],
      };
      const t = now();
      for (const [id, at] of disconnected) if (t - at > DISCONNECTED_HOLD_MS) disconnected.delete(id);
      const live = reading.sessions.filter((s) => s.id !== '' && !disconnected.has(s.id));
      const liveIds = new Set(live.map((s) => s.id));
      for (const id of [...given.keys()]) if (!liveIds.has(id)) given.delete(id);
      const bySession = new Map(live.map((s) => [`${s.user}\n${s.mac}`, s]));
      const ending = new Set(order.logout.map((s) => `${s.user}\n${s.mac}`));
      const changes: Array<{ s: SessionReading; rate: string }> = [];
      const unknown = order.devices.filter((d) => {
        const s = bySession.get(`${d.code}\n${d.mac}`);
        return s !== undefined && !given.has(s.id);
      });
      const answered = unknown.length
        ? await radiusRateOf(o.db, [...new Set(unknown.map((d) => d.code))])
        : new Map();
      for (const d of order.devices) {
        const key = `${d.code}\n${d.mac}`;
        const s = bySession.get(key);
        if (!s || ending.has(key)) continue;
        if (!given.has(s.id)) given.set(s.id, answered.get(d.code) ?? '');
        const rate = rateLimitText(d.limits, d.plan?.priority);
        if (given.get(s.id) !== rate) changes.push({ s, rate });
      }
      if (changes.length === 0 && !order.logout.some((s) => bySession.has(`${s.user}\n${s.mac}`))) {
        out.loggedOut.push(...order.logout);
        return out;
      }
      let target: CoaTarget;
      try {
        target = await o.target();
      } catch (err) {
        out.errors.push(new RouterError('ROUTER_UNREACHABLE', (err as Error).message));
        return out;
      }
      let silent = 0;
      for (const { s, rate } of changes) {
        const a = await send('coa', s, [['Mikrotik-Rate-Limit', rate]], target);
        if (a === 'ack') {
          given.set(s.id, rate);
          out.updated++;
          continue;
        }
        // Not taken (or not answered): the session ends, and its next login is answered the new rates.
        o.log.info({ session: s.id, answer: a }, 'CoA not taken: disconnecting the session instead');
        const d = await send('disconnect', s, [], target);
        if (d === 'ack' || d === 'gone') {
          given.delete(s.id);
          disconnected.set(s.id, t);
          out.removed++;
        } else silent++;
      }
      for (const s of order.logout) {
        const session = bySession.get(`${s.user}\n${s.mac}`);
        // Ended at our request already (its Stop not in yet), or an Accept with no session to name: nothing to send.
        if (!session) {
          if (s.id === '' || disconnected.has(s.id)) out.loggedOut.push(s);
          continue;
        }
        const d = await send('disconnect', session, [], target);
        if (d === 'ack' || d === 'gone') {
          out.loggedOut.push(s);
          given.delete(session.id);
          disconnected.set(session.id, t);
        } else silent++;
      }
      if (silent > 0)
        out.errors.push(
          new RouterError(
            'ROUTER_TIMEOUT',
            `the router at ${target.host}:${target.port} did not take ${silent} CoA/Disconnect request(s); retrying next poll`,
          ),
        );
      return out;
    },
  };
}
