/**
 * Pause and resume for vouchers that count connected time only (time_mode "uptime"). Pause counts the
 * time used up to now (a poll cycle), refuses the code's login (the site's logins: its hotspot user disabled and
 * its cookies forgotten, or FreeRADIUS answering Access-Reject), then ends the voucher's sessions (the site's
 * sessions part: the router's hotspot, or a Disconnect on a RADIUS site): with no device online, and none able to
 * log in again by itself (a browser's or a MAC's cookie on the router's own page), the clock stands, so the
 * remaining time is kept to the second. Resume lets the login in again, then logs the device back in as a
 * redemption does. The profile may cap a pause's length (it then ends by itself: the device is logged back in
 * when it is still on the WiFi) and the number of pauses per 24 hours.
 *
 * Each step is a named function taking the site's dependencies (PauseDeps); createPauses only wires them.
 */
import { pauseEndsAt, pauseRefusal, SELF_SERVICE_WINDOW_MS } from '../../../domain/self-service';
import { formatDurationHuman } from '../../../domain/durations';
import { AppError } from '../../../domain/errors';
import { maskCode } from '../../../lib/logger';
import { siteOf, type SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import * as lifecycle from '../voucher-lifecycle';
import { pausesLeft } from '../vouchers/hold';
import { onlineMacsOf } from '../vouchers/online';
import type { RedeemResult, RedemptionService, UsageService } from '../../types';
import type { Logins } from '../vouchers/logins';
import type { Sessions } from '../vouchers/sessions';
import {
  deviceRow,
  eventTimes,
  meterNow,
  timingOf,
  unreachable,
  voucherById,
  waitText,
  type Voucher,
  type VoucherLocks,
} from './shared';
import type { PauseState } from './types';
import * as voucherDevices from '../voucher-devices';

/**
 * What pausing works with: the site's services, its poll (to count usage first), its logins (refused while
 * paused), its sessions and redemption.
 */
interface PauseDeps {
  deps: SiteDeps;
  usage: Pick<UsageService, 'runCycle'>;
  redemption: Pick<RedemptionService, 'redeem'>;
  logins: Pick<Logins, 'paused' | 'requestCheck'>;
  sessions: Sessions;
}

export function createPauses(deps: SiteDeps, d: Omit<PauseDeps, 'deps'>) {
  const p: PauseDeps = { deps, ...d };
  return {
    state: (v: Voucher) => pauseState(p, v),
    pause: (v: Voucher, mac: string) => pauseVoucher(p, v, mac),
    resume: (v: Voucher, mac: string, why: 'customer' | 'max-pause' | 'login') =>
      resumeVoucher(p, v, mac, why),
    afterCycle: (locks: Pick<VoucherLocks, 'tryRun'>) => endPauses(p, locks),
  };
}

/** The voucher's pause as the status page shows it. */
async function pauseState(p: PauseDeps, v: Voucher): Promise<PauseState> {
  const now = p.deps.clock.now();
  const pausedAt = v.row.paused_at ?? null;
  return {
    paused: pausedAt !== null,
    remainingSeconds: timingOf(v, now).remainingSeconds,
    endsAt: pausedAt === null ? null : pauseEndsAt(v.profile, Number(pausedAt)),
    // The counter's voucher page reads the same count (vouchers/hold.ts).
    pausesLeft: await pausesLeft(p.deps.db, v.row.id, v.profile, now),
  };
}

/** Pauses the voucher: its time used so far counted, then its devices logged out. */
async function pauseVoucher(p: PauseDeps, v: Voucher, mac: string): Promise<PauseState> {
  const { db, clock, log } = p.deps;
  const { sessions } = p;
  if (v.row.paused_at !== null && v.row.paused_at !== undefined) return pauseState(p, v);
  const recent = await eventTimes(db, v.row.id, 'pause', clock.now() - SELF_SERVICE_WINDOW_MS);
  const refusal = pauseRefusal(v.effective, Boolean(v.row.staff), recent, clock.now());
  if (refusal?.code === 'PAUSE_NOT_AVAILABLE')
    throw new AppError(
      'PAUSE_NOT_AVAILABLE',
      refusal.reason === 'wallclock'
        ? 'This code counts clock time, which runs whether you are online or not, so it cannot be paused.'
        : 'This code has no time limit, so there is nothing to pause.',
      409,
    );
  if (refusal?.code === 'PAUSE_LIMIT')
    throw new AppError(
      'PAUSE_LIMIT',
      `This code can be paused ${refusal.perDay} time${refusal.perDay === 1 ? '' : 's'} a day. You can pause again in ${waitText(refusal.nextAt, clock.now())}.`,
      429,
    );
  if (!sessions.reachable()) throw unreachable();
  // Count the time and data used up to this moment first: the session ends next, and a poll after that
  // would no longer see it.
  await meterNow(p.usage);
  const now = clock.now();
  const fresh = (await voucherById(db, v.row.id)) as Voucher;
  if (!(await lifecycle.pause(db, v.row.id, mac, now)))
    return pausedElsewhere(p, (await voucherById(db, v.row.id)) as Voucher);
  let online: string[] = [];
  try {
    // The login is refused before the sessions end: a cookie's login in between would run the clock again.
    await p.logins.paused(fresh.row, true);
    online = await sessions.online(v.row.code);
    await sessions.end(v.row.code);
  } catch (err) {
    await lifecycle.unpause(db, v.row.id, clock.now());
    await p.logins.paused(fresh.row, false).catch(() => p.logins.requestCheck('a pause was undone'));
    log.warn({ voucher: maskCode(v.row.code), err: (err as Error).message }, 'pause: logout failed');
    throw unreachable();
  }
  await voucherDevices.disconnectAll(db, v.row.id);
  // Logged out here, not seen leaving by a poll: a move counts their time offline from now (moveDecision).
  if (online.length) await voucherDevices.loggedOutAt(db, v.row.id, online, now);
  const left = timingOf(fresh, now).remainingSeconds;
  await recordEvent(db, clock, {
    voucherId: v.row.id,
    kind: 'pause',
    message: `Paused by ${mac} with ${formatDurationHuman(left ?? 0)} left${online.length > 1 ? ` (${online.length} devices logged out)` : ''}`,
    // The devices that were online: Resume logs them all back in.
    data: { mac, remainingSeconds: left, devices: online },
  });
  log.info(
    { module: 'portal', event: 'pause', voucher: maskCode(v.row.code), mac },
    `voucher ${maskCode(v.row.code)} paused by ${mac} (${left ?? 0}s left)`,
  );
  return pauseState(p, (await voucherById(db, v.row.id)) as Voucher);
}

/**
 * The pause that found the voucher paused or no longer running: paused by another request (a second tap) is the
 * pause asked for; used up or expired by the usage just counted is refused, so no page says "Paused" of it.
 */
async function pausedElsewhere(p: PauseDeps, v: Voucher): Promise<PauseState> {
  if (v.row.paused_at !== null && v.row.paused_at !== undefined) return pauseState(p, v);
  throw new AppError(
    'VOUCHER_NOT_ACTIVE',
    'This code has no time or data left, so there is nothing to pause.',
    409,
  );
}

/**
 * Ends the pause and logs the device back in (the redemption's relogin: login, queue, counters). The pause ends
 * first, in the database and then at the login (its user enabled, its rows answering its time again), so that
 * the login is let in. The customer's Resume that cannot log the device in keeps the pause as it was, so they
 * can try again; a pause past its longest ends all the same (the device logs in itself when it is back). `login`:
 * a device of the code is online already (a login the controller made), so only the pause ends.
 */
async function resumeVoucher(
  p: PauseDeps,
  v: Voucher,
  mac: string,
  why: 'customer' | 'max-pause' | 'login',
): Promise<{ result: RedeemResult | null; state: PauseState }> {
  const { db, clock } = p.deps;
  const pausedAt = v.row.paused_at;
  if (pausedAt === null || pausedAt === undefined)
    throw new AppError('NOT_PAUSED', 'This code is not paused.', 409);
  const ip = why === 'login' ? null : ((await deviceRow(db, v.row.id, mac))?.ip ?? null);
  if (why === 'customer' && !ip) throw unreachable();
  const state = async () => pauseState(p, (await voucherById(db, v.row.id)) as Voucher);
  if (!(await lifecycle.unpause(db, v.row.id, clock.now()))) return { result: null, state: await state() };
  let result: RedeemResult | null = null;
  try {
    await p.logins.paused(v.row, false);
    if (ip) result = await p.redemption.redeem({ code: v.row.code, mac, ip }); // no guess: no asker
  } catch (err) {
    if (why === 'customer') {
      await pauseAgain(p, v, Number(pausedAt));
      throw err;
    }
    // The pause is over all the same: a login not let in yet is the users check's to put right.
    p.logins.requestCheck('a pause ended without its device back');
    p.deps.log.info(
      { voucher: maskCode(v.row.code), err: (err as Error).message },
      'pause ended; device not back',
    );
  }
  if (result) await resumeOthers(p, v, mac);
  await recordResume(p, v, mac, why, Number(pausedAt));
  return { result, state: await state() };
}

/** A Resume that failed: the pause as it was, its login refused again (or by the next users check). */
async function pauseAgain(p: PauseDeps, v: Voucher, pausedAt: number): Promise<void> {
  const { db, clock } = p.deps;
  const was = { pausedAt, mac: v.row.paused_mac ?? null };
  if (!(await lifecycle.keepPaused(db, v.row.id, was, clock.now()))) return;
  await p.logins.paused(v.row, true).catch(() => p.logins.requestCheck('a failed resume was paused again'));
}

/**
 * The voucher's other devices that were online when it was paused are logged back in too (a pause stops
 * the code, not one phone), each at the address it had. One that has left the WiFi, or is online on
 * another code by now, is simply skipped: it logs in again from the login page when it comes back.
 */
async function resumeOthers(p: PauseDeps, v: Voucher, mac: string): Promise<void> {
  const { db, log } = p.deps;
  const ev = (await db('events')
    .where({ voucher_id: v.row.id, kind: 'pause' })
    .orderBy('id', 'desc')
    .first('data')) as { data: unknown } | undefined;
  let devices: unknown = [];
  try {
    const data = typeof ev?.data === 'string' ? JSON.parse(ev.data) : ev?.data;
    devices = (data as { devices?: unknown } | null)?.devices ?? [];
  } catch {
    devices = [];
  }
  if (!Array.isArray(devices)) return;
  for (const other of devices) {
    if (typeof other !== 'string' || other === mac) continue;
    const row = await deviceRow(db, v.row.id, other);
    if (!row?.ip) continue;
    try {
      await p.redemption.redeem({ code: v.row.code, mac: other, ip: row.ip });
    } catch (err) {
      log.info(
        { voucher: maskCode(v.row.code), mac: other, err: (err as Error).message },
        'resume: another device of the voucher is not back on the WiFi; it logs in again from the login page',
      );
    }
  }
}

/** The pause is over (resumed, past its longest, or the device logged in again): recorded. */
async function recordResume(
  p: PauseDeps,
  v: Voucher,
  mac: string,
  why: string,
  pausedAt: number,
): Promise<void> {
  const { db, clock, log } = p.deps;
  const seconds = Math.round((clock.now() - pausedAt) / 1000);
  const how =
    why === 'customer'
      ? 'resumed by the customer'
      : why === 'max-pause'
        ? "ended by the profile's longest pause"
        : 'ended: the device logged in again';
  await recordEvent(db, clock, {
    voucherId: v.row.id,
    kind: 'resume',
    message: `Pause of ${seconds}s ${how} (${mac})`,
    data: { mac, pausedSeconds: seconds, why },
  });
  log.info(
    { module: 'portal', event: 'resume', voucher: maskCode(v.row.code), mac, why },
    `voucher ${maskCode(v.row.code)}: pause of ${seconds}s ${how}`,
  );
}

/**
 * After each poll: a paused voucher whose device is online again (a login the controller made, its login being
 * refused everywhere else), as the poll booked it and the router still says, is no longer paused; one past its profile's longest pause is resumed, its device
 * logged back in when it is still on the WiFi (else the pause just ends and the customer logs in again later).
 * A voucher with a pause, resume or move in flight is left to the next poll: a pause in flight has marked the
 * voucher paused before it logs its device out, so its device still shows online and would read as "logged in
 * again".
 */
async function endPauses(p: PauseDeps, locks: Pick<VoucherLocks, 'tryRun'>): Promise<void> {
  const { db } = p.deps;
  // This site's paused vouchers: each site's cycle ends its own pauses, on its own router.
  const rows = (await db('vouchers')
    .whereNotNull('paused_at')
    .where({ status: 'active', site_id: siteOf(p.deps).id })
    .select('id')) as Array<{ id: number }>;
  for (const { id } of rows) await locks.tryRun(id, () => endPause(p, id));
}

/**
 * Whether the router has the paused code online now. The poll's devices may be older than the pause: a poll
 * that read the sessions just before the pause logged the phone out books it online after the pause is done,
 * which is no login. Unknown (the router out of reach): not back, and the next poll asks again.
 */
async function backOnline(p: PauseDeps, v: Voucher): Promise<boolean> {
  if (!p.sessions.reachable()) return false;
  return (await p.sessions.online(v.row.code).catch(() => [])).length > 0;
}

/** One paused voucher after a poll, under its lock: its pause ended by a login or by its longest pause, or kept. */
async function endPause(p: PauseDeps, id: number): Promise<void> {
  const { db, clock } = p.deps;
  const v = await voucherById(db, id);
  if (!v || v.row.paused_at === null || v.row.paused_at === undefined) return;
  const mac = v.row.paused_mac ?? '';
  if ((await onlineMacsOf(db, id)).length > 0 && (await backOnline(p, v))) {
    await resumeVoucher(p, v, mac, 'login');
    return;
  }
  const ends = pauseEndsAt(v.profile, Number(v.row.paused_at));
  if (ends === null || clock.now() < ends) return;
  // The device has left the WiFi (or the router refused it): the pause is over all the same.
  await resumeVoucher(p, v, mac, 'max-pause');
}
