/**
 * The accounts' rows in admin_users as the service shows them, and the reads every step shares: an account by
 * name (never the owner), a reseller, its balance, a batch it owns, a login's sales of a shift.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import type { Role } from '../../../domain/roles';
import type { AccountView, BalanceView, ShiftSale } from './types';
import { batchesOf, resellerBalance } from './reseller-ledger';

export interface Row {
  id: number;
  username: string;
  role: string;
  profiles: string | null;
  commission_bp: number;
  credit_limit: number | string | null;
  created_at: number | string;
  updated_at: number | string;
  password_hash?: string | null;
}

/**
 * What a login session was opened against: the row, its role and its password (a hash of their hash). A new
 * password or role gives a new stamp, so every session opened before it stops at its next request.
 */
const credentialStamp = (r: Pick<Row, 'id' | 'role' | 'password_hash'>): string =>
  crypto
    .createHash('sha256')
    .update(`${Number(r.id)}\n${r.role ?? 'owner'}\n${r.password_hash ?? ''}`)
    .digest('base64url')
    .slice(0, 32);

export const toView = (r: Row): AccountView => ({
  id: Number(r.id),
  username: r.username,
  role: (['owner', 'cashier', 'reseller'].includes(r.role) ? r.role : 'owner') as Role,
  profiles: r.profiles ? (JSON.parse(r.profiles) as string[]) : [],
  commissionBp: Number(r.commission_bp ?? 0),
  creditLimit: r.credit_limit == null ? null : Number(r.credit_limit),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  stamp: credentialStamp(r),
});

export const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export const rowOf = (db: Knex, username: string) =>
  db('admin_users').where({ username }).first() as Promise<Row | undefined>;

/** A cashier or reseller by name; 404 ACCOUNT_NOT_FOUND for the owner or anyone else. */
export async function accountNamed(db: Knex, username: string): Promise<AccountView> {
  const row = typeof username === 'string' ? await rowOf(db, username) : undefined;
  if (!row || row.role === 'owner' || !row.role)
    throw new AppError('ACCOUNT_NOT_FOUND', `There is no account named ${String(username)}`, 404);
  return toView(row);
}

export async function resellerNamed(db: Knex, username: string): Promise<AccountView> {
  const a = await accountNamed(db, username);
  if (a.role !== 'reseller') throw new AppError('ACCOUNT_NOT_FOUND', `${a.username} is not a reseller`, 404);
  return a;
}

export async function balanceView(db: Knex, a: AccountView): Promise<BalanceView> {
  return {
    username: a.username,
    creditLimit: a.creditLimit,
    commissionBp: a.commissionBp,
    ...(await resellerBalance(db, a.id)),
  };
}

export async function ownsBatch(db: Knex, accountId: number, batchId: number): Promise<boolean> {
  return Boolean(await db('batches').where({ id: batchId, account_id: accountId }).first('id'));
}

/** The codes a login sold that were first used in [since, until): its batches' (or, for the owner, its own). */
export async function shiftSales(
  db: Knex,
  who: { accountId: number | null; name: string },
  since: number,
  until: number,
): Promise<ShiftSale[]> {
  const rows = (await db('vouchers as v')
    .join('batches as b', 'b.id', 'v.batch_id')
    .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
    .modify(batchesOf(who))
    .where('v.staff', false)
    .whereNotNull('v.activated_at')
    .where('v.activated_at', '>=', since)
    .where('v.activated_at', '<', until)
    .orderBy('v.activated_at')
    .orderBy('v.id')
    .select('v.code', 'p.name as profile', 'v.price', 'v.activated_at')) as Array<{
    code: string;
    profile: string;
    price: number | string;
    activated_at: number | string;
  }>;
  return rows.map((r): ShiftSale => ({
    code: r.code,
    profile: r.profile,
    price: Number(r.price),
    soldAt: Number(r.activated_at),
  }));
}
