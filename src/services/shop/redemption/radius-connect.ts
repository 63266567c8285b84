/**
 * Connecting a device at a RADIUS site: the router asks FreeRADIUS at the login and makes the session's queue
 * itself from the answer, so there is no queue or hotspot user of ours to write.
 *
 * - With the router's API reachable, the code is claimed in the database (the same race-safe claim as in API
 *   mode: one device wins an unused code), then the device is logged in over the API with the code as user and
 *   password; a login the router (FreeRADIUS) refuses gives the claim back, one it does not answer keeps it for the
 *   poll to confirm or undo (LOGIN_UNCONFIRMED).
 * - Without it, nothing is claimed: the checks passed, the customer's phone is handed to the router's own login
 *   page with the code (`handoff`), and the voucher is in use from FreeRADIUS's Access-Accept once the router's
 *   accounting follows it, which the next poll reads. A phone that never gets there has used nothing, nor one the
 *   router gave up on (src/services/network/radius/accepts.ts).
 */
import { maskCode } from '../../../lib/logger';
import { desiredLimits } from '../../../domain/policy';
import type { RedeemResult } from '../../types';
import * as lifecycle from '../voucher-lifecycle';
import { toVoucherState, type VoucherRow } from '../vouchers/state';
import { unanswered } from '../../../router/errors';
import { onlineWithCode } from '../../../router/hotspot';
import { activationOf, announce, claim, redeemed, unclaim, unconfirmed } from './connect';
import { routerFailure } from './refusals';
import * as voucherDevices from '../voucher-devices';
import type { Attempt, Claim, DeviceLogin, RedemptionDeps, SaleEvent } from './shared';

function result(a: Attempt, row: VoucherRow, kind: Claim, now: number, tz: string): RedeemResult {
  const state = toVoucherState(row, a.profile);
  // An unused code is told what it gets once in use.
  const limits = desiredLimits(
    state.status === 'unused' ? { ...state, status: 'active', activatedAt: now } : state,
    now,
    tz,
  );
  return redeemed(a, row, kind, limits);
}

/**
 * A RADIUS site's logins: the router asks FreeRADIUS. `api()`: whether this controller has the router's API (a
 * connection it may log the device in over); without it, or while it is down, the phone is handed to the router.
 */
export const radiusLogin = (api: () => boolean): DeviceLogin => ({
  withoutRouter: true,
  connect: (r, kind, a, sale) => connectRadius(r, kind, a, api, sale),
});

async function connectRadius(
  r: RedemptionDeps,
  kind: Claim,
  a: Attempt,
  api: () => boolean,
  sale?: SaleEvent,
): Promise<RedeemResult | 'lost'> {
  const { db, clock, config, router } = r.deps;
  const now = clock.now();
  const password = a.row.password ?? a.row.code;
  if (!api() || !router.status.connected) {
    return { ...result(a, a.row, kind, now, config.tz), handoff: { username: a.row.code, password } };
  }
  if (!(await claim(r, kind, a, now))) return 'lost';
  const row: VoucherRow =
    kind === 'activate' ? { ...a.row, ...lifecycle.activationFields(a.row, activationOf(r, a, now)) } : a.row;
  const login = { code: row.code, mac: a.mac, ip: a.ip };
  try {
    await router.hotspotLogin({ user: login.code, password, mac: login.mac, ip: login.ip });
  } catch (err) {
    // No answer: the router may have let the device in. The claim stays for the poll (FreeRADIUS's sessions).
    if (unanswered(err)) throw unconfirmed(r, a, err as Error);
    // Refused because the device is online with this code already (a retry after a login left unanswered).
    if (!(await onlineWithCode(router, err, login).catch(() => false))) await refused(r, kind, a, err);
  }
  // The login is confirmed: the device's accounting is its counter (the poll names it).
  await voucherDevices.confirmRadiusLogin(db, a.row.id, a.mac);
  announce(r, kind, a, row, sale);
  return result(a, row, kind, now, config.tz);
}

/** A login the router refused or lost before sending it: the claim is given back, the customer told why. */
async function refused(r: RedemptionDeps, kind: Claim, a: Attempt, err: unknown): Promise<never> {
  const { log } = r.deps;
  await unclaim(r, kind, a).catch((e: Error) => log.error({ err: e.message }, 'redemption rollback failed'));
  log.warn(
    { code: maskCode(a.row.code), mac: a.mac, err: (err as Error).message },
    'RADIUS login refused or failed; rolled back',
  );
  throw routerFailure(err);
}
