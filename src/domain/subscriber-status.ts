/**
 * A subscriber's service status and its transitions, the one place they are decided (the subscriber service and
 * billing both ask here): scheduled → active (on its first day, or by hand when installed early), active ↔
 * suspended, and any → ended. Ended is for good: history stays, the service does not come back (a returning
 * customer is a new subscriber). A scheduled subscriber is listed and kept but not in service: no secret on the
 * router, no FreeRADIUS rows, no usage, no invoice for its service.
 */
import { AppError } from './errors';

export const SUBSCRIBER_STATUSES = ['scheduled', 'active', 'suspended', 'ended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
export type SubscriberAction = 'activate' | 'suspend' | 'resume' | 'end';

/** The statuses whose service is on the router (a secret or FreeRADIUS rows, sessions, usage, billing). */
export const IN_SERVICE: readonly SubscriberStatus[] = ['active', 'suspended'];

/** Whether a subscriber of this status is in service (the router rooms and the meter ask here). */
export const inService = (status: string): boolean => (IN_SERVICE as readonly string[]).includes(status);

const TARGET: Record<SubscriberAction, SubscriberStatus> = {
  activate: 'active',
  suspend: 'suspended',
  resume: 'active',
  end: 'ended',
};

const DONE: Record<SubscriberAction, string> = {
  activate: 'activated',
  suspend: 'suspended',
  resume: 'resumed',
  end: 'ended',
};

const ALLOWED: Record<SubscriberAction, readonly SubscriberStatus[]> = {
  activate: ['scheduled'],
  suspend: ['active'],
  resume: ['suspended'],
  end: ['scheduled', 'active', 'suspended'],
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
  if (from === 'scheduled')
    throw new AppError(
      'SUBSCRIBER_STATUS',
      `This subscriber's service has not started yet (scheduled); it cannot be ${DONE[action]}: activate it or end it`,
      409,
      'status',
    );
  throw new AppError(
    'SUBSCRIBER_STATUS',
    `This subscriber is ${action === 'activate' ? '' : 'already '}${from}; it cannot be ${DONE[action]}`,
    409,
    'status',
  );
}
