/** What a Done needs to make a sale: the device's active voucher (for a top-up) and a fresh code. */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { DEFAULT_CODE_LENGTH, generateCodes } from '../../domain/codes';
import { AppError } from '../../lib/errors';
import type { VoucherRow } from '../voucher-state';
import type { SettingsService } from '../types';

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

/** The shop's code format, read before a transaction (the pool has one connection: never inside one). */
export async function shopCodeFormat(settings: SettingsService): Promise<{ length: number; prefix: string }> {
  return {
    length: Number(await settings.get('voucher.code_length', DEFAULT_CODE_LENGTH)),
    prefix: String(await settings.get('voucher.prefix', '')),
  };
}

export async function newCode(
  trx: Knex,
  { length, prefix }: { length: number; prefix: string },
): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const [code] = generateCodes(1, { length, prefix }, crypto.randomBytes);
    if (!(await trx('vouchers').where({ code }).first('id'))) return code;
  }
  throw new AppError(
    'CODES_EXHAUSTED',
    'Could not make a unique code; the shop should use longer codes',
    409,
  );
}
