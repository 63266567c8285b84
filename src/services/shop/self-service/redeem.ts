/**
 * A code typed on the portal: a second code tops up the running one (or waits for it to end), a paused code
 * resumes, a running code moves to a new phone; anything else (a first code, a relogin, a second device within
 * the count, a wrong code) is the ordinary redemption, with its guarantees and its limiter.
 */
import { isPlausibleCode, normaliseCode, voucherPasswordMatches } from '../../../domain/codes';
import { AppError } from '../../../domain/errors';
import { deviceOf } from '../../../domain/network';
import { isCappedWaiting } from '../../../domain/overage';
import { redemptionResult } from '../../../metrics/port';
import type { GuessTicket } from '../guess-limiter';
import type { SaleEvent } from '../redemption/shared';
import type { RedeemResult } from '../../types';
import * as lifecycle from '../voucher-lifecycle';
import { toVoucherState } from '../vouchers/state';
import { siteParts, type SelfServiceDeps } from './context';
import { timingOf, voucherAndActiveOf, type Voucher } from './shared';
import { siteIdOf, type SelfSite } from './sites';
import type { Asker, SelfRedeemInput, SelfRedeemResult } from './types';

const movesNotAcrossSites = () =>
  new AppError(
    'MOVE_OTHER_SITE',
    "This code is in use at another of the shop's WiFi hotspots and cannot move to a device here: a code stays at the hotspot where it was first used. Nothing was changed.",
    409,
    'code',
  );

/** The portal's redeem: who typed the code is held back first, then the code is read and its case decided. */
export async function redeem(
  ss: SelfServiceDeps,
  input: SelfRedeemInput,
  asker: Asker,
): Promise<SelfRedeemResult> {
  const device = deviceOf(input);
  // The redemption's own refusal (unknown device).
  if (!device) return { kind: 'redeemed', result: await ss.redemption.redeem(input, asker) };
  const { mac, ip } = device;
  // Who typed the code is held back before anything is looked up: a top-up, a queued code or a move tells a
  // guesser as much about a code as a redemption does (guess-limiter/index.ts).
  const ticket = await ss.limiter.admit({ ...asker, device: { mac, ip } });
  try {
    return await redeemAdmitted(ss, input, { ...asker, ticket }, { mac, ip });
  } finally {
    ticket.release(); // a wrong code was counted by the redemption (ticket.fail); anything else counts nothing
  }
}

/**
 * A code the controller holds for a device (a voucher bought online for it): no guess limit, and like a second
 * code typed on the status page it joins the device's running code (added, or queued when the plans differ: the
 * profile's `topup` rule); with nothing running, it is the ordinary redemption.
 */
export async function redeemHeld(
  ss: SelfServiceDeps,
  input: SelfRedeemInput,
  sale?: SaleEvent,
): Promise<SelfRedeemResult> {
  const device = deviceOf(input);
  if (!device)
    return { kind: 'redeemed', result: await ss.redemption.redeem(input, undefined, undefined, sale) };
  return redeemAdmitted(ss, input, undefined, device, sale);
}

/** The code's case, once its asker is admitted: which site serves it, and what it does there. */
async function redeemAdmitted(
  ss: SelfServiceDeps,
  input: SelfRedeemInput,
  asker: (Asker & { ticket: GuessTicket }) | undefined,
  device: { mac: string; ip: string },
  sale?: SaleEvent,
): Promise<SelfRedeemResult> {
  const code = normaliseCode(String(input.code ?? ''));
  // One read for both: the code's voucher and the device's running ones. Both may be a moment old by the time
  // the lock below is ours; every change made from them is a conditional write (a lost race is retried by the
  // redemption from a fresh read), as it was when the device's voucher was read under the lock.
  const { voucher: v, currents } = isPlausibleCode(code)
    ? await voucherAndActiveOf(ss.reader, ss.deps.clock, code, device.mac)
    : { voucher: undefined, currents: [] as Voucher[] };
  // Wrong codes, and right codes with a wrong password, count against the asker there (no top-up, move or
  // queued start for a code whose password was not given). `known`: the voucher as read here, handed to the
  // redemption so it need not look it up again.
  if (!v || (asker && !voucherPasswordMatches(v.row.password, input.password)))
    return { kind: 'redeemed', result: await ss.redemption.redeem(input, asker, undefined, sale) };
  // The site serving the customer, found as the redemption finds it (named, else the router that sees the
  // device, else the code's own). Top-ups, queued codes, pauses and moves drive that site's router, with the
  // device's voucher there; what is a plain redemption is that site's own.
  const here = await ss.sites.resolve(
    input,
    v.row.site_id ?? (currents.length ? siteIdOf(currents[0].row) : null),
  );
  const c: Case = { input, asker, here, v, device, sale };
  if (!lifecycle.usableAt(v.row, here.site.id)) {
    // Another site's code: WRONG_SITE from the redemption; a running one does not move here either.
    if (await wouldMoveHere(ss, v, device.mac))
      return counted(c, () => Promise.reject(movesNotAcrossSites()));
    return redeemHere(c);
  }
  c.current = currents.find((x) => siteIdOf(x.row) === here.site.id);
  return counted(c, () =>
    ss.locks.run(v.row.id, () => (v.row.status === 'unused' ? redeemUnused(ss, c) : redeemRunning(ss, c))),
  );
}

