/**
 * Subscribers' PPP objects on an API site's router: the room that owns `/ppp/profile` (a monthly plan as
 * `pisonet-<PLAN>`) and `/ppp/secret` (a subscriber, by username), as hotspot-users owns the vouchers' hotspot
 * users. The subscriber service only records; this room brings the router in line (check.ts), when the check
 * runner (src/jobs/check-runner.ts) runs its check:
 *
 * - within a second of a change the service reports (onChange: create, edit, suspend, resume, end);
 * - every 30 s (at least one check a minute), so an object of ours removed or changed by hand is put back;
 * - at once after a reconnect, and after a reboot the poll saw (a reset router has lost everything).
 *
 * Between its checks, the site's enforcer hands it the speeds a poll decided (applySpeeds: a cap reached, a cycle
 * begun): those subscribers' secrets take their tier's profile, and their sessions end once to take it.
 *
 * Each check also lists the running sessions of suspended subscribers in `pisonet-suspended` (suspended.ts), its
 * own step with its own counts; every 30 s is within one usage poll (USAGE_POLL_SECONDS, 30 by default), so a
 * CPE that dials again onto a new address is followed by the next check.
 *
 * A check that fails (the router is down, or the database does not know this router: safe mode) changes
 * nothing and is retried by the next one; the database holds the whole wanted state, so nothing is lost.
 */
import { SafeModeError } from '../../../domain/errors';
import type { PppSecretHave } from '../../../domain/ppp-plan';
import { createCheckRunner, onReconnect, type CheckTrigger } from '../../../jobs/check-runner';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import { nextStamp } from '../../../lib/stamp';
import { createRouterPpp, type PppSessionCounters, type RouterPpp } from '../../../router/ppp';
import { namedRouterPpp } from '../../../router/ppp-named';
import { createRouterSuspendedList } from '../../../router/suspended-list';
import type { RouterClient } from '../../../router/types';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import type { ProfileService } from '../../shop/profiles/types';
import type { RouterBinding } from '../router-binding';
import type { CredentialsBox } from '../../business/sites/credentials';
import type { SubscriberChanged } from '../../subscriptions/subscribers/types';
import type { Knex } from 'knex';
import type { SubscriberSpeedsStep } from '../usage/enforcer';
import { keptSubscriberNames } from '../usage/subscriber-load';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';
import { checkPpp, wantedPpp, type PppCheckReport as PppObjectsReport, type PppWanted } from './check';
import { checkSuspendedList, suspendedSubscribers, type SuspendedListReport } from './suspended';

/** What one check did: the PPP objects' counts, and the suspension step's. */
export type PppCheckReport = PppObjectsReport & { suspended: SuspendedListReport };

/** How often the router's PPP objects are checked when nothing else asks: twice within the promised minute. */
export const PPP_CHECK_EVERY_SECONDS = 30;
/**
 * How long a check keeps speeds the booked bytes do not show yet: two polls and a half (90 s at the default
 * 30 s), by when the poll has booked the bytes behind them and the database is right again.
 */
const heldMs = (pollSeconds: number): number => pollSeconds * 2500;
export interface PppSubscribersDeps {
  db: Knex;
  clock: Clock;
  /** The shop's time zone (a site's own, when it has one, is read with its subscribers). */
  tz: () => string;
  log: Logger;
  site: SiteRef;
  router: RouterClient;
  binding: RouterBinding;
  profiles: ProfileService;
  box: Pick<CredentialsBox, 'open'>;
  /** The usage poll's interval now, in seconds (absent: the default 30 s). */
  pollSeconds?: () => number;
  /** The subscriber service's change listener (absent: only the periodic check and the router's events). */
  subscriberChanges?: (listener: (e: SubscriberChanged) => void) => () => void;
}

