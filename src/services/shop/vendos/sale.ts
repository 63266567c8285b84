/** What a Done needs to make a sale: the device's active voucher (for a top-up) and a fresh code. */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { generateCodes } from '../../../domain/codes';
import type { CodeStyle } from '../../../domain/code-style';
import { AppError } from '../../../domain/errors';
import { profileFromRow, type ProfileRow, type VoucherRow } from '../vouchers/state';
import { newPassword } from '../vouchers/code-style';
import { assertSoldAsVoucher } from '../profiles/billing';

export async function activeVoucherOfDevice(db: Knex, mac: string, now: number) {
  return (await db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where('d.mac', mac)
    .where('v.status', 'active')
    .where((b) => b.whereNull('v.expires_at').orWhere('v.expires_at', '>', now))
    .orderBy('v.activated_at', 'desc')
    .first('v.*')) as VoucherRow | undefined;
}

/** A code in the shop's style that no voucher has, in any case (codes are unique case-blind, migration 0024). */
async function newCode(trx: Knex, { alphabet, length, prefix }: CodeStyle): Promise<string> {
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

/**
 * A voucher sold for one device (a vendo's Done, an online payment): a fresh code in the shop's style, of
 * `profileRow`, at `price`, with `seconds` of time (the profile's own when absent), unused until the sale logs
 * the device in. Made inside the caller's transaction, beside what the sale claims (coins, a payment).
 */
export async function insertSaleVoucher(
  trx: Knex,
  style: CodeStyle,
  sale: {
    profileRow: ProfileRow;
    price: number;
    seconds?: number;
    vendoId?: string | null;
    siteId: number | null;
    roaming: boolean;
    now: number;
  },
): Promise<{ id: number; code: string }> {
  const profile = profileFromRow(sale.profileRow);
  // A profile made monthly after the vendo or the checkout was set up: no code is sold for it.
  assertSoldAsVoucher({ name: sale.profileRow.name, profile });
  const code = await newCode(trx, style);
  const id = insertedId(
    await trx('vouchers')
      .insert({
        code,
        // Never typed by this customer (the sale logs the phone in), but it guards the code as a card's does.
        password: newPassword(style),
        profile_id: sale.profileRow.id,
        batch_id: null,
        price: sale.price,
        rate_limit_up: profile.rateUp,
        rate_limit_down: profile.rateDown,
        staff: false,
        status: 'unused',
        // The profile's validity plus this: the time bought (negative when it bought less).
        extra_seconds: sale.seconds === undefined ? 0 : sale.seconds - (profile.validitySeconds ?? 0),
        vendo_id: sale.vendoId ?? null,
        site_id: sale.siteId,
        roaming: sale.roaming,
        created_at: sale.now,
        updated_at: sale.now,
      })
      .returning('id'),
  );
  return { id, code };
}
