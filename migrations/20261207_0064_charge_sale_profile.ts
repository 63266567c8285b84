import type { Knex } from 'knex';

/**
 * The profile a sale of extra time (`extension`) or extra data (`overage`) was made on, in `from_profile_id`
 * (plan changes keep theirs in `from_profile_id`/`to_profile_id` already): the sales by profile count it there,
 * not under a plan the voucher was moved to later. Rows kept before are given the profile the voucher was on at
 * that time, as far as its plan changes tell it: the plan the latest plan change before it moved the voucher to,
 * else the plan the first plan change after it moved the voucher from, else the voucher's profile now. (A move
 * free or at no cost kept no charge, so it is not seen.)
 *
 * Plain SQL, the same on SQLite and PostgreSQL; no column added.
 */
const SAME_VOUCHER_CHANGE = `p.voucher_id = voucher_charges.voucher_id AND p.kind = 'plan_change'`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE voucher_charges SET from_profile_id = COALESCE(
      (SELECT p.to_profile_id FROM voucher_charges p
        WHERE ${SAME_VOUCHER_CHANGE}
          AND (p.created_at < voucher_charges.created_at
            OR (p.created_at = voucher_charges.created_at AND p.id < voucher_charges.id))
        ORDER BY p.created_at DESC, p.id DESC LIMIT 1),
      (SELECT p.from_profile_id FROM voucher_charges p
        WHERE ${SAME_VOUCHER_CHANGE}
          AND (p.created_at > voucher_charges.created_at
            OR (p.created_at = voucher_charges.created_at AND p.id > voucher_charges.id))
        ORDER BY p.created_at ASC, p.id ASC LIMIT 1),
      (SELECT v.profile_id FROM vouchers v WHERE v.id = voucher_charges.voucher_id))
    WHERE kind IN ('extension', 'overage') AND from_profile_id IS NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('voucher_charges').whereIn('kind', ['extension', 'overage']).update({ from_profile_id: null });
}
