/**
 * Coins for a device whose voucher waits at its cap for extra data (src/domain/overage.ts): Done buys the plan's
 * extra data instead of time, as many whole purchases as the credit covers (coinsForOverage: the fewest pesos that
 * pay for them; a coin is never split). The coins spent, the raised cap and the sale (voucher_charges kind
 * `overage`) are one transaction, which also finishes the window: no `finishing` state is left for a stop to
 * interrupt, and a coin is spent exactly when its data is added. Coins not spent stay the device's saved credit.
 * The router is told after the commit; if it cannot be, the next poll raises the voucher's byte limit.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { coinsForOverage, isCappedWaiting, type Coin } from '../../../domain/overage';
import { formatBytes, formatMoney } from '../../../domain/units';
import { maskCode } from '../../../lib/logger';
import type { ShopDeps } from '../../deps';
import { profileFromRow, toVoucherState, type VoucherRow } from '../vouchers/state';
import { recordOverage } from '../vouchers/overage';
import { activeVoucherOfDevice } from './sale';
import type { SessionRow, VendoRow } from './store';
import type { FinishResult } from './types';
import { reloginDevice, sum, type VendoPortalDeps } from './window';

/** The voucher `row` when it waits at its cap now, with the extra data its plan sells; undefined otherwise. */
export async function waitingAtCap(deps: ShopDeps, row: VoucherRow, now: number) {
  const p = (await deps.db('profiles').where({ id: row.profile_id }).first('name', 'spec')) as
    { name: string; spec: string } | undefined;
  if (!p) return undefined;
  const profile = profileFromRow(p);
  if (!profile.overage || !isCappedWaiting(toVoucherState(row, profile), now, deps.config.tz))
    return undefined;
  return { row, profile, profileName: p.name, offer: profile.overage };
}

/** What a window's credit buys a device waiting at its cap (the portal shows it while coins land); else null. */
export async function extraDataOfWindow(
  deps: ShopDeps,
  mac: string,
  credit: number,
  now: number,
): Promise<{ offers: number; bytes: number; price: number } | null> {
  const active = await activeVoucherOfDevice(deps.db, mac, now);
  const waiting = active && (await waitingAtCap(deps, active, now));
  if (!waiting) return null;
  const offers = Math.floor(credit / waiting.offer.price);
  return { offers, bytes: offers * waiting.offer.bytes, price: waiting.offer.price };
}

/** Done for a device waiting at its cap: its credit buys extra data (see the module's comment). */
export async function finishOverage(
  p: VendoPortalDeps,
  w: { s: SessionRow; vendo: VendoRow; coins: Coin[]; now: number },
  waiting: NonNullable<Awaited<ReturnType<typeof waitingAtCap>>>,
  claim: (trx: Knex, ids: number[], voucherId: number) => Promise<void>,
): Promise<FinishResult> {
  const { db, clock, log } = p.deps;
  const { s, vendo, coins } = w;
  const { row, offer } = waiting;
  const credit = sum(coins);
  const spend = coinsForOverage(coins, offer.price);
  if (!spend)
    throw new AppError(
      'EXTRA_DATA_CREDIT_TOO_SMALL',
      `${formatMoney(credit)} is not enough for ${formatBytes(offer.bytes)} of extra data (${formatMoney(offer.price)}); insert ${formatMoney(offer.price - credit)} more. Your coins are kept for this phone.`,
      400,
    );
  const charge = await db.transaction(async (trx) => {
    const out = await recordOverage(trx, clock, {
      row,
      offer,
      offers: spend.offers,
      amount: spend.amount,
      by: `vendo ${vendo.name}`,
      note: `${formatBytes(spend.offers * offer.bytes)} extra data for ${formatMoney(spend.amount)} of coins at ${vendo.name} (${formatMoney(offer.price)} each)`,
    });
    await claim(trx, spend.ids, row.id);
    await trx('vendo_sessions').where({ id: s.id }).update({ state: 'finished', voucher_id: row.id });
    return out;
  });
  const left = credit - spend.amount;
  log.info(
    { module: 'vendo', event: 'vendo-overage', vendo: vendo.id, voucher: maskCode(row.code), mac: s.mac },
    `${formatMoney(spend.amount)} of coins at ${vendo.name} bought ${formatBytes(charge.bytes)} of extra data for voucher ${maskCode(row.code)}${left > 0 ? `; ${formatMoney(left)} kept as saved credit` : ''}`,
  );
  // The router's byte limit rises now (else at the next poll), then the device logs back in.
  await p.vouchers.extraDataAdded(row.code, charge.bytes);
  const login = await reloginDevice(p, s, row.code, 'extra data');
  return {
    code: row.code,
    profile: waiting.profileName,
    expiresAt: login?.expiresAt ?? (row.expires_at === null ? null : Number(row.expires_at)),
    rateUp: login?.rateUp ?? row.rate_limit_up,
    rateDown: login?.rateDown ?? row.rate_limit_down,
    relogin: login !== undefined,
    credit: spend.amount,
    seconds: 0,
    topUp: true,
    extraData: { offers: charge.offers, bytes: charge.bytes, amount: charge.amount, left },
  };
}
