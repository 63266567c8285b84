/**
 * Done at a coin window: the credit buys time, either as a new voucher bound to the device and logged in through
 * the redemption service, or as a top-up of the device's active voucher; for a voucher waiting at its cap for
 * extra data, it buys that data instead (overage.ts). The coins are claimed in the same
 * transaction that makes the voucher (or the top-up); a login that fails gives them back as saved credit
 * (settle.ts), so there is never a consumed credit without internet, and never internet without the credit
 * consumed.
 */
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { formatMoney, formatDurationHuman } from '../../../domain/units';
import { bestPurchase, minimumAmount, type Purchase } from '../../../domain/vendo';
import { AppError } from '../../../domain/errors';
import { maskCode } from '../../../lib/logger';
import { recordEvent } from '../../business/events';
import type { ProfileRow } from '../vouchers/state';
import { saleCodeStyle } from '../vouchers/code-style';
import { activeVoucherOfDevice, insertSaleVoucher } from './sale';
import { finishOverage, waitingAtCap } from './overage';
import { coinsKept, settleInterruptedFinishes, undoFinish } from './settle';
import { assertVendoSellsHere } from './site-check';
import { expireWindows, ratesOf, requireVendo, type SessionRow, type VendoRow } from './store';
import type { FinishResult } from './types';
import { reloginDevice, requireSession, savedCoins, sessionCoins, sum, type VendoPortalDeps } from './window';

const busy = (what: string) => new AppError('VENDO_SESSION_BUSY', what, 409, 'session');
const finishedAlready = () =>
  new AppError(
    'VENDO_SESSION_FINISHED',
    'This coin window is done already; your time is on your voucher',
    409,
  );

/** Refusals for want of credit: said before any coin is claimed. */
const CREDIT_REFUSALS = new Set(['NO_CREDIT', 'CREDIT_TOO_SMALL', 'EXTRA_DATA_CREDIT_TOO_SMALL']);

/**
 * A refusal for want of credit holds only for a window still open. Two Dones on one window race: the second may
 * read the window while it is still armed and its coins just after the first claimed them, and then "no credit" is
 * not the truth; "done already" (or "being finished") is, as it would have been a moment later.
 */
async function unlessTakenMeanwhile(db: Knex, id: string, err: unknown): Promise<never> {
  if (!(err instanceof AppError) || !CREDIT_REFUSALS.has(err.code)) throw err;
  const s = await requireSession(db, id);
  if (s.state === 'finished') throw finishedAlready();
  if (s.state === 'finishing') throw busy('This coin window is being finished already');
  throw err;
}

/** What one Done spends and buys, read before anything is claimed. */
interface Spend {
  s: SessionRow;
  vendo: VendoRow;
  /** The coins spent: the window's own, and the device's saved credit when the window may spend it. */
  ids: number[];
  credit: number;
  bought: Purchase;
  now: number;
}

/** Marks the window as being finished and claims the coins, in one transaction; refused if someone was first. */
async function claimWindow(
  trx: Knex,
  spend: Pick<Spend, 's' | 'ids' | 'now'>,
  set: Record<string, unknown>,
): Promise<void> {
  const { s, ids, now } = spend;
  const n = await trx('vendo_sessions')
    .where({ id: s.id })
    .whereIn('state', ['armed', 'expired'])
    .update({
      state: 'finishing',
      ended_at: now,
      ...('voucher_id' in set ? { voucher_id: set.voucher_id } : {}),
    });
  if (n !== 1) throw busy('This coin window is being finished already');
  const claimed = await trx('vendo_coins')
    .whereIn('id', ids)
    .whereNull('claimed_at')
    .update({ claimed_at: now, ...set });
  if (claimed !== ids.length) throw busy('These coins are being used already; try again');
}

/**
 * Done: the window's credit (and the device's saved credit, when it may spend it) becomes time online. A refusal
 * for want of credit is checked against the window once more (unlessTakenMeanwhile).
 */
export async function finish(p: VendoPortalDeps, id: string): Promise<FinishResult> {
  try {
    return await finishWindow(p, id);
  } catch (err) {
    return unlessTakenMeanwhile(p.deps.db, id, err);
  }
}

