import type { Knex } from 'knex';

/**
 * `login_failures`: wrong admin passwords in a row, per username and address, and until when that pair waits
 * before its next try (src/services/business/login-delays). Kept in the database so a restart neither forgets a guesser's
 * count nor is needed to let the owner back in (`pisonet admin unlock` clears it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_failures', (t) => {
    t.string('username', 64).notNullable();
    t.string('address', 64).notNullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.bigInteger('wait_until').notNullable().defaultTo(0);
    t.bigInteger('last_try_at').notNullable();
    t.primary(['username', 'address']);
    t.index(['last_try_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_failures');
}
