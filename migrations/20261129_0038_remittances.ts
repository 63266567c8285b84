import type { Knex } from 'knex';

/**
 * Money a reseller handed over to the owner, in centavos. Kept by account id without a foreign key: the
 * record outlives the account, as the batches it paid for do.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('remittances', (t) => {
    t.increments('id').primary();
    t.integer('account_id').notNullable();
    t.string('username', 64).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('recorded_by', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('remittances');
}