async function finishWindow(p: VendoPortalDeps, id: string): Promise<FinishResult> {
  const { db, clock } = p.deps;
  await settleInterruptedFinishes(p.deps);
  const s = await requireSession(db, id);
  const now = clock.now();
  await expireWindows(db, now, s.vendo_id);
  if (s.state === 'finished') throw finishedAlready();
  if (s.state === 'finishing') throw busy('This coin window is being finished already');
  const vendo = await requireVendo(db, s.vendo_id);
  // The device's saved credit is spent by a window the device itself opened (see start()), or by one that got
  // coins of its own: someone paid at the box for this device (a customer whose phone could not prove itself,
  // behind NAT say), and the router checks the device's MAC and address at the login. Naming someone else's
  // device without paying spends nothing of theirs.
  const own = await sessionCoins(db, s.id, true);
  const coins = [...own, ...(s.proven || own.length > 0 ? await savedCoins(p.deps, s.mac, now, s.id) : [])];
  const credit = sum(coins);
  if (credit === 0)
    throw new AppError('NO_CREDIT', 'Insert a coin first: there is no credit to turn into time yet.', 400);
  const active = await activeVoucherOfDevice(db, s.mac, now);
  // A voucher waiting at its cap for extra data: the coins buy its data, not time (overage.ts).
  const waiting = active && (await waitingAtCap(p.deps, active, now));
  if (waiting) {
    await assertVendoSellsHere(db, p.locate, vendo, s, active);
    return finishOverage(p, { s, vendo, coins, now }, waiting, (trx, ids, voucherId) =>
      claimWindow(trx, { s, ids, now }, { voucher_id: voucherId }),
    );
  }
  const rates = ratesOf(vendo);
  const bought = bestPurchase(rates, credit);
  if (bought.seconds === 0)
    throw new AppError(
      'CREDIT_TOO_SMALL',
      `${formatMoney(credit)} buys no time yet; insert at least ${formatMoney(minimumAmount(rates))} in all.`,
      400,
    );
  const spend: Spend = { s, vendo, ids: coins.map((c) => c.id), credit, bought, now };
  // Checked before any coin is claimed: a refusal leaves them in the window (then saved credit), as above.
  await assertVendoSellsHere(db, p.locate, vendo, s, active);
  return active ? finishTopUp(p, spend, active) : finishSale(p, spend);
}

/** Top-up: the device keeps its voucher, which gets the bought time; it is logged back in if it was not. */
async function finishTopUp(
  p: VendoPortalDeps,
  spend: Spend,
  active: { id: number; code: string },
): Promise<FinishResult> {
  const { db, clock } = p.deps;
  const { s, vendo, ids, credit, bought } = spend;
  const topupId = await claimForTopUp(db, spend, active.id);
  const actor = { name: `vendo ${vendo.name}`, via: 'portal' as const };
  let extended;
  try {
    // The coins are the sale (a charge of kind coin_topup): every report's money in counts them.
    extended = await p.vouchers.extend(active.code, bought.seconds, actor, {
      confirmed: true,
      coins: { amount: credit, vendo: vendo.name },
    });
  } catch (err) {
    await undoFinish(p.deps, s, ids, active.id, topupId);
    throw coinsKept(err);
  }
  await db('vendo_topups').where({ id: topupId }).update({ applied_at: clock.now() });
  await db('vendo_sessions')
    .where({ id: s.id })
    .update({ state: 'finished', ended_at: clock.now(), voucher_id: active.id });
  await reportTopUp(p, spend, active);
  const relogin = (await reloginDevice(p, s, active.code, 'top-up')) !== undefined;
  return {
    code: extended.code,
    profile: extended.profile,
    expiresAt: extended.expiresAt,
    rateUp: extended.rateUp,
    rateDown: extended.rateDown,
    relogin,
    credit,
    seconds: bought.seconds,
    topUp: true,
  };
}

