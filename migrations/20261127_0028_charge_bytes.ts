import type { Knex } from 'knex';

/**
 * The extra data a charge bought (`kind` overage: a profile's `overage` sold at the cap, at the counter or with a
 * vendo's coins; src/services/shop/vouchers/overage.ts), in bytes. NULL for kinds that buy no data (plan_change).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('voucher_charges', (t) => {
    t.bigInteger('bytes').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE voucher_charges DROP COLUMN bytes');
}
