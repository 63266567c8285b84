/**
 * An account's input checked: its name, password and terms (role, profiles, commission, credit limit), every
 * problem collected under its field and refused at once.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { ACCOUNT_ROLES, type Role } from '../../../domain/roles';
import { parseCommissionPercent } from '../../../domain/reseller';
import { centavosUpToMax } from './remittances';
import { checkNewPassword } from '../../business/admins';
import type { AccountInput } from './types';
import { profileFromRow } from '../vouchers/state';
import { isMonthly, monthlyPlansRefusal } from '../profiles/billing';

export const USERNAME_RE = /^[A-Za-z0-9._-]{3,32}$/;

export type Fields = Record<string, string>;
type ProfileSpecRow = { name: string; spec: string };

/** The terms the input sets (absent ones left out), every problem collected under its field. */
export async function readTerms(db: Knex, input: AccountInput, creating: boolean, fields: Fields) {
  const out: {
    role?: Role;
    profiles?: string[];
    /** Monthly plans among the profiles named: refused (refuseFields). */
    monthly?: string[];
    commissionBp?: number;
    creditLimit?: number | null;
  } = {};
  if (input.role !== undefined || creating) {
    if (ACCOUNT_ROLES.includes(input.role as never)) out.role = input.role as Role;
    else fields.role = 'use cashier or reseller';
  }
  if (input.profiles !== undefined) {
    const list = input.profiles;
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string' || n === '') || list.length > 200) {
      fields.profiles = 'use a list of profile names, like ["1HR", "1DAY"]';
    } else {
      const names = [...new Set(list as string[])];
      const found = (await db('profiles').whereIn('name', names).select('name', 'spec')) as ProfileSpecRow[];
      const missing = names.filter((n) => !found.some((r) => r.name === n));
      const monthly = found.filter((r) => isMonthly({ profile: profileFromRow(r) })).map((r) => r.name);
      if (missing.length) fields.profiles = `no such profile: ${missing.join(', ')}`;
      else if (monthly.length) out.monthly = monthly;
      else out.profiles = names;
    }
  }
  if (input.commission_percent !== undefined && input.commission_percent !== null) {
    try {
      out.commissionBp = parseCommissionPercent(input.commission_percent);
    } catch {
      fields.commission_percent = 'use a percent from 0 to 100, like 10 or 12.5';
    }
  }
  if (input.credit_limit !== undefined) {
    if (input.credit_limit === null || input.credit_limit === '') out.creditLimit = null;
    else {
      const c = centavosUpToMax(input.credit_limit, 'credit_limit');
      if (c === undefined)
        fields.credit_limit = 'use an amount in pesos from 0 to 10,000,000, like 500 or 1500.50';
      else out.creditLimit = c;
    }
  }
  return out;
}

/**
 * Every problem at once (INVALID_INPUT, each under its field). Monthly plans named for a reseller, when nothing else
 * is wrong, are their own refusal: 409 PROFILE_MONTHLY naming them, as everywhere a monthly plan is offered as a
 * voucher.
 */
export function refuseFields(fields: Fields, monthly: readonly string[] = []): void {
  if (monthly.length && !fields.profiles) {
    if (Object.keys(fields).length === 0)
      throw new AppError('PROFILE_MONTHLY', monthlyPlansRefusal(monthly), 409, 'profiles', {
        profiles: monthlyPlansRefusal(monthly),
      });
    fields.profiles = monthlyPlansRefusal(monthly);
  }
  const names = Object.keys(fields);
  if (names.length === 0) return;
  throw new AppError(
    'INVALID_INPUT',
    `Check ${names.join(', ')}: ${names.map((n) => `${n} — ${fields[n]}`).join('; ')}`,
    400,
    names[0],
    fields,
  );
}

export function checkPassword(password: unknown, fields: Fields): void {
  try {
    checkNewPassword(password as string);
  } catch (e) {
    fields.password = (e as AppError).fields?.password ?? 'use at least 10 characters';
  }
}
