/** What a Done needs to make a sale: the device's active voucher (for a top-up) and a fresh code. */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { generateCodes } from '../../domain/codes';
import type { CodeStyle } from '../../domain/code-style';
import { AppError } from '../../domain/errors';
import type { VoucherRow } from '../voucher-state';

export async function activeVoucherOfDevice(
  db: Knex,
  mac: string,
  now: number,
): Promise<VoucherRow | undefined> {
  return (await db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where('d.mac', mac)
    .where('v.status', 'active')
    .where((b) => b.whereNull('v.expires_at').orWhere('v.expires_at', '>', now))
    .orderBy('v.activated_at', 'desc')
    .first('v.*')) as VoucherRow | undefined;
}

/** A code in the shop's style that no voucher has, in any case (codes are unique case-blind, migration 0024). */
export async function newCode(trx: Knex, { alphabet, length, prefix }: CodeStyle): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const [code] = generateCodes(1, { alphabet, length, prefix }, crypto.randomBytes);
    if (!(await trx('vouchers').whereRaw('UPPER(code) = ?', [code.toUpperCase()]).first('id'))) return code;
  }
  throw new AppError(
    'CODES_EXHAUSTED',
    'Could not make a unique code; the shop should use longer codes',
    409,
  );
}
