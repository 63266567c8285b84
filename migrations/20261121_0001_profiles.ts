import type { Knex } from 'knex';

/** Profiles: the sellable tiers. `spec` holds the profile in the profiles.json format (validated by src/domain/profiles). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('profiles', (t) => {
    t.increments('id').primary();
    t.string('name', 32).notNullable();
    t.integer('price').notNullable(); // centavos
    t.text('spec').notNullable(); // JSON, profiles.json format
    t.string('source', 16).notNullable().defaultTo('file'); // file | admin
    t.boolean('archived').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // Names are unique regardless of case. SQLite's NOCASE collation; PostgreSQL has none by that name, and an
  // index on LOWER(name) says the same there (queries compare LOWER(name) on both engines).
  if (knex.client.config.client === 'pg')
    await knex.raw('CREATE UNIQUE INDEX profiles_name_nocase ON profiles (LOWER(name))');
  else await knex.raw('CREATE UNIQUE INDEX profiles_name_nocase ON profiles (name COLLATE NOCASE)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('profiles');
}