/** The top-up written and the window's coins claimed for it, in one transaction; returns the top-up's id. */
async function claimForTopUp(db: Knex, spend: Spend, voucherId: number): Promise<number> {
  const { s, vendo, credit, bought, now } = spend;
  return db.transaction(async (trx) => {
    const topupId = insertedId(
      await trx('vendo_topups')
        .insert({
          voucher_id: voucherId,
          vendo_id: vendo.id,
          session_id: s.id,
          amount: credit,
          seconds: bought.seconds,
          at: now,
        })
        .returning('id'),
    );
    await claimWindow(trx, spend, { voucher_id: voucherId, topup_id: topupId });
    return topupId;
  });
}

/** The top-up in the log and in the voucher's feed. */
async function reportTopUp(
  p: VendoPortalDeps,
  spend: Spend,
  active: { id: number; code: string },
): Promise<void> {
  const { db, clock, log } = p.deps;
  const { s, vendo, credit, bought } = spend;
  log.info(
    {
      module: 'vendo',
      event: 'vendo-topup',
      vendo: vendo.id,
      voucher: maskCode(active.code),
      mac: s.mac,
      amount: credit,
    },
    `${formatMoney(credit)} of coins at ${vendo.name} added ${formatDurationHuman(bought.seconds)} to voucher ${maskCode(active.code)}`,
  );
  await recordEvent(db, clock, {
    voucherId: active.id,
    kind: 'vendo-topup',
    message: `Topped up with ${formatMoney(credit)} of coins at ${vendo.name}: +${formatDurationHuman(bought.seconds)}`,
    data: { vendo: vendo.id, amount: credit, seconds: bought.seconds },
  }).catch(() => undefined);
}

/** A sale: a new voucher of the vendo's profile with the bought time, logged in on the device. */
async function finishSale(p: VendoPortalDeps, spend: Spend): Promise<FinishResult> {
  const { db, clock, settings, log } = p.deps;
  const { s, vendo, ids, credit, bought, now } = spend;
  const profileRow = (await db('profiles').where({ id: vendo.profile_id }).first()) as ProfileRow;
  let voucherId = 0;
  let code = '';
  // Read before the transaction (the pool has one connection: never inside one).
  const style = await saleCodeStyle(settings);
  await db.transaction(async (trx) => {
    // A shared vendo's voucher is for the phone at hand, wherever it is: the redemption below gives it the site
    // whose router sees the phone (src/services/business/sites/dispatch.ts), so a box at any branch sells. A vendo of one
    // site sells there only: its voucher is that site's, logged in on that router.
    ({ id: voucherId, code } = await insertSaleVoucher(trx, style, {
      profileRow,
      price: credit,
      seconds: bought.seconds,
      vendoId: vendo.id,
      siteId: vendo.site_id ?? null,
      roaming: vendo.site_id == null,
      now,
    }));
    await claimWindow(trx, spend, { voucher_id: voucherId });
  });
  let result;
  try {
    // The purchase is one entry in the shop's feed: the redemption writes this one in place of its own sale.
    const site = vendo.site_id == null ? {} : { site: Number(vendo.site_id) };
    result = await p.redemption.redeem({ code, mac: s.mac, ip: s.ip, ...site }, undefined, undefined, {
      kind: 'vendo-sale',
      message: `Bought with ${formatMoney(credit)} of coins at ${vendo.name}: ${formatDurationHuman(bought.seconds)}, by ${s.mac}`,
      data: { vendo: vendo.id, amount: credit, seconds: bought.seconds, mac: s.mac },
    });
  } catch (err) {
    await undoFinish(p.deps, s, ids, voucherId, null);
    log.warn(
      { module: 'vendo', vendo: vendo.id, mac: s.mac, err: (err as Error).message },
      `Done at ${vendo.name} did not get the device online; ${formatMoney(credit)} kept as its saved credit`,
    );
    // A login the router did not answer was undone here with the sale (its voucher revoked): nothing to check.
    throw coinsKept(err);
  }
  await db('vendo_sessions').where({ id: s.id }).update({ state: 'finished', ended_at: clock.now() });
  return { ...result, credit, seconds: bought.seconds, topUp: false };
}
