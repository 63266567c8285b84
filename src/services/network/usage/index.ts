/**
 * The usage poll, in the order a byte travels: every USAGE_POLL_SECONDS runCycle reads the usage source (what
 * is online, and each device's cumulative counters), books the bytes once in the ledger (with the baselines they
 * were measured against, in one transaction), asks the pure policy what every voucher and device should have
 * now, closes the vouchers that ended, and hands the rest to the enforcer, which changes only what differs.
 *
 *   source.read()  →  load the vouchers  →  device limits (adopt / over the count)  →  meter + writeUsage
 *     (+ the subscribers' sessions, and the speeds their bytes changed)  →  decideVouchers (src/domain)
 *     →  endVouchers  →  enforcer.apply  →  events and the report
 *
 * The source and the enforcer are a pair chosen by the site's mode and built by the site's parts
 * (src/services/network/site-stack/parts.ts): the router's queue counters and its queues and hotspot over the API
 * (router-pair.ts), or FreeRADIUS's accounting and CoA (radius/). This service is handed both and builds neither. An unreachable source (UnreachableError, whatever the mode) is a state, not an
 * error: the cycle is skipped with one log line per outage, and the app runs a full cycle on reconnect.
 */
import { UnreachableError } from '../../../domain/errors';
import { ChangeWatch } from '../../../db/change-watch';
import { decideVouchers } from '../../../domain/queues';
import { DEFAULT_SITE, siteOf, type SiteDeps } from '../../deps';
import type { CycleReport, UsageService, WatchReport } from '../../types';
import { watchOnce } from './fup-watch';
import { withWatchedSessions } from './fup-watch-subscribers';
import { SessionsFollowed } from './fup-watch-logins';
import { keptMeteredSubscribers } from './subscriber-load';
import { keptBaselines } from './subscriber-baselines';
import { firstDue, freshMemory, none, type Cycle, type UsageServiceOptions, type WatchMode } from './cycle';
import { activeItems, byteCaps, endVouchers, enforceOrder, forgetRemovedUsers } from './decisions';
import { planDeviceLimits } from './device-limit';
import type { RouterWarning } from '../router-checks/types';
import type { EnforceOutcome } from './enforcer';
import { book, noteReboot } from './ledger';
import { loadActiveState, withRouterMentions, type LoadedState } from './load';
import {
  adoptSessions,
  noteOutage,
  noteOverLimit,
  noteRebooted,
  noteRecovery,
  settleLogins,
} from './notices';
import { USAGE_SQL_TAG } from '../../../db/bulk-sql';
import { readPollState } from './persist';
import { COMPACT_EVERY_MS, compactSamples, trafficSeries } from './samples';
import { queueRenameFix } from '../../../router/system';
import type { UsageReading } from './source';

const NO_CHANGES: CycleReport['changes'] = { added: 0, updated: 0, removed: 0, loggedOut: 0, ended: 0 };

function report(c: Cycle, now: number, commandsBefore: number, devices = 0, bytesCounted = 0): CycleReport {
  return {
    at: now,
    roundTrips: c.deps.router.stats.commands - commandsBefore,
    devices,
    changes: NO_CHANGES,
    bytesCounted,
  };
}

/**
 * The site's active vouchers (read again only when another writer changed them: the meter's own writes are
 * tagged and applied to the kept copy), plus any voucher the reading mentions.
 */
async function currentState(c: Cycle, reading: UsageReading): Promise<LoadedState> {
  const { db } = c.deps;
  const stamp = await c.watch.stamp();
  if (!c.memory.active || !ChangeWatch.unchanged(c.memory.active.stamp, stamp))
    c.memory.active = { stamp, state: await loadActiveState(db, c.opts.profiles, siteOf(c.deps).id) };
  return withRouterMentions(db, c.opts.profiles, c.memory.active.state, reading, siteOf(c.deps).id);
}

