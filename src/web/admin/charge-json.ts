/**
 * A plan change, extra data and the charges kept on a voucher as the admin API answers them (api-vouchers.ts): money in
 * centavos (as the dashboard's), fractions 0–1, times ISO. The admin pages read the same services.
 */
import { ValidationError } from '../../domain/errors';
import { isoInstant } from '../../domain/units';
import type { ChargeOutcome, PlanChangePreview, VoucherCharge } from '../../services/vouchers/charge-types';

/**
 * `charge` of a plan change: absent = charge (or credit) the prorated difference; `true`/`false` (or their text,
 * as a form sends them); anything else is refused under `charge`, never read as one or the other.
 */
export function chargeFlag(v: unknown): boolean {
  if (v === undefined || v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw ValidationError.invalid(
    'charge',
    v,
    'true or false',
    'use true (charge the difference) or false (move free)',
  );
}

/** The address that voids a charge kept on a voucher (the voucher page's form; the API's is under /admin/api). */
export const voidPath = (code: string, id: number) =>
  `/admin/vouchers/${encodeURIComponent(code)}/charges/${id}/void`;

/** The receipt page of a charge kept on a voucher. */
export const receiptPath = (code: string, id: number) =>
  `/admin/vouchers/${encodeURIComponent(code)}/charges/${id}/receipt`;

/** What a plan change charged or credited: centavos, as the dashboard's money, with its words. */
export function chargeJson(code: string, c: ChargeOutcome) {
  return {
    id: c.id,
    kind: c.kind,
    direction: c.direction,
    amount: c.amount,
    credit: c.credit,
    fraction: c.fraction,
    free: c.free,
    explanation: c.explanation,
    receipt: c.id === null ? null : receiptPath(code, c.id),
  };
}

/** A plan change's preview: the same quote the change makes, nothing changed. */
export function previewJson(p: PlanChangePreview) {
  const q = p.quote;
  return {
    code: p.code,
    from: { profile: p.from.name, price_centavos: p.from.price },
    to: { profile: p.to.name, price_centavos: p.to.price },
    kind: 'plan_change',
    direction: q.direction,
    amount: q.amount,
    credit: q.credit,
    difference: q.difference,
    fraction: q.fraction,
    remaining_seconds: q.remainingSeconds,
    total_seconds: q.totalSeconds,
    basis: q.basis,
    explanation: q.explanation,
  };
}

/** One charge or credit kept on a voucher (its detail's `charges`). */
export function voucherChargeJson(c: VoucherCharge) {
  return {
    id: c.id,
    kind: c.kind,
    direction: c.direction,
    amount: c.amount,
    credit: c.credit,
    from_profile: c.fromProfile,
    to_profile: c.toProfile,
    fraction: c.fraction,
    remaining_seconds: c.remainingSeconds,
    total_seconds: c.totalSeconds,
    note: c.note,
    bytes: c.bytes,
    created_at: isoInstant(c.createdAt),
    actor: c.actor,
    receipt: receiptPath(c.code, c.id),
    voided_at: c.voided === null ? null : isoInstant(c.voided.at),
    voided_by: c.voided?.by ?? null,
    void_reason: c.voided?.reason ?? null,
  };
}

/** Extra data sold at the counter (POST …/overage): centavos and bytes, with its receipt. */
export function overageChargeJson(
  code: string,
  c: { chargeId: number; offers: number; bytes: number; amount: number },
) {
  return {
    id: c.chargeId,
    kind: 'overage',
    direction: 'charge',
    offers: c.offers,
    bytes: c.bytes,
    amount: c.amount,
    receipt: receiptPath(code, c.chargeId),
  };
}