/** A code's case at the site serving it (under the voucher's lock). */
interface Case {
  input: SelfRedeemInput;
  /** Who typed the code; none for a code the controller holds (redeemHeld). */
  asker?: Asker & { ticket: GuessTicket };
  /** How a held code's sale reads in the feed when it is logged in as its own (a payment's). */
  sale?: SaleEvent;
  here: SelfSite;
  v: Voucher;
  device: { mac: string; ip: string };
  /** The device's running voucher at that site, if any. */
  current?: Voucher;
  /** The site's redemption answered the code (it counts its own answer for the metrics). */
  handed?: boolean;
}

/** The site's own redemption, with the voucher as read. */
async function redeemHere(c: Case): Promise<SelfRedeemResult> {
  c.handed = true;
  return { kind: 'redeemed', result: await c.here.redemption.redeem(c.input, c.asker, c.v, c.sale) };
}

/**
 * A typed code's outcome for the metrics at the site that served it: a top-up, extra data, a queued code started,
 * a resume, a move, or their refusal. A question (confirm the move) is no outcome yet.
 */
async function counted(c: Case, run: () => Promise<SelfRedeemResult>): Promise<SelfRedeemResult> {
  const metrics = c.here.deps.metrics;
  try {
    const out = await run();
    if (!c.handed && out.kind !== 'confirm-move') metrics?.redeemed(c.here.site.name, 'ok');
    return out;
  } catch (err) {
    if (!c.handed) metrics?.redeemed(c.here.site.name, redemptionResult(err));
    throw err;
  }
}

/**
 * An unused code: it starts where it was kept for this device, tops up the device's running code (or adds its
 * data to a code waiting at its cap), or is redeemed.
 */
async function redeemUnused(ss: SelfServiceDeps, c: Case): Promise<SelfRedeemResult> {
  const { v, current, device } = c;
  const queuedMac = v.row.queued_mac ?? null;
  if (queuedMac !== null && queuedMac !== device.mac)
    throw new AppError('DEVICE_LIMIT', 'This code is waiting to start on another device.', 409, 'code');
  if (queuedMac === device.mac) {
    if (current)
      throw new AppError('ALREADY_QUEUED', 'This code is already waiting for your time to end.', 409, 'code');
    return { kind: 'redeemed', result: await ss.queued.start(c.here, v, device.mac, device.ip) };
  }
  if (current && current.row.id !== v.row.id) {
    const parts = siteParts(ss, c.here);
    if (
      !isCappedWaiting(toVoucherState(current.row, current.profile), ss.deps.clock.now(), ss.deps.config.tz)
    )
      return { kind: 'topped-up', topUp: await parts.topUps.topUp(current, v, device.mac) };
    // The device's code waits at its cap: a code with data is its extra data (extra-data.ts); one without a
    // data cap starts here as a voucher of its own (the waiting one keeps its time).
    if (v.profile.dataCapBytes !== undefined)
      return { kind: 'topped-up', topUp: await parts.extraData.add(current, v, device) };
  }
  return redeemHere(c);
}

/**
 * A code used already: on one of its devices a paused code resumes (else the redemption's relogin); a new device
 * within the count is the redemption's; beyond it, the code moves to this device when the shop's rules allow.
 */
async function redeemRunning(ss: SelfServiceDeps, c: Case): Promise<SelfRedeemResult> {
  const { v, device } = c;
  if (v.row.status !== 'active') return redeemHere(c);
  const devices = await devicesOf(ss, v);
  const { pauses, moves } = siteParts(ss, c.here);
  if (devices.some((x) => x.mac === device.mac)) {
    // The same code again: a paused voucher resumes; anything else is the redemption's relogin.
    if (v.row.paused_at !== null && v.row.paused_at !== undefined) {
      const out = await pauses.resume(v, device.mac, 'customer');
      return { kind: 'redeemed', result: out.result as RedeemResult };
    }
    return redeemHere(c);
  }
  if (devices.length < v.profile.users) return redeemHere(c);
  const moved = await moves.move(v, device, {
    confirmed: c.input.confirmMove === true,
    provenMac: c.asker?.provenMac ?? null,
  });
  return moved.kind === 'confirm'
    ? { kind: 'confirm-move', message: moved.message }
    : { kind: 'moved', result: moved.result };
}

/** A running code typed at another site where it would have moved to this device. */
async function wouldMoveHere(ss: SelfServiceDeps, v: Voucher, mac: string): Promise<boolean> {
  if (v.row.status !== 'active') return false;
  if (timingOf(v, ss.deps.clock.now()).expired) return false;
  const devices = await devicesOf(ss, v);
  return !devices.some((x) => x.mac === mac) && devices.length >= v.profile.users;
}

/** The devices the voucher has been used on. */
async function devicesOf(ss: SelfServiceDeps, v: Voucher): Promise<Array<{ mac: string }>> {
  return (await ss.reader('voucher_devices').where({ voucher_id: v.row.id }).select('mac')) as Array<{
    mac: string;
  }>;
}