/** One poll: read, book, decide, enforce. */
async function runCycle(c: Cycle): Promise<CycleReport> {
  const { clock, router } = c.deps;
  const now = clock.now();
  const before = router.stats.commands;
  const lease = c.opts.lease ? await c.opts.lease() : 'held';
  if (lease === 'other') {
    // Another server meters the site now: nothing held here is current, and its last poll is the one to show.
    c.memory.active = undefined;
    c.memory.lastPoll = (await readPollState(c.deps.db, siteOf(c.deps).id)).lastPollAt ?? c.memory.lastPoll;
    return { ...report(c, now, before), skipped: 'not-leased' };
  }
  if (lease === 'acquired') c.memory = freshMemory();
  if (!c.memory.loaded) {
    const saved = await readPollState(c.deps.db, siteOf(c.deps).id);
    c.memory.lastPoll = saved.lastPollAt;
    c.memory.knownStart = saved.bootTime;
    c.memory.loaded = true;
  }
  let reading: UsageReading;
  try {
    reading = await c.opts.source.read();
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    await noteOutage(c.notices, c.memory.outage, err, now, c.deps.router.status.lostSince);
    return { ...report(c, now, before), skipped: 'router-unreachable' };
  }
  await noteRecovery(c.notices, c.memory.outage, now);
  withWatchedSessions(c, reading);
  // Safe mode: this database does not know this router; booking its counters or bringing it to our desired
  // state would book strangers' bytes and strip paying customers' queues.
  if (c.opts.routerReady && !(await c.opts.routerReady()))
    return { ...report(c, now, before), skipped: 'safe-mode' };
  await settleLogins(c.notices, reading.sessions, now, {
    startedAt: c.opts.sharedDatabase ? undefined : c.startedAt,
    servers: c.opts.servers,
  });
  try {
    return await bookAndEnforce(c, reading, now, before);
  } catch (err) {
    // The kept copy may hold changes that never reached the database: start again from the database.
    c.memory.active = undefined;
    throw err;
  }
}

/** The ledger, the policy and the enforcer, for one reading. */
async function bookAndEnforce(
  c: Cycle,
  read: UsageReading,
  now: number,
  before: number,
): Promise<CycleReport> {
  const { db, config } = c.deps;
  let state = await currentState(c, read);
  const limits = planDeviceLimits(read, state);
  if (await adoptSessions(c.notices, limits.adopt, now)) state = await currentState(c, read);
  // From here on the sessions beyond a device count are as good as gone: the enforcer logs them out below.
  const reading = limits.reading;
  const restarted = noteReboot(c, reading);
  if (restarted) await noteRebooted(c.notices);
  const { bytesCounted, subscribers } = await book(c, state, reading, restarted, now);
  // A state widened by vouchers the reading mentions is not the kept one: the kept one is read again next time.
  const widened = state !== c.memory.active?.state;
  if (widened) c.memory.active = undefined;
  // The policy, once, whatever the source; then the vouchers that ended are closed before the router is told.
  const items = activeItems(state);
  const decided = decideVouchers(items, now, config.tz);
  const ended = await endVouchers(c.deps, state, decided.voucherActions, now);
  const overLimit = limits.overLimit.map((o) => o.session);
  // Sessions of ended vouchers exist only when one ended now or the reading mentioned one (a widened state).
  const order = enforceOrder(state, reading, decided, ended, overLimit, now, widened || ended.length > 0);
  order.vouchers = () => new Map(items.map((it, i) => [it.voucher.code, decided.limits[i]]));
  order.byteCaps = () => byteCaps(db, state, items, now, config.tz);
  order.subscribers = subscribers;
  const outcome = await c.opts.enforcer.apply(order, reading);
  await forgetRemovedUsers(db, state, ended, outcome.loginsRemoved);
  await noteOverLimit(c.notices, limits.overLimit, outcome.loggedOut);
  await afterEnforce(c, outcome, ended.length, now);
  // The samples are one table for all sites: the default site's poll compacts them.
  if (c.isDefault && now - c.memory.lastCompactAt >= COMPACT_EVERY_MS) {
    c.memory.lastCompactAt = now;
    await compactSamples(db, now);
  }
  let connected = 0;
  for (const v of state.byId.values()) for (const d of v.devices) if (d.connected) connected++;
  const { added, updated, removed } = outcome;
  const changes = { added, updated, removed, loggedOut: outcome.loggedOut.length, ended: ended.length };
  return { ...report(c, now, before, connected, bytesCounted), changes };
}

async function afterEnforce(c: Cycle, o: EnforceOutcome, ended: number, now: number): Promise<void> {
  const { added, updated, removed } = o;
  if (o.planQueuesTaken) notePlanQueuesTaken(c, o.planQueuesTaken);
  const loggedOut = o.loggedOut.length;
  if (added + updated + removed + loggedOut + ended > 0)
    c.deps.log.info(
      { added, updated, removed, loggedOut, ended },
      'router brought in line with the vouchers',
    );
  const transient = o.errors.find((err) => err.transient);
  if (transient)
    return noteOutage(c.notices, c.memory.outage, transient, now, c.deps.router.status.lostSince);
  if (o.errors.length > 0) {
    const first = o.errors[0];
    c.deps.log.warn(
      { failed: o.errors.length, code: first.code, err: first.routerMessage ?? first.message },
      `${o.errors.length} router change(s) failed; retrying next cycle`,
    );
  }
}

