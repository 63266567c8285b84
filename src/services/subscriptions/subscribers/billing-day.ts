/** A subscriber's billing day changed: the columns to write, and the change said in the audit's words. */
import { billingDayOn, nextCycleStart } from '../../../domain/billing-cycle';
import { termsOf, type LoadedRow } from './store';

/**
 * A new billing day applies from the next cycle: kept beside the current one until then. A change already in
 * effect is folded in first (the day counts from the date it started).
 */
export function billingDayChange(
  row: LoadedRow,
  day: number,
  today: string,
  changes: string[],
): Record<string, unknown> {
  const { next } = termsOf(row);
  const current = billingDayOn(termsOf(row), today);
  const anchor = next && today >= next.from ? next.from : row.billing_anchor;
  const effectiveNext = next && today < next.from ? next.billingDay : null;
  if (day === (effectiveNext ?? current)) return {};
  const folded = { billing_day: current, billing_anchor: anchor };
  if (day === current) {
    changes.push(`billing_day: stays ${current} (the change to ${effectiveNext} is cancelled)`);
    return { ...folded, billing_day_next: null, billing_day_from: null };
  }
  const starts = nextCycleStart(
    termsOf({ ...row, ...folded, billing_day_next: null, billing_day_from: null }),
    today,
  );
  changes.push(`billing_day: ${current} → ${day} from ${starts}`);
  return { ...folded, billing_day_next: day, billing_day_from: starts };
}
