/**
 * A voucher, its detail, a batch, a time sale, a plan change and the charges kept on a voucher as the admin API
 * and the terminal's `--json` both answer them: snake_case, prices in pesos with `price_centavos` beside, a
 * charge's `amount` and `credit` in centavos (as the dashboard's), bytes and bits/s as integers, fractions 0–1,
 * times ISO-8601. One shaper per thing, used by both faces.
 */
import type { StyleFigures } from '../../../domain/code-style';
import { isoInstant as iso } from '../../../domain/units';
import { alertEventKind } from '../../../domain/usage-summary';
import type { ChargeOutcome, PlanChangePreview, VoucherCharge } from './charge-types';
import type { OverageSale, VoucherDetail, VoucherView } from './types';

/** The receipt page of a charge kept on a voucher. */
export const receiptPath = (code: string, id: number) =>
  `/admin/vouchers/${encodeURIComponent(code)}/charges/${id}/receipt`;

export function codeStyleJson(f: StyleFigures) {
  return {
    style: {
      alphabet: f.style.alphabet,
      length: f.style.length,
      prefix: f.style.prefix,
      password_alphabet: f.style.password?.alphabet ?? 'same',
      password_length: f.style.password?.length ?? null,
    },
    description: f.description,
    bits: Math.round(f.bits * 10) / 10,
    possible: f.possible,
    possible_text: f.possibleText,
    seconds_to_one_percent: Math.round(f.seconds),
    summary: f.summary,
    verdict: f.verdict,
    meets_floor: f.meetsFloor,
    problem: f.problem,
    min_length: f.minLength,
  };
}

export function voucherJson(v: VoucherView) {
  return {
    code: v.code,
    // The customer's secret like the code: shown to the owner, who prints it; null when the password is the code.
    password: v.password,
    profile: v.profile,
    price: v.price / 100,
    price_centavos: v.price,
    status: v.status,
    rate_up: v.rateUp,
    rate_down: v.rateDown,
    staff: v.staff,
    batch_id: v.batchId,
    created_at: iso(v.createdAt),
    activated_at: iso(v.activatedAt),
    expires_at: iso(v.expiresAt),
    ended_at: iso(v.endedAt),
    end_reason: v.endReason,
    bound_mac: v.boundMac,
    bytes_up: v.bytesUp,
    bytes_down: v.bytesDown,
    counted_bytes: v.countedBytes,
    remaining_seconds: v.remainingSeconds,
    added_seconds: v.addedSeconds,
    override: v.override,
    on_router: v.onRouter,
    // Unused but kept for a customer's device, to start after the code running there: sold, not for sale.
    queued: v.queued && {
      device: v.queued.device,
      after_code: v.queued.afterCode,
      after_running: v.queued.afterRunning,
      since: iso(v.queued.since),
    },
    // A running code its customer paused on the portal: since when (the voucher's own answer says the rest).
    paused_at: iso(v.pausedAt),
  };
}

/** One voucher with its state, usage, devices, events and charges (GET /admin/api/vouchers/:code). */
export function voucherDetailJson(d: VoucherDetail) {
  return {
    ...voucherJson(d),
    profile_price: d.profilePrice / 100,
    profile_price_centavos: d.profilePrice,
    sale_profile: d.saleProfile,
    state: d.state,
    state_reason: d.stateReason,
    paused: d.paused && {
      since: iso(d.paused.since),
      device: d.paused.device,
      ends_at: iso(d.paused.endsAt),
      pauses_left: d.paused.pausesLeft,
    },
    // The extra data its plan sells at the cap (price in centavos), and what was bought so far.
    overage: d.overage && {
      bytes: d.overage.bytes,
      price_centavos: d.overage.price,
      available_now: d.overage.availableNow,
    },
    overage_bought: { ...d.overageBought },
    fup_threshold_bytes: d.fupThresholdBytes,
    cap_bytes: d.capBytes,
    added_bytes: d.addedBytes,
    added_fup_bytes: d.addedFupBytes,
    usage: {
      used_bytes: d.usage.used,
      counted_bytes: d.usage.counted,
      left_bytes: d.usage.left,
      used_percent: d.usage.usedPercent,
      alert: d.usage.alert && { kind: alertEventKind(d.usage.alert), percent: d.usage.alert.percent },
    },
    devices: d.devices.map((x) => ({
      ...x,
      firstSeenAt: iso(x.firstSeenAt),
      lastSeenAt: iso(x.lastSeenAt),
    })),
    events: d.events.map((e) => ({ ...e, ts: iso(e.ts) })),
    charges: d.charges.map(voucherChargeJson),
  };
}

/** A batch just generated (POST /admin/api/vouchers): each voucher as everywhere else. */
export function batchJson(b: {
  batchId: number;
  design: string;
  routerPending: number;
  vouchers: readonly VoucherView[];
}) {
  return {
    batch_id: b.batchId,
    design: b.design,
    router_pending: b.routerPending,
    vouchers: b.vouchers.map(voucherJson),
  };
}

/** Time sold at the counter (POST …/extend): the voucher and the sale. */
export function timeSaleJson(s: {
  voucher: VoucherView;
  seconds: number;
  price?: number | null;
  chargeId: number | null;
}) {
  return {
    voucher: voucherJson(s.voucher),
    sale: {
      seconds: s.seconds,
      price: (s.price ?? 0) / 100,
      price_centavos: s.price ?? 0,
      charge_id: s.chargeId,
    },
  };
}

/** A charge's or a credit's money, the same first fields in every answer (centavos). */
const chargeMoneyJson = (c: ChargeOutcome | VoucherCharge) => ({
  id: c.id,
  kind: c.kind,
  direction: c.direction,
  amount: c.amount,
  credit: c.credit,
});

/** What a plan change charged or credited: centavos, as the dashboard's money, with its words. */
export function chargeJson(code: string, c: ChargeOutcome) {
  return {
    ...chargeMoneyJson(c),
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
    remaining_after_seconds: q.remainingAfterSeconds,
    total_after_seconds: q.totalAfterSeconds,
    basis: q.basis,
    explanation: q.explanation,
  };
}

/** One charge or credit kept on a voucher (its detail's `charges`). */
export function voucherChargeJson(c: VoucherCharge) {
  return {
    ...chargeMoneyJson(c),
    from_profile: c.fromProfile,
    to_profile: c.toProfile,
    fraction: c.fraction,
    remaining_seconds: c.remainingSeconds,
    total_seconds: c.totalSeconds,
    note: c.note,
    bytes: c.bytes,
    created_at: iso(c.createdAt),
    actor: c.actor,
    receipt: receiptPath(c.code, c.id),
    voided_at: c.voided === null ? null : iso(c.voided.at),
    voided_by: c.voided?.by ?? null,
    void_reason: c.voided?.reason ?? null,
  };
}

/** Extra data sold at the counter (POST …/overage): centavos and bytes, with its receipt. */
export function overageChargeJson(code: string, c: OverageSale['charge']) {
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
