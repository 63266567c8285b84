/**
 * A subscriber's status changes (suspend, resume, end by hand; billing's suspension for an unpaid invoice and its
 * lift): each one conditional update from the status read, so two changes at once cannot both apply, with its
 * `subscriber_suspensions` row in the same transaction, its event, its audit entry and the change told to the
 * router work (onChange). Which changes are allowed is decided in src/domain/subscriber-status.ts; when billing
 * suspends or lifts is decided in src/domain/billing-suspension.ts.
 */
import type { Knex } from 'knex';
import { ErrorCollector } from '../../../domain/error-collector';
import { AppError, ValidationError } from '../../../domain/errors';
import { parseReason } from '../../../domain/subscriber-fields';
import { transition, type SubscriberAction } from '../../../domain/subscriber-status';
import { SYSTEM, type Actor } from '../../business/audit/actor';
import type { ChangeDeps } from './changes';
import { accountNo, changedMeanwhile, noOf, type LoadedRow } from './store';
import type { OpenSuspension, SubscriberView } from './types';

/** Who billing's suspensions are started and ended by, in `subscriber_suspensions`. */
const BILLING = 'billing';

/** The open suspension of each of `ids` that has one (a manual one wins over billing's: only a hand lifts it). */
export async function openSuspensions(
  db: Knex,
  ids: readonly number[],
): Promise<Map<number, OpenSuspension>> {
  const out = new Map<number, OpenSuspension>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('subscriber_suspensions')
      .whereIn('subscriber_id', ids.slice(i, i + 500))
      .whereNull('ended_at')
      .select('subscriber_id', 'cause', 'until_paid')) as Array<{
      subscriber_id: number;
      cause: 'unpaid' | 'manual';
      until_paid: boolean | number;
    }>;
    for (const r of rows) {
      const id = Number(r.subscriber_id);
      if (out.get(id)?.cause === 'manual') continue;
      out.set(id, { cause: r.cause, untilPaid: r.cause === 'unpaid' || Boolean(r.until_paid) });
    }
  }
  return out;
}

/** `until_paid` as the API, the form and the terminal send it: absent is false. */
function parseUntilPaid(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 'false' || v === '0' || v === '') return false;
  if (v === true || v === 'true' || v === '1' || v === 'on') return true;
  throw ValidationError.invalid(
    'until_paid',
    v,
    'true or false',
    'send true to lift it once nothing is past due',
  );
}

interface StatusDeps extends Pick<
  ChangeDeps,
  'db' | 'clock' | 'audit' | 'loadOne' | 'viewOf' | 'changed' | 'emit'
> {
  /** What the subscriber has past its last day to pay now (centavos); a suspension until paid needs some. */
  pastDue?: (id: number) => Promise<number>;
}

/** The status row and its `subscriber_suspensions` row, from the status read, in one transaction. */
async function writeMove(
  deps: StatusDeps,
  row: LoadedRow,
  m: { action: SubscriberAction; actor: Actor; reason?: string; untilPaid: boolean },
): Promise<void> {
  const to = transition(row.status, m.action);
  const now = deps.clock.now();
  await deps.db.transaction(async (trx) => {
    // Only from the status read: two changes at once cannot both apply.
    const n = await trx('subscribers')
      .where({ id: row.id, status: row.status })
      .update({
        status: to,
        status_reason: to === 'suspended' ? m.reason : null,
        ...(to === 'ended' ? { ended_at: now } : {}),
        updated_at: now,
      });
    if (n !== 1) throw changedMeanwhile('status');
    // Kept in the same transaction: a suspension by hand is recorded as such (billing never lifts it); a resume
    // or an end closes whichever suspension is open, billing's too (the owner decides).
    if (to === 'suspended')
      await trx('subscriber_suspensions').insert({
        subscriber_id: row.id,
        cause: 'manual',
        reason: m.reason ?? null,
        until_paid: m.untilPaid,
        started_at: now,
        started_by: m.actor.name,
      });
    else
      await trx('subscriber_suspensions')
        .where({ subscriber_id: row.id })
        .whereNull('ended_at')
        .update({ ended_at: now, ended_by: m.actor.name });
    await deps.changed(
      trx,
      Number(row.id),
      m.action,
      `Subscriber ${accountNo(Number(row.seq))} ${to === 'active' ? 'resumed' : to}`,
    );
  });
}

/** A change by hand (suspend, resume, end): written, audited, told. */
async function move(
  deps: StatusDeps,
  ref: number | string,
  action: SubscriberAction,
  actor: Actor,
  reason?: string,
  untilPaid = false,
): Promise<SubscriberView> {
  const row = await deps.loadOne(ref);
  await writeMove(deps, row, { action, actor, reason, untilPaid });
  await deps.audit.record(
    actor,
    `subscriber.${action}`,
    accountNo(Number(row.seq)),
    reason === undefined ? {} : { reason, ...(untilPaid ? { until_paid: true } : {}) },
  );
  deps.emit({ id: Number(row.id), change: action });
  return deps.viewOf(Number(row.id));
}

