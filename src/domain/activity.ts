/**
 * The shop's activity as the owner reads it on the dashboard: each event kind the services record (the
 * `events` table) belongs to one group, shown with its own label and colour. Pure: no I/O.
 *
 *   sale       a voucher sold (its first use: the portal's `sale`, the router's own page `activated-on-router`),
 *              a top-up with another code, coins at a vendo, extra data bought at the cap (`overage`)
 *   login      a device online on a voucher (portal, or the router's own page)
 *   logout     a device gone (its session ended, or the shop logged it out)
 *   expiry     a voucher used up (`expired`: its time; `exhausted`: its data)
 *   alert      usage alerts (`fup-80`…, `cap-100`), a device beyond the voucher's count, code guessing
 *   bandwidth  a speed limit set, removed or put back to plan by the shop
 *   revoke     a voucher cancelled by the shop
 *   router     the router away and back, an interrupted redemption undone, the demo's router restarted
 *   customer   what customers do themselves on the portal: pause, resume, move to another device
 */
import { alertOfEventKind } from './usage-summary';
export const ACTIVITY_GROUPS = [
  'sale',
  'login',
  'logout',
  'expiry',
  'alert',
  'bandwidth',
  'revoke',
  'router',
  'customer',
] as const;

type ActivityGroup = (typeof ACTIVITY_GROUPS)[number] | 'other';

/** Event kinds written by the services for the groups that have fixed names. */
export const EVENT_KINDS = {
  sale: 'sale',
  login: 'login',
  logout: 'logout',
  bandwidth: 'bandwidth',
  revoked: 'revoked',
} as const;

const FIXED: Record<string, ActivityGroup> = {
  sale: 'sale',
  'activated-on-router': 'sale',
  topup: 'sale',
  'vendo-sale': 'sale',
  'vendo-topup': 'sale',
  'payment-sale': 'sale',
  overage: 'sale',
  extension: 'sale',
  login: 'login',
  logout: 'logout',
  expired: 'expiry',
  exhausted: 'expiry',
  'device-limit': 'alert',
  guessing: 'alert',
  bandwidth: 'bandwidth',
  revoked: 'revoke',
  'router-down': 'router',
  'router-up': 'router',
  'router-rebooted': 'router',
  'redemption-undone': 'router',
  'demo-router-restart': 'router',
  pause: 'customer',
  resume: 'customer',
  move: 'customer',
};

/** The group of an event kind; usage alerts are `fup-<percent>` and `cap-<percent>`. */
export function activityGroup(kind: string): ActivityGroup {
  // Own keys only: `constructor` or `__proto__` must not find Object's.
  if (Object.hasOwn(FIXED, kind)) return FIXED[kind]!;
  if (alertOfEventKind(kind)) return 'alert';
  return 'other';
}

/** What the feed shows in the event's tag. */
export const ACTIVITY_LABELS: Record<ActivityGroup, string> = {
  sale: 'Sale',
  login: 'Login',
  logout: 'Logout',
  expiry: 'Expired',
  alert: 'Alert',
  bandwidth: 'Speed',
  revoke: 'Revoked',
  router: 'Router',
  customer: 'Customer',
  other: 'Event',
};
