import type { Knex } from 'knex';

/**
 * The usage journal: each poll appends its metered deltas as ONE row (the JSON text, with the
 * counter baselines they were measured against) in the same transaction as the rest of the poll's writes,
 * and a fold adds the rows into `voucher_devices`, `vouchers`, the samples and the rollup a minute or so
 * later, deleting them in the same transaction. A row lives from one poll to the next fold; one site's
 * rows are written and folded by the one server polling that site.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_journal', (t) => {
    t.increments('id').primary();
    t.integer('site_id').notNullable();
    t.bigInteger('ts').notNullable(); // the poll's time, ms since epoch
    t.text('body').notNullable();
    t.index(['site_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('usage_journal');
}
