/**
 * Subscribers on a RADIUS site: the room that owns their FreeRADIUS rows (rows.ts) and tells their running PPP
 * sessions what changed, as the PPP room (src/services/network/ppp-subscribers/) does for an API site's router. The
 * subscriber service only records; a check here:
 *
 * 1. reads the site's open PPP sessions from the accounting (radius/ppp-accounting.ts), and what FreeRADIUS answered them;
 * 2. writes the rows that differ (the next login is answered the change);
 * 3. sends each running session what its next login would get and it has not got (domain/radius-subscriber.ts):
 *    a CoA-Request with the new `Mikrotik-Rate-Limit` (a plan change, a cap that throttles) or with
 *    `Mikrotik-Address-List = pisonet-suspended` (a suspension: the session stays up); a Disconnect-Request for an
 *    ended or blocked subscriber, and for a resumed one (its CPE dials again, and is answered without the list).
 *
 * A check runs within a second of a change the service reports (onChange), after every poll of the site (so a
 * change made elsewhere, a packet the router did not take, or a row changed by hand is put right within a poll)
 * and at start; the check runner (src/jobs/check-runner.ts) runs them one at a time. Between them, the site's
 * enforcer hands it the speeds a poll decided (applySpeeds: a cap reached, a cycle begun): the same steps, for
 * those subscribers only. A CoA the router refuses or does not answer is a Disconnect instead; a request that gets
 * no answer at all is retried by the next check.
 * What each session was last given is kept in memory; a session first seen is taken to have what its rows
 * answered before this check wrote them.
 */
import { answerOf, sessionAction, type SessionAnswer } from '../../../domain/radius-subscriber';
import { createCheckRunner } from '../../../jobs/check-runner';
import type { Logger } from '../../../lib/logger';
import type { SiteRef } from '../../deps';
import { send, type CoaTarget, type PacketOptions } from '../radius/coa-packets';
import { DISCONNECTED_HOLD_MS } from '../radius/coa-enforcer';
import type { SubscriberChanged } from '../../subscriptions/subscribers/types';
import type { SubscriberSpeedsStep } from '../usage/enforcer';
import type { SessionReading } from '../usage/source';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';
import {
  syncSubscriberRows,
  wantedSubscribers,
  type SubscriberRowsDeps,
  type WantedSubscribers,
} from './rows';
import { pppSessions, type PppAccountingSession } from '../radius/ppp-accounting';

interface RadiusSubscribersDeps extends PacketOptions, SubscriberRowsDeps {
  log: Logger;
  site: SiteRef;
  /** The router's address as FreeRADIUS knows it (its accounting's NAS address). */
  nasAddress: string;
  /** Where CoA and Disconnect go (throws when the site has no router set, or no key to open its secret here). */
  target(): Promise<CoaTarget>;
  /** The subscriber service's change listener (absent: checks after polls only). */
  subscriberChanges?: (listener: (e: SubscriberChanged) => void) => () => void;
}

export interface RadiusCheckReport {
  written: number;
  removed: number;
  /** CoA-Requests taken. */
  changed: number;
  /** Sessions ended by a Disconnect-Request. */
  ended: number;
  /** Requests the router did not answer (retried at the next check). */
  failed: number;
}

export interface RadiusSubscribers {
  /** Checks now (after a check already running, which may have read the database before a change). */
  check(reason?: string): Promise<RadiusCheckReport>;
  /** The speeds a poll decided, brought to these subscribers' rows and sessions (the site's enforcer's step). */
  applySpeeds: SubscriberSpeedsStep;
  /** Listens to the subscriber service's changes (the server; the terminal's stacks do not). */
  start(): void;
  stop(): Promise<void>;
}

export function createRadiusSubscribers(d: RadiusSubscribersDeps): RadiusSubscribers {
  const room: RadiusRoom = {
    d,
    log: d.log.child({ module: 'radius' }),
    given: new Map(),
    disconnected: new Map(),
  };
  const listen = d.subscriberChanges;
  const runner = createCheckRunner({
    check: (reason) => runCheck(room, reason),
    failed: (reason, err) =>
      room.log.warn({ reason, err: err.message }, 'subscribers not checked; will retry after the next poll'),
    triggers: listen ? [(request) => listen(() => request('subscriber changed'))] : [],
  });
  const reason = "a poll changed subscribers' speeds";
  return {
    check: (reason) => runner.check(reason),
    applySpeeds: (speeds) =>
      runner
        .inTurn(() => runCheck(room, reason, speeds))
        .then(
          () => undefined,
          (err: Error) =>
            room.log.warn({ reason, err: err.message }, 'subscribers not checked; will retry after the poll'),
        ),
    start: () => runner.start(),
    stop: () => runner.stop(),
  };
}

