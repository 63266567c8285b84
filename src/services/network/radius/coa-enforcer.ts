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
import { rateLimitText, type DecidedAccess } from '../../../domain/radius-account';
import type { Logger } from '../../../lib/logger';
import { UnreachableError } from '../../../domain/errors';
import {
  BYTE_LIMIT_SLACK,
  nothingDone,
  type ByteCap,
  type Enforcer,
  type EnforceOrder,
  type EnforceOutcome,
} from '../usage/enforcer';
import type { SessionReading, UsageReading } from '../usage/source';
import { send, type CoaTarget, type PacketOptions } from './coa-packets';
import { answeredOf, type Answered } from './accounts';

export type { CoaTarget } from './coa-packets';

interface CoaEnforcerOptions extends PacketOptions {
  db: Knex;
  target: () => Promise<CoaTarget>;
  log: Logger;
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
}

/**
 * A session the router said it ended is not asked again for this long: its Stop may take a moment to reach the
 * accounting, and until then the session still looks open there.
 */
export const DISCONNECTED_HOLD_MS = 5 * 60_000;

/** What the enforcer keeps between polls. */
interface Memory {
  /** What each live session (by Acct-Session-Id) was last given: its rates, and the byte limit it took at login. */
  given: Map<string, Answered>;
  /** Sessions the router ended at our request, and when. */
  disconnected: Map<string, number>;
  /** Sessions already logged as running under an allowance their code no longer has. */
  noted: Set<string>;
}

/** One poll's work: the order, the sessions it may touch, what they need, and the outcome as it grows. */
interface Pass {
  o: CoaEnforcerOptions;
  memory: Memory;
  order: EnforceOrder;
  /** When the poll applies (a disconnected session is held from then). */
  t: number;
  /** The reading's sessions with an id, less those the router ended at our request. */
  live: SessionReading[];
  /** The live sessions by code and MAC. */
  bySession: Map<string, SessionReading>;
  /** The order's sessions to end, by code and MAC. */
  ending: Set<string>;
  /** The byte allowances (asked for after the sessions are known). */
  caps: readonly ByteCap[];
  /** What each code with an allowance may still move (null: no limit now). */
  left: Map<string, number | null>;
  /** Sessions whose rates differ from what they were last given: a CoA-Request each. */
  changes: Array<{ s: SessionReading; rate: string }>;
  /** Sessions whose code has no data left: a Disconnect-Request each. */
  atCap: SessionReading[];
  out: EnforceOutcome;
}

/** The packets' side of a pass: where they go, and how many went unanswered. */
interface Sending {
  p: Pass;
  target: CoaTarget;
  silent: number;
}

const sessionKey = (s: { user: string; mac: string }): string => `${s.user}\n${s.mac}`;

export function coaEnforcer(o: CoaEnforcerOptions): Enforcer {
  const memory: Memory = { given: new Map(), disconnected: new Map(), noted: new Set() };
  return { apply: (order, reading) => applyOrder(o, memory, order, reading) };
}

/** One poll's order: the logins written first, then the packets that bring live sessions to it. */
async function applyOrder(
  o: CoaEnforcerOptions,
  memory: Memory,
  order: EnforceOrder,
  reading: UsageReading,
): Promise<EnforceOutcome> {
  const p = startPass(o, memory, order, reading);
  await learnFirstSeen(p);
  await askAllowances(p);
  await writeDecidedLogins(p);
  findRateChanges(p);
  await reloginStale(p, staleAllowances(p));
  if (nothingToSend(p)) p.out.loggedOut.push(...order.logout);
  else await sendPackets(p);
  return p.out;
}

/** The live sessions: those the router ended at our request are left out a while, and gone ones forgotten. */
function startPass(o: CoaEnforcerOptions, memory: Memory, order: EnforceOrder, reading: UsageReading): Pass {
  const { given, disconnected } = memory;
  const t = (o.now ?? Date.now)();
  for (const [id, at] of disconnected) if (t - at > DISCONNECTED_HOLD_MS) disconnected.delete(id);
  const live = reading.sessions.filter((s) => s.id !== '' && !disconnected.has(s.id));
  const liveIds = new Set(live.map((s) => s.id));
  for (const id of [...given.keys()]) if (!liveIds.has(id)) given.delete(id);
  return {
    o,
    memory,
    order,
    t,
    live,
    bySession: new Map(live.map((s) => [sessionKey(s), s])),
    ending: new Set(order.logout.map(sessionKey)),
    caps: [],
    left: new Map(),
    changes: [],
    atCap: [],
    // Nothing is removed here (loginsRemoved stays empty): a code that ended is refused by its login
    // (writeLogins), which stays a while.
    out: nothingDone(),
  };
}

/** What a session first seen took at its Accept: its code's answer before this poll writes a new one. */
async function learnFirstSeen(p: Pass): Promise<void> {
  const { given } = p.memory;
  const unknown = p.live.filter((s) => !given.has(s.id));
  const answered = unknown.length
    ? await answeredOf(p.o.db, [...new Set(unknown.map((s) => s.user))])
    : new Map<string, Answered>();
  for (const s of unknown) given.set(s.id, { ...(answered.get(s.user) ?? { rate: '', limit: 0 }) });
}

/** The allowances asked for last, so extra data bought while the poll ran is in them. */
async function askAllowances(p: Pass): Promise<void> {
  p.caps = p.order.byteCaps ? await p.order.byteCaps() : [];
  p.left = new Map(p.caps.map((c) => [c.code, c.left]));
}

