/**
 * The owner's cashiers and resellers: logins kept beside the owner's in admin_users (the same scrypt hashes,
 * the same login page and limits), with a role and a reseller's terms; their bearer tokens (only a SHA-256 of
 * each is kept); a reseller's remittances and balance; each login's end-of-shift sales.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AppError } from '../../domain/errors';
import { ACCOUNT_ROLES, type Role } from '../../domain/roles';
import { parseCommissionPercent } from '../../domain/reseller';
import { parseMoney } from '../../domain/quantities';
import type { ShopDeps } from '../deps';
import { checkNewPassword, hashPassword } from '../admins';
import type { AdminAccountService } from '../admins/types';
import type { AccountInput, AccountService, AccountView, BalanceView, ShiftSale } from './types';
import { resellerBalance, shiftMoney } from './reseller-ledger';
import { listRemittances, recordRemittance, remittanceAmount, voidRemittance } from './remittances';
import { findVoucher } from '../vouchers/queries';
import { profileFromRow } from '../../domain/profile-row';
import { isMonthly, monthlyPlansRefusal } from '../profiles/billing';

const USERNAME_RE = /^[A-Za-z0-9._-]{3,32}$/;
/** ₱10,000,000: far above any shop's credit to a store; a figure past it is a typo. */
const MAX_CREDIT_CENTAVOS = 10_000_000_00;

interface Row {
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
export const credentialStamp = (r: Pick<Row, 'id' | 'role' | 'password_hash'>): string =>
  crypto
    .createHash('sha256')
    .update(`${Number(r.id)}\n${r.role ?? 'owner'}\n${r.password_hash ?? ''}`)
    .digest('base64url')
    .slice(0, 32);

const toView = (r: Row): AccountView => ({
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

type Fields = Record<string, string>;
type ProfileSpecRow = { name: string; spec: string };

/** The terms the input sets (absent ones left out), every problem collected under its field. */
async function readTerms(db: Knex, input: AccountInput, creating: boolean, fields: Fields) {
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
      let c: number | undefined;
      try {
        c = parseMoney(input.credit_limit, 'credit_limit');
      } catch {
        c = undefined;
      }
      if (c === undefined || c > MAX_CREDIT_CENTAVOS)
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
function refuseFields(fields: Fields, monthly: readonly string[] = []): void {
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

export function createAccountService(deps: ShopDeps, admins: AdminAccountService): AccountService {
  const { db, clock, config, audit } = deps;
  const ledger = { db, clock, audit };

  const rowOf = (username: string) =>
    db('admin_users').where({ username }).first() as Promise<Row | undefined>;

  async function account(username: string): Promise<AccountView> {
    const row = typeof username === 'string' ? await rowOf(username) : undefined;
    if (!row || row.role === 'owner' || !row.role)
      throw new AppError('ACCOUNT_NOT_FOUND', `There is no account named ${String(username)}`, 404);
    return toView(row);
  }

  async function reseller(username: string): Promise<AccountView> {
    const a = await account(username);
    if (a.role !== 'reseller')
      throw new AppError('ACCOUNT_NOT_FOUND', `${a.username} is not a reseller`, 404);
    return a;
  }

  async function balanceView(a: AccountView): Promise<BalanceView> {
    return {
      username: a.username,
      creditLimit: a.creditLimit,
      commissionBp: a.commissionBp,
      ...(await resellerBalance(db, a.id)),
    };
  }

  async function ownsBatch(accountId: number, batchId: number): Promise<boolean> {
    return Boolean(await db('batches').where({ id: batchId, account_id: accountId }).first('id'));
  }

  function checkPassword(password: unknown, fields: Fields): void {
    try {
      checkNewPassword(password as string);
    } catch (e) {
      fields.password = (e as AppError).fields?.password ?? 'use at least 10 characters';
    }
  }

  return {
    async list() {
      const rows = (await db('admin_users').whereIn('role', ACCOUNT_ROLES).orderBy('username')) as Row[];
      return rows.map(toView);
    },

    async create(input, actor) {
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
      const made = await account(name);
      await audit.record(actor, 'account.create', name, {
        role: made.role,
        ...(reseller
          ? { profiles: made.profiles, commissionBp: made.commissionBp, creditLimit: made.creditLimit }
          : {}),
      });
      return made;
    },

    async update(username, input, actor) {
      const before = await account(username);
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
      const after = await account(username);
      await audit.record(actor, 'account.update', username, {
        ...(input.password !== undefined ? { password: 'changed' } : {}),
        role: after.role,
        profiles: after.profiles,
        commissionBp: after.commissionBp,
        creditLimit: after.creditLimit,
      });
      return after;
    },

    async remove(username, actor) {
      const a = await account(username);
      await db.transaction(async (trx) => {
        await trx('account_tokens').where({ account_id: a.id }).delete();
        await trx('admin_users').where({ id: a.id }).delete();
      });
      await audit.record(actor, 'account.remove', a.username, { role: a.role });
    },

    async find(username) {
      if (typeof username !== 'string') return undefined;
      const row = await rowOf(username);
      return row ? toView(row) : undefined;
    },

    async issueToken(username, password) {
      if (!(await admins.verify(username, password))) return undefined;
      const row = await rowOf(username);
      if (!row) return undefined;
      const token = `pn_${crypto.randomBytes(32).toString('base64url')}`;
      await db('account_tokens').insert({
        account_id: row.id,
        token_hash: tokenHash(token),
        created_at: clock.now(),
      });
      await audit.record({ name: row.username, via: 'api' }, 'account.token', row.username);
      return { token, account: toView(row) };
    },

    async byToken(token) {
      if (typeof token !== 'string' || token.length > 200) return undefined;
      const row = (await db('account_tokens as t')
        .join('admin_users as a', 'a.id', 't.account_id')
        .where('t.token_hash', tokenHash(token))
        .first('a.*')) as Row | undefined;
      return row ? toView(row) : undefined;
    },

    async remit(username, amount, actor, opts = {}) {
      const a = await reseller(username);
      await recordRemittance(ledger, a, remittanceAmount(amount), opts.advance === true, actor);
      return balanceView(a);
    },

    async remittances(username) {
      return listRemittances(db, (await reseller(username)).id);
    },

    async voidRemittance(username, id, reason, actor) {
      return voidRemittance(ledger, await reseller(username), id, reason, actor);
    },

    async balance(username) {
      return balanceView(await reseller(username));
    },

    async balances() {
      const rows = (await db('admin_users').where({ role: 'reseller' }).orderBy('username')) as Row[];
      return Promise.all(rows.map((r) => balanceView(toView(r))));
    },

    async ownsVoucher(accountId, code) {
      const row = await findVoucher(db, code);
      return row?.batch_id != null && ownsBatch(accountId, Number(row.batch_id));
    },

    ownsBatch,

    shiftMoney: (who, since, until) => shiftMoney(db, who, since, until),

    async shift(who, since, until) {
      const rows = (await db('vouchers as v')
        .join('batches as b', 'b.id', 'v.batch_id')
        .join('profiles as p', 'p.id', db.raw('COALESCE(v.sale_profile_id, v.profile_id)'))
        .modify((q) => {
          if (who.accountId !== null) q.where('b.account_id', who.accountId);
          else q.whereNull('b.account_id').where('b.created_by', who.name);
        })
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
    },
  };
}
