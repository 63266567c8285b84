/**
 * Money a reseller hands over, as a ledger: each remittance is a row that is never edited nor deleted. One above
 * what is owed is refused unless the owner marks it as an advance (a typo of ₱1,000 for ₱48 would otherwise lift
 * the reseller's credit limit); a mistake is undone by voiding the row, with who did it and why, and the balance
 * follows. The check and the write are one transaction with the account's row locked (reseller-ledger.ts), so
 * two remittances sent at once are checked one after the other, against the same figures.
 */
import type { Knex } from 'knex';
import { AppError, AboveOwedError, voidReason } from '../../../domain/errors';
import { formatMoney, parseMoney } from '../../../domain/quantities';
import type { Actor } from '../../business/audit/actor';
import type { ShopDeps } from '../../deps';
import { lockAccount, resellerBalance } from './reseller-ledger';
import type { RemittanceView } from './types';

/** ₱10,000,000: far above any reseller's debt to a shop or credit from it; a figure past it is a typo. */
const MAX_CENTAVOS = 10_000_000_00;

interface Row {
  id: number | string;
  amount: number | string;
  advance: boolean | number;
  recorded_by: string;
  created_at: number | string;
  voided_at: number | string | null;
  voided_by: string | null;
  void_reason: string | null;
}

const toView = (r: Row): RemittanceView => ({
  id: Number(r.id),
  amount: Number(r.amount),
  advance: Boolean(r.advance),
  at: Number(r.created_at),
  actor: r.recorded_by,
  voidedAt: r.voided_at === null ? null : Number(r.voided_at),
  voidedBy: r.voided_by,
  voidReason: r.void_reason,
});

/** Pesos (`parseMoney`'s forms) in centavos, up to MAX_CENTAVOS; undefined for anything else. */
export function centavosUpToMax(v: unknown, field: string): number | undefined {
  try {
    const centavos = parseMoney(v, field);
    return centavos > MAX_CENTAVOS ? undefined : centavos;
  } catch {
    return undefined;
  }
}

/** Pesos handed over, more than 0: in centavos, or 400 INVALID_INPUT naming `amount`. */
export function remittanceAmount(amount: unknown): number {
  const centavos = centavosUpToMax(amount, 'amount');
  if (centavos === undefined || centavos <= 0)
    throw new AppError(
      'INVALID_INPUT',
      'amount: use the pesos handed over, more than 0, like 500 or 1250.50',
      400,
      'amount',
      { amount: 'use an amount in pesos above 0, like 500 or 1250.50' },
    );
  return centavos;
}

/** A yes/no such as `advance` or `confirm` as JSON, a form or a query sends it: true, "true", "yes", "on", "1"; absent or anything else: false. */
export const yesFlag = (v: unknown): boolean =>
  v === true || (typeof v === 'string' && ['true', 'yes', 'on', '1'].includes(v.trim().toLowerCase()));

type LedgerDeps = Pick<ShopDeps, 'db' | 'clock' | 'audit'>;

/**
 * Records money handed over by the reseller `account`. Above what it owes now (or when it owes nothing): 409
 * REMITTANCE_ABOVE_OWED and nothing recorded, unless `advance`. Exactly what is owed is fine.
 */
export async function recordRemittance(
  d: LedgerDeps,
  account: { id: number; username: string },
  centavos: number,
  advance: boolean,
  actor: Actor,
): Promise<number> {
  const now = d.clock.now();
  const owed = await d.db.transaction(async (trx) => {
    await lockAccount(trx, account.id);
    const { owed } = await resellerBalance(trx, account.id);
    if (centavos > owed && !advance)
      throw new AboveOwedError(
        'REMITTANCE_ABOVE_OWED',
        `${formatMoney(centavos)} is more than the ${formatMoney(Math.max(owed, 0))} ${account.username} owes now. ` +
          'Check the amount; if the money was handed over ahead, record it as an advance.',
        owed,
        centavos,
      );
    await trx('remittances').insert({
      account_id: account.id,
      username: account.username,
      amount: centavos,
      advance,
      recorded_by: actor.name.slice(0, 64),
      created_at: now,
    });
    return owed - centavos;
  });
  await d.audit.record(actor, 'account.remittance', account.username, {
    amount: centavos,
    advance,
    owed,
    text: `${formatMoney(centavos)} received${advance ? ' (advance)' : ''}; ${formatMoney(owed)} still owed`,
  });
  return owed;
}

/** The reseller's remittances, newest first, voided ones included (with who voided them and why). */
export async function listRemittances(db: Knex, accountId: number, limit = 500): Promise<RemittanceView[]> {
  const rows = (await db('remittances')
    .where({ account_id: accountId })
    .orderBy('id', 'desc')
    .limit(limit)) as Row[];
  return rows.map(toView);
}

/**
 * Voids one remittance of the account: it stops counting in the balance. A reason is required (400 naming
 * `reason`); an id that is not this account's is 404 REMITTANCE_NOT_FOUND; a second void is 409
 * REMITTANCE_VOIDED (the conditional UPDATE: of two voids at once, one wins). Audited `remittance.void`.
 */
export async function voidRemittance(
  d: LedgerDeps,
  account: { id: number; username: string },
  id: unknown,
  reason: unknown,
  actor: Actor,
): Promise<RemittanceView> {
  const text = voidReason(reason, 'this remittance', 'typed 1000 for 48');
  const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d{1,12}$/.test(id) ? Number(id) : NaN;
  const find = () =>
    Number.isSafeInteger(n)
      ? (d.db('remittances').where({ id: n, account_id: account.id }).first() as Promise<Row | undefined>)
      : Promise.resolve(undefined);
  const before = await find();
  if (!before)
    throw new AppError(
      'REMITTANCE_NOT_FOUND',
      `${account.username} has no remittance #${String(id)}`,
      404,
      'id',
    );
  const now = d.clock.now();
  const changed = await d
    .db('remittances')
    .where({ id: n, account_id: account.id })
    .whereNull('voided_at')
    .update({ voided_at: now, voided_by: actor.name.slice(0, 64), void_reason: text });
  if (changed !== 1)
    throw new AppError(
      'REMITTANCE_VOIDED',
      `Remittance #${n} of ${account.username} was voided already; nothing was changed`,
      409,
      'id',
    );
  const { owed } = await resellerBalance(d.db, account.id);
  await d.audit.record(actor, 'remittance.void', account.username, {
    remittance: n,
    amount: Number(before.amount),
    reason: text,
    owed,
    text: `${formatMoney(Number(before.amount))} remittance #${n} voided (${text}); ${formatMoney(owed)} owed now`,
  });
  return toView((await find())!);
}