/** Every code's next login, as this poll decided it; a failure is reported, and the next poll writes them again. */
async function writeDecidedLogins(p: Pass): Promise<void> {
  const { o, order, out } = p;
  if (!o.writeLogins || !order.vouchers) return;
  const decided = new Map<string, DecidedAccess>();
  for (const [code, limits] of order.vouchers())
    decided.set(code, { limits, left: p.left.get(code) ?? null });
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

/** The live sessions whose rates the policy changed since they were last given theirs. */
function findRateChanges(p: Pass): void {
  for (const d of p.order.devices) {
    const key = sessionKey({ user: d.code, mac: d.mac });
    const s = p.bySession.get(key);
    // A device a redemption is bringing online is the redemption's for a moment.
    if (!s || p.ending.has(key) || p.order.claimed.has(d.mac)) continue;
    const rate = rateLimitText(d.limits, d.plan?.priority);
    if (p.memory.given.get(s.id)?.rate !== rate) p.changes.push({ s, rate });
  }
}

/**
 * The sessions whose code has no data left (to Disconnect now), and the codes of sessions newly running under an
 * allowance their code no longer has (logged once each; their next login takes the new one).
 */
function staleAllowances(p: Pass): { codes: Set<string>; notReached: number } {
  const { given, noted } = p.memory;
  const codes = new Set<string>();
  let notReached = 0;
  for (const id of [...noted]) if (!given.has(id)) noted.delete(id);
  for (const s of p.live) {
    if (!p.left.has(s.user) || p.ending.has(sessionKey(s)) || p.order.claimed.has(s.mac)) continue;
    const want = p.left.get(s.user)!;
    if (want !== null && want <= 0) {
      p.atCap.push(s);
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
    p.o.log.info(
      { session: s.id, took: room, allowance: want },
      'a session keeps the data allowance it took at login; its next login takes the new one',
    );
  }
  return { codes, notReached };
}

/**
 * Once their new login is written, the codes whose sessions keep a stale allowance are logged out and in again
 * (a site with the router's API); without that, how many keep it is reported.
 */
async function reloginStale(p: Pass, stale: { codes: Set<string>; notReached: number }): Promise<void> {
  const { o, out } = p;
  const { codes } = stale;
  if (o.relogin && codes.size > 0 && out.byteLimitsSet !== undefined) {
    // Their new login is written: logged in again, they take it now.
    const password = new Map(p.caps.map((c) => [c.code, c.password]));
    let back = 0;
    for (const code of codes) back += await o.relogin(code, password.get(code) ?? code).catch(() => 0);
    out.relogged = back;
    for (const s of p.live) if (codes.has(s.user)) p.memory.given.delete(s.id);
    // Their new sessions were answered the rates just written: no CoA for the ones that ended.
    for (let i = p.changes.length - 1; i >= 0; i--)
      if (codes.has(p.changes[i].s.user)) p.changes.splice(i, 1);
  } else if (stale.notReached > 0) out.allowancesNotReached = stale.notReached;
}

/** No rate to change, no session at its cap, and none of the order's sessions to end is live. */
function nothingToSend(p: Pass): boolean {
  return (
    p.changes.length === 0 &&
    p.atCap.length === 0 &&
    !p.order.logout.some((s) => p.bySession.has(sessionKey(s)))
  );
}

/** The CoA and Disconnect requests: rate changes, sessions at their cap, the order's sessions to end. */
async function sendPackets(p: Pass): Promise<void> {
  const { out } = p;
  let target: CoaTarget;
  try {
    target = await p.o.target();
  } catch (err) {
    out.errors.push(new UnreachableError((err as Error).message, 'COA_TARGET', err));
    return;
  }
  const sending: Sending = { p, target, silent: 0 };
  await changeRates(sending);
  // No data left: the session ends now, as the router would at its own allowance.
  for (const s of p.atCap) if (await disconnect(sending, s)) out.loggedOut.push(s);
  await endLoggedOut(sending);
  if (sending.silent > 0)
    out.errors.push(
      new UnreachableError(
        `the router at ${target.host}:${target.port} did not take ${sending.silent} CoA/Disconnect request(s); retrying next poll`,
        'COA_TIMEOUT',
      ),
    );
}

/** A CoA-Request per rate change; one not taken (or not answered) ends the session instead. */
async function changeRates(sending: Sending): Promise<void> {
  const { p } = sending;
  for (const { s, rate } of p.changes) {
    const a = await send(p.o, 'coa', s, [['Mikrotik-Rate-Limit', rate]], sending.target);
    if (a === 'ack') {
      p.memory.given.get(s.id)!.rate = rate;
      p.out.updated++;
      continue;
    }
    // Not taken (or not answered): the session ends, and its next login is answered the new rates.
    p.o.log.info({ session: s.id, answer: a }, 'CoA not taken: disconnecting the session instead');
    if (await disconnect(sending, s)) p.out.removed++;
  }
}

/** The order's sessions to end (its ended vouchers', those beyond a device count). */
async function endLoggedOut(sending: Sending): Promise<void> {
  const { p } = sending;
  for (const s of p.order.logout) {
    const session = p.bySession.get(sessionKey(s));
    // Ended at our request already (its Stop not in yet), or an Accept with no session to name: nothing to send.
    if (!session) {
      if (s.id === '' || p.memory.disconnected.has(s.id)) p.out.loggedOut.push(s);
      continue;
    }
    if (await disconnect(sending, session)) p.out.loggedOut.push(s);
  }
}

/** A Disconnect-Request; true when the session is gone (acknowledged, or not there), which is then held a while. */
async function disconnect(sending: Sending, session: SessionReading): Promise<boolean> {
  const { p } = sending;
  const d = await send(p.o, 'disconnect', session, [], sending.target);
  if (d !== 'ack' && d !== 'gone') {
    sending.silent++;
    return false;
  }
  p.memory.given.delete(session.id);
  p.memory.disconnected.set(session.id, p.t);
  return true;
}
