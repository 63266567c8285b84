import type { Knex } from 'knex';

/**
 * `subscriber_suspensions.until_paid`: a suspension by hand that billing lifts as its own (`unpaid`) ones, as soon
 * as nothing is past due. False for every suspension made before (a suspension by hand stays until a hand lifts
 * it) and for billing's own, which are lifted by their cause.
 *
 * A plain ALTER TABLE: knex's portable form rebuilds the table on SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscriber_suspensions ADD COLUMN until_paid BOOLEAN NOT NULL DEFAULT FALSE');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscriber_suspensions DROP COLUMN until_paid');
}
