/**
 * Extra data on a running voucher (see index.ts for the whole lifecycle): bought at its cap (a plan's `overage`,
 * at the counter or with a vendo's coins), or a code of a capped plan typed on the portal by a device whose
 * voucher waits at its cap. Both raise `extra_bytes` only (its time is not touched), conditional on the voucher
 * still being active with the extra data it was read with, so two purchases racing never add once.
 */
import type { Knex } from 'knex';
import type { VoucherRow } from '../vouchers/types';

type Running = Pick<VoucherRow, 'id' | 'extra_bytes'>;

/** A second code used up on the running voucher `first` of its device (a top-up, extra data), at `at`. */
export interface SecondCode {
  first: Pick<VoucherRow, 'id'>;
  second: Pick<VoucherRow, 'id'>;
  /** Masked code of the first, for the second's end reason. */
  firstLabel: string;
  at: number;
  /** The site where it was used: a roaming second code becomes that site's (its sale is counted there). */
  siteId?: number;
}

/** Another writer changed one of the two vouchers of a top-up in between; the caller reads again. */
export class TopUpRaced extends Error {
  constructor() {
    super('a voucher of the top-up changed in the meantime');
    this.name = 'TopUpRaced';
  }
}

/** `bytes` more on the voucher's cap, in the caller's transaction; false when it changed or ended meanwhile. */
export async function addExtraData(db: Knex, row: Running, bytes: number, at: number): Promise<boolean> {
  const before = Number(row.extra_bytes ?? 0);
  const n = await db('vouchers')
    .where({ id: row.id, status: 'active', extra_bytes: before })
    .update({ extra_bytes: before + bytes, updated_at: at });
  return n === 1;
}

/**
 * Extra data taken back (its sale voided): `bytes` less on the voucher's cap, in the caller's transaction,
 * conditional on the extra data it was read with; false when it changed meanwhile. The caller takes back no more
 * than is left unused, so the cap never drops below what the customer has used.
 */
export async function takeBackExtraData(db: Knex, row: Running, bytes: number, at: number): Promise<boolean> {
  const before = Number(row.extra_bytes ?? 0);
  const n = await db('vouchers')
    .where({ id: row.id, extra_bytes: before })
    .update({ extra_bytes: Math.max(0, before - bytes), updated_at: at });
  return n === 1;
}

/**
 * A second code sold as extra data: the code is consumed as an "add" top-up consumes its second code (unused →
 * expired, sold now, `topped_up_into` the first) and its data cap is added to the first's, in the caller's
 * transaction. Throws TopUpRaced when either row is no longer as it was read (the transaction rolls back:
 * never a consumed code without its data added).
 */
export async function addDataCode(
  db: Knex,
  t: SecondCode & { first: Running; bytes: number },
): Promise<void> {
  const consumed = await consumeSecondCode(db, t, `data added to ${t.firstLabel}`);
  const credited = await addExtraData(db, t.first, t.bytes, t.at);
  if (!consumed || !credited) throw new TopUpRaced();
}

/**
 * A code used up as a top-up of another voucher (its time and data added, or its data only): unused → expired,
 * sold now (`activated_at`), `topped_up_into` the first, in the caller's transaction. False when it is no longer
 * unused (or was kept for a device meanwhile).
 */
export async function consumeSecondCode(db: Knex, t: SecondCode, reason: string): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id: t.second.id, status: 'unused' })
    .whereNull('queued_mac')
    .update({
      status: 'expired',
      activated_at: t.at,
      ended_at: t.at,
      end_reason: reason.slice(0, 64),
      topped_up_into: t.first.id,
      ...(t.siteId !== undefined ? { site_id: t.siteId } : {}),
      updated_at: t.at,
    });
  return n === 1;
}
