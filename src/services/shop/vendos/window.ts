/**
 * A customer's coin window as the portal reads it: the window itself, its coins, the device's saved credit (coins
 * of its closed windows, within the saved-credit time) and whether a request comes from the device. And what the
 * portal's steps (portal.ts, finish.ts) work with.
 */
import type { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import type { RedemptionService, VoucherService } from '../../types';
import type { RedeemResult } from '../redemption/types';
import type { LocateDevice } from './site-check';
import { DEFAULT_SAVED_CREDIT_HOURS, SAVED_CREDIT_KEY, type SessionRow } from './store';

/** What the customer's side of the vendos works with. */
export interface VendoPortalDeps {
  deps: ShopDeps;
  redemption: RedemptionService;
  vouchers: VoucherService;
  /** Tells the board its window opened (`armed:<vendo id>`). */
  events: EventEmitter;
  /** Absent (the terminal menu): no router is asked, a vendo of one site is not checked here. */
  locate?: LocateDevice;
  /** The addresses the hotspot gives a MAC now, asked of the site's stack (this service holds no router). */
  hostAddresses: (mac: string) => Promise<string[]>;
}

type Coin = { id: number; amount: number };

export const sum = (rows: { amount: number }[]): number => rows.reduce((s, r) => s + Number(r.amount), 0);

/** Coins received before this are no longer the device's saved credit (the shop's saved-credit hours). */
export async function savedCreditCutoff(deps: Pick<ShopDeps, 'settings'>, now: number): Promise<number> {
  const hours = Number(await deps.settings.get<number>(SAVED_CREDIT_KEY, DEFAULT_SAVED_CREDIT_HOURS));
  const h = Number.isFinite(hours) && hours >= 0 ? hours : DEFAULT_SAVED_CREDIT_HOURS;
  return now - h * 3600_000;
}

/** Coins of the device's closed windows, not yet spent and not older than the saved-credit time. */
export async function savedCoins(deps: ShopDeps, mac: string, now: number, except?: string): Promise<Coin[]> {
  return (await deps
    .db('vendo_coins as c')
    .join('vendo_sessions as s', 's.id', 'c.session_id')
    .where('c.mac', mac)
    .whereNull('c.claimed_at')
    .where('c.received_at', '>=', await savedCreditCutoff(deps, now))
    .whereNot('s.state', 'armed')
    .modify((b) => (except ? void b.whereNot('c.session_id', except) : undefined))
    .select('c.id', 'c.amount')) as Coin[];
}

/** A window's coins (only those not spent yet, with `unclaimedOnly`). */
export async function sessionCoins(q: Knex, id: string, unclaimedOnly: boolean): Promise<Coin[]> {
  const b = q('vendo_coins').where({ session_id: id });
  if (unclaimedOnly) b.whereNull('claimed_at');
  return (await b.select('id', 'amount')) as Coin[];
}

export async function requireSession(db: Knex, id: unknown): Promise<SessionRow> {
  const key = typeof id === 'string' ? id : '';
  const s = key
    ? ((await db('vendo_sessions').where({ id: key }).first()) as SessionRow | undefined)
    : undefined;
  if (!s) throw new AppError('VENDO_SESSION_NOT_FOUND', 'That coin window does not exist', 404, 'session');
  return s;
}

/**
 * Whether the request comes from the address the hotspot gives this MAC now (one read of the router's host
 * list). A router that cannot be asked proves nothing: the window is opened unproven, which is safe.
 */
export async function askingFromHotspotAddress(
  p: Pick<VendoPortalDeps, 'deps' | 'hostAddresses'>,
  mac: string,
  peerIp: string | null,
): Promise<boolean> {
  if (!peerIp) return false;
  try {
    return (await p.hostAddresses(mac)).includes(peerIp);
  } catch (err) {
    p.deps.log.warn({ err: (err as Error).message, mac }, 'coin window: could not read the hotspot hosts');
    return false;
  }
}

/**
 * The device logged in again with its voucher after coins bought it more (back online if it was not); a
 * refusal is logged (`what` names the purchase) and leaves the purchase standing: undefined.
 */
export async function reloginDevice(
  p: VendoPortalDeps,
  s: SessionRow,
  code: string,
  what: string,
): Promise<RedeemResult | undefined> {
  try {
    return await p.redemption.redeem({ code, mac: s.mac, ip: s.ip });
  } catch (err) {
    p.deps.log.warn(
      { module: 'vendo', mac: s.mac, err: (err as Error).message },
      `${what}: the device was not logged in again`,
    );
    return undefined;
  }
}
