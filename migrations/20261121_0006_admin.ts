import type { Knex } from 'knex';

/** Admin accounts, sessions, the audit log and owner-editable settings. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_users', (t) => {
    t.increments('id').primary();
    t.string('username', 64).notNullable().unique();
    t.string('password_hash', 255).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('sess').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.bigInteger('ts').notNullable().index();
    t.string('actor', 64).notNullable();
    t.string('action', 64).notNullable();
    t.string('target', 128);
    t.text('details');
  });
  await knex.schema.createTable('settings', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settings');
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('admin_users');
}
