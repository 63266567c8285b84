import type { Knex } from 'knex';

/**
 * `remittances.advance`: the owner said this money was handed over ahead of what the reseller owed (it may take
 * what is owed below zero). A remittance above what is owed is refused without it (src/services/shop/accounts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('remittances', (t) => {
    t.boolean('advance').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE remittances DROP COLUMN advance');
}
