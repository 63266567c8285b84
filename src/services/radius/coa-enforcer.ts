/**
 * A RADIUS site's enforcer: the policy's decisions reach live sessions by RFC 5176 packets sent to the router
 * (its `/radius incoming` port), signed with the site's secret and naming the session by User-Name,
 * Acct-Session-Id and Framed-IP-Address.
 *
 * - A device whose rates the policy changed (fair use reached, off-peak, an admin's override) gets a CoA-Request
 *   with the new `Mikrotik-Rate-Limit`, retried until a CoA-ACK. Whether a live hotspot session takes a rate
 *   change by CoA is not confirmed by any public source: a CoA-NAK or no answer falls back to a Disconnect-Request,
 *   and the device's next login is answered the new rates (written by every poll, below).
 * - A session to end (its voucher ended, a device beyond its count) gets a Disconnect-Request; a NAK saying the
 *   session is not there (Session-Context-Not-Found) means it is already gone.
 * - What every code's next login is answered (its rates, its time, and the bytes it may still move as
 *   `Mikrotik-Total-Limit`) is written first, from this poll's own decision (`writeLogins`, accounts.ts); a code that
 *   ended is refused from then on. Nothing is removed from the router here, so no removal is reported.
 * - A byte allowance is held by the router from the Accept: a session is cut at the data its code had left when it
 *   logged in. A session whose code has no data left (extra data not bought, the last bytes moved by another device)
 *   gets a Disconnect-Request. A session whose allowance would cut it before its code's (a top-up, extra data) or
 *   no longer fits (a free off-peak window opening or closing) cannot be given a new one while it runs: whether
 *   RouterOS takes `Mikrotik-Total-Limit` by CoA is not confirmed by any source, so none is sent. On a site with the router's API
 *   (`relogin`) the code's devices are logged out and in again once its new login is written, by MAC and IP: the
 *   router asks FreeRADIUS again and the customer does nothing. Without it such a session keeps what it took until
 *   its next login; the outcome says how many (`allowancesNotReached`) and each is logged once.
 *
 * What each session was last given is kept in memory; a session first seen is taken to have what its code's
 * account answered (radreply) before this poll wrote it, which is what its Access-Accept carried.
 */
import type { Knex } from 'knex';
import { rateLimitText, type DecidedAccess } from '../../domain/radius-account';
import type { Logger } from '../../lib/logger';
import { attr, RadiusError, type Attribute } from '../../radius/packet';
import { exchange } from '../../radius/udp';
import { UnreachableError } from '../../domain/errors';
import { BYTE_LIMIT_SLACK, nothingDone, type Enforcer, type EnforceOutcome } from '../usage/enforcer';
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
  /**
   * Writes the site's logins from the poll's decision (the active codes' limits and byte allowances, by code) and
   * says how many it wrote; absent: the logins are someone else's to write.
   */
  writeLogins?(decided: ReadonlyMap<string, DecidedAccess>): Promise<number>;
  /**
   * Logs every session of a code out and in again through the router's API (a site with API access), so that
   * the router asks FreeRADIUS again and the session takes the allowance just written; returns those back.
   * Absent: such a session keeps its allowance until its own next login.
   */
  relogin?(code: string, password: string): Promise<number>;
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

/** What a login of each code is answered now (radreply): its rates and its byte allowance (0: none). */
interface Answered {
  rate: string;
  limit: number;
}

async function answeredOf(db: Knex, codes: string[]): Promise<Map<string, Answered>> {
  const out = new Map<string, Answered>();
  const get = (u: string) => {
    let a = out.get(u);
    if (!a) out.set(u, (a = { rate: '', limit: 0 }));
    return a;
  };
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = (await db('radreply')
      .whereIn('username', codes.slice(i, i + 1000))
      .whereIn('attribute', ['Mikrotik-Rate-Limit', 'Mikrotik-Total-Limit', 'Mikrotik-Total-Limit-Gigawords'])
      .select('username', 'attribute', 'value')) as Array<{
      username: string;
      attribute: string;
      value: string;
    }>;
    for (const r of rows) {
      const a = get(r.username);
      if (r.attribute === 'Mikrotik-Rate-Limit') a.rate = r.value;
      else if (r.attribute === 'Mikrotik-Total-Limit') a.limit += Number(r.value) || 0;
      else a.limit += (Number(r.value) || 0) * 2 ** 32;
    }
  }
  return out;
}

