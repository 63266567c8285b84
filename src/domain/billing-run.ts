/**
 * Which invoices a subscriber is owed by today (pure): one per billing cycle that has begun since the last one
 * invoiced, oldest first, each dated its own first day. A controller that was off over one or more billing days
 * gets every missed one, in order; one that runs twice gets nothing the second time (the caller stores the last
 * invoiced cycle). Dates are shop dates (`YYYY-MM-DD`).
 */
import { addDays, cycleOn, type Cycle, type CycleTerms } from './billing-cycle';

/** The cycles to invoice by `today`, after `lastEnd` (the last invoiced cycle's last day; null: none yet). */
export function cyclesDue(terms: CycleTerms, lastEnd: string | null, today: string): Cycle[] {
  const out: Cycle[] = [];
  // Never invoiced (a subscriber from before billing): from the cycle holding today, not from the past.
  let next = lastEnd === null ? cycleOn(terms, today).start : addDays(lastEnd, 1);
  if (next < terms.startsOn) next = terms.startsOn;
  while (next <= today) {
    const cycle = cycleOn(terms, next);
    // A cycle always starts where the last ended; a change of billing day makes the next one shorter or longer.
    const c = cycle.start === next ? cycle : { start: next, end: cycle.end };
    out.push(c);
    next = addDays(c.end, 1);
    if (out.length > 120) throw new Error('more than ten years of cycles to invoice: the dates are wrong');
  }
  return out;
}
