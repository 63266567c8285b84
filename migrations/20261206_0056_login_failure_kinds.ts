import type { Knex } from 'knex';

/**
 * `login_failures` gets a `kind`: besides the admin login's count per username and address, the budgets across
 * names (per address) and the subscribers' portal sign-in (per account, per address), one table and one rule
 * (src/services/business/login-delays). `username` or `address` is '' where the kind has no such part. The counts so far
 * are kept, as the admin's.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_failures_next', (t) => {
    t.string('kind', 24).notNullable();
    t.string('username', 64).notNullable();
    t.string('address', 64).notNullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.bigInteger('wait_until').notNullable().defaultTo(0);
    t.bigInteger('last_try_at').notNullable();
    t.primary(['kind', 'username', 'address']);
    t.index(['last_try_at'], 'login_failures_kinds_last_try_at_index');
  });
  await knex.raw(
    `INSERT INTO login_failures_next (kind, username, address, failures, wait_until, last_try_at)
     SELECT 'admin', username, address, failures, wait_until, last_try_at FROM login_failures`,
  );
  await knex.schema.dropTable('login_failures');
  await knex.schema.renameTable('login_failures_next', 'login_failures');
}

export async function down(knex: Knex): Promise<void> {
  await knex('login_failures').whereNot('kind', 'admin').delete();
  await knex.schema.createTable('login_failures_prev', (t) => {
    t.string('username', 64).notNullable();
    t.string('address', 64).notNullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.bigInteger('wait_until').notNullable().defaultTo(0);
    t.bigInteger('last_try_at').notNullable();
    t.primary(['username', 'address']);
    t.index(['last_try_at'], 'login_failures_prev_last_try_at_index');
  });
  await knex.raw(
    `INSERT INTO login_failures_prev (username, address, failures, wait_until, last_try_at)
     SELECT username, address, failures, wait_until, last_try_at FROM login_failures`,
  );
  await knex.schema.dropTable('login_failures');
  await knex.schema.renameTable('login_failures_prev', 'login_failures');
}