/** What the room keeps between its checks, in memory. */
interface RadiusRoom {
  d: RadiusSubscribersDeps;
  log: Logger;
  /** What each running session (by Acct-Session-Id) was last given. */
  given: Map<string, SessionAnswer>;
  /** Sessions the router ended at our request, and when (their Stop may take a moment to arrive). */
  disconnected: Map<string, number>;
}

/** One check (`decided`: of these subscribers only): the open sessions read, the rows written, each session told. */
async function runCheck(
  room: RadiusRoom,
  reason: string,
  decided?: ReadonlyMap<number, SubscriberSpeeds>,
): Promise<RadiusCheckReport> {
  const { d } = room;
  const t = d.now();
  const sessions = await openSessions(room, t);
  const want = await wantedSubscribers(d, d.site.id, decided);
  const synced = await syncSubscriberRows(d.db, d.site.id, want);
  const report: RadiusCheckReport = {
    written: synced.written,
    removed: synced.removed,
    changed: 0,
    ended: 0,
    failed: 0,
  };
  const ours = sessions.filter((s) => want.rows.has(s.username) || want.ended.has(s.username));
  for (const s of ours)
    if (!room.given.has(s.id))
      room.given.set(
        s.id,
        answerOf(synced.before.get(s.username)) ?? { rate: '', suspended: false, address: null },
      );
  await tellSessions(room, ours, want, { reason, t, report });
  if (report.written + report.removed + report.changed + report.ended > 0)
    room.log.info({ ...report, reason }, 'subscribers: FreeRADIUS rows and running sessions brought in line');
  return report;
}

/** The site's open PPP sessions, but those we ended a moment ago; what is remembered of closed ones forgotten. */
async function openSessions(room: RadiusRoom, t: number): Promise<PppAccountingSession[]> {
  const { d, given, disconnected } = room;
  for (const [id, at] of disconnected) if (t - at > DISCONNECTED_HOLD_MS) disconnected.delete(id);
  const sessions = (await pppSessions(d.db, d.nasAddress)).filter((s) => !disconnected.has(s.id));
  const live = new Set(sessions.map((s) => s.id));
  for (const id of [...given.keys()]) if (!live.has(id)) given.delete(id);
  return sessions;
}

/** Each session told what its next login would get and it has not got: a CoA, else a Disconnect. */
async function tellSessions(
  room: RadiusRoom,
  ours: PppAccountingSession[],
  want: WantedSubscribers,
  c: { reason: string; t: number; report: RadiusCheckReport },
): Promise<void> {
  const { d, log, given } = room;
  let target: CoaTarget | undefined;
  for (const s of ours) {
    const wanted = answerOf(want.rows.get(s.username));
    const action = sessionAction(given.get(s.id)!, wanted, want.ended.has(s.username));
    if (action.kind === 'none') continue;
    try {
      target ??= await d.target();
    } catch (err) {
      log.warn(
        { reason: c.reason, err: (err as Error).message },
        "subscribers' sessions not told: no CoA target",
      );
      break;
    }
    if (action.kind === 'coa' && (await tell(room, s, 'coa', action.attributes, target, c.report))) {
      given.set(s.id, wanted!);
      c.report.changed++;
      continue;
    }
    if (action.kind === 'coa')
      log.info({ session: s.id, user: s.username }, 'CoA not taken: disconnecting the session instead');
    if (await tell(room, s, 'disconnect', [], target, c.report)) {
      given.delete(s.id);
      room.disconnected.set(s.id, c.t);
      c.report.ended++;
    }
  }
}

/** One request; true when taken (a Disconnect: or the session already gone). Never logs the secret. */
async function tell(
  room: RadiusRoom,
  s: PppAccountingSession,
  type: 'coa' | 'disconnect',
  attributes: Array<[string, string]>,
  target: CoaTarget,
  report: RadiusCheckReport,
): Promise<boolean> {
  const session: SessionReading = {
    id: s.id,
    user: s.username,
    mac: s.callerId,
    ip: s.address,
    uptimeSeconds: s.uptimeSeconds,
  };
  const answer = await send(room.d, type, session, attributes, target);
  if (answer === 'ack' || (type === 'disconnect' && answer === 'gone')) return true;
  if (type === 'disconnect') {
    report.failed++;
    room.log.warn(
      { session: s.id, user: s.username, answer, router: `${target.host}:${target.port}` },
      'Disconnect-Request not taken; the next check sends it again',
    );
  }
  return false;
}
