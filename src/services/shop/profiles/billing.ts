/**
 * How a profile is sold: a prepaid profile as vouchers (batches, the portal, vendos, a plan change), a monthly
 * plan to subscribers only. Every face that makes or moves a voucher asks here, so none sells a monthly plan as
 * a code.
 */
import { AppError, ValidationError, ValidationErrors } from '../../../domain/errors';
import type { Profile } from '../../../domain/profile-types';
import { formatMoney } from '../../../domain/quantities';

export const isMonthly = (p: { profile: Profile }): boolean => p.profile.billing === 'monthly';

/** 409 PROFILE_MONTHLY when `p` is a monthly plan. */
export function assertSoldAsVoucher(p: { name: string; profile: Profile }): void {
  if (!isMonthly(p)) return;
  throw new AppError(
    'PROFILE_MONTHLY',
    `${p.name} is a monthly plan: it is for subscribers, not sold as vouchers. Pick a prepaid profile.`,
    409,
    'profile',
  );
}

/** 409 PROFILE_ARCHIVED when `p` is archived: no voucher is made for it, or moved to it (`what` says which). */
export function assertNotArchived(p: { name: string; archived: boolean }, what: string): void {
  if (!p.archived) return;
  throw new AppError('PROFILE_ARCHIVED', `Profile ${p.name} is archived; ${what}`, 409, 'profile');
}

/**
 * The plans sold as vouchers, from a profile list: not archived, not monthly. Every picker that makes a code (quick
 * print, a reseller's plans) offers these and no others.
 */
export function voucherPlans<T extends { archived: boolean; profile: Profile }>(records: readonly T[]): T[] {
  return records.filter((p) => !p.archived && !isMonthly(p));
}

/** The refusal's words when monthly plans are named where only vouchers are sold (a reseller's plans). */
export function monthlyPlansRefusal(names: readonly string[]): string {
  const [one] = names;
  return names.length === 1
    ? `${one} is a monthly plan: it is for subscribers, not sold as vouchers. A reseller sells prepaid profiles only.`
    : `${names.join(', ')} are monthly plans: they are for subscribers, not sold as vouchers. A reseller sells prepaid profiles only.`;
}

/**
 * A monthly plan's price is the fee every invoice bills: ₱0 would issue ₱0 invoices nobody pays and nothing could
 * fall past due, so it is refused (a prepaid profile may be free: a promo code). `label` names the profile in a
 * list (`HOME10: `). Checked where a plan is written (the admin, an import, profiles.json), not where one is read,
 * so a plan stored before this rule still opens.
 */
function monthlyFeeProblem(p: Profile, field = 'price'): ValidationError | undefined {
  if (p.billing !== 'monthly' || p.price > 0) return undefined;
  return new ValidationError(
    field,
    `a monthly plan's price is its monthly fee, billed every cycle: use more than ₱0, like 999`,
    `${p.name}: price ₱0 is not a monthly fee; use more than ₱0, like 999`,
  );
}

/** Every monthly plan at ₱0 among `profiles`, all at once (ValidationErrors naming each). */
export function assertMonthlyFees(profiles: readonly Profile[], fieldOf = (_i: number) => 'price'): void {
  const problems = profiles.flatMap((p, i) => monthlyFeeProblem(p, fieldOf(i)) ?? []);
  if (problems.length) throw new ValidationErrors(problems, 'Invalid profiles');
}

/** A monthly fee above this (centavos, ₱10,000) is asked about before it is billed to every subscriber on it. */
const MONTHLY_FEE_ASKED = 1_000_000;
/** A fee raised to this many times what it was is asked about too (999 → 9,990: a zero too many). */
const RAISE_ASKED = 5;

/**
 * 409 CONFIRM_REQUIRED when a monthly plan's new fee looks like a typo: above ₱10,000 a month, or five times the fee
 * it replaces or more. Asked only when the fee changes, so editing anything else of a dear plan asks nothing.
 */
export function askTypoFee(p: Profile, before?: Profile): void {
  if (p.billing !== 'monthly' || (before && before.price === p.price)) return;
  const raised = before !== undefined && before.price > 0 && p.price >= before.price * RAISE_ASKED;
  if (!raised && p.price <= MONTHLY_FEE_ASKED) return;
  const message = raised
    ? `${p.name} from ${formatMoney(before!.price)} to ${formatMoney(p.price)} a month ` +
      `(${Math.floor(p.price / before!.price)} times its fee now): a typo? Check it, or confirm it.`
    : `${formatMoney(p.price)} a month for ${p.name}, billed to every subscriber on it: a typo? Check it, or confirm it.`;
  throw new AppError('CONFIRM_REQUIRED', message, 409, 'price', { price: message });
}
