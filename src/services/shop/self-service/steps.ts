/**
 * The customer's buttons on the status page (pause, resume, start a queued code), each for the device that
 * proves it is the one, and what a site's poll cycle hands to self-service afterwards.
 */
import { AppError } from '../../../domain/errors';
import { DEFAULT_SITE } from '../../deps';
import type { RedeemResult } from '../../types';
import { siteParts, type SelfServiceDeps } from './context';
import type { Asker, PauseState } from './types';
import { selfServiceDue } from './queued';
import { activeVoucherOf, deviceRow, noActiveVoucher, notYourDevice, type Voucher } from './shared';
import { siteIdOf, type SelfSite } from './sites';
import { macOrNull } from '../redemption/shared';

/** The device's voucher for pause/resume, once the asker proved it is that device. */
async function provenVoucher(
  ss: SelfServiceDeps,
  macInput: string,
  asker: Asker,
  site: string | number | undefined,
): Promise<{ v: Voucher; mac: string; at: SelfSite }> {
  const { db, clock } = ss.deps;
  const mac = macOrNull(macInput) ?? asker.provenMac;
  if (!mac) throw notYourDevice();
  const v = await activeVoucherOf(db, clock, mac, await ss.sites.ofDevice(mac, site));
  if (!v) {
    if (asker.provenMac !== mac) throw notYourDevice();
    throw noActiveVoucher();
  }
  const device = await deviceRow(db, v.row.id, mac);
  const proven = asker.provenMac === mac || (asker.peerIp !== null && device?.ip === asker.peerIp);
  if (!proven) throw notYourDevice();
  return { v, mac, at: ss.sites.require(siteIdOf(v.row)) };
}

/** The customer's Pause or Resume, for the device's proven voucher under its lock. */
export async function pauseOrResume(
  ss: SelfServiceDeps,
  act: 'pause' | 'resume',
  macInput: string,
  asker: Asker,
  site?: string | number,
): Promise<PauseState> {
  const { v, mac, at } = await provenVoucher(ss, macInput, asker, site);
  return ss.locks.run(v.row.id, async () => {
    const { pauses } = siteParts(ss, at);
    return act === 'pause' ? pauses.pause(v, mac) : (await pauses.resume(v, mac, 'customer')).state;
  });
}

/**
 * Logs the device in again with the code it already has (the status page's Reconnect, after the router logged it
 * out: a restart, an idle timeout). The redemption's relogin does it, at the address the device had, so the
 * customer types nothing; a paused code is resumed instead. Nothing is charged and no guess is counted.
 */
export async function reconnect(
  ss: SelfServiceDeps,
  macInput: string,
  asker: Asker,
  site?: string | number,
): Promise<RedeemResult | null> {
  const { v, mac, at } = await provenVoucher(ss, macInput, asker, site);
  if (v.row.paused_at !== null && v.row.paused_at !== undefined)
    return ss.locks.run(
      v.row.id,
      async () => (await siteParts(ss, at).pauses.resume(v, mac, 'customer')).result,
    );
  const device = await deviceRow(ss.deps.db, v.row.id, mac);
  const ip = device?.ip ?? asker.peerIp;
  if (!ip) throw notYourDevice();
  return ss.locks.run(v.row.id, () => at.redemption.redeem({ code: v.row.code, mac, ip }));
}

export async function startQueued(
  ss: SelfServiceDeps,
  macInput: string,
  asker: Asker,
  site?: string | number,
): Promise<RedeemResult> {
  const { db, clock } = ss.deps;
  const mac = macOrNull(macInput);
  if (!mac) throw notYourDevice();
  const [first] = await ss.queued.queuedFor(mac, await ss.sites.ofDevice(mac, site));
  const last = (await db('voucher_devices').where({ mac }).orderBy('last_seen_at', 'desc').first('ip')) as
    { ip: string | null } | undefined;
  const proven = asker.provenMac === mac || (asker.peerIp !== null && last?.ip === asker.peerIp);
  if (!proven) throw notYourDevice();
  if (!first) throw new AppError('NOTHING_QUEUED', 'No code is waiting for this device.', 404);
  if (await activeVoucherOf(db, clock, mac, first.siteId))
    throw new AppError('ALREADY_QUEUED', 'This code is already waiting for your time to end.', 409);
  const ip = asker.peerIp ?? last?.ip;
  if (!ip) throw notYourDevice();
  const at = ss.sites.require(first.siteId);
  return ss.locks.run(first.v.row.id, () => ss.queued.start(at, first.v, mac, ip));
}

export async function afterCycle(ss: SelfServiceDeps, siteId = DEFAULT_SITE.id): Promise<void> {
  const at = ss.sites.get(siteId);
  if (!at) return;
  const due = await selfServiceDue(ss.deps.db, siteId);
  if (due.paused) await siteParts(ss, at).pauses.afterCycle(ss.locks);
  if (due.queued) await ss.queued.startDue(at);
}
