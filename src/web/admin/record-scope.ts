/**
 * Records named in an admin address: how their ids are read, and whose they are. Every route with a numeric
 * `:id` reads it with parseRecordId, so `1.0`, `0x1`, `01`, `1e0` or ` 1` name nothing; and whose a batch or
 * a voucher is gets decided on the record as loaded (its batch's account), never on how the address was
 * spelled. A reseller's request for another account's batch or voucher gets the answer an unknown one gets.
 */
import type { Request } from 'express';
import { AppError } from '../../domain/errors';
import type { AccountService } from '../../services/types';

/** A record id as an address writes it: digits only, no leading zero, no sign, at most 16 digits. */
const RECORD_ID = /^[1-9][0-9]{0,15}$/;

/** The positive safe integer `raw` spells, or `notFound` (thrown) for any other spelling. */
export function parseRecordId(raw: unknown, notFound: () => AppError): number {
  if (typeof raw !== 'string' || !RECORD_ID.test(raw)) throw notFound();
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}

export const batchNotFound = () => new AppError('BATCH_NOT_FOUND', 'No such batch', 404);
const voucherNotFound = () => new AppError('VOUCHER_NOT_FOUND', 'No voucher with that code', 404, 'code');

type Owns = Pick<AccountService, 'ownsBatch'>;

/**
 * Refuses a reseller a batch that is not of its own account (`batchId` as loaded; null: no batch, nobody's),
 * with `notFound`. The owner and a cashier see every batch.
 */
export async function requireOwnBatch(
  accounts: Owns,
  req: Request,
  batchId: number | null,
  notFound: () => AppError = batchNotFound,
): Promise<void> {
  const account = req.actor?.account;
  if (account?.role !== 'reseller') return;
  if (batchId === null || !(await accounts.ownsBatch(account.id, batchId))) throw notFound();
}

/** A voucher as loaded (its batch): a reseller's own, or VOUCHER_NOT_FOUND. */
export const requireOwnVoucher = (accounts: Owns, req: Request, voucher: { batchId: number | null }) =>
  requireOwnBatch(accounts, req, voucher.batchId, voucherNotFound);
