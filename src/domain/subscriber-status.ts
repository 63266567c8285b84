/**
 * A subscriber's service status and its transitions, the one place they are decided (the subscriber service and,
 * later, billing both ask here): active ↔ suspended, and either → ended. Ended is for good: history stays, the
 * service does not come back (a returning customer is a new subscriber).
 */
import { AppError } from './errors';

export const SUBSCRIBER_STATUSES = ['active', 'suspended', 'ended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
export type SubscriberAction = 'suspend' | 'resume' | 'end';

const TARGET: Record<SubscriberAction, SubscriberStatus> = {
  suspend: 'suspended',
  resume: 'active',
  end: 'ended',
};

const DONE: Record<SubscriberAction, string> = { suspend: 'suspended', resume: 'resumed', end: 'ended' };

const ALLOWED: Record<SubscriberAction, readonly SubscriberStatus[]> = {
  suspend: ['active'],
  resume: ['suspended'],
  end: ['active', 'suspended'],
};

/** The status after `action` from `from`; 409 SUBSCRIBER_ENDED or SUBSCRIBER_STATUS when it does not apply. */
export function transition(from: SubscriberStatus, action: SubscriberAction): SubscriberStatus {
  if (ALLOWED[action].includes(from)) return TARGET[action];
  if (from === 'ended')
    throw new AppError(
      'SUBSCRIBER_ENDED',
      `This subscriber's service has ended; it cannot be ${DONE[action]}${action === 'end' ? ' again' : ''}. Add a new subscriber instead.`,
      409,
      'status',
    );
  throw new AppError(
    'SUBSCRIBER_STATUS',
    `This subscriber is already ${from}; it cannot be ${DONE[action]}`,
    409,
    'status',
  );
}
