/**
 * The customer's side of a vendo: reserve the box for this device (`start`), watch the coins land (`session`),
 * and Done (`finish`, finish.ts), which turns the credit into time online. A window that times out keeps its coins
 * as the device's saved credit. Each step is a named function taking what it needs; vendoPortal only wires them.
 */
import crypto from 'node:crypto';
import { macOrNull } from '../redemption/shared';
import { bestPurchase, minimumAmount } from '../../../domain/vendo';
import { deviceOf } from '../../../domain/units';
import { unknownDevice } from '../redemption/refusals';
import { AppError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import { finish } from './finish';
import { extraDataOfWindow } from './overage';
import { settleInterruptedFinishes } from './settle';
import { assertVendoSellsHere } from './site-check';
import {
  expireWindows,
  busyVendos,
  isOnline,
  ratesOf,
  requireVendo,
  sellingOn,
  type SessionRow,
  type VendoRow,
} from './store';
import type { SessionView, StartResult } from './types';
import {
  askingFromHotspotAddress,
  requireSession,
  savedCoins,
  sessionCoins,
  sum,
  type VendoPortalDeps,
} from './window';

export function vendoPortal(deps: ShopDeps, d: Omit<VendoPortalDeps, 'deps'>) {
  const p: VendoPortalDeps = { deps, ...d };
  return {
    finish: (id: string) => finish(p, id),
    portalList: (siteId?: number | null) => portalList(deps, siteId),
    savedCredit: (mac: string) => savedCredit(deps, mac),
    start: (input: StartInput, asker?: StartAsker) => start(p, input, asker),
    session: (id: string) => session(deps, id),
    ownerOf: (id: string) => ownerOf(deps, id),
  };
}

/** The vendos the portal offers (a site's and the shared ones), with whether each is online and free. */
async function portalList(deps: ShopDeps, siteId?: number | null) {
  const { db, clock } = deps;
  const now = clock.now();
  const rows = (await db('vendos')
    .where({ enabled: true })
    .modify(sellingOn(siteId))
    .orderBy('name')) as VendoRow[];
  const busy = await busyVendos(db, now);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    location: r.location,
    online: isOnline(r, now),
    busy: busy.has(r.id),
    minimum: minimumAmount(ratesOf(r)),
  }));
}

/** The device's saved credit (0 for a MAC that is not one). */
async function savedCredit(deps: ShopDeps, macInput: string): Promise<number> {
  const mac = macOrNull(macInput);
  return mac ? sum(await savedCoins(deps, mac, deps.clock.now())) : 0;
}

type StartInput = { vendo: unknown; mac: unknown; ip: unknown };
type StartAsker = { peerIp: string | null; provenMac: string | null };

/**
 * Opens a coin window at a vendo for the device the page names. The device proves itself by its portal cookie
 * (`asker.provenMac`) or by asking from the address the hotspot gives that MAC now; a window opened without
 * that proof only turns its own coins into time: it neither shows nor spends the device's saved credit, and
 * leaves the device's window at another box alone (someone on the WiFi naming another device gains nothing
 * and takes nothing from it).
 */
async function start(
  p: VendoPortalDeps,
  input: StartInput,
  asker: StartAsker = { peerIp: null, provenMac: null },
): Promise<StartResult> {
  const { db, clock } = p.deps;
  await settleInterruptedFinishes(p.deps);
  const device = deviceOf(input);
  if (!device) throw unknownDevice();
  const { mac, ip } = device;
  const proven = asker.provenMac === mac || (await askingFromHotspotAddress(p, mac, asker.peerIp));
  const vendo = await requireVendo(db, input.vendo);
  if (!vendo.enabled)
    throw new AppError('VENDO_DISABLED', `${vendo.name} is switched off by the shop`, 409, 'vendo');
  const now = clock.now();
  if (!isOnline(vendo, now))
    throw new AppError(
      'VENDO_OFFLINE',
      `${vendo.name} is not responding. Ask the shop, or pick another coin box.`,
      503,
      'vendo',
    );
  // Before a window opens, so no coin goes into a box that cannot sell to this phone.
  await assertVendoSellsHere(db, p.locate, vendo, { mac, ip });
  await expireWindows(db, now, vendo.id);
  const open = (await db('vendo_sessions').where({ vendo_id: vendo.id, state: 'armed' }).first()) as
    SessionRow | undefined;
  const saved = async (window: { proven: boolean | number }, except?: string) =>
    window.proven ? sum(await savedCoins(p.deps, mac, now, except)) : 0;
  if (open && open.mac === mac) {
    // The same device again (a reload, a second tab): a proof given now proves the window from now on.
    if (proven && !open.proven) await db('vendo_sessions').where({ id: open.id }).update({ proven: true });
    return {
      session: open.id,
      expiresIn: Math.ceil((Number(open.expires_at) - now) / 1000),
      savedCredit: await saved({ proven: proven || open.proven }, open.id),
    };
  }
  if (open)
    throw new AppError(
      'VENDO_BUSY',
      `Someone else is using ${vendo.name} right now. Try again in ${Math.ceil((Number(open.expires_at) - now) / 1000)} seconds.`,
      409,
      'vendo',
    );
  const id = crypto.randomBytes(12).toString('base64url');
  await openWindow(p.deps, { id, vendo, mac, ip, proven, now });
  p.events.emit(`armed:${vendo.id}`);
  return { session: id, expiresIn: vendo.window_seconds, savedCredit: await saved({ proven }, id) };
}

