/**
 * Connecting a device with a voucher: the claim in the database and the login on the router at once, each
 * undone if the other fails, then the confirmation, the shop's log and its feed after the customer's answer.
 */
import type { Knex } from 'knex';
import { statements } from '../../../db/statements';
import { EVENT_KINDS } from '../../../domain/activity';
import { desiredLimits, type DesiredLimits } from '../../../domain/policy';
import { desiredQueues } from '../../../domain/queues';
import { maskCode } from '../../../lib/logger';
import { LoginUnconfirmed, type LoginOutcome } from '../../../router/hotspot';
import { redemptionEvents } from '../../business/events/activity';
import { recordEvents } from '../../business/events';
import type { RedeemResult } from '../../types';
import * as voucherDevices from '../voucher-devices';
import * as lifecycle from '../voucher-lifecycle';
import { routerByteLimit, routerUptimeLimit, toVoucherState, type VoucherRow } from '../vouchers/state';
import { deviceLimit, expired, loginUnconfirmed, routerFailure } from './refusals';
import {
  dynamicQueue,
  track,
  type Attempt,
  type Claim,
  type DeviceLogin,
  type RedemptionDeps,
  type SaleEvent,
} from './shared';

/**
 * Takes the voucher (or a device slot on it) in the database; returns false when another device won the
 * race. The device row is marked as a login in progress until record() confirms it: a controller killed
 * before that leaves the mark for settleInterruptedLogins() to finish or undo.
 */
export async function claim(r: RedemptionDeps, kind: Claim, a: Attempt, now: number): Promise<boolean> {
  const { db } = r.deps;
  const pending =
    kind === 'relogin'
      ? {}
      : { login_pending_at: now, claim_activated: kind === 'activate', claim_server: r.server ?? null };
  if (kind === 'activate') {
    // Two statements, no transaction (this is the customer's critical path, on one database connection):
    // the device row first, marked as a claim in progress, so a controller killed between the two leaves
    // something settleInterruptedLogins() can clean up; then the conditional activation. Plain SQL
    // (src/db/statements.ts): the query builder's cost was a third of a redemption's CPU.
    const c = { voucherId: a.row.id, mac: a.mac, ip: a.ip, at: now, server: r.server ?? null };
    await voucherDevices.claimForActivation(db, c);
    if (await lifecycle.activateNow(db, a.row, activationOf(r, a, now))) return true;
    await voucherDevices.dropLostClaim(db, a.row.id, a.mac);
    return false; // another device won the race
  }
  return db.transaction(async (trx) => {
    if (kind === 'add-device') {
      const [{ n }] = (await trx('voucher_devices').where({ voucher_id: a.row.id }).count({ n: '*' })) as {
        n: number;
      }[];
      if (Number(n) >= a.profile.users) throw deviceLimit();
    }
    await voucherDevices.claim(trx, { voucherId: a.row.id, mac: a.mac, ip: a.ip, at: now, pending });
    return true;
  });
}

export function activationOf(r: RedemptionDeps, a: Attempt, now: number): lifecycle.Activation {
  return {
    at: now,
    profile: a.profile,
    mac: a.mac,
    bindingOnRouter: a.profile.users === 1,
    siteId: r.site.id,
  };
}

/** Undoes a claim whose login failed: the device slot is freed, and an activation released (its clock never ran). */
export async function unclaim(r: RedemptionDeps, kind: Claim, a: Attempt): Promise<void> {
  if (kind === 'relogin') return;
  const { db, clock } = r.deps;
  await db.transaction(async (trx) => {
    await voucherDevices.release(trx, a.row.id, a.mac);
    if (kind === 'activate') await lifecycle.release(trx, a.row.id, clock.now());
  });
}

/** At most two single statements, no transaction; run after the customer has their answer. */
async function record(db: Knex, a: Attempt, out: LoginOutcome, now: number): Promise<void> {
  // A user added again (router reset) has a new id. The MAC binding was marked at activation.
  const sql = statements(db);
  if (out.routerUserId !== a.row.router_user_id) {
    await sql.run('UPDATE vouchers SET router_user_id = ?, router_synced_at = ? WHERE id = ?', [
      out.routerUserId,
      now,
      a.row.id,
    ]);
  }
  // The login is confirmed. A new queue starts counting at zero; a queue we took over keeps the baseline
  // that belongs to it.
  await voucherDevices.confirmRouterLogin(db, { voucherId: a.row.id, mac: a.mac, queueId: out.queueId });
}

/** An API site's logins: this controller logs the device in over the router's API and writes its queue. */
export const routerLogin: DeviceLogin = {
  withoutRouter: false,
  connect: (r, kind, a, sale) => connect(r, kind, a, sale),
};

/**
 * The claim in the database and the login on the router go at the same time (the database's work hides in
 * the router's first round trip); the device's queue and MAC binding wait until the claim is known to be won.
 * A claim lost to another device undoes the login; a login that fails releases the claim.
 */
