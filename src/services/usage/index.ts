/**
 * The usage poll and reconcile cycle. Every USAGE_POLL_SECONDS the server's PeriodicJob calls
 * runCycle(): read the router once (three pipelined prints), adopt sessions the controller did not start
 * (within each voucher's device count; sessions beyond it are logged out with the cycle's writes), meter
 * the queue counters into per-device and per-voucher usage (committed with their baselines in one
 * transaction), then bring the router to what the policy says. An unreachable router is a state, not an
 * error: the cycle is skipped with one log line per outage, and the app runs a full cycle on reconnect.
 */
import { maskCode } from '../../lib/logger';
import { RouterError } from '../../router/types';
import { DEFAULT_SITE, siteOf, type ServiceDeps } from '../deps';
import { recordEvent, recordEvents } from '../events';
import { loginEvent } from '../activity-events';
import type { CycleReport, ProfileService, UsageService } from '../types';
import { activateFromRouterSession, LOGIN_GRACE_MS, settleInterruptedLogins } from '../voucher-lifecycle';
import { enforce, type EnforceMemory, type EnforceResult } from './enforce';
import { ChangeWatch, type ChangeStamp } from '../../db/change-watch';
import type { LeaseState } from '../../db/site-leases';
import { baselineHolders, loadActiveState, withRouterMentions, type LoadedState } from './load';
import { bootTimeOf, meter, queueIdsNeedingHandover, queueOwners, rebootedSince } from './meter';
import { readPollState, USAGE_SQL_TAG, writeUsage } from './persist';
import { snapshotVouchers, type SnapshotVouchers } from './snapshot-vouchers';
import { foldJournal, journalPending } from './journal';
import { createQueueTexts } from './queue-texts';
import { COMPACT_EVERY_MS, compactSamples, trafficSeries } from './samples';
import type { RouterSnapshot, SessionInfo } from '../../router/hotspot';
import { planDeviceLimits, type OverLimit } from './device-limit';

const NO_CHANGES: CycleReport['changes'] = { added: 0, updated: 0, removed: 0, loggedOut: 0, ended: 0 };

export interface UsageServiceOptions {
  profiles: ProfileService;
  /** The router booted since the last poll (a reboot, a reset configuration, another machine in its place). */
  onRouterRebooted?: () => void;
  /** False while the database does not know this router (safe mode): the cycle reads and stops there. */
  routerReady?: () => Promise<boolean>;
  /**
   * Whether this server polls the site (src/db/site-leases.ts). 'other': the cycle is skipped. 'acquired': the
   * site was polled by another server until now, so everything kept in memory is dropped and read again.
   * Absent: always held.
   */
  lease?: () => Promise<LeaseState>;
  /**
   * Several servers share the database: a claim made before this one started may still be in flight on
   * another server, so only the grace period decides when an unconfirmed claim counts as interrupted.
   */
  sharedDatabase?: boolean;
}

