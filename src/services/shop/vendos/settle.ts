/**
 * Undoing a Done that did not get the device online, and settling Dones a stop interrupted: never coins spent
 * without internet, never internet without the coins spent.
 */
import { AppError, RouterError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import { isLoginUnconfirmed } from '../redemption/refusals';
import * as lifecycle from '../voucher-lifecycle';
import type { SessionRow } from './store';

/**
 * What the customer is told of a Done undone for want of the router (away, set up by the shop, slow to answer):
 * its coins are kept, in the coin box's words (a redemption's say "your code was not used", and a router error is
 * the admin's); any other refusal as it is.
 */
export function coinsKept(err: unknown): unknown {
  if (err instanceof AppError && err.code === 'SAFE_MODE')
    return new AppError(
      'SAFE_MODE',
      'The hotspot is being set up by the shop. Your coins are kept for this phone; please ask the shop for help.',
      err.status,
    );
  const away = err instanceof RouterError || (err instanceof AppError && err.code === 'ROUTER_UNREACHABLE');
  if (!away && !isLoginUnconfirmed(err)) return err;
  return new AppError(
    'ROUTER_UNREACHABLE',
    'The internet service is not reachable right now. Your coins are kept for this phone: tap Done again in a minute.',
    503,
  );
}

/** A Done still `finishing` after this long was interrupted (controller stopped). */
const FINISH_GRACE_MS = 60_000;

/** Puts a Done that did not get the device online back: coins unspent, the window as it was. */
export async function undoFinish(
  deps: ShopDeps,
  s: SessionRow,
  coinIds: number[],
  voucherId: number | null,
  topupId: number | null,
): Promise<void> {
  const { db, clock } = deps;
  const now = clock.now();
  await db.transaction(async (trx) => {
    if (coinIds.length)
      await trx('vendo_coins')
        .whereIn('id', coinIds)
        .update({ claimed_at: null, voucher_id: null, topup_id: null });
    if (topupId !== null) await trx('vendo_topups').where({ id: topupId }).delete();
    const other = await trx('vendo_sessions').where({ vendo_id: s.vendo_id, state: 'armed' }).first('id');
    const reopen = !other && Number(s.expires_at) > now;
    await trx('vendo_sessions')
      .where({ id: s.id })
      .update({ state: reopen ? 'armed' : 'expired', ended_at: reopen ? null : now, voucher_id: null });
    if (voucherId !== null && topupId === null)
      await lifecycle.unsell(trx, voucherId, now, 'vendo-login-failed');
  });
}

/**
 * Done interrupted by a stop: a voucher that got the device online (active) or a top-up whose time was added
 * is finished; anything else is undone, its coins saved credit again.
 */
export async function settleInterruptedFinishes(deps: ShopDeps): Promise<number> {
  const { db, clock } = deps;
  const now = clock.now();
  const stuck = (await db('vendo_sessions')
    .where({ state: 'finishing' })
    .where('ended_at', '<', now - FINISH_GRACE_MS)) as SessionRow[];
  for (const s of stuck) {
    const coins = (await db('vendo_coins')
      .where({ session_id: s.id })
      .orWhere((b) => b.where({ mac: s.mac, claimed_at: s.ended_at }))
      .select('id', 'topup_id')) as { id: number; topup_id: number | null }[];
    const topup = (await db('vendo_topups').where({ session_id: s.id }).first()) as
      { id: number; applied_at: number | null } | undefined;
    const voucher = s.voucher_id
      ? ((await db('vouchers').where({ id: s.voucher_id }).first('status')) as { status: string } | undefined)
      : undefined;
    const done = topup ? topup.applied_at !== null : voucher?.status === 'active';
    if (done) await db('vendo_sessions').where({ id: s.id }).update({ state: 'finished' });
    else
      await undoFinish(
        deps,
        s,
        coins.map((c) => c.id),
        s.voucher_id,
        topup?.id ?? null,
      );
  }
  return stuck.length;
}
