/**
 * Undoing a sale made on a running voucher (a counter extension, extra data, a change of plan): the charge is
 * voided, never edited nor deleted. Its row keeps its amount and gains when, by whom and why it was voided
 * (migration 0047); from then on it counts in no report, shift slip or voucher total.
 *
 * The money goes back to the customer, and so does what it bought, as far as it is still unused: the time of an
 * extension is taken off the voucher (never more than it has left, so its end never moves before what the
 * customer already used), the extra data is taken off its cap (never below the data used). A change of plan keeps
 * the plan: its charge or credit is voided, and moving the voucher back (Move free) is the owner's own step.
 *
 * Exactly once: the void is a conditional UPDATE on `voided_at IS NULL` in the transaction that takes the time or
 * data back, so of two voids sent at once one wins and the other answers 409 CHARGE_VOIDED with nothing changed.
 *
 * Who: the owner (and the terminal) any charge; a cashier only its own, made today (the shop's day); a reseller
 * none (the route refuses it first).
 */
import type { Knex } from 'knex';
import { AppError, voidReason } from '../../../domain/errors';
import { formatBytes, formatDurationHuman, formatMoney } from '../../../domain/units';
import type { Actor } from '../../business/audit/actor';
import type { SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import { localDate, startOfLocalDay } from '../../../domain/calendar';
import * as lifecycle from '../voucher-lifecycle';
import { chargeOf, type ChargeRow as StoredCharge } from './charges';
import { EXTENSION, type ExtensionDeps } from './extension';
import { OVERAGE } from './overage';
import { ProfileCache, reloadVoucher, requireVoucher } from './queries';
import { routerUptimeLimit, voucherProfile, type VoucherRow } from './state';
import type { ChargeVoid } from './types';

type ChargeRow = Pick<
  StoredCharge,
  'id' | 'kind' | 'amount' | 'credit' | 'bytes' | 'total_seconds' | 'created_at' | 'actor' | 'voided_at'
>;

const voidedAlready = (id: number) =>
  new AppError('CHARGE_VOIDED', `Charge #${id} was voided already; nothing was changed`, 409, 'id');

const raced = () =>
  new AppError(
    'CHARGE_VOID_CONFLICT',
    'This voucher changed just now (time or data added or used). Nothing was voided; look at it again and retry.',
    409,
  );

/**
 * Why `actor` may not void a charge made by `charge.actor` at `charge.createdAt` (null: it may). A cashier voids its
 * own sales of today only (the shop's day); a reseller none; the owner and the terminal any. The voucher page
 * offers the void by the same rule.
 */
export function voidRefusal(
  actor: Actor,
  charge: { actor: string; createdAt: number },
  now: number,
  tz: string,
): AppError | null {
  const role = actor.account?.role;
  if (role === undefined) return null;
  if (role === 'reseller')
    return new AppError('FORBIDDEN', 'A reseller cannot void a sale; ask the owner', 403);
  const mine = charge.actor === actor.name.slice(0, 64);
  if (mine && charge.createdAt >= startOfLocalDay(localDate(now, tz), tz)) return null;
  return new AppError(
    'CHARGE_NOT_YOURS',
    `A cashier voids only its own sales of today; this one is ${mine ? 'of an earlier day' : `${charge.actor}'s`}: ask the owner`,
    403,
    'id',
  );
}

export function voucherChargeVoid(deps: SiteDeps, d: ExtensionDeps) {
  const { db, clock, config, audit } = deps;

  /** What is still unused of what the charge bought: the part taken back. */
  async function unusedPart(row: VoucherRow, c: ChargeRow) {
    const p = await new ProfileCache(db).byId(row.profile_id);
    const open = row.status === 'unused' || row.status === 'active';
    let seconds = 0;
    let bytes = 0;
    if (open && c.kind === EXTENSION) {
      const left = (await d.view(row)).remainingSeconds ?? 0;
      seconds = Math.max(0, Math.min(Number(c.total_seconds ?? 0), row.extra_seconds, left));
    }
    if (open && c.kind === OVERAGE) {
      const cap = voucherProfile(row, p.profile).dataCapBytes;
      const unused = cap === undefined ? 0 : cap - Number(row.counted_bytes);
      bytes = Math.max(0, Math.min(Number(c.bytes ?? 0), Number(row.extra_bytes ?? 0), unused));
    }
    return { p, seconds, bytes };
  }

  return async function voidCharge(
    code: string,
    id: unknown,
    reason: unknown,
    actor: Actor,
  ): Promise<ChargeVoid> {
    const text = voidReason(reason, 'this sale', 'wrong price, ₱25 for ₱2.50');
    const n =
      typeof id === 'number' ? id : typeof id === 'string' && /^\d{1,12}$/.test(id) ? Number(id) : NaN;
    const row = await requireVoucher(db, code);
    const charge = Number.isSafeInteger(n)
      ? ((await db('voucher_charges').where({ id: n, voucher_id: row.id }).first()) as ChargeRow | undefined)
      : undefined;
    if (!charge)
      throw new AppError('CHARGE_NOT_FOUND', `${row.code} has no charge #${String(id)}`, 404, 'id');
    const now = clock.now();
    const refused = voidRefusal(
      actor,
      { actor: charge.actor, createdAt: Number(charge.created_at) },
      now,
      config.tz,
    );
    if (refused) throw refused;
    if (charge.voided_at !== null) throw voidedAlready(n);
    const { p, seconds, bytes } = await unusedPart(row, charge);
    const commit = () =>
      db.transaction(async (trx: Knex) => {
        const changed = await trx('voucher_charges')
          .where({ id: n, voucher_id: row.id })
          .whereNull('voided_at')
          .update({ voided_at: now, voided_by: actor.name.slice(0, 64), void_reason: text });
        if (changed !== 1) throw voidedAlready(n);
        const less = row.extra_seconds - seconds; // never below zero, nor before the time used (unusedPart)
        if (seconds > 0 && !(await lifecycle.topUp(trx, row, p.profile, less, now))) throw raced();
        if (bytes > 0 && !(await lifecycle.takeBackExtraData(trx, row, bytes, now))) throw raced();
        await recordEvent(trx, clock, {
          voucherId: row.id,
          kind: 'charge-void',
          message: `Sale voided: charge #${n} (${formatMoney(Number(charge.amount) || Number(charge.credit))}) by ${actor.name}: ${text}`,
          data: { charge: n, seconds, bytes },
        });
      });
    if (seconds > 0) {
      // The router's time limit follows (its devices online log in again to take it), then the database.
      const logins = await d.loginsOf(row);
      const limitSeconds = routerUptimeLimit(p.profile, row.extra_seconds - seconds, Boolean(row.staff));
      try {
        await logins.change(row, { kind: 'plan', profileName: p.row.name, limitSeconds }, commit);
      } catch (err) {
        // The losing one of two voids may have written its limit first: the users check puts it right.
        if (err instanceof AppError) logins.requestCheck('a void lost to another');
        throw err;
      }
    } else await commit(); // extra data taken back reaches the router's byte limit at the next poll
    const back = [
      seconds > 0 ? `${formatDurationHuman(seconds)} taken back` : '',
      bytes > 0 ? `${formatBytes(bytes)} taken back` : '',
    ].filter(Boolean);
    await audit.record(actor, 'charge.void', row.code, {
      charge: n,
      kind: charge.kind,
      amount: Number(charge.amount),
      credit: Number(charge.credit),
      reason: text,
      seconds_taken_back: seconds,
      bytes_taken_back: bytes,
      text: `${charge.kind} charge #${n} of ${formatMoney(Number(charge.amount) || Number(charge.credit))} voided (${text})${back.length ? `; ${back.join(', ')}` : ''}`,
    });
    return {
      voucher: await d.view(await reloadVoucher(db, row.id)),
      charge: await chargeOf(db, row.id, n),
      takenBack: { seconds, bytes },
    };
  };
}
