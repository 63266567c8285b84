import type { Knex } from 'knex';

/**
 * `subscribers.adopted_secret`: the router's `.id` of the `/ppp/secret` a subscriber was adopted from (it was on
 * the router before, not ours). The PPP room takes that one secret over in place (its comment and profile made
 * ours) instead of adding a second one beside it; null for every subscriber made here.
 *
 * A plain ALTER TABLE: knex's portable form rebuilds the table on SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscribers ADD COLUMN adopted_secret VARCHAR(32) NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscribers DROP COLUMN adopted_secret');
}
