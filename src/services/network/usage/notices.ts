/**
 * What a poll tells the owner and the database besides the usage itself: the router gone and back, sessions
 * adopted from the router's own login page, sessions logged out for being beyond their voucher's device count,
 * and redemptions that never got online.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../../lib/clock';
import { maskCode, type Logger } from '../../../lib/logger';
import type { EnforceError } from '../../../domain/errors';
import { loginEvent, redemptionEvents } from '../../business/events/activity';
import { recordEvent, recordEvents } from '../../business/events';
import {
  activateFromRouterSession,
  LOGIN_GRACE_MS,
  settleInterruptedLogins,
} from '../../shop/voucher-lifecycle';
import type { OverLimit } from './device-limit';
import type { SessionReading } from './source';
import type { ServerPresence } from '../../../db/site-leases';

export interface NoticeDeps {
  db: Knex;
  clock: Clock;
  log: Logger;
  siteId: number;
  /** 'Router', or 'Router of site …'. */
  routerName: string;
}

/** Whether the router is unreachable, since when (one log line and one event per outage). */
export interface Outage {
  since?: number;
}

/** `lostSince`: when the router connection dropped, when it knows (the outage began then, not at this poll). */
export async function noteOutage(
  deps: NoticeDeps,
  outage: Outage,
  err: EnforceError,
  now: number,
  lostSince?: number,
): Promise<void> {
  if (outage.since !== undefined) return;
  outage.since = lostSince !== undefined && lostSince < now ? lostSince : now;
  deps.log.warn(
    { code: err.detail ?? err.code, err: err.message },
    'router unreachable: usage polling and enforcement paused until it is back',
  );
  await recordEvent(deps.db, deps.clock, {
    kind: 'router-down',
    level: 'warn',
    message: `${deps.routerName} unreachable: ${err.message}`,
  });
}

/** The router rebooted since the last poll (its counters started again): every customer was logged out then. */
export async function noteRebooted(deps: NoticeDeps): Promise<void> {
  await recordEvent(deps.db, deps.clock, {
    kind: 'router-rebooted',
    level: 'warn',
    message: `${deps.routerName} restarted since the last poll: every device was logged out then`,
  });
}

export async function noteRecovery(deps: NoticeDeps, outage: Outage, now: number): Promise<void> {
  if (outage.since === undefined) return;
  const seconds = Math.round((now - outage.since) / 1000);
  outage.since = undefined;
  deps.log.info({ downSeconds: seconds }, `router reachable again after ${seconds}s; full cycle running`);
  await recordEvent(deps.db, deps.clock, {
    kind: 'router-up',
    level: 'info',
    message: `${deps.routerName} reachable again after ${seconds}s`,
  });
}

/**
 * Sessions of our vouchers without a device row (logged in on the router's own page or while we were stopped),
 * within their voucher's device count (planDeviceLimits picked them). Returns whether there were any.
 */
export async function adoptSessions(
  deps: NoticeDeps,
  todo: readonly SessionReading[],
  now: number,
): Promise<boolean> {
  if (todo.length === 0) return false;
  const logins: Array<{ code: string; mac: string; first: boolean }> = [];
  await deps.db.transaction(async (trx) => {
    for (const s of todo) {
      const ip = s.hostIp ?? s.ip;
      const at = s.startedAt !== undefined ? Math.min(s.startedAt, now) : now;
      const activated = await activateFromRouterSession(trx, s.user, s.mac, ip, at, deps.siteId);
      logins.push({ code: s.user, mac: s.mac, first: activated });
      // A first use is the voucher's `activated-on-router` (its sale); another device is a login.
      const v = activated
        ? undefined
        : await trx('vouchers').where({ code: s.user, status: 'active' }).first('id');
      if (v)
        await recordEvents(trx, deps.clock, [
          loginEvent({ voucherId: v.id, mac: s.mac, ip: ip ?? null, via: 'router' }),
        ]);
    }
  });
  // Logged like a portal redemption, once committed, with the code masked.
  for (const l of logins) {
    const masked = maskCode(l.code);
    deps.log.info(
      { event: 'login', voucher: masked, mac: l.mac, first: l.first },
      l.first
        ? `voucher ${masked} activated: first login on the router's own page, by ${l.mac}`
        : `voucher ${masked}: device ${l.mac} logged in on the router's own page`,
    );
  }
  return true;
}