/** The new window, in one transaction with closing the device's window at another box (when it may). */
async function openWindow(
  deps: ShopDeps,
  w: { id: string; vendo: VendoRow; mac: string; ip: string; proven: boolean; now: number },
): Promise<void> {
  const { id, vendo, mac, ip, proven, now } = w;
  try {
    await deps.db.transaction(async (trx) => {
      // One box at a time per device: a window it left open elsewhere closes (its coins become saved credit).
      // Only the device itself may close it; anyone else is told the device is busy at that box.
      const elsewhere = (await trx('vendo_sessions')
        .join('vendos', 'vendos.id', 'vendo_sessions.vendo_id')
        .where({ 'vendo_sessions.mac': mac, 'vendo_sessions.state': 'armed' })
        .first('vendos.name')) as { name: string } | undefined;
      if (elsewhere && !proven)
        throw new AppError(
          'VENDO_DEVICE_BUSY',
          `This device has a coin window open at ${elsewhere.name}. Finish there first, or wait for it to close.`,
          409,
          'vendo',
        );
      if (elsewhere)
        await trx('vendo_sessions')
          .where({ mac, state: 'armed' })
          .update({ state: 'expired', ended_at: now });
      await trx('vendo_sessions').insert({
        id,
        vendo_id: vendo.id,
        mac,
        ip,
        state: 'armed',
        started_at: now,
        expires_at: now + vendo.window_seconds * 1000,
        proven,
      });
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (/UNIQUE|constraint/i.test((err as Error).message))
      throw new AppError('VENDO_BUSY', `Someone else is using ${vendo.name} right now.`, 409, 'vendo');
    throw err;
  }
}

/** A window as the customer's page shows it: its credit, the saved credit it may spend, and the time it buys. */
async function session(deps: ShopDeps, id: string): Promise<SessionView> {
  const { db, clock } = deps;
  let s = await requireSession(db, id);
  const now = clock.now();
  if (s.state === 'armed' && Number(s.expires_at) <= now) {
    await expireWindows(db, now, s.vendo_id);
    s = await requireSession(db, id);
  }
  const vendo = await requireVendo(db, s.vendo_id);
  const credit = sum(await sessionCoins(db, s.id, false));
  const closed = s.state === 'finished';
  const savedCredit = closed || !s.proven ? 0 : sum(await savedCoins(deps, s.mac, now, s.id));
  const open = s.state === 'armed' || s.state === 'finishing';
  const spendable = closed ? credit : credit + savedCredit;
  return {
    id: s.id,
    vendoId: s.vendo_id,
    state: open ? 'armed' : s.state === 'finished' ? 'finished' : 'expired',
    credit,
    savedCredit,
    seconds: bestPurchase(ratesOf(vendo), spendable).seconds,
    // A device waiting at its cap buys extra data with it, not time.
    extraData: closed ? null : await extraDataOfWindow(deps, s.mac, spendable, now),
    expiresIn: open ? Math.max(0, Math.ceil((Number(s.expires_at) - now) / 1000)) : 0,
  };
}

/** The device that started a window, for the web layer's ownership check. */
async function ownerOf(deps: ShopDeps, id: string): Promise<{ mac: string; proven: boolean } | undefined> {
  const row = (await deps.db('vendo_sessions').where({ id }).first('mac', 'proven')) as
    { mac: string; proven: boolean | number } | undefined;
  return row ? { mac: row.mac, proven: Boolean(row.proven) } : undefined;
}