/**
 * A session the router said it ended is not asked again for this long: its Stop may take a moment to reach the
 * accounting, and until then the session still looks open there.
 */
export const DISCONNECTED_HOLD_MS = 5 * 60_000;

export function coaEnforcer(o: CoaEnforcerOptions): Enforcer {
  /** What each live session (by Acct-Session-Id) was last given: its rates, and the byte limit it took at login. */
  const given = new Map<string, Answered>();
  /** Sessions the router ended at our request, and when. */
  const disconnected = new Map<string, number>();
  /** Sessions already logged as running under an allowance their code no longer has. */
  const noted = new Set<string>();
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

  /**
   * The sessions whose code has no data left (Disconnect now), and how many newly run under an allowance their
   * code no longer has (logged once each; their next login takes the new one).
   */
  function allowances(
    live: readonly SessionReading[],
    left: ReadonlyMap<string, number | null>,
    ending: ReadonlySet<string>,
    claimed: ReadonlySet<string>,
  ): { atCap: SessionReading[]; notReached: number; codes: Set<string> } {
    const atCap: SessionReading[] = [];
    const codes = new Set<string>();
    let notReached = 0;
    for (const id of [...noted]) if (!given.has(id)) noted.delete(id);
    for (const s of live) {
      if (!left.has(s.user) || ending.has(`${s.user}\n${s.mac}`) || claimed.has(s.mac)) continue;
      const want = left.get(s.user)!;
      if (want !== null && want <= 0) {
        atCap.push(s);
        continue;
      }
      const took = given.get(s.id)?.limit ?? 0;
      if (s.bytes === undefined || noted.has(s.id)) continue;
      const room = took > 0 ? Math.max(0, took - s.bytes) : null;
      // As the router's enforcer judges a session's own limit: one that would cut it before its code's allowance (a
      // top-up), a limit no longer wanted (a free window opened) or none while one is (the window closed). One
      // with more room than its code has left (another device of the code moved bytes) needs no new login: the
      // poll ends the code at its cap.
      const stale = want === null ? room !== null : room === null || room < want - BYTE_LIMIT_SLACK;
      if (!stale) continue;
      noted.add(s.id);
      codes.add(s.user);
      notReached++;
      o.log.info(
        { session: s.id, took: room, allowance: want },
        'a session keeps the data allowance it took at login; its next login takes the new one',
      );
    }
    return { atCap, notReached, codes };
  }

  return {
    async apply(order, reading): Promise<EnforceOutcome> {
      // Nothing is removed here (loginsRemoved stays empty): a code that ended is refused by its login
      // (writeLogins), which stays a while.
      const out = nothingDone();
      const t = now();
      for (const [id, at] of disconnected) if (t - at > DISCONNECTED_HOLD_MS) disconnected.delete(id);
      const live = reading.sessions.filter((s) => s.id !== '' && !disconnected.has(s.id));
      const liveIds = new Set(live.map((s) => s.id));
      for (const id of [...given.keys()]) if (!liveIds.has(id)) given.delete(id);
      const bySession = new Map(live.map((s) => [`${s.user}\n${s.mac}`, s]));
      const ending = new Set(order.logout.map((s) => `${s.user}\n${s.mac}`));
      // What a session first seen took at its Accept: its code's answer before this poll writes a new one.
      const unknown = live.filter((s) => !given.has(s.id));
      const answered = unknown.length
        ? await answeredOf(o.db, [...new Set(unknown.map((s) => s.user))])
        : new Map<string, Answered>();
      for (const s of unknown) given.set(s.id, { ...(answered.get(s.user) ?? { rate: '', limit: 0 }) });
      // The allowances asked for last, so extra data bought while the poll ran is in them.
      const caps = order.byteCaps ? await order.byteCaps() : [];
      const left = new Map(caps.map((c) => [c.code, c.left]));
      if (o.writeLogins && order.vouchers) {
        const decided = new Map<string, DecidedAccess>();
        for (const [code, limits] of order.vouchers())
          decided.set(code, { limits, left: left.get(code) ?? null });
        try {
          out.byteLimitsSet = await o.writeLogins(decided);
        } catch (err) {
          // Reported, not thrown: the packets below still go, and the next poll writes the logins again.
          out.errors.push({
            code: 'LOGINS_NOT_WRITTEN',
            message: `could not write the FreeRADIUS users: ${(err as Error).message}`,
            transient: false,
          });
        }
      }
      const changes: Array<{ s: SessionReading; rate: string }> = [];
      for (const d of order.devices) {
        const key = `${d.code}\n${d.mac}`;
        const s = bySession.get(key);
        // A device a redemption is bringing online is the redemption's for a moment.
        if (!s || ending.has(key) || order.claimed.has(d.mac)) continue;
        const rate = rateLimitText(d.limits, d.plan?.priority);
        if (given.get(s.id)?.rate !== rate) changes.push({ s, rate });
      }
      const { atCap, notReached, codes } = allowances(live, left, ending, order.claimed);
      if (o.relogin && codes.size > 0 && out.byteLimitsSet !== undefined) {
        // Their new login is written: logged in again, they take it now.
        const password = new Map(caps.map((c) => [c.code, c.password]));
        let back = 0;
        for (const code of codes) back += await o.relogin(code, password.get(code) ?? code).catch(() => 0);
        out.relogged = back;
        for (const s of live) if (codes.has(s.user)) given.delete(s.id);
        // Their new sessions were answered the rates just written: no CoA for the ones that ended.
        for (let i = changes.length - 1; i >= 0; i--) if (codes.has(changes[i].s.user)) changes.splice(i, 1);
      } else if (notReached > 0) out.allowancesNotReached = notReached;
      if (
        changes.length === 0 &&
        atCap.length === 0 &&
        !order.logout.some((s) => bySession.has(`${s.user}\n${s.mac}`))
      ) {
        out.loggedOut.push(...order.logout);
        return out;
      }
      let target: CoaTarget;
      try {
        target = await o.target();
      } catch (err) {
        out.errors.push(new UnreachableError((err as Error).message, 'COA_TARGET', err));
        return out;
      }
      let silent = 0;
      const end = async (session: SessionReading): Promise<boolean> => {
        const d = await send('disconnect', session, [], target);
        if (d !== 'ack' && d !== 'gone') {
          silent++;
          return false;
        }
        given.delete(session.id);
        disconnected.set(session.id, t);
        return true;
      };
      for (const { s, rate } of changes) {
        const a = await send('coa', s, [['Mikrotik-Rate-Limit', rate]], target);
        if (a === 'ack') {
          given.get(s.id)!.rate = rate;
          out.updated++;
          continue;
        }
        // Not taken (or not answered): the session ends, and its next login is answered the new rates.
        o.log.info({ session: s.id, answer: a }, 'CoA not taken: disconnecting the session instead');
        if (await end(s)) out.removed++;
      }
      // No data left: the session ends now, as the router would at its own allowance.
      for (const s of atCap) if (await end(s)) out.loggedOut.push(s);
      for (const s of order.logout) {
        const session = bySession.get(`${s.user}\n${s.mac}`);
        // Ended at our request already (its Stop not in yet), or an Accept with no session to name: nothing to send.
        if (!session) {
          if (s.id === '' || disconnected.has(s.id)) out.loggedOut.push(s);
          continue;
        }
        if (await end(session)) out.loggedOut.push(s);
      }
      if (silent > 0)
        out.errors.push(
          new UnreachableError(
            `the router at ${target.host}:${target.port} did not take ${silent} CoA/Disconnect request(s); retrying next poll`,
            'COA_TIMEOUT',
          ),
        );
      return out;
    },
  };
}
