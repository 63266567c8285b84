import type { Knex } from 'knex';

/**
 * The profile a voucher was sold as. A sold voucher moved to another plan keeps its sale under the plan it was
 * sold as (reports by profile), so `sale_profile_id` is set when a used voucher first changes profile; while it
 * is null the sale belongs to `profile_id`. The price at sale is already the voucher's own `price`.
 *
 * Plain ALTER TABLE statements on purpose: a foreign key here, or knex's portable dropColumn, makes knex rebuild
 * the vouchers table on SQLite, and dropping the old table cascades into devices and usage samples.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE vouchers ADD COLUMN sale_profile_id INTEGER');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE vouchers DROP COLUMN sale_profile_id');
}
