/**
 * The parts a mode has nothing to do with, present and doing nothing (parts.ts): a RADIUS site's hotspot users, an
 * API site's RADIUS subscribers, and the subscribers' rooms of a face that cannot open a site's secrets (the
 * terminal). Each check reports that it found nothing to do; nothing is read or written.
 */
import type { HotspotUsers } from '../hotspot-users';
import type { PppSubscribers } from '../ppp-subscribers';
import type { RadiusSubscribers } from '../radius-subscribers';

const nothing = async (): Promise<void> => undefined;

export function idleHotspotUsers(): HotspotUsers {
  const pushed = async () => ({ created: 0, pending: 0 });
  return {
    sync: pushed,
    pushBatch: pushed,
    check: async () => ({
      vouchers: 0,
      usersOnRouter: 0,
      added: 0,
      fixed: 0,
      removed: 0,
      blocked: 0,
      created: 0,
      pending: 0,
      failed: 0,
      roundTrips: 0,
    }),
    requestCheck: () => undefined,
  };
}

export function idlePppSubscribers(): PppSubscribers {
  return {
    check: async () => ({
      added: 0,
      changed: 0,
      removed: 0,
      ended: 0,
      restarted: 0,
      conflicts: [],
      failed: 0,
      failures: [],
      suspended: { listed: 0, unlisted: 0, changed: 0, conflicts: [], failed: 0 },
    }),
    requestCheck: () => undefined,
    applySpeeds: nothing,
    // No address is known to be a subscriber's, and no count is known.
    loginAt: async () => null,
    // No router's PPP to read (a RADIUS site's logins are FreeRADIUS's).
    held: async () => ({ secrets: [], sessions: [] }),
    online: () => undefined,
    onlineSeen: () => ({ count: undefined, stamp: 0 }),
    start: () => undefined,
    stop: nothing,
  };
}

export function idleRadiusSubscribers(): RadiusSubscribers {
  return {
    check: async () => ({ written: 0, removed: 0, changed: 0, ended: 0, failed: 0 }),
    applySpeeds: nothing,
    start: () => undefined,
    stop: nothing,
  };
}
