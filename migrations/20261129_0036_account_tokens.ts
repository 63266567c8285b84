import type { Knex } from 'knex';

/**
 * Bearer tokens an account asked for (POST /admin/api/tokens): only the token's SHA-256 is kept. They go with
 * their account (ON DELETE CASCADE), so a removed account's tokens stop at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_tokens', (t) => {
    t.increments('id').primary();
    t.integer('account_id').notNullable().references('admin_users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at');
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('account_tokens');
}
