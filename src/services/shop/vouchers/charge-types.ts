/**
 * The shapes of a change of plan and of the charges kept on a running voucher (charges.ts), apart from their
 * queries so the voucher service's contract (types.ts) can name them without importing the queries.
 */
import type { ChargeDirection, PlanChangeQuote } from '../../../domain/plan-change';

/** A move of plan, checked and priced: what the preview shows and the change then does. */
export interface PlanChangePreview {
  code: string;
  from: { name: string; price: number };
  to: { name: string; price: number };
  quote: PlanChangeQuote;
}

/** What the change charged or credited (nothing: `id` null, both amounts 0). */
export interface ChargeOutcome {
  /** Its voucher_charges row, for the receipt; null when nothing was recorded (free, equal, no charge). */
  id: number | null;
  kind: string;
  direction: ChargeDirection;
  amount: number;
  credit: number;
  fraction: number | null;
  /** The shop moved it free (`charge: false`). */
  free: boolean;
  explanation: string;
}

/** A recorded charge or credit, as the voucher page and its receipt show it. */
export interface VoucherCharge {
  id: number;
  code: string;
  kind: string;
  direction: ChargeDirection;
  amount: number;
  credit: number;
  /** A plan change's plan before; more time or extra data: the plan it was sold on (null: kept before it was). */
  fromProfile: string | null;
  /** A plan change's new plan; null for the other kinds. */
  toProfile: string | null;
  fraction: number | null;
  remainingSeconds: number | null;
  totalSeconds: number | null;
  /** The explanation as it was worded when charged. */
  note: string | null;
  /** The extra data it bought (kind `overage`); null for other kinds. */
  bytes: number | null;
  createdAt: number;
  actor: string;
  /** The voucher's site when charged (null: none, or a roaming voucher not used yet). */
  site: { id: number; name: string } | null;
  /** Voided (charge-void.ts): when, by whom and why; it counts in no total. Null: it stands. */
  voided: { at: number; by: string; reason: string } | null;
}