async function connect(
  r: RedemptionDeps,
  kind: Claim,
  a: Attempt,
  sale?: SaleEvent,
): Promise<RedeemResult | 'lost'> {
  const { db, clock, config, log } = r.deps;
  const now = clock.now();
  const claimed = claim(r, kind, a, now);
  claimed.catch(() => undefined); // its error is read below, after the router's side is undone
  // A won claim whose login fails is given back once: before the router's side is undone (loginDevice runs
  // it then, see releaseClaim there), or below if the login never got that far.
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => (released ??= unclaim(r, kind, a));
  const row: VoucherRow =
    kind === 'activate' ? { ...a.row, ...lifecycle.activationFields(a.row, activationOf(r, a, now)) } : a.row;
  const state = toVoucherState(row, a.profile);
  const limits = desiredLimits(state, now, config.tz);
  const queue = desiredQueues(
    [{ voucher: state, devices: [{ mac: a.mac, ip: a.ip, connected: true }] }],
    now,
    config.tz,
  ).queues[0];
  try {
    if (!queue) throw expired();
    const out = await r.deps.hotspot.loginDevice({
      proceed: claimed.then(
        (won) => won,
        () => false,
      ),
      code: row.code,
      mac: a.mac,
      ip: a.ip,
      bindMac: a.profile.users === 1 && kind === 'activate',
      // A roaming voucher not used yet has a user on every router; this router's is found by its name.
      routerUserId: a.row.site_id === null ? null : row.router_user_id,
      user: {
        id: row.id,
        code: row.code,
        password: row.password ?? null,
        profileName: a.profileName,
        limitSeconds: routerUptimeLimit(a.profile, row.extra_seconds, Boolean(row.staff)),
        // A user added back at the login (gone from the router) holds its cap from the first byte.
        limitBytes: routerByteLimit(row, a.profile),
        mac: a.profile.users === 1 ? a.mac : null,
      },
      queue,
      firstDynamicQueue: dynamicQueue(r),
      releaseClaim: release,
    });
    // The customer is online and the voucher is theirs: the confirmation is bookkeeping and does not hold up
    // the answer. If it never lands (controller killed, disk error), the mark left by the claim is settled
    // from the router's sessions at a later poll (settleInterruptedLogins), and the poll adopts the queue.
    track(
      r,
      record(db, a, out, now).catch((e: Error) =>
        log.error({ err: e.message, voucher: maskCode(row.code) }, 'redemption: confirming the login failed'),
      ),
    );
  } catch (err) {
    // A claim that failed or was lost: nothing of ours to release (its own error, if any, is the answer).
    if (!(await claimed)) return 'lost';
    if (err instanceof LoginUnconfirmed) throw unconfirmed(r, a, err.cause);
    await release().catch((e: Error) => log.error({ err: e.message }, 'redemption rollback failed'));
    log.warn(
      { code: maskCode(row.code), mac: a.mac, err: (err as Error).message },
      'redemption failed; rolled back',
    );
    const failure = routerFailure(err, a.profile.users);
    if (failure.code === 'ROUTER_DEVICE_LIMIT') r.setupDoubt?.();
    throw failure;
  }
  announce(r, kind, a, row, sale);
  return redeemed(a, row, kind, limits);
}

/** A login the router did not answer: its claim is kept for the poll to settle, and the customer told so. */
export function unconfirmed(r: RedemptionDeps, a: Attempt, err: Error) {
  r.deps.log.warn(
    { code: maskCode(a.row.code), mac: a.mac, err: err.message },
    'redemption: the router did not answer the login; the poll confirms or undoes it',
  );
  return loginUnconfirmed();
}

/** What the portal is told of a device put online: the code, its plan, when it ends and its speeds now. */
export function redeemed(a: Attempt, row: VoucherRow, kind: Claim, limits: DesiredLimits): RedeemResult {
  return {
    code: row.code,
    profile: a.profileName,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    rateUp: limits.rateUp,
    rateDown: limits.rateDown,
    relogin: kind === 'relogin',
  };
}

/** A sale or a customer back online: the shop's log and the dashboard's feed (written after the answer). */
export function announce(
  r: RedemptionDeps,
  kind: Claim,
  a: Attempt,
  row: VoucherRow,
  sale?: SaleEvent,
): void {
  const { db, clock, log } = r.deps;
  // A sale or a customer back online: the shop's log shows it, with the code masked (it is the customer's key).
  // A login again that finishes a first use the router did not answer is that sale.
  if (kind === 'relogin' && a.finishesSale) kind = 'activate';
  const masked = maskCode(row.code);
  log.info(
    {
      module: 'portal',
      event: kind === 'relogin' ? 'login' : 'redeem',
      voucher: masked,
      mac: a.mac,
      ip: a.ip,
    },
    kind === 'activate'
      ? `voucher ${masked} redeemed on the portal (${a.profileName}) by ${a.mac}`
      : kind === 'add-device'
        ? `voucher ${masked} redeemed on the portal by another device, ${a.mac}`
        : `voucher ${masked} logged in again on the portal by ${a.mac}`,
  );
  // The dashboard's feed: the sale and the login, in one write after the answer (like the confirmation above);
  // the customer is online whatever it does.
  track(
    r,
    recordEvents(
      db,
      clock,
      redemptionEvents({
        voucherId: row.id,
        staff: Boolean(row.staff),
        price: row.price,
        profile: a.profileName,
        first: kind === 'activate',
        again: kind === 'relogin',
        mac: a.mac,
        ip: a.ip,
        via: 'portal',
      }).map((e) => (sale && e.kind === EVENT_KINDS.sale ? { ...sale, voucherId: row.id } : e)),
    ).catch((e: Error) => log.error({ err: e.message }, 'could not record the redemption events')),
  );
}
