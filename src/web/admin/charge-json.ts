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

/** The address that voids a charge kept on a voucher (the voucher page's form; the API's is under /admin/api). */
export const voidPath = (code: string, id: number) =>
  `/admin/vouchers/${encodeURIComponent(code)}/charges/${id}/void`;

export { receiptPath } from '../../services/shop/vouchers/json';
