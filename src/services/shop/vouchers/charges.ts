/**
 * Money on a running voucher besides its sale (voucher_charges, migration 0027): a change of plan (here) and extra
 * data bought at the cap (overage.ts). A change of plan is priced
 * by src/domain/plan-change.ts (what its time left is worth on the new plan less what it is worth now).
 * planProfileChange checks the move and quotes it (the preview is that quote); recordProfileChange makes the move
 * and keeps its charge or credit in one transaction; chargesOf and chargeOf read them back (the voucher page, the
 * receipt).
 */
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import { formatDurationHuman } from '../../../domain/durations';
import { quotePlanChange, usedSeconds, type PlanChangeInput } from '../../../domain/plan-change';
import type { Profile } from '../../../domain/profile-types';
import type { Actor } from '../../business/audit/actor';
import { assertNotArchived, assertSoldAsVoucher } from '../profiles/billing';
import { assertProfileSellsOn } from '../profiles/sites';
import type { ProfileRecord, ProfileService } from '../profiles/types';
import * as lifecycle from '../voucher-lifecycle';
import { toVoucherState, type ProfileRow, type VoucherRow } from './state';
import type { ChargeOutcome, PlanChangePreview, VoucherCharge } from './charge-types';
import { ProfileCache } from './queries';

const PLAN_CHANGE = 'plan_change';

export interface PlannedChange extends PlanChangePreview {
  row: VoucherRow;
  old: { row: ProfileRow; profile: Profile };
  next: ProfileRecord;
  /** What the quote was made of (plan-confirm.ts quotes it again as it was a few minutes earlier). */
  input: PlanChangeInput;
}

/**
 * 409 PLAN_TOO_SHORT: the voucher has been used as long as the new plan lasts (with its added time), so the move
 * would end it at once. Never for a voucher not used yet, a staff one or a plan without a time limit.
 */
function assertTimeLeftAfter(input: PlanChangeInput, row: VoucherRow, name: string, now: number): void {
  const { after } = input;
  const total = after.profile.validitySeconds;
  if (after.activatedAt === undefined || after.staff || total === null) return;
  const used = usedSeconds(after, now);
  if (used < total) return;
  const added = Number(row.extra_seconds ?? 0);
  const lasts =
    added > 0
      ? `${formatDurationHuman(total - added)} (${formatDurationHuman(total)} with the time added to it)`
      : formatDurationHuman(total);
  throw new AppError(
    'PLAN_TOO_SHORT',
    `${row.code} has been used ${formatDurationHuman(used)} and ${name} lasts ${lasts}: moved there it would end at once. Choose a plan with more time.`,
    409,
    'profile',
  );
}

/**
 * Checks the move of `row` to `profileName` (the profile exists, is another one, is not archived, is sold at the
 * voucher's site, leaves it time) and quotes it at `now`. `charge` false: moved free.
 */
export async function planProfileChange(
  db: Knex,
  profiles: ProfileService,
  row: VoucherRow,
  profileName: string,
  now: number,
  charge = true,
): Promise<PlannedChange> {
  const old = await new ProfileCache(db).byId(row.profile_id);
  const next = await profiles.get(profileName);
  assertSoldAsVoucher(next);
  assertNotArchived(next, 'vouchers cannot be moved to it');
  if (next.id === row.profile_id)
    throw new AppError(
      'INVALID_INPUT',
      `profile: ${row.code} is already on ${next.name}; choose another profile`,
      400,
      'profile',
      { profile: `already on ${next.name}; choose another profile` },
    );
  // Moved only to a profile its site sells (a roaming voucher not used yet: a shared one).
  if (row.site_id != null || row.roaming)
    await assertProfileSellsOn(db, next, row.site_id == null ? null : Number(row.site_id));
  const input: PlanChangeInput = {
    voucher: toVoucherState(row, old.profile),
    after: toVoucherState(row, next.profile),
    fromPrice: Number(old.row.price),
    toPrice: next.price,
    charge,
  };
  assertTimeLeftAfter(input, row, next.name, now);
  const quote = quotePlanChange(input, now);
  return {
    code: row.code,
    from: { name: old.row.name, price: Number(old.row.price) },
    to: { name: next.name, price: next.price },
    quote,
    row,
    old,
    next,
    input,
  };
}

/** The voucher's base rates after the move: rates copied from the old profile follow the new one. */
function ratesAfter(plan: PlannedChange): { up: number; down: number } {
  const { row, old, next } = plan;
  const custom = row.rate_limit_up !== old.profile.rateUp || row.rate_limit_down !== old.profile.rateDown;
  return custom
    ? { up: row.rate_limit_up, down: row.rate_limit_down }
    : { up: next.profile.rateUp, down: next.profile.rateDown };
}

