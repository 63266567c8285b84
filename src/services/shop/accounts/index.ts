/**
 * The owner's cashiers and resellers: logins kept beside the owner's in admin_users (the same scrypt hashes,
 * the same login page and limits), with a role and a reseller's terms; their bearer tokens (only a SHA-256 of
 * each is kept); a reseller's remittances and balance; each login's end-of-shift sales.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { ACCOUNT_ROLES } from '../../../domain/roles';
import type { ShopDeps } from '../../deps';
import type { AdminAccountService } from '../../business/admins/types';
import type { AccountService, AccountView } from './types';
import { removedResellers, shiftMoney } from './reseller-ledger';
import { listRemittances, recordRemittance, remittanceAmount, voidRemittance } from './remittances';
import { findVoucher } from '../vouchers/queries';
import {
  balanceView,
  ownsBatch,
  resellerNamed,
  rowOf,
  shiftSales,
  tokenHash,
  toView,
  type Row,
} from './rows';
import { createAccount, removeAccount, updateAccount } from './changes';

export function createAccountService(deps: ShopDeps, admins: AdminAccountService): AccountService {
  const { db } = deps;
  const reseller = (username: string) => resellerNamed(db, username);
  const balanceOf = (a: AccountView) => balanceView(db, a);

  return {
    list: async () =>
      ((await db('admin_users').whereIn('role', ACCOUNT_ROLES).orderBy('username')) as Row[]).map(toView),
    create: (input, actor) => createAccount(deps, input, actor),
    update: (username, input, actor) => updateAccount(deps, username, input, actor),
    remove: (username, actor, opts = {}) => removeAccount(deps, username, actor, opts.confirmed === true),
    async find(username) {
      if (typeof username !== 'string') return undefined;
      const row = await rowOf(db, username);
      return row ? toView(row) : undefined;
    },
    async issueToken(username, password) {
      if (!(await admins.verify(username, password))) return undefined;
      return issueToken(deps, username);
    },
    byToken: (token) => accountByToken(db, token),
    remit: async (username, amount, actor, opts = {}) => {
      const a = await reseller(username);
      await recordRemittance(deps, a, remittanceAmount(amount), opts.advance === true, actor);
      return balanceOf(a);
    },
    remittances: async (username) => listRemittances(db, (await reseller(username)).id),
    voidRemittance: async (username, id, reason, actor) =>
      voidRemittance(deps, await reseller(username), id, reason, actor),
    balance: async (username) => balanceOf(await reseller(username)),
    balances: async () => {
      const rows = (await db('admin_users').where({ role: 'reseller' }).orderBy('username')) as Row[];
      return Promise.all(rows.map((r) => balanceOf(toView(r))));
    },
    removedBalances: () => removedResellers(db),
    async ownsVoucher(accountId, code) {
      const row = await findVoucher(db, code);
      return row?.batch_id != null && ownsBatch(db, accountId, Number(row.batch_id));
    },
    ownsBatch: (accountId, batchId) => ownsBatch(db, accountId, batchId),
    shiftMoney: (who, since, until) => shiftMoney(db, who, since, until),
    shift: (who, since, until) => shiftSales(db, who, since, until),
  };
}

/** A new bearer token for a login whose password was just checked (only its SHA-256 is kept). Audited. */
async function issueToken(deps: Pick<ShopDeps, 'db' | 'clock' | 'audit'>, username: string) {
  const { db, clock, audit } = deps;
  const row = await rowOf(db, username);
  if (!row) return undefined;
  const token = `pn_${crypto.randomBytes(32).toString('base64url')}`;
  await db('account_tokens').insert({
    account_id: row.id,
    token_hash: tokenHash(token),
    created_at: clock.now(),
  });
  await audit.record({ name: row.username, via: 'api' }, 'account.token', row.username);
  return { token, account: toView(row) };
}

async function accountByToken(db: Knex, token: unknown): Promise<AccountView | undefined> {
  if (typeof token !== 'string' || token.length > 200) return undefined;
  const row = (await db('account_tokens as t')
    .join('admin_users as a', 'a.id', 't.account_id')
    .where('t.token_hash', tokenHash(token))
    .first('a.*')) as Row | undefined;
  return row ? toView(row) : undefined;
}
