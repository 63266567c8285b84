import type { Knex } from 'knex';

/**
 * The owner's card designs (src/domain/card-template.ts): the shop's (`scope` shop, `ref_id` 0), a profile's own
 * (`profile`, the profile's id) and a batch's own (`batch`, the batch's id). `body` is the template as JSON. No
 * foreign key: profiles and batches are never deleted (a profile is archived), and one column serves both.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('card_templates', (t) => {
    t.increments('id').primary();
    t.string('scope', 8).notNullable();
    t.integer('ref_id').notNullable().defaultTo(0);
    t.text('body').notNullable();
    t.string('updated_by', 64).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['scope', 'ref_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('card_templates');
}
