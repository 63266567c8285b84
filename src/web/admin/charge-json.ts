/**
 * A plan change's input flag and the addresses of a voucher's charges (the answers' shapes are the services':
 * src/services/shop/vouchers/json.ts, the same for the API and the terminal).
 */
import { ValidationError } from '../../domain/errors';

/**
 * `charge` of a plan change: absent = charge (or credit) the prorated difference; `true`/`false` (or their text,
 * as a form sends them); anything else is refused under `charge`, never read as one or the other.
 */
export function chargeFlag(v: unknown): boolean {
  if (v === undefined || v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw ValidationError.invalid(
    'charge',
    v,
    'true or false',
    'use true (charge the difference) or false (move free)',
  );
}

/** One of a confirm step's figures: centavos, whole and not negative; absent (or empty) is undefined. */
function centavos(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw ValidationError.invalid(
      field,
      v,
      'an amount in centavos',
      "send the preview's figure as it was shown",
    );
  return n;
}

/**
 * The figure a plan change's confirm step showed: `expect_amount` and `expect_credit` (the preview's `amount` and
 * `credit`, centavos) as one signed amount, a charge positive; undefined when neither is sent (the move then
 * keeps the quote of the moment).
 */
export function expectedFigure(body: Record<string, unknown>): number | undefined {
  const amount = centavos(body.expect_amount, 'expect_amount');
  const credit = centavos(body.expect_credit, 'expect_credit');
  if (amount === undefined && credit === undefined) return undefined;
  return (amount ?? 0) - (credit ?? 0);
}

/** The address that voids a charge kept on a voucher (the voucher page's form; the API's is under /admin/api). */
export const voidPath = (code: string, id: number) =>
  `/admin/vouchers/${encodeURIComponent(code)}/charges/${id}/void`;