/** Sessions logged out for being beyond their voucher's device count: one event and one log line each. */
export async function noteOverLimit(
  deps: NoticeDeps,
  over: readonly OverLimit[],
  gone: readonly SessionReading[],
): Promise<void> {
  const done = over.filter((o) => gone.includes(o.session));
  if (done.length === 0) return;
  await deps.db.transaction(async (trx) => {
    for (const { session: s, voucher: v } of done) {
      const n = v.profile.users;
      await recordEvent(trx, deps.clock, {
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
    deps.log.warn(
      { event: 'device-limit', voucher: masked, mac: s.mac, limit: n },
      `voucher ${masked}: ${s.mac} logged out, beyond the ${n} device${n === 1 ? '' : 's'} it allows (router login page)`,
    );
  }
}

/**
 * Finishes or undoes redemptions interrupted between the claim and the router login. `startedAt`: claims made
 * before this process started cannot be in flight any more (one server per database); with a shared database
 * the grace period decides, except for a claim whose server is no longer running (`servers`): it is settled now.
 */
export async function settleLogins(
  deps: NoticeDeps,
  sessions: readonly SessionReading[],
  now: number,
  by: { startedAt?: number; servers?: ServerPresence },
): Promise<void> {
  const { startedAt, servers } = by;
  const cutoff = startedAt === undefined ? now - LOGIN_GRACE_MS : Math.max(startedAt, now - LOGIN_GRACE_MS);
  const settled = await settleInterruptedLogins(deps.db, sessions, cutoff, now, deps.siteId, servers);
  if (settled.finished.length)
    deps.log.info({ finished: settled.finished.length }, 'interrupted redemptions confirmed online');
  await announceConfirmed(deps, settled.finished);
  for (const u of settled.undone) {
    const masked = maskCode(u.code);
    const what = u.released ? 'voucher back to unused, its time not started' : 'device slot freed';
    deps.log.warn(
      { voucher: masked, mac: u.mac },
      `redemption of ${masked} by ${u.mac} never got online: ${what}`,
    );
    await recordEvent(deps.db, deps.clock, {
      voucherId: u.voucherId,
      kind: 'redemption-undone',
      level: 'warn',
      message: `Redemption by ${u.mac} was interrupted before the device got online: ${what}`,
    });
  }
}

/**
 * Logins the poll confirmed (the router did not answer them at the time): each a customer online, and a first use
 * a sale, in the feed and the log as the portal would have written them.
 */
async function announceConfirmed(
  deps: NoticeDeps,
  finished: ReadonlyArray<{ voucherId: number; mac: string; ip: string | null; activated: boolean }>,
): Promise<void> {
  if (!finished.length) return;
  const rows = (await deps
    .db('vouchers as v')
    .join('profiles as p', 'p.id', 'v.profile_id')
    .whereIn(
      'v.id',
      finished.map((f) => f.voucherId),
    )
    .select('v.id', 'v.code', 'v.price', 'v.staff', 'p.name as profile')) as Array<{
    id: number;
    code: string;
    price: number;
    staff: boolean | number;
    profile: string;
  }>;
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const events = finished.flatMap((f) => {
    const v = byId.get(f.voucherId);
    if (!v) return [];
    const masked = maskCode(v.code);
    deps.log.info(
      { module: 'portal', event: f.activated ? 'redeem' : 'login', voucher: masked, mac: f.mac, ip: f.ip },
      `voucher ${masked} ${f.activated ? `redeemed on the portal (${v.profile})` : 'online on the portal'} by ${f.mac}, confirmed by the poll`,
    );
    return redemptionEvents({
      voucherId: f.voucherId,
      first: f.activated,
      staff: Boolean(v.staff),
      price: Number(v.price),
      profile: v.profile,
      mac: f.mac,
      ip: f.ip,
      via: 'portal',
    });
  });
  await recordEvents(deps.db, deps.clock, events);
}
