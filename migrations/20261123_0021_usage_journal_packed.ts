import type { Knex } from 'knex';

/**
 * The usage journal's rows packed (src/services/network/usage/journal-codec.ts): a poll writes its deltas as numbers in
 * `data` (SQLite BLOB, PostgreSQL bytea) and leaves `body` empty. Rows written before, as JSON in `body` with
 * `data` NULL, are folded as they are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('usage_journal', (t) => {
    t.binary('data').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('usage_journal', (t) => {
    t.dropColumn('data');
  });
}
