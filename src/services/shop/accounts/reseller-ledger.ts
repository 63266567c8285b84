/**
 * A reseller's sums as the database holds them: its batches (Σ count × price, Σ count × wholesale) and the
 * money it handed over (voided remittances left out). Read by the balance and, inside the batch's own transaction, by the credit check
 * (src/services/shop/vouchers/generate.ts), so a batch is refused on the same figures the balance shows.
 */
import type { Knex } from 'knex';
import { isPostgres } from '../../../db/knex';
import { countAndSum } from '../../../db/tally';
import { balanceOf, type ResellerBalance } from '../../../domain/reseller';
import { subscriberTakings, voidedCharges } from '../reports/money-in';
import type { RemovedReseller, ShiftMoney } from './types';

export async function resellerBalance(db: Knex, accountId: number): Promise<ResellerBalance> {
  const [b] = (await db('batches')
    .where({ account_id: accountId })
    .whereNotNull('wholesale')
    .select(
      db.raw('COALESCE(SUM(count * price), 0) AS sold'),
      db.raw('COALESCE(SUM(count * wholesale), 0) AS wholesale'),
    )) as Array<{ sold: number | string; wholesale: number | string }>;
  const [r] = (await db('remittances')
    .where({ account_id: accountId })
    .whereNull('voided_at')
    .select(db.raw('COALESCE(SUM(amount), 0) AS remitted'))) as Array<{ remitted: number | string }>;
  return balanceOf({
    soldValue: Number(b.sold),
    wholesale: Number(b.wholesale),
    remitted: Number(r.remitted),
  });
}

/**
 * The resellers removed while they still owed (or had paid ahead): their batches and remittances outlive the
 * account, kept by its id. Named as they were (their last remittance's name, else their last batch's maker).
 */
export async function removedResellers(db: Knex): Promise<RemovedReseller[]> {
  const live = db('admin_users').select('id');
  const ids = (await db('batches')
    .whereNotNull('wholesale')
    .whereNotNull('account_id')
    .whereNotIn('account_id', live)
    .union((u) => u.from('remittances').whereNotIn('account_id', live).select('account_id'))
    .select('account_id')) as Array<{ account_id: number | string }>;
  const out: RemovedReseller[] = [];
  for (const id of [...new Set(ids.map((r) => Number(r.account_id)))].sort((a, b) => a - b)) {
    const balance = await resellerBalance(db, id);
    if (balance.owed !== 0) out.push({ accountId: id, username: await lastName(db, id), ...balance });
  }
  return out.sort((a, b) => a.username.localeCompare(b.username) || a.accountId - b.accountId);
}

async function lastName(db: Knex, accountId: number): Promise<string> {
  const r = (await db('remittances')
    .where({ account_id: accountId })
    .orderBy('id', 'desc')
    .first('username')) as { username: string } | undefined;
  if (r) return r.username;
  const b = (await db('batches')
    .where({ account_id: accountId })
    .orderBy('id', 'desc')
    .first('created_by')) as { created_by: string } | undefined;
  return b?.created_by ?? `account ${accountId}`;
}

/**
 * Serialises a reseller's batches on PostgreSQL (a row lock on its account until the transaction ends), so two
 * batches made at once cannot both pass the credit check; SQLite runs one write transaction at a time anyway.
 */
export async function lockAccount(trx: Knex.Transaction, accountId: number): Promise<void> {
  const q = trx('admin_users').where({ id: accountId }).first('id');
  await (isPostgres(trx) ? q.forUpdate() : q);
}

/** Narrows `batches as b` to the login's (by its account, the owner's by name: see shiftMoney). */
export const batchesOf = (who: { accountId: number | null; name: string }) => (q: Knex.QueryBuilder) => {
  if (who.accountId !== null) q.where('b.account_id', who.accountId);
  else q.whereNull('b.account_id').where('b.created_by', who.name);
};

/**
 * A login's counter sales, subscribers' payments and printed codes in [since, until) (the shift slip). Counter sales are the charges it
 * made (c.actor is the login's name), voided ones left out of the total and listed apart (who voided them, why); printed codes are the vouchers of the batches it generated then: a
 * reseller's or cashier's by its account, the owner's by name among the batches no account made.
 */
export async function shiftMoney(
  db: Knex,
  who: { accountId: number | null; name: string },
  since: number,
  until: number,
): Promise<ShiftMoney> {
  const counter = await countAndSum(
    db,
    db('voucher_charges')
      .where('actor', who.name)
      .where('amount', '>', 0)
      .whereNull('voided_at')
      .where('created_at', '>=', since)
      .where('created_at', '<', until),
    'amount',
  );
  const printed = await countAndSum(
    db,
    db('vouchers as v')
      .join('batches as b', 'b.id', 'v.batch_id')
      .modify(batchesOf(who))
      .where('v.staff', false)
      .where('b.created_at', '>=', since)
      .where('b.created_at', '<', until),
    'v.price',
  );
  return {
    counter: { count: counter.count, amount: counter.sum },
    printed: { count: printed.count, value: printed.sum },
    voided: await voidedCharges(db, { from: since, to: until, actor: who.name }),
    subscribers: await subscriberTakings(db, { from: since, to: until, actor: who.name }),
  };
}
