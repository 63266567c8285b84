/**
 * When billing suspends a subscriber for an unpaid invoice, and when it lifts that suspension: plain dates in,
 * a decision out. An invoice due on `dueOn` with `graceDays` of grace may still be paid through
 * `dueOn + graceDays`; from 00:00 of the next day it is past due and the subscriber is suspended. Only open
 * invoices count: a void one, a paid one, or one with nothing left to pay never does. The suspension is lifted
 * when no open invoice is past its line any more. A suspension by hand is billing's to lift only when it was made
 * `until_paid`; else only a hand lifts it.
 */
import { addDays } from './billing-cycle';
import type { SubscriberStatus } from './subscriber-status';

/** An invoice as the policy reads it: its due date and what is still to pay of it (centavos). */
export interface InvoiceDue {
  number: string;
  dueOn: string;
  /** What is left to pay (0 when paid or covered by credit). */
  due: number;
  voided: boolean;
}

/** The last shop date an invoice due on `dueOn` may be paid without a suspension. */
export function lastDayToPay(dueOn: string, graceDays: number): string {
  return addDays(dueOn, graceDays);
}

/** The oldest open invoice past its last day to pay on `today`, or null when none is. */
export function oldestPastDue(
  invoices: readonly InvoiceDue[],
  graceDays: number,
  today: string,
): InvoiceDue | null {
  let oldest: InvoiceDue | null = null;
  for (const inv of invoices) {
    if (inv.voided || inv.due <= 0) continue;
    if (today <= lastDayToPay(inv.dueOn, graceDays)) continue;
    if (!oldest || inv.dueOn < oldest.dueOn || (inv.dueOn === oldest.dueOn && inv.number < oldest.number))
      oldest = inv;
  }
  return oldest;
}

/** What is past its last day to pay on `today`, summed (centavos): what paying lifts a suspension for. */
export function pastDueAmount(invoices: readonly InvoiceDue[], graceDays: number, today: string): number {
  let sum = 0;
  for (const inv of invoices)
    if (!inv.voided && inv.due > 0 && today > lastDayToPay(inv.dueOn, graceDays)) sum += inv.due;
  return sum;
}

/** Why billing suspended: said on the subscriber (`status_reason`) and in its suspension row. */
function unpaidReason(inv: Pick<InvoiceDue, 'number' | 'dueOn'>): string {
  return `Unpaid: ${inv.number} was due ${inv.dueOn}`;
}

/**
 * The cause inside billing's reason (`unpaidReason`), so a page can say it in its reader's language; null for any
 * other text (a reason typed by hand).
 */
export function unpaidCause(reason: string | null | undefined): { number: string; dueOn: string } | null {
  const m = /^Unpaid: (\S{1,40}) was due (\d{4}-\d{2}-\d{2})$/.exec(reason ?? '');
  return m ? { number: m[1], dueOn: m[2] } : null;
}

type SuspensionDecision =
  | { action: 'suspend'; invoice: InvoiceDue; reason: string }
  | { action: 'restate'; reason: string }
  | { action: 'lift' }
  | { action: 'none' };

/**
 * What billing does for one subscriber today. `status` is its status; `openCause` the cause of its open
 * suspension (null: none open), `untilPaid` whether a suspension by hand was made to last until paid. Suspends an
 * active subscriber with an invoice past due; lifts its own (`unpaid`) suspension, and one by hand until paid,
 * once nothing is; leaves any other suspension by hand, and an ended or scheduled subscriber, alone. Its own
 * suspension still past due but no longer for the invoice its reason names (that one paid or voided): `restate`,
 * the reason moved to the oldest invoice past due now, so the customer is never told of a bill that is settled.
 */
export function suspensionDecision(
  s: {
    status: SubscriberStatus;
    openCause: 'unpaid' | 'manual' | null;
    untilPaid?: boolean;
    reason?: string | null;
  },
  invoices: readonly InvoiceDue[],
  graceDays: number,
  today: string,
): SuspensionDecision {
  // Not in service (ended, or scheduled: not started yet): nothing to suspend or lift.
  if (s.status === 'ended' || s.status === 'scheduled') return { action: 'none' };
  const past = oldestPastDue(invoices, graceDays, today);
  if (s.status === 'active')
    return past ? { action: 'suspend', invoice: past, reason: unpaidReason(past) } : { action: 'none' };
  const billings = s.openCause === 'unpaid' || (s.openCause === 'manual' && s.untilPaid === true);
  if (billings && !past) return { action: 'lift' };
  if (s.openCause === 'unpaid' && past && s.reason !== unpaidReason(past))
    return { action: 'restate', reason: unpaidReason(past) };
  return { action: 'none' };
}
