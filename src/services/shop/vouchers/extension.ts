/**
 * More time on a voucher. Sold at the counter (admin page, API, terminal), it is a sale of its own: kept in
 * voucher_charges with kind `extension`, its price and who sold it, in the transaction that adds the time, so the
 * reports, the shift slip and the drawer agree. Its price is the one the cashier gives, or the plan's pro-rata price
 * for the time added (src/domain/plan-change.ts extensionPrice); ₱0 is allowed (time given free: no sale kept).
 * A vendo's coin top-up extends here too, without a sale: its money is in the vendo's own ledger.
 *
 * A repeat (double click, a retried request) is refused rather than sold twice: the caller may send the extra time
 * it last saw (`addedSeconds`, the page always does), and the time is added only if the voucher still has exactly
 * the extra time it was read with (a conditional UPDATE), so of two extensions sent at once one wins and the other
 * answers 409 EXTEND_CONFLICT with nothing charged.
 */
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import {
  checkExtension,
  CONFIRM_EXTENSION_ABOVE_SECONDS,
  formatDurationHuman,
} from '../../../domain/durations';
import { AppError, ValidationError } from '../../../domain/errors';
import { extensionPrice } from '../../../domain/plan-change';
import { formatMoney, MAX_PRICE_CENTAVOS, parsePrice } from '../../../domain/quantities';
import type { Actor } from '../../business/audit/actor';
import type { SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import * as lifecycle from '../voucher-lifecycle';
import type { Logins } from './logins';
import { ProfileCache, reloadVoucher, requireOpen, requireVoucher } from './queries';
import { routerUptimeLimit, type VoucherRow } from './state';
import type { ExtensionSale, VoucherView } from './types';

/** voucher_charges.kind of time sold at the counter. */
export const EXTENSION = 'extension';
/** voucher_charges.kind of time bought with coins at a coin box (a top-up of a running voucher). */
export const COIN_TOPUP = 'coin_topup';

const conflict = () =>
  new AppError(
    'EXTEND_CONFLICT',
    'This voucher got more time since the page was shown (added already?). Nothing was added or charged; look at it again before adding more.',
    409,
  );

interface ExtendOptions {
  /** Above a day: asked first (CONFIRM_REQUIRED otherwise). */
  confirmed?: boolean;
  /**
   * A counter sale: its price in pesos (absent or empty: the plan's pro-rata price). Absent: no sale (a vendo's).
   * `confirmed`: a price above the plan's rate for that time was asked about and meant (CONFIRM_REQUIRED otherwise).
   */
  sale?: { price?: unknown; confirmed?: boolean };
  /** A coin box's top-up: the coins it took (centavos) are the sale, kind coin_topup (the box writes its own event). */
  coins?: { amount: number; vendo: string };
  /** The voucher's extra time as the caller last saw it (seconds): another value now is EXTEND_CONFLICT. */
  addedSeconds?: number;
}

/** The price a counter sale takes: the one given (0–₱100,000), or the plan's pro-rata price for the time (`rate`). */
function counterPrice(given: unknown, rate: number) {
  if (given !== undefined && given !== null && given !== '') return parsePrice(given, 'price');
  if (rate > MAX_PRICE_CENTAVOS)
    throw new ValidationError(
      'price',
      `the plan's rate for this time is above ${formatMoney(MAX_PRICE_CENTAVOS)}; give a price`,
    );
  return rate;
}

export type ExtensionDeps = {
  loginsOf(row: VoucherRow): Promise<Logins>;
  view(row: VoucherRow): Promise<VoucherView>;
};

export function voucherExtension(deps: SiteDeps, d: ExtensionDeps) {
  return {
    /** The plan's pro-rata price for `seconds` more on this voucher (the page's suggestion). */
    async quote(code: string, seconds: number): Promise<number> {
      const plan = await planOf(deps.db, await requireVoucher(deps.db, code));
      return extensionPrice(plan.price, plan.validitySeconds, seconds);
    },
    extend: (code: string, seconds: number, actor: Actor, opts: ExtendOptions = {}) =>
      extend(deps, d, { code, seconds, actor, opts }),
  };
}

type Plan = Awaited<ReturnType<typeof planOf>>;

async function planOf(db: Knex, row: VoucherRow) {
  const p = await new ProfileCache(db).byId(row.profile_id);
  if (p.profile.validitySeconds === null || row.staff)
    throw new AppError('VOUCHER_UNLIMITED', 'This voucher has no time limit to extend', 409);
  return { ...p, price: Number(p.row.price), validitySeconds: p.profile.validitySeconds };
}

/** More than a day is asked first (CONFIRM_REQUIRED otherwise); returns the seconds checked. */
function checkAdded(seconds: number, opts: ExtendOptions): number {
  const added = checkExtension(seconds, 'duration');
  if (added > CONFIRM_EXTENSION_ABOVE_SECONDS && !opts.confirmed)
    throw new AppError(
      'CONFIRM_REQUIRED',
      `Adding ${formatDurationHuman(added)} is more than a day; confirm to add it`,
      400,
      'confirm',
      { confirm: `confirm adding ${formatDurationHuman(added)}` },
    );
  return added;
}

/**
 * A counter sale's price; an amount above the plan's own rate looks like a typo (₱25 for ₱2.50): asked first. A
 * cashier sells at the plan's rate or above (asked); time free or for less is the owner's to give.
 */
function salePrice(plan: Plan, added: number, sale: ExtendOptions['sale'], actor: Actor): number | null {
  const rate = extensionPrice(plan.price, plan.validitySeconds, added);
  const price = sale ? counterPrice(sale.price, rate) : null;
  if (price !== null && price < rate && actor.account)
    throw new AppError(
      'FORBIDDEN_ROLE',
      `A ${actor.account.role} sells more time at the plan's rate (${formatMoney(rate)} for ${formatDurationHuman(added)}); only the owner gives it free or for less`,
      403,
      'price',
    );
  if (price !== null && price > rate && !sale?.confirmed)
    throw new AppError(
      'CONFIRM_REQUIRED',
      `${formatMoney(price)} is more than the plan's ${formatMoney(rate)} for ${formatDurationHuman(added)}; confirm to charge it`,
      400,
      'price',
      { price: `${formatMoney(price)} is above the plan's ${formatMoney(rate)}: confirm to charge it` },
    );
  return price;
}

async function extend(
  deps: SiteDeps,
  d: ExtensionDeps,
  x: { code: string; seconds: number; actor: Actor; opts: ExtendOptions },
): Promise<ExtensionSale> {
  const { db, audit } = deps;
  const { actor, opts } = x;
  const added = checkAdded(x.seconds, opts);
  const row = await requireVoucher(db, x.code);
  requireOpen(row, 'extended');
  const plan = await planOf(db, row);
  const price = opts.coins ? opts.coins.amount : salePrice(plan, added, opts.sale, actor);
  if (opts.addedSeconds !== undefined && opts.addedSeconds !== row.extra_seconds) throw conflict();
  const extra = row.extra_seconds + added;
  const limitSeconds = routerUptimeLimit(plan.profile, extra, Boolean(row.staff));
  const logins = await d.loginsOf(row);
  let chargeId: number | null = null;
  try {
    await logins.change(row, { kind: 'plan', profileName: plan.row.name, limitSeconds }, async () => {
      chargeId = await db.transaction((trx) =>
        commit(deps, trx, { row, plan, seconds: added, price, actor, coins: opts.coins?.vendo }),
      );
      await audit.record(actor, 'voucher.extend', row.code, {
        seconds: added,
        extraSeconds: extra,
        ...(price !== null ? { price, charge_id: chargeId } : {}),
      });
    });
  } catch (err) {
    // The losing one of two at once may have written its limit on the router first: the check puts it right.
    if (err instanceof AppError && err.code === 'EXTEND_CONFLICT')
      logins.requestCheck('an extension lost to another');
    throw err;
  }
  return { voucher: await d.view(await reloadVoucher(db, row.id)), seconds: added, price, chargeId };
}

/** The time added and, for a counter sale, its charge, in one transaction. */
async function commit(
  deps: SiteDeps,
  trx: Knex,
  c: { row: VoucherRow; plan: Plan; seconds: number; price: number | null; actor: Actor; coins?: string },
): Promise<number | null> {
  const { clock } = deps;
  const { row, plan, seconds, price, actor } = c;
  const now = clock.now();
  if (!(await lifecycle.topUp(trx, row, plan.profile, row.extra_seconds + seconds, now))) throw conflict();
  if (price === null || price === 0) return null;
  const what = `${formatDurationHuman(seconds)} added ${c.coins ? `with coins at ${c.coins}` : 'at the counter'}`;
  const chargeId = insertedId(
    await trx('voucher_charges')
      .insert({
        voucher_id: row.id,
        site_id: row.site_id ?? null,
        kind: c.coins ? COIN_TOPUP : EXTENSION,
        amount: price,
        credit: 0,
        // The plan it was sold on: the sale stays under it in the reports when the voucher moves later.
        from_profile_id: row.profile_id,
        total_seconds: seconds,
        note: `${what} for ${formatMoney(price)}`.slice(0, 255),
        created_at: now,
        actor: actor.name.slice(0, 64),
      })
      .returning('id'),
  );
  if (c.coins) return chargeId;
  await recordEvent(trx, clock, {
    voucherId: row.id,
    kind: EXTENSION,
    message: `Time bought: ${what} for ${formatMoney(price)}, by ${actor.name}`,
    data: { charge: chargeId, seconds, amount: price },
  });
  return chargeId;
}
