/**
 * A move of plan at the amount that was confirmed. A face shows the quote, the owner confirms it, and the move is
 * made a few seconds later: the voucher has been used a little longer, so the quote may have moved by a centavo
 * or two either way. The confirming request sends the figure it showed (`expected`, signed centavos); the move
 * keeps exactly that figure when a quote of the last ten minutes of the voucher's use could have shown it (between
 * the quote now and the quote ten minutes of use earlier), and otherwise changes nothing and answers 409
 * CONFIRM_REQUIRED with the new quote, so the face asks again. Without `expected`: the quote now, as ever.
 */
import { AppError } from '../../../domain/errors';
import {
  asConfirmed,
  outcome,
  quotePlanChange,
  signedAmount,
  type PlanChangeQuote,
} from '../../../domain/plan-change';
import type { VoucherState } from '../../../domain/vouchers';
import type { PlanChangePreview } from './charge-types';
import type { PlannedChange } from './charges';

/** How much use (seconds) may pass between the quote shown and the move, its figure still standing. */
const CONFIRM_WINDOW_SECONDS = 600;

/** 409 CONFIRM_REQUIRED: the confirmed figure is not one the move may keep; `preview` is the quote now. */
export class QuoteChangedError extends AppError {
  constructor(
    readonly preview: PlanChangePreview,
    expected: number,
  ) {
    const now = signedAmount(preview.quote);
    super(
      'CONFIRM_REQUIRED',
      `Moving ${preview.code} to ${preview.to.name} is now ${outcome(now)}, not the ${outcome(expected)} confirmed: nothing was changed. Check the new amount and confirm again.`,
      409,
      'profile',
    );
    this.name = 'QuoteChangedError';
  }
}

/** The voucher ten minutes of use earlier: its clock at `now` minus that (the caller's), its connected time less. */
function earlier(v: VoucherState): VoucherState {
  return { ...v, uptimeSeconds: Math.max(0, v.uptimeSeconds - CONFIRM_WINDOW_SECONDS) };
}

/** The quote the move keeps: `plan`'s, at the `expected` figure when that one stands (above); else a refusal. */
export function confirmedQuote(
  plan: PlannedChange,
  expected: number | undefined,
  now: number,
): PlanChangeQuote {
  const fresh = plan.quote;
  const current = signedAmount(fresh);
  if (expected === undefined || expected === current) return fresh;
  const { input } = plan;
  const before = signedAmount(
    quotePlanChange(
      { ...input, voucher: earlier(input.voucher), after: earlier(input.after) },
      now - CONFIRM_WINDOW_SECONDS * 1000,
    ),
  );
  if (expected >= Math.min(before, current) && expected <= Math.max(before, current))
    return asConfirmed(fresh, expected);
  throw new QuoteChangedError({ code: plan.code, from: plan.from, to: plan.to, quote: fresh }, expected);
}
