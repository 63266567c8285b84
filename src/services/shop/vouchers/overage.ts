/**
 * Extra data sold before or at the cap (a plan's `overage`, src/domain/overage.ts): a sale of its own, kept in
 * voucher_charges with kind `overage` and the bytes it bought. The database is the truth: the voucher's cap grows
 * and the charge is kept in one transaction (recordOverage, also inside a vendo's coin claim); the router's byte
 * limit is raised right after (tellRouter) when the voucher's router can be told now, and otherwise by the next
 * poll (services/network/hotspot-users/byte-limits.ts keepByteLimits), which also brings its devices' queues back. The counter
 * (admin page, API, terminal) sells here; a vendo's coins and a code typed on the portal come through
 * vendos/overage.ts and self-service/extra-data.ts.
 */
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import { overageRefusal, type OverageRefusal } from '../../../domain/overage';
import { formatBytes, formatMoney } from '../../../domain/units';
import type { Clock } from '../../../lib/clock';
import { maskCode } from '../../../lib/logger';
import type { Actor } from '../../business/audit/actor';
import type { SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import * as lifecycle from '../voucher-lifecycle';
import { toVoucherState, type VoucherRow } from './state';
import type { ExtensionDeps } from './extension';
import { ProfileCache, reloadVoucher, requireVoucher } from './queries';
import type { OverageSale, OverageSaleOptions } from './types';

/** voucher_charges.kind of extra data bought at the cap. */
export const OVERAGE = 'overage';

/** A refusal of the domain (src/domain/overage.ts) as the customer, the owner and the API read it. */
export function overageError(r: OverageRefusal, profileName: string): AppError {
  switch (r.code) {
    case 'OVERAGE_NOT_OFFERED':
      return new AppError(
        'OVERAGE_NOT_OFFERED',
        `The plan ${profileName} sells no extra data (set "Extra data" and its price on the profile to sell it)`,
        409,
      );
    case 'VOUCHER_NOT_ACTIVE':
      return new AppError(
        'VOUCHER_NOT_ACTIVE',
        'Extra data is added to a voucher in use: this one is not used yet, or has ended',
        409,
      );
    case 'DATA_NOT_USED_UP':
      return new AppError(
        'DATA_NOT_USED_UP',
        `The plan's data cap slows this voucher down instead of stopping it${r.leftBytes === null ? '' : ` (${formatBytes(r.leftBytes)} left before it slows)`}: extra data is sold on plans whose cap stops the voucher`,
        409,
      );
  }
}

const raced = () =>
  new AppError(
    'OVERAGE_CONFLICT',
    'This voucher changed just now (another purchase, or it ended). Nothing was charged; please try again.',
    409,
  );

/** What one purchase bought: `offers` × the plan's offer, for `amount` centavos (its voucher_charges row). */
type OverageCharge = OverageSale['charge'];

/**
 * In the caller's transaction: the voucher's cap raised by `offers` × the offer's bytes and the sale kept, with
 * an `overage` event. Throws OVERAGE_CONFLICT when the voucher changed since it was read (the transaction rolls
 * back: never a charge without the data, nor data without the charge).
 */
export async function recordOverage(
  trx: Knex,
  clock: Clock,
  p: {
    row: Pick<VoucherRow, 'id' | 'extra_bytes' | 'site_id' | 'profile_id'>;
    offer: { bytes: number; price: number };
    offers: number;
    /** Centavos: the offers' price, or the coins spent for them. */
    amount: number;
    /** Who sold it (the audit's actor name, or "vendo <name>"). */
    by: string;
    note?: string;
  },
): Promise<OverageCharge> {
  const now = clock.now();
  const bytes = p.offers * p.offer.bytes;
  if (!(await lifecycle.addExtraData(trx, p.row, bytes, now))) throw raced();
  const what = `${formatBytes(bytes)} extra data${p.offers > 1 ? ` (${p.offers} × ${formatBytes(p.offer.bytes)})` : ''}`;
  const chargeId = insertedId(
    await trx('voucher_charges')
      .insert({
        voucher_id: p.row.id,
        site_id: p.row.site_id ?? null,
        kind: OVERAGE,
        amount: p.amount,
        credit: 0,
        // The plan it was sold on: the sale stays under it in the reports when the voucher moves later.
        from_profile_id: p.row.profile_id,
        bytes,
        note: (p.note ?? `${what} at ${formatMoney(p.offer.price)} each`).slice(0, 255),
        created_at: now,
        actor: p.by.slice(0, 64),
      })
      .returning('id'),
  );
  await recordEvent(trx, clock, {
    voucherId: p.row.id,
    kind: OVERAGE,
    message: `Extra data bought: ${what} for ${formatMoney(p.amount)}, by ${p.by}`,
    data: { charge: chargeId, bytes, offers: p.offers, amount: p.amount },
  });
  return { chargeId, offers: p.offers, bytes, amount: p.amount };
}

/**
 * The counter's sale (admin page, API, terminal) and the router's share of every purchase, on the voucher's own
 * site: `loginsOf` gives its site's logins (its router's user, or its FreeRADIUS rows).
 */
export function voucherOverage(deps: SiteDeps, d: ExtensionDeps) {
  const { db, clock, config, audit, log } = deps;

  /**
   * The voucher's login told now: its hotspot user's byte limit raised by `bytes` (a RADIUS site's account
   * rewritten). False when that cannot be done now; the next poll of its site raises it then.
   */
  async function tellRouter(code: string, bytes: number): Promise<boolean> {
    const row = await requireVoucher(db, code);
    try {
      return await (await d.loginsOf(row)).dataAdded(row, bytes);
    } catch (err) {
      log.warn(
        { module: 'vouchers', voucher: maskCode(row.code), err: (err as Error).message },
        'extra data: the router is raised at the next poll',
      );
      return false;
    }
  }

  return {
    tellRouter,

    /** One purchase of the plan's offer at its price, sold at the counter. Audited. */
    async sell(code: string, actor: Actor, opts: OverageSaleOptions = {}): Promise<OverageSale> {
      const row = await requireVoucher(db, code);
      if (opts.addedBytes !== undefined && opts.addedBytes !== Number(row.extra_bytes ?? 0))
        throw new AppError(
          'OVERAGE_CONFLICT',
          'This voucher got extra data since the page was shown (sold already?). Nothing was charged; look at it again before selling more.',
          409,
        );
      const p = await new ProfileCache(db).byId(row.profile_id);
      const refusal = overageRefusal(toVoucherState(row, p.profile), clock.now(), config.tz);
      if (refusal) throw overageError(refusal, p.row.name);
      const offer = p.profile.overage!;
      const charge = await db.transaction((trx) =>
        recordOverage(trx, clock, { row, offer, offers: 1, amount: offer.price, by: actor.name }),
      );
      await audit.record(actor, 'voucher.overage', row.code, {
        bytes: charge.bytes,
        amount: charge.amount,
        charge_id: charge.chargeId,
      });
      const appliedNow = await tellRouter(row.code, charge.bytes);
      return { voucher: await d.view(await reloadVoucher(db, row.id)), charge, appliedNow };
    },
  };
}
