import type { Knex } from 'knex';

/** Events shown to the owner (usage alerts at 80/90/100 %, expiries, router outages). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.increments('id').primary();
    t.bigInteger('ts').notNullable();
    t.integer('voucher_id').references('vouchers.id').onDelete('CASCADE');
    t.string('kind', 32).notNullable(); // e.g. fup-80, cap-100, expired, exhausted, router-down
    t.string('level', 8).notNullable().defaultTo('info');
    t.string('message', 300).notNullable();
    t.text('data');
    t.index(['ts']);
    t.index(['voucher_id', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('events');
}
