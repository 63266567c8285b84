/**
 * Safe mode at the one place writes happen: a ManagedHotspot whose writes are refused while `ready()` says
 * no (the database does not know this router yet, or knows another one: src/services/network/router-binding/index.ts).
 * Reads go through, so the admin still shows what the router holds. Any operation not listed as a read is
 * treated as a write, so an operation added later is guarded without anyone remembering to.
 */
import { SafeModeError } from '../../domain/errors';
import type { ManagedHotspot } from './index';

const READS = new Set<string>([
  'snapshot',
  'counters',
  'queues',
  'topDynamicQueue',
  'users',
  'userBytes',
  'placement',
  'sessionsOfVoucher',
  'hostAddresses',
  'loginsMissedBy',
]);

export function guardWrites(
  hotspot: ManagedHotspot,
  ready: () => Promise<boolean>,
  why: () => string,
): ManagedHotspot {
  return new Proxy(hotspot, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || READS.has(prop) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (!(await ready())) throw new SafeModeError(prop, why());
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