export function createUsageService(
  deps: ServiceDeps,
  opts: UsageServiceOptions,
): UsageService & { /** Stops watching the database (a site removed). */ close(): void } {
  const { db, router, hotspot, clock, config } = deps;
  const site = siteOf(deps);
  const isDefault = site.id === DEFAULT_SITE.id;
  const log = deps.log.child({ module: 'usage' });
  const routerName = isDefault ? 'Router' : `Router of site ${site.name}`;
  let lastPoll: number | undefined;
  /** The router's boot time as the last metered poll saw it (persisted with it; see meter.ts rebootedSince). */
  let knownBoot: number | undefined;
  let lastPollLoaded = false;
  /** Claims made before this process started cannot be in flight any more (one server per database). */
  const startedAt = clock.now();
  const texts = createQueueTexts();
  const enforcement: EnforceMemory = {};
  let outageSince: number | undefined;
  let lastCompactAt = Number.NEGATIVE_INFINITY;
  let running: Promise<CycleReport> | undefined;
  let next: Promise<CycleReport> | undefined;
  // The active vouchers as the database has them, kept between cycles: reloading 5,000 vouchers and their
  // devices every poll was a third of the cycle. The meter's own writes keep the copy current (it applies
  // them in memory and tags their SQL); any other write to these tables, in this process or another
  // (the terminal menu), changes the stamp and the next cycle reloads.
  const watch = new ChangeWatch(db, {
    tables: ['vouchers', 'voucher_devices', 'profiles'],
    ownTag: USAGE_SQL_TAG,
  });
  let active: { stamp: ChangeStamp; state: LoadedState } | undefined;
  // This process's readers take the site's usage from the vouchers held here (journal.ts UnfoldedUsage).
  const held = () => active?.state;
  deps.unfolded?.attach(site.id, held);
  // The usage journal (journal.ts): whether this server appended rows for the site it has not folded yet.
  // Unknown (undefined) until checked: a server starting, or taking the site over, folds what another left first.
  const foldMs = config.usageFoldSeconds * 1000;
  let journalRows: boolean | undefined;
  /** When this server appended the oldest journal row it has not folded: folded USAGE_FOLD_SECONDS later. */
  let oldestUnfolded: number | undefined;

  /**
   * Adds the site's journal into the tables. Run before anything reads usage back from the database for the
   * poll (a reload of the kept vouchers, baseline holders, vouchers the router mentions), so those reads are
   * current; and every USAGE_FOLD_SECONDS. Only inside the cycle's turn (exclusive below).
   */
  async function fold(): Promise<void> {
    journalRows ??= await journalPending(db, site.id);
    if (!journalRows) return;
    const polls = await foldJournal(db, site.id);
    journalRows = false;
    oldestUnfolded = undefined;
    if (polls > 1) log.debug({ polls }, 'usage journal folded');
  }

  /** The cycle's state, and which of its vouchers each session and queue of the snapshot belongs to. */
  async function currentState(snapshot: RouterSnapshot): Promise<SnapshotVouchers> {
    const stamp = await watch.stamp();
    if (!active || !ChangeWatch.unchanged(active.stamp, stamp)) {
      // Another writer changed these rows: they are read again, after the journal is in them.
      await fold();
      active = { stamp: await watch.stamp(), state: await loadActiveState(db, opts.profiles, site.id) };
    }
    const kept = snapshotVouchers(snapshot, active.state);
    let state = await withRouterMentions(db, opts.profiles, active.state, snapshot, site.id, kept);
    if (state === active.state) return kept;
    if (journalRows) {
      // Vouchers the router mentions are read from the tables every cycle: the journal goes in first.
      await fold();
      state = await withRouterMentions(db, opts.profiles, active.state, snapshot, site.id, kept);
    }
    return snapshotVouchers(snapshot, state);
  }

  async function noteOutage(err: RouterError, now: number): Promise<void> {
    if (outageSince !== undefined) return;
    outageSince = now;
    log.warn(
      { code: err.code, err: err.message },
      'router unreachable: usage polling and enforcement paused until it is back',
    );
    await recordEvent(db, clock, {
      kind: 'router-down',
      level: 'warn',
      message: `${routerName} unreachable: ${err.message}`,
    });
  }

  async function noteRecovery(now: number): Promise<void> {
    if (outageSince === undefined) return;
    const seconds = Math.round((now - outageSince) / 1000);
    outageSince = undefined;
    log.info({ downSeconds: seconds }, `router reachable again after ${seconds}s; full cycle running`);
    await recordEvent(db, clock, {
      kind: 'router-up',
      level: 'info',
      message: `${routerName} reachable again after ${seconds}s`,
    });
  }

  /**
   * Sessions of our vouchers without a device row (logged in on the router's own page or while we were
   * stopped), within their voucher's device count: planDeviceLimits picked them.
   */
  async function adopt(todo: readonly SessionInfo[], now: number): Promise<boolean> {
    if (todo.length === 0) return false;
    const logins: Array<{ code: string; mac: string; first: boolean }> = [];
    await db.transaction(async (trx) => {
      for (const s of todo) {
        const activated = await activateFromRouterSession(trx, s.user, s.mac, s.hostIp ?? s.ip, now, site.id);
        logins.push({ code: s.user, mac: s.mac, first: activated });
        // A first use is the voucher's `activated-on-router` (its sale); another device is a login.
        const v = activated
          ? undefined
          : await trx('vouchers').where({ code: s.user, status: 'active' }).first('id');
        if (v) {
          const ip = s.hostIp ?? s.ip ?? null;
          await recordEvents(trx, clock, [loginEvent({ voucherId: v.id, mac: s.mac, ip, via: 'router' })]);
        }
      }
    });
    // Customers who used the router's own login page instead of the portal: logged like a portal
    // redemption, once committed, with the code masked.
    for (const l of logins) {
      const masked = maskCode(l.code);
      log.info(
        { event: 'login', voucher: masked, mac: l.mac, first: l.first },
        l.first
          ? `voucher ${masked} activated: first login on the router's own page, by ${l.mac}`
          : `voucher ${masked}: device ${l.mac} logged in on the router's own page`,
      );
    }
    return true;
  }

  /**
   * Sessions logged out for being beyond their voucher's device count: the owner sees each in the events and
   * the log (code masked: it is the customer's key). One that failed to go is tried again next cycle.
   */
  async function noteOverLimit(over: readonly OverLimit[], gone: readonly string[]): Promise<void> {
    if (over.length === 0) return;
    const out = new Set(gone);
    const done = over.filter((o) => out.has(o.session.id));
    if (done.length === 0) return;
    await db.transaction(async (trx) => {
      for (const { session: s, voucher: v } of done) {
        const n = v.profile.users;
        await recordEvent(trx, clock, {
          voucherId: v.row.id,
          kind: 'device-limit',
          level: 'warn',
          message: `Device ${s.mac} logged out: voucher ${maskCode(v.row.code)} allows ${n} device${n === 1 ? '' : 's'} and they are taken`,
          data: { mac: s.mac, ip: s.ip, limit: n },
        });
      }
    });
    for (const { session: s, voucher: v } of done) {
      const masked = maskCode(v.row.code);
      const n = v.profile.users;
      log.warn(
        { event: 'device-limit', voucher: masked, mac: s.mac, limit: n },
        `voucher ${masked}: ${s.mac} logged out, beyond the ${n} device${n === 1 ? '' : 's'} it allows (router login page)`,
      );
    }
  }

  function report(
    now: number,
    commandsBefore: number,
    devices: number,
    bytesCounted: number,
    e?: EnforceResult,
  ): CycleReport {
    const changes = e
      ? { added: e.added, updated: e.updated, removed: e.removed, loggedOut: e.loggedOut, ended: e.ended }
      : NO_CHANGES;
    return { at: now, roundTrips: router.stats.commands - commandsBefore, devices, changes, bytesCounted };
  }

  async function afterEnforce(e: EnforceResult, now: number): Promise<void> {
    const { added, updated, removed, loggedOut, ended } = e;
    if (added + updated + removed + loggedOut + ended > 0)
      log.info({ added, updated, removed, loggedOut, ended }, 'router brought in line with the vouchers');
    const transient = e.errors.find((err) => err.transient);
    if (transient) return noteOutage(transient, now);
    if (e.errors.length > 0) {
      const first = e.errors[0];
      log.warn(
        { failed: e.errors.length, code: first.code, err: first.routerMessage ?? first.message },
        `${e.errors.length} router change(s) failed; retrying next cycle`,
      );
    }
  }

  /** Another server polled the site meanwhile: nothing kept from before may be trusted. */
  function forget(): void {
    active = undefined;
    journalRows = undefined;
    oldestUnfolded = undefined;
    lastPollLoaded = false;
    lastPoll = undefined;
    knownBoot = undefined;
    outageSince = undefined;
  }

  async function cycle(): Promise<CycleReport> {
    const now = clock.now();
    const before = router.stats.commands;
    const lease = opts.lease ? await opts.lease() : 'held';
    if (lease === 'other') {
      // What this server appended and did not fold is the other server's to fold now.
      // Nor is what it holds in memory current: the other server meters the site now.
      active = undefined;
      journalRows = undefined;
      oldestUnfolded = undefined;
      // The admin's "last poll" is the other server's, as it committed it.
      lastPoll = (await readPollState(db, site.id)).lastPollAt ?? lastPoll;
      return { ...report(now, before, 0, 0), skipped: 'not-leased' };
    }
    if (lease === 'acquired') forget();
    if (!lastPollLoaded) {
      ({ lastPollAt: lastPoll, bootTime: knownBoot } = await readPollState(db, site.id));
      lastPollLoaded = true;
    }
    let snapshot: RouterSnapshot;
    let replyAt = now;
    try {
      snapshot = await hotspot.snapshot();
      replyAt = clock.now();
    } catch (err) {
      if (!(err instanceof RouterError)) throw err;
      await noteOutage(err, now);
      return { ...report(now, before, 0, 0), skipped: 'router-unreachable' };
    }
    await noteRecovery(now);
    // Safe mode: this database does not know this router; metering its counters or bringing it to our desired
    // state would book strangers' bytes and strip paying customers' queues.
    if (opts.routerReady && !(await opts.routerReady()))
      return { ...report(now, before, 0, 0), skipped: 'safe-mode' };
    await settleLogins(snapshot, now);
    try {
      return await meterAndEnforce(snapshot, now, before, bootTimeOf(snapshot.routerUptimeSeconds, replyAt));
    } catch (err) {
      // The copy may hold changes that never reached the database: start again from the database.
      active = undefined;
      throw err;
    }
  }

  /** Finishes or undoes redemptions interrupted between the claim and the router login. */
  async function settleLogins(snapshot: RouterSnapshot, now: number): Promise<void> {
    const cutoff = opts.sharedDatabase ? now - LOGIN_GRACE_MS : Math.max(startedAt, now - LOGIN_GRACE_MS);
    const settled = await settleInterruptedLogins(db, snapshot.sessions, cutoff, now, site.id);
    if (settled.finished)
      log.info({ finished: settled.finished }, 'interrupted redemptions confirmed online');
    for (const u of settled.undone) {
      const masked = maskCode(u.code);
      const what = u.released ? 'voucher back to unused, its time not started' : 'device slot freed';
      log.warn(
        { voucher: masked, mac: u.mac },
        `redemption of ${masked} by ${u.mac} never got online: ${what}`,
      );
      await recordEvent(db, clock, {
        voucherId: u.voucherId,
        kind: 'redemption-undone',
        level: 'warn',
        message: `Redemption by ${u.mac} was interrupted before the device got online: ${what}`,
      });
    }
  }

  async function meterAndEnforce(
    read: RouterSnapshot,
    now: number,
    before: number,
    bootTime: number | undefined,
  ): Promise<CycleReport> {
    let found = await currentState(read);
    const limits = planDeviceLimits(read, found.state, hotspot.loginsMissedBy(read), found);
    if (await adopt(limits.adopt, now)) found = await currentState(read);
    // From here on the sessions beyond a device count are as good as gone: enforce logs them out below.
    const snapshot = limits.snapshot;
    if (snapshot !== read) found = snapshotVouchers(snapshot, found.state);
    const state = found.state;
    const routerRebooted = rebootedSince(knownBoot, bootTime);
    if (routerRebooted) {
      log.info(
        { routerUptimeSeconds: snapshot.routerUptimeSeconds },
        'router rebooted since the last poll: queue counters start again from zero',
      );
      opts.onRouterRebooted?.();
    }
    const owners = queueOwners(snapshot, state, undefined, found);
    const handing = queueIdsNeedingHandover(snapshot, state, undefined, owners);
    // Baselines are read from the tables: the journal goes in first.
    if (handing.length > 0) await fold();
    const handover = await baselineHolders(db, handing, site.id);
    const usage = meter({
      snapshot,
      state,
      handover,
      now,
      prevPollAt: lastPoll,
      routerRebooted,
      tz: config.tz,
      loginsMissed: hotspot.loginsMissedBy(read),
      owners,
      vouchers: found,
      journal: true,
    });
    // A state widened by vouchers the router mentions has its own device index; the kept state's may now
    // miss a counter the meter moved on a shared row, so it is built again next time.
    if (active && state !== active.state) active.state.index = undefined;
    const appended = await db.transaction((trx) =>
      writeUsage(trx, { clock, log, siteId: site.id, journal: true }, usage, now, bootTime),
    );
    if (appended) {
      journalRows = true;
      oldestUnfolded ??= now;
    }
    // A state widened by vouchers the router mentions is read from the tables again next cycle.
    if (journalRows && (state !== active?.state || now - (oldestUnfolded ?? now) >= foldMs)) await fold();
    lastPoll = now;
    if (bootTime !== undefined) knownBoot = bootTime;
    const enforced = await enforce(
      { db, hotspot, clock, log, tz: config.tz, texts, memory: enforcement },
      state,
      snapshot,
      now,
      limits.overLimit.map((o) => o.session.id),
      found,
    );
    await noteOverLimit(limits.overLimit, enforced.loggedOutIds);
    await afterEnforce(enforced, now);
    // The samples are one table for all sites: the default site's poll compacts them.
    if (isDefault && now - lastCompactAt >= COMPACT_EVERY_MS) {
      lastCompactAt = now;
      await compactSamples(db, now);
    }
    let connected = 0;
    // forEach, not for…of over values(): no iterator result per voucher in this (async, unoptimised) function.
    state.byId.forEach((v) => {
      for (let i = 0; i < v.devices.length; i++) if (v.devices[i].connected) connected++;
    });
    return report(now, before, connected, usage.bytesCounted, enforced);
  }

  /**
   * Never two cycles at once, and never a stale answer: a caller arriving while a cycle runs gets the next
   * cycle, which starts when the running one ends (that one read the router and the clock before the call).
   * Every caller arriving during the same run shares that one follow-up cycle, so a burst of triggers
   * (reconnect, admin, scheduler) costs at most one extra cycle.
   */
  let turn: Promise<unknown> | undefined;
  /**
   * One at a time: a cycle, or a fold asked for from outside (flush). Free, it starts at once (a cycle reads
   * the clock when it is called); busy, after the one before.
   */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = turn ? turn.then(fn, fn) : fn();
    const mine = p.then(
      () => undefined,
      () => undefined,
    );
    turn = mine;
    void mine.then(() => {
      if (turn === mine) turn = undefined;
    });
    return p;
  }

  function runCycle(): Promise<CycleReport> {
    if (!running) {
      running = exclusive(cycle).finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return runCycle();
      });
    return next;
  }

  return {
    runCycle,
    // Only what this process appended: another server's (or, for the terminal menu, the server's) journal is
    // theirs to fold.
    flush: () => exclusive(async () => (journalRows ? fold() : undefined)),
    lastPollAt: () => lastPoll,
    trafficSeries: (q) => trafficSeries(db, q),
    close: () => {
      deps.unfolded?.detach(site.id, held);
      watch.close();
    },
  };
}
