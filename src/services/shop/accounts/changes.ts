/**
 * An account made, changed and removed by the owner: checked in full (terms.ts), written, and audited. A new
 * password or role ends the account's tokens; its browser sessions end with them (credentialStamp).
 */
import type { ShopDeps } from '../../deps';
import { AppError } from '../../../domain/errors';
import type { Actor } from '../../business/audit/actor';
import { hashPassword } from '../../business/admins';
import type { AccountInput, AccountView } from './types';
import { accountNamed } from './rows';
import { resellerBalance } from './reseller-ledger';
import { formatMoney } from '../../../domain/units';
import { checkPassword, readTerms, refuseFields, USERNAME_RE, type Fields } from './terms';

type Deps = Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit'>;

export async function createAccount(deps: Deps, input: AccountInput, actor: Actor): Promise<AccountView> {
  const { db, clock, config, audit } = deps;
  const fields: Fields = {};
  const username = input.username;
  if (typeof username !== 'string' || !USERNAME_RE.test(username))
    fields.username = 'use 3–32 letters, digits, dots, underscores or dashes';
  checkPassword(input.password, fields);
  const terms = await readTerms(db, input, true, fields);
  if (terms.role === 'reseller' && !terms.profiles?.length && !terms.monthly && !fields.profiles)
    fields.profiles = 'name the profiles this reseller may sell';
  refuseFields(fields, terms.monthly);
  const name = username as string;
  const taken =
    name.toLowerCase() === config.admin.username.toLowerCase() ||
    Boolean(await db('admin_users').whereRaw('LOWER(username) = ?', [name.toLowerCase()]).first('id'));
  if (taken) throw new AppError('ACCOUNT_EXISTS', `The name ${name} is already taken`, 409, 'username');
  const reseller = terms.role === 'reseller';
  const now = clock.now();
  await db('admin_users').insert({
    username: name,
    password_hash: await hashPassword(input.password as string),
    role: terms.role,
    profiles: reseller ? JSON.stringify(terms.profiles) : null,
    commission_bp: reseller ? (terms.commissionBp ?? 0) : 0,
    credit_limit: reseller ? (terms.creditLimit ?? null) : null,
    created_at: now,
    updated_at: now,
  });
  const made = await accountNamed(db, name);
  await audit.record(actor, 'account.create', name, {
    role: made.role,
    ...(reseller
      ? { profiles: made.profiles, commissionBp: made.commissionBp, creditLimit: made.creditLimit }
      : {}),
  });
  return made;
}

export async function updateAccount(
  deps: Deps,
  username: string,
  input: AccountInput,
  actor: Actor,
): Promise<AccountView> {
  const { db, clock, audit } = deps;
  const before = await accountNamed(db, username);
  const fields: Fields = {};
  if (input.password !== undefined) checkPassword(input.password, fields);
  const terms = await readTerms(db, input, false, fields);
  const role = terms.role ?? before.role;
  const profiles = terms.profiles ?? before.profiles;
  if (role === 'reseller' && profiles.length === 0 && !terms.monthly && !fields.profiles)
    fields.profiles = 'name the profiles this reseller may sell';
  refuseFields(fields, terms.monthly);
  const reseller = role === 'reseller';
  const change: Record<string, unknown> = {
    role,
    profiles: reseller ? JSON.stringify(profiles) : null,
    commission_bp: reseller ? (terms.commissionBp ?? before.commissionBp) : 0,
    credit_limit: reseller
      ? terms.creditLimit === undefined
        ? before.creditLimit
        : terms.creditLimit
      : null,
    updated_at: clock.now(),
  };
  if (input.password !== undefined) change.password_hash = await hashPassword(input.password as string);
  await db.transaction(async (trx) => {
    await trx('admin_users').where({ id: before.id }).update(change);
    // A new password or role ends the account's tokens (a helper's lost phone): the scripts ask for new
    // ones. Its browser sessions end with them: their stamp no longer matches (credentialStamp).
    if (input.password !== undefined || role !== before.role)
      await trx('account_tokens').where({ account_id: before.id }).delete();
  });
  const after = await accountNamed(db, username);
  await audit.record(actor, 'account.update', username, {
    ...(input.password !== undefined ? { password: 'changed' } : {}),
    role: after.role,
    profiles: after.profiles,
    commissionBp: after.commissionBp,
    creditLimit: after.creditLimit,
  });
  return after;
}

export async function removeAccount(
  deps: Deps,
  username: string,
  actor: Actor,
  confirmed: boolean,
): Promise<void> {
  const { db, audit } = deps;
  const a = await accountNamed(db, username);
  const owed = a.role === 'reseller' ? (await resellerBalance(db, a.id)).owed : 0;
  if (owed > 0 && !confirmed) {
    const message = `${a.username} still owes ${formatMoney(owed)}: record what it hands over first. Removed, it stays in Reports → Resellers as removed, and the money can no longer be recorded.`;
    throw new AppError('CONFIRM_REQUIRED', message, 409, 'confirm', { confirm: message });
  }
  await db.transaction(async (trx) => {
    await trx('account_tokens').where({ account_id: a.id }).delete();
    await trx('admin_users').where({ id: a.id }).delete();
  });
  await audit.record(actor, 'account.remove', a.username, { role: a.role, ...(owed ? { owed } : {}) });
}
