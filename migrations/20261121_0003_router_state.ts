import type { Knex } from 'knex';

/** What the controller last knew about the router (identity, last poll, reconcile marks). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('router_state', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('router_state');
}