export interface PppSubscribers {
  /** Checks now (after a check already running, which may have read the database before a change). */
  check(reason?: string): Promise<PppCheckReport>;
  /** A check soon, for this reason (a reboot the poll saw); failures are logged and retried. */
  requestCheck(reason: string): void;
  /** The speeds a poll decided, brought to these subscribers' secrets and sessions (the site's enforcer's step). */
  applySpeeds: SubscriberSpeedsStep;
  /** The name of the running PPP session given this address (a read of `/ppp/active`), or null. */
  loginAt(address: string): Promise<string | null>;
  /**
   * How many of the site's subscribers (active or suspended) had a session at the last check that read the
   * router, at most PPP_CHECK_EVERY_SECONDS old while the router answers; undefined before the first one.
   */
  online(): number | undefined;
  /** The same, with when it was learnt (nextStamp: later observations have larger stamps). */
  onlineSeen(): { count: number | undefined; stamp: number };
  /**
   * What the router holds now for adopting its own secrets (src/services/subscriptions/subscribers/adopt.ts): every PPP secret
   * (passwords included: the adopted subscriber takes the router's), each running session's address and queue speeds.
   */
  held(): Promise<PppHeld>;
  /** Begins the periodic check and listens to changes (the server; the terminal's stacks do not). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The site's subscribers' running PPP sessions with their byte counters, for the usage poll's reading (the
 * subscriber meter books them, the metrics count them); undefined, and nothing read from the router, while the
 * site has no subscriber in service. Sessions of logins that are not our subscribers (secrets made by hand) are
 * left out: nobody's bytes to book, and no subscriber online.
 */
export function pppSessionsRead(d: {
  db: Knex;
  router: RouterClient;
  site: SiteRef;
}): (() => Promise<PppSessionCounters[] | undefined>) & { close(): void } {
  const ppp = createRouterPpp(d.router);
  // Their names kept between polls while no subscriber was written (SQLite), as the metered subscribers are.
  const names = keptSubscriberNames(d.db);
  const read = async () => {
    const ours = await names.at(d.site.id);
    if (ours === undefined) return undefined;
    return (await ppp.sessions()).filter((s) => ours.has(s.username.toLowerCase()));
  };
  return Object.assign(read, { close: () => names.close() });
}

/** The router's PPP secrets and running sessions, as adopting reads them. */
export interface PppHeld {
  secrets: PppSecretHave[];
  sessions: Array<{ name: string; address: string | null; maxLimit: string | null }>;
}

async function readHeld(ppp: RouterPpp): Promise<PppHeld> {
  const [secrets, sessions, limits] = await Promise.all([ppp.secrets(), ppp.sessions(), ppp.sessionLimits()]);
  return {
    secrets,
    sessions: sessions.map((s) => ({
      name: s.username,
      address: s.address,
      maxLimit: limits.get(s.username) ?? null,
    })),
  };
}

export function createPppSubscribers(d: PppSubscribersDeps): PppSubscribers {
  const room = pppRoom(d);
  const runner = createCheckRunner({
    check: (reason) => runCheck(room, reason),
    failed: (reason, err) =>
      d.log[beforeFirstConnection(d.router) ? 'debug' : 'warn'](
        { module: 'ppp', reason, err: err.message },
        'PPP not checked; will retry at the next check',
      ),
    periodic: {
      name: d.site.id === DEFAULT_SITE.id ? 'ppp-check' : `ppp-check ${d.site.name}`,
      seconds: PPP_CHECK_EVERY_SECONDS,
      log: d.log,
      now: () => d.clock.now(),
    },
    triggers: [reconnects(d.router), ...changes(d.subscriberChanges)],
  });
  return {
    check: (reason) => runner.check(reason),
    requestCheck: (reason) => runner.request(reason),
    applySpeeds: (speeds) => runner.inTurn(() => applySpeeds(room, speeds)),
    online: () => room.online.count,
    onlineSeen: () => ({ ...room.online }),
    loginAt: (address) => room.routerPpp.sessionAt(address),
    held: () => readHeld(room.routerPpp),
    start: () => runner.start(),
    stop: () => runner.stop(),
  };
}

/** What the PPP room keeps between its checks. */
type PppRoom = ReturnType<typeof pppRoom>;

function pppRoom(d: PppSubscribersDeps) {
  const routerPpp = createRouterPpp(d.router);
  const read: { names?: string[] } = {};
  return {
    d,
    routerPpp,
    // The router's PPP, remembering the sessions' names a check reads (the metrics' count costs no read).
    ppp: {
      ...routerPpp,
      activeSessions: async () => {
        const sessions = await routerPpp.activeSessions();
        read.names = sessions.map((x) => x.name);
        return sessions;
      },
    },
    read,
    // The subscribers online at the last check that read the router, and when that was learnt (nextStamp).
    online: { count: undefined as number | undefined, stamp: 0 },
    suspendedList: createRouterSuspendedList(d.router),
    // Conflicts already told (once per run of the controller, not every 30 s).
    reported: new Set<string>(),
    // The speeds each session was last ended for (speeds.ts): once per change, never in a loop.
    endedFor: new Map<string, string>(),
    // The fixed address each session was last ended for (addresses.ts): likewise once per change.
    addressedFor: new Map<string, string>(),
    // Speeds applied, by subscriber id, and when: kept by the checks until the booked bytes agree (heldSpeeds).
    held: new Map<number, { speeds: SubscriberSpeeds; at: number }>(),
  };
}

/**
 * The server's start, before its first connection to the router: a check then has nothing to read and runs again at
 * the connection (reconnects below), so its failure is no news. A router lost later (lostSince set) warns.
 */
const beforeFirstConnection = (router: RouterClient): boolean =>
  !router.status.connected && router.status.lostSince === undefined;

/** A check after each reconnect of the router, the first connection included (it may have been reset while away). */
function reconnects(router: RouterClient): CheckTrigger {
  return (request) => onReconnect(router, () => request('router reconnected'));
}

/** A check after each change the subscriber service reports (none without its listener). */
function changes(listen: PppSubscribersDeps['subscriberChanges']): CheckTrigger[] {
  return listen ? [(request) => listen(() => request('subscriber changed'))] : [];
}

/** One check: the PPP objects, the count online, the suspended list; each step logged. */
async function runCheck(room: PppRoom, reason: string): Promise<PppCheckReport> {
  const { d } = room;
  if (!(await d.binding.ready()))
    throw new SafeModeError('ppp', d.binding.state().reason?.message ?? 'the router is not ours yet');
  const held = heldSpeeds(room);
  const want = await wantedPpp(d, d.site.id, undefined, held);
  for (const id of room.held.keys()) if (!held.has(id)) room.held.delete(id);
  const objects = await checkObjects(room, want);
  const report = { ...objects, suspended: await checkSuspended(room, reason) };
  logObjects(room, reason, report);
  return report;
}

/**
 * The speeds applied lately that the database's booked bytes may not show yet (a crossing the fair-use watch saw
 * between polls): a check keeps them rather than undo them, until the booked bytes agree or heldMs passed.
 */
function heldSpeeds(room: PppRoom): Map<number, SubscriberSpeeds> {
  const now = room.d.clock.now();
  const bound = heldMs(room.d.pollSeconds?.() ?? 30);
  for (const [id, h] of room.held) if (now - h.at > bound) room.held.delete(id);
  return new Map([...room.held].map(([id, h]) => [id, h.speeds]));
}

/** Only the subscribers a poll decided: their secrets and sessions; a failure is logged, the next check retries. */
async function applySpeeds(room: PppRoom, speeds: Parameters<SubscriberSpeedsStep>[0]): Promise<void> {
  const { d } = room;
  const reason = "a poll changed subscribers' speeds";
  const at = d.clock.now();
  for (const [id, sp] of speeds) room.held.set(id, { speeds: sp, at });
  try {
    if (!(await d.binding.ready())) return;
    const want = await wantedPpp(d, d.site.id, speeds);
    // Their rows only: a few subscribers' new speeds cost the router rows for them, not for every one online.
    const ppp = namedRouterPpp(d.router, [...want.secrets.map((s) => s.name), ...want.ended]);
    logObjects(room, reason, await checkPpp(ppp, want, room.endedFor, room.addressedFor));
  } catch (err) {
    d.log.warn(
      { module: 'ppp', reason, err: (err as Error).message },
      'PPP speeds not applied; the next check will',
    );
  }
}

/** The PPP objects brought in line, and the subscribers online counted from the sessions the check read. */
async function checkObjects(room: PppRoom, want: PppWanted): Promise<PppObjectsReport> {
  room.read.names = undefined;
  // What the check sees is as of when it began to read: a poll's reading begun later is newer (subscribers-seen.ts).
  const stamp = nextStamp();
  // A router that does not answer has no count to show (the metrics then leave the site's gauge out).
  const objects = await checkPpp(room.ppp, want, room.endedFor, room.addressedFor).catch((err: unknown) => {
    room.online = { count: undefined, stamp };
    throw err;
  });
  const seen = room.read.names as string[] | undefined;
  if (seen) {
    const names = new Set(seen.map((n) => n.toLowerCase()));
    const count = want.secrets.filter((w) => names.has(w.name.toLowerCase())).length;
    room.online = { count, stamp };
  }
  return objects;
}

/** How many refused writes one log line names (a router refusing everything would fill the log). */
const FAILURES_NAMED = 20;

function logObjects(room: PppRoom, reason: string, report: PppObjectsReport): void {
  const { log } = room.d;
  const { added, changed, removed, ended, restarted, failed } = report;
  if (added + changed + removed + ended + restarted > 0)
    log.info(
      { module: 'ppp', reason, added, changed, removed, ended, restarted },
      `PPP checked (${reason}): ${added} added, ${changed} changed (put back after a hand edit, or given new speeds), ${removed} removed, ${ended} session(s) ended, ${restarted} ended to take new speeds`,
    );
  if (failed > 0) {
    // Each refused write by name and the router's reason, so the owner can see what to fix.
    const { failures } = report;
    const more = failures.length > FAILURES_NAMED ? `; and ${failures.length - FAILURES_NAMED} more` : '';
    const named = failures.length ? `: ${failures.slice(0, FAILURES_NAMED).join('; ')}${more}` : '';
    log.warn(
      { module: 'ppp', reason, failed, failures: failures.slice(0, FAILURES_NAMED) },
      `PPP checked: ${failed} change(s) failed${named}`,
    );
  }
  for (const c of report.conflicts.filter((n) => !room.reported.has(n))) {
    room.reported.add(c);
    log.warn(
      { module: 'ppp', conflict: c },
      `PPP ${c} on the router has no "pisonet" in its comment: someone else's, left alone (rename it, or add "pisonet" to its comment to hand it over)`,
    );
  }
}

/** The suspension step (suspended.ts), logged. */
async function checkSuspended(room: PppRoom, reason: string): Promise<SuspendedListReport> {
  const { log, db, site } = room.d;
  const r = await checkSuspendedList(room.suspendedList, await suspendedSubscribers(db, site.id));
  if (r.listed + r.unlisted + r.changed > 0)
    log.info(
      { module: 'ppp', reason, listed: r.listed, unlisted: r.unlisted, changed: r.changed },
      `Suspended list checked (${reason}): ${r.listed} address(es) listed, ${r.unlisted} taken out, ${r.changed} put back`,
    );
  if (r.failed > 0)
    log.warn({ module: 'ppp', reason, failed: r.failed }, `Suspended list: ${r.failed} change(s) failed`);
  for (const a of r.conflicts.filter((n) => !room.reported.has(`list ${n}`))) {
    room.reported.add(`list ${a}`);
    log.warn(
      { module: 'ppp', conflict: a },
      `${a} is in pisonet-suspended through a disabled entry without "pisonet" in its comment: left alone (enable or remove it)`,
    );
  }
  return r;
}
