/**
 * Simple-queue values in one normalised form, so that what the controller wants and what the router prints back
 * compare equal when they mean the same (`512K/1M` and `512000/1000000`, `10.5.50.11` and `10.5.50.11/32`;
 * docs/routeros.md "Returned format"). Used by the device queues' and the parent queues' reconciles.
 */
import { parseRatePair, parseRouterDuration } from './units';

/** Targets as a sorted list of prefixes (a lone address gets `/32`). */
export function normTarget(value: string | undefined): string {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t.includes('/') ? t : `${t}/32`))
    .sort()
    .join(',');
}

/** Rate pairs as `up/down` in bits/s; an unreadable value stays as is (and so differs, and is rewritten). */
export function normRates(value: string | undefined): string {
  if (value === undefined || value === '') return '0/0';
  try {
    const { up, down } = parseRatePair(value, 'queue');
    return `${up}/${down}`;
  } catch {
    return `unreadable:${value}`;
  }
}

export function normTimes(value: string | undefined): string {
  if (value === undefined || value === '') return '0/0';
  try {
    const [up, down = up] = value.split('/');
    return `${parseRouterDuration(up, 'queue') ?? 0}/${parseRouterDuration(down, 'queue') ?? 0}`;
  } catch {
    return `unreadable:${value}`;
  }
}