/** Logged when the list changes; the admin's banners and /healthz read it (planQueueWarnings). */
function notePlanQueuesTaken(c: Cycle, taken: string[]): void {
  const before = c.memory.planQueuesTaken ?? [];
  c.memory.planQueuesTaken = taken;
  if (taken.join() !== before.join() && taken.length > 0)
    c.deps.log.warn(
      { profiles: taken },
      `not sharing ${taken.join(', ')}: a queue named ${taken.map((p) => `pisonet-plan-${p}`).join(', ')} is not ours`,
    );
}

function planQueueWarnings(taken: readonly string[] | undefined): RouterWarning[] {
  return (taken ?? []).map((p) => ({
    code: 'PLAN_QUEUE_TAKEN' as const,
    message: `The shared plan ${p} is not shared: a queue named pisonet-plan-${p} on the router is not one the controller made, so it is left alone and ${p}'s devices keep their own limits only.`,
    fix: `${queueRenameFix(`pisonet-plan-${p}`, `${p}-own`)}   (or remove it; the controller then makes its own)`,
  }));
}

/** A cycle, its time and devices told to the metrics when it ran (a skipped cycle polled nothing). */
async function measured(c: Cycle): Promise<CycleReport> {
  const started = performance.now();
  const report = await runCycle(c);
  if (!report.skipped)
    c.deps.metrics?.polled(siteOf(c.deps).name, (performance.now() - started) / 1000, report.devices);
  return report;
}

/** A poll waits for a watch tick under way, and no tick starts while it runs: the two never interleave. */
async function underLock(c: Cycle): Promise<CycleReport> {
  c.polling = true;
  try {
    // Only when a tick runs: otherwise the cycle reads the clock at once, as a caller expects.
    if (c.watching) await c.watching.catch(() => undefined);
    return await measured(c);
  } finally {
    c.polling = false;
  }
}

function watchTick(c: Cycle, mode: WatchMode): Promise<WatchReport> {
  if (c.polling || c.watching || !c.opts.watch) return Promise.resolve(none('poll-running'));
  const tick = watchOnce(c, c.opts.watch, mode).finally(() => {
    c.watching = undefined;
  });
  c.watching = tick;
  return tick;
}

/**
 * Never two cycles at once, and never a stale answer: a caller arriving while a cycle runs gets the next
 * cycle, which starts when the running one ends (that one read the source and the clock before the call).
 * Every caller arriving during the same run shares that one follow-up cycle, so a burst of triggers
 * (reconnect, admin, scheduler) costs at most one extra cycle.
 */
function oneAtATime(run: () => Promise<CycleReport>): () => Promise<CycleReport> {
  let running: Promise<CycleReport> | undefined;
  let next: Promise<CycleReport> | undefined;
  const start = (): Promise<CycleReport> => {
    if (!running) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
  return start;
}

export function createUsageService(
  deps: SiteDeps,
  opts: UsageServiceOptions,
): UsageService & { /** Stops watching the database (a site removed). */ close(): void } {
  const site = siteOf(deps);
  const isDefault = site.id === DEFAULT_SITE.id;
  const c: Cycle = {
    deps,
    opts,
    notices: {
      db: deps.db,
      clock: deps.clock,
      log: deps.log.child({ module: 'usage' }),
      siteId: site.id,
      routerName: isDefault ? 'Router' : `Router of site ${site.name}`,
    },
    // Any write to these tables but the meter's own (tagged) makes the next cycle read the vouchers again.
    watch: new ChangeWatch(deps.db, {
      tables: ['vouchers', 'voucher_devices', 'profiles'],
      ownTag: USAGE_SQL_TAG,
    }),
    metered: keptMeteredSubscribers(deps.db),
    baselines: keptBaselines(deps.db),
    memory: freshMemory(),
    isDefault,
    startedAt: deps.clock.now(),
  };
  c.deps = { ...deps, log: c.notices.log };
  return {
    runCycle: oneAtATime(() => underLock(c)),
    watch: opts.watch && ((mode = 'tick') => watchTick(c, mode)),
    watchDue: opts.watch && (() => (opts.watch?.enabled() ? firstDue(c.memory.watchDue) : undefined)),
    logins: opts.watch && opts.follow && new SessionsFollowed(c, opts.follow, opts.watch),
    lastPollAt: () => c.memory.lastPoll,
    warnings: () => planQueueWarnings(c.memory.planQueuesTaken),
    trafficSeries: (q) => trafficSeries(deps.db, q),
    close: () => {
      c.watch.close();
      c.metered.close();
      c.baselines.close();
    },
  };
}
