/**
 * A subscriber's status changes by hand (suspend, resume, end): each one conditional update from the status read,
 * so two changes at once cannot both apply, with its event, its audit entry and the change told to the router
 * work (onChange). Which changes are allowed is decided in src/domain/subscriber-status.ts.
 */
import type { Knex } from 'knex';
import { AppError } from '../../domain/errors';
import { parseReason } from '../../domain/subscriber-fields';
import { transition, type SubscriberAction } from '../../domain/subscriber-status';
import type { Actor } from '../audit/actor';
import type { ShopDeps } from '../deps';
import { accountNo, type LoadedRow } from './store';
import type { SubscriberChange, SubscriberChanged, SubscriberView } from './types';

const ACTIONS: Record<SubscriberAction, SubscriberChange> = {
  suspend: 'suspend',
  resume: 'resume',
  end: 'end',
};

export interface StatusDeps extends Pick<ShopDeps, 'db' | 'clock' | 'audit'> {
  loadOne(ref: number | string): Promise<LoadedRow>;
  viewOf(id: number): Promise<SubscriberView>;
  changed(trx: Knex, id: number, change: SubscriberChange, message: string): Promise<void>;
  emit(e: SubscriberChanged): void;
}

export function statusChanges(deps: StatusDeps) {
  const { db, clock, audit } = deps;

  async function move(
    ref: number | string,
    action: SubscriberAction,
    actor: Actor,
    reason?: string,
  ): Promise<SubscriberView> {
    const row = await deps.loadOne(ref);
    const to = transition(row.status, action);
    const now = clock.now();
    const no = accountNo(Number(row.seq));
    await db.transaction(async (trx) => {
      // Only from the status read: two changes at once cannot both apply.
      const n = await trx('subscribers')
        .where({ id: row.id, status: row.status })
        .update({
          status: to,
          status_reason: to === 'suspended' ? reason : null,
          ...(to === 'ended' ? { ended_at: now } : {}),
          updated_at: now,
        });
      if (n !== 1)
        throw new AppError(
          'SUBSCRIBER_STATUS',
          'This subscriber was changed meanwhile; try again',
          409,
          'status',
        );
      await deps.changed(
        trx,
        Number(row.id),
        ACTIONS[action],
        `Subscriber ${no} ${to === 'active' ? 'resumed' : to}`,
      );
    });
    await audit.record(actor, `subscriber.${action}`, no, reason === undefined ? {} : { reason });
    deps.emit({ id: Number(row.id), change: ACTIONS[action] });
    return deps.viewOf(Number(row.id));
  }

  return {
    suspend(ref: number | string, reason: unknown, actor: Actor): Promise<SubscriberView> {
      let why: string;
      try {
        why = parseReason(reason);
      } catch (e) {
        return Promise.reject(e);
      }
      return move(ref, 'suspend', actor, why);
    },
    resume: (ref: number | string, actor: Actor) => move(ref, 'resume', actor),
    end: (ref: number | string, actor: Actor) => move(ref, 'end', actor),
  };
}
