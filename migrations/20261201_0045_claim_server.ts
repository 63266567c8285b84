import type { Knex } from 'knex';

/**
 * `voucher_devices.claim_server`: the server that made a redemption's claim still unconfirmed (its name on the
 * database: src/db/site-leases.ts). A claim whose server is no longer running cannot be finished by it, so the
 * poll settles it at once instead of waiting out the grace period. Null for claims made before this column.
 * Plain ALTER TABLE: the table is not rebuilt (knex rebuilds a SQLite table to drop a column, and dropping the
 * old one would cascade into the rows that reference it; see migration 0008).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE voucher_devices ADD COLUMN claim_server VARCHAR(63)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE voucher_devices DROP COLUMN claim_server');
}