/** Billing's suspension: only from active, so a repeat or a suspension by hand meanwhile changes nothing. */
async function suspendUnpaid(deps: StatusDeps, id: number, reason: string): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction(async (trx) => {
    const n = await trx('subscribers')
      .where({ id, status: 'active' })
      .update({ status: 'suspended', status_reason: reason, updated_at: now });
    if (n !== 1) return false;
    await trx('subscriber_suspensions').insert({
      subscriber_id: id,
      cause: 'unpaid',
      reason,
      started_at: now,
      started_by: BILLING,
    });
    await deps.changed(trx, id, 'suspend', `Subscriber ${await noOf(trx, id)} suspended: ${reason}`);
    return true;
  });
  if (!done) return false;
  await deps.audit.record(SYSTEM, 'subscriber.suspend', await noOf(deps.db, id), {
    reason,
    cause: 'unpaid',
  });
  deps.emit({ id, change: 'suspend' });
  return true;
}

/** Closes billing's (or an until-paid) suspension row and restores the subscriber, in `trx`; false: not ours. */
async function closeUnpaid(
  deps: StatusDeps,
  trx: Knex.Transaction,
  id: number,
  now: number,
): Promise<boolean> {
  const rows = (await trx('subscriber_suspensions')
    .where({ subscriber_id: id })
    .whereNull('ended_at')
    .select('id', 'cause', 'until_paid')) as Array<{ id: number; cause: string; until_paid: unknown }>;
  const open = rows.find((r) => r.cause === 'unpaid' || Boolean(r.until_paid));
  if (!open || rows.some((r) => r.cause === 'manual' && !r.until_paid)) return false;
  const closed = await trx('subscriber_suspensions')
    .where({ id: open.id })
    .whereNull('ended_at')
    .update({ ended_at: now, ended_by: BILLING });
  if (closed !== 1) return false;
  const n = await trx('subscribers')
    .where({ id, status: 'suspended' })
    .update({ status: 'active', status_reason: null, updated_at: now });
  if (n !== 1) throw changedMeanwhile('status');
  await deps.changed(trx, id, 'resume', `Subscriber ${await noOf(trx, id)} resumed: nothing past due`);
  return true;
}

/**
 * Lifts billing's open suspension, or one by hand made until paid. Its row is closed first, conditionally: a
 * resume by hand at the same moment closes it instead, and then this changes nothing (nor does it lift a
 * suspension by hand made just after). Any other suspension by hand open beside it keeps the subscriber off.
 */
async function liftUnpaid(deps: StatusDeps, id: number): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction((trx) => closeUnpaid(deps, trx, id, now));
  if (!done) return false;
  await deps.audit.record(SYSTEM, 'subscriber.resume', await noOf(deps.db, id), { cause: 'paid' });
  deps.emit({ id, change: 'resume' });
  return true;
}

async function restateUnpaid(deps: StatusDeps, id: number, reason: string): Promise<boolean> {
  const n = await deps
    .db('subscribers')
    .where({ id, status: 'suspended' })
    .whereExists(
      deps
        .db('subscriber_suspensions as x')
        .whereRaw('x.subscriber_id = subscribers.id')
        .where('x.cause', 'unpaid')
        .whereNull('x.ended_at'),
    )
    .whereNot({ status_reason: reason })
    .update({ status_reason: reason, updated_at: deps.clock.now() });
  return n === 1;
}

/**
 * A suspension by hand with its reason; `untilPaid`: billing lifts it once nothing is past due, so it is refused
 * (409 NOTHING_PAST_DUE) while nothing is.
 */
async function suspendByHand(
  deps: StatusDeps,
  ref: number | string,
  reason: unknown,
  actor: Actor,
  untilPaid?: unknown,
): Promise<SubscriberView> {
  const c = new ErrorCollector();
  const why = c.field(() => parseReason(reason));
  const until = c.field(() => parseUntilPaid(untilPaid));
  c.throwIfAny('Not suspended');
  if (until && deps.pastDue) {
    const row = await deps.loadOne(ref);
    if ((await deps.pastDue(Number(row.id))) <= 0)
      throw new AppError(
        'NOTHING_PAST_DUE',
        'Nothing is past due: a suspension until paid would be lifted at once. Suspend without it, with a reason.',
        409,
        'until_paid',
      );
  }
  return move(deps, ref, 'suspend', actor, why, until === true);
}

export function statusChanges(deps: StatusDeps) {
  return {
    suspendUnpaid: (id: number, reason: string) => suspendUnpaid(deps, id, reason),
    liftUnpaid: (id: number) => liftUnpaid(deps, id),
    restateUnpaid: (id: number, reason: string) => restateUnpaid(deps, id, reason),
    suspend: (ref: number | string, reason: unknown, actor: Actor, untilPaid?: unknown) =>
      suspendByHand(deps, ref, reason, actor, untilPaid),
    resume: (ref: number | string, actor: Actor) => move(deps, ref, 'resume', actor),
    end: (ref: number | string, actor: Actor) => move(deps, ref, 'end', actor),
  };
}
