import type { Knex } from 'knex';

/**
 * When a subscriber's billing starts, as it was added: `paid_until` (the last day paid elsewhere, before it came
 * over: no invoice covers a day on or before it), `opening_balance` (centavos brought forward, issued as one
 * invoice the day it was added) and `opening_due_on` (that invoice's due date). All empty for every subscriber
 * added before. A subscriber whose service starts later has the status `scheduled` (a plain string column).
 *
 * Plain ALTER TABLEs: knex's portable form rebuilds the table on SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscribers ADD COLUMN paid_until VARCHAR(10)');
  await knex.raw('ALTER TABLE subscribers ADD COLUMN opening_balance BIGINT');
  await knex.raw('ALTER TABLE subscribers ADD COLUMN opening_due_on VARCHAR(10)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE subscribers DROP COLUMN opening_due_on');
  await knex.raw('ALTER TABLE subscribers DROP COLUMN opening_balance');
  await knex.raw('ALTER TABLE subscribers DROP COLUMN paid_until');
}