/**
 * The move itself (voucher-lifecycle's `move`) and its charge or credit, in one transaction: never a plan
 * changed without its money kept, nor money kept for a move that did not happen. Audited by the caller.
 */
export async function recordProfileChange(
  db: Knex,
  plan: PlannedChange,
  actor: Actor,
  now: number,
): Promise<ChargeOutcome> {
  const { row, next, quote } = plan;
  const id = await db.transaction(async (trx) => {
    await lifecycle.move(trx, row, { id: next.id, profile: next.profile }, ratesAfter(plan), now);
    if (quote.amount === 0 && quote.credit === 0) return null;
    return insertedId(
      await trx('voucher_charges')
        .insert({
          voucher_id: row.id,
          site_id: row.site_id ?? null,
          kind: PLAN_CHANGE,
          amount: quote.amount,
          credit: quote.credit,
          from_profile_id: row.profile_id,
          to_profile_id: next.id,
          remaining_seconds: quote.remainingSeconds,
          total_seconds: quote.totalSeconds,
          note: quote.explanation.slice(0, 255),
          created_at: now,
          actor: actor.name.slice(0, 64),
        })
        .returning('id'),
    );
  });
  return {
    id,
    kind: PLAN_CHANGE,
    direction: quote.direction,
    amount: quote.amount,
    credit: quote.credit,
    fraction: quote.fraction,
    free: quote.basis === 'free',
    explanation: quote.explanation,
  };
}

export interface ChargeRow {
  id: number;
  code: string;
  kind: string;
  amount: number | string;
  credit: number | string;
  from_name: string | null;
  to_name: string | null;
  remaining_seconds: number | string | null;
  total_seconds: number | string | null;
  note: string | null;
  bytes: number | string | null;
  created_at: number | string;
  actor: string;
  site_id: number | null;
  site_name: string | null;
  voided_at: number | string | null;
  voided_by: string | null;
  void_reason: string | null;
}

function chargeQuery(db: Knex): Knex.QueryBuilder {
  return db('voucher_charges as c')
    .join('vouchers as v', 'v.id', 'c.voucher_id')
    .leftJoin('profiles as pf', 'pf.id', 'c.from_profile_id')
    .leftJoin('profiles as pt', 'pt.id', 'c.to_profile_id')
    .leftJoin('sites as s', 's.id', 'c.site_id')
    .select(
      'c.id',
      'v.code',
      'c.kind',
      'c.amount',
      'c.credit',
      'pf.name as from_name',
      'pt.name as to_name',
      'c.remaining_seconds',
      'c.total_seconds',
      'c.note',
      'c.bytes',
      'c.created_at',
      'c.actor',
      'c.site_id',
      's.name as site_name',
      'c.voided_at',
      'c.voided_by',
      'c.void_reason',
    );
}

const orNull = (v: number | string | null) => (v === null ? null : Number(v));

function chargeView(r: ChargeRow): VoucherCharge {
  const amount = Number(r.amount);
  const credit = Number(r.credit);
  const remaining = orNull(r.remaining_seconds);
  const total = orNull(r.total_seconds);
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    direction: amount > 0 ? 'charge' : credit > 0 ? 'credit' : 'none',
    amount,
    credit,
    fromProfile: r.from_name,
    toProfile: r.to_name,
    fraction: remaining !== null && total ? remaining / total : null,
    remainingSeconds: remaining,
    totalSeconds: total,
    note: r.note,
    bytes: orNull(r.bytes),
    createdAt: Number(r.created_at),
    actor: r.actor,
    site: r.site_id === null ? null : { id: Number(r.site_id), name: r.site_name ?? `site ${r.site_id}` },
    voided:
      r.voided_at === null
        ? null
        : { at: Number(r.voided_at), by: r.voided_by ?? '', reason: r.void_reason ?? '' },
  };
}

/** A voucher's charges and credits, newest first, voided ones included (with who voided them and why). */
export async function chargesOf(db: Knex, voucherId: number): Promise<VoucherCharge[]> {
  const rows = (await chargeQuery(db)
    .where('c.voucher_id', voucherId)
    .orderBy('c.id', 'desc')
    .limit(100)) as ChargeRow[];
  return rows.map(chargeView);
}

/** One charge of the voucher (its receipt); 404 when it is not that voucher's. */
export async function chargeOf(db: Knex, voucherId: number, id: number): Promise<VoucherCharge> {
  const row = (await chargeQuery(db).where('c.voucher_id', voucherId).where('c.id', id).first()) as
    ChargeRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `No charge #${id} on this voucher`, 404);
  return chargeView(row);
}
